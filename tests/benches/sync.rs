//! Sync benchmark: the core syncing the catalogue with the reference portal through the fault
//! proxy, which counts the bytes on the wire. Run with `cargo bench -p longan-tests --bench sync`.
//!
//! Prints: the first full sync (requests, wire bytes), a re-sync with nothing changed (target:
//! one request, a 304, under 1 KB), a re-sync after 1 % of the procedures changed (target: under
//! 3 % of the full sync's bytes), and the full sync through a 2G-like link (20 kB/s, 300 ms
//! added latency): seconds to the first page and to the end.

use std::time::{Duration, Instant};

use longan_core::Cancellation;
use longan_core::net::NetConfig;
use longan_tests::fault_proxy::{Fault, ProxyStats};
use longan_tests::portal_fixture::{Fixture, small_seed};

/// Production page size (what the apps use).
const PAGE: u32 = 500;

fn wire(stats: ProxyStats) -> u64 {
    stats.bytes_to_client + stats.bytes_from_client
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let core = fixture.core(dir.path(), &small_seed());
    let client = fixture.client_with(NetConfig::production());
    let cancel = Cancellation::new();

    fixture.proxy.reset_stats();
    let started = Instant::now();
    let full = core
        .sync_catalog(&client, PAGE, &cancel)
        .await
        .expect("full sync");
    let full_time = started.elapsed();
    let full_wire = fixture.proxy.stats();

    fixture.proxy.reset_stats();
    let unchanged = core
        .sync_catalog(&client, PAGE, &cancel)
        .await
        .expect("re-sync");
    let unchanged_wire = fixture.proxy.stats();

    let (status, body) = fixture.control("POST", "/test/touch?percent=1", "");
    assert_eq!(status, 200, "{body}");
    fixture.proxy.reset_stats();
    let changed = core
        .sync_catalog(&client, PAGE, &cancel)
        .await
        .expect("re-sync after changes");
    let changed_wire = fixture.proxy.stats();

    // The same full sync over a 2G-like link, into a fresh data directory.
    let slow_dir = tempfile::tempdir().expect("temp dir");
    let slow_core = fixture.core(slow_dir.path(), &small_seed());
    fixture
        .proxy
        .set_fault(Fault::link(Duration::from_millis(300), 20_000));
    let started = Instant::now();
    let first = longan_core::portal::Portal::catalog_changes(&client, None, PAGE, None, &cancel)
        .await
        .expect("first page");
    let first_page_time = started.elapsed();
    drop(first);
    let started = Instant::now();
    let slow = slow_core
        .sync_catalog(&client, PAGE, &cancel)
        .await
        .expect("2G sync");
    let slow_time = started.elapsed();
    fixture.proxy.clear_fault();

    println!(
        "catalogue served by the portal: {} procedures; page size {PAGE}",
        full.upserts
    );
    println!();
    println!("| sync | requests | wire bytes | upserts | deletes | time |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| first (full snapshot) | {} | {:.1} kB | {} | {} | {:.2} s (loopback) |",
        full_wire.requests,
        kb(wire(full_wire)),
        full.upserts,
        full.deletes,
        full_time.as_secs_f64()
    );
    println!(
        "| again, nothing changed | {} | {} B{} | {} | {} | |",
        unchanged_wire.requests,
        wire(unchanged_wire),
        if unchanged.not_modified { " (304)" } else { "" },
        unchanged.upserts,
        unchanged.deletes
    );
    println!(
        "| after 1 % changed | {} | {:.1} kB ({:.2} % of full) | {} | {} | |",
        changed_wire.requests,
        kb(wire(changed_wire)),
        100.0 * wire(changed_wire) as f64 / wire(full_wire) as f64,
        changed.upserts,
        changed.deletes
    );
    println!(
        "| full over 2G (20 kB/s, +300 ms) | {} | | {} | | {:.1} s; first page {:.1} s |",
        slow.requests,
        slow.upserts,
        slow_time.as_secs_f64(),
        first_page_time.as_secs_f64()
    );
    println!();
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!(
        "targets: nothing changed = 1 request, 304, < 1 KB: {}; 1 % changed < 3 % of full: {}",
        verdict(
            unchanged_wire.requests == 1 && unchanged.not_modified && wire(unchanged_wire) < 1024
        ),
        verdict((wire(changed_wire) as f64) < 0.03 * wire(full_wire) as f64)
    );
}
