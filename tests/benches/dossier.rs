//! Dossier benchmark: a cold start to a followed dossier shown from the offline cache (target
//! under 20 ms), and a dossier lookup through the fault proxy's 2G-like link (20 kB/s, +300 ms).
//! Run with `cargo bench -p longan-tests --bench dossier`.

use std::time::{Duration, Instant};

use longan_core::{Cancellation, Core};
use longan_tests::fault_proxy::Fault;
use longan_tests::portal_fixture::{Fixture, small_seed};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn wire(fixture: &Fixture) -> u64 {
    let stats = fixture.proxy.stats();
    stats.bytes_to_client + stats.bytes_from_client
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let cancel = Cancellation::new();
    let (code, verifier) = fixture.demo_dossiers()[0].clone();
    {
        let core = Core::open(dir.path(), Some(&small_seed())).expect("open");
        let portal = fixture.client_for(&core);
        core.look_up_dossier(&portal, &code, &verifier, &cancel)
            .await
            .expect("lookup");
        core.set_dossier_followed(&code, true).expect("follow");
    }
    let cold = median(
        (0..9)
            .map(|_| {
                let started = Instant::now();
                let core = Core::open(dir.path(), None).expect("open");
                let followed = core.followed_dossiers().expect("followed");
                let due = core.dossier_due(&followed[0].dossier);
                let elapsed = started.elapsed();
                std::hint::black_box((followed, due));
                drop(core);
                elapsed
            })
            .collect(),
    );

    // Over 2G: a first lookup on a phone that never saw the dossier, then a refresh (a 304).
    fixture
        .proxy
        .set_fault(Fault::link(Duration::from_millis(300), 20_000));
    let fresh = tempfile::tempdir().expect("temp dir");
    let core = Core::open(fresh.path(), Some(&small_seed())).expect("open");
    let portal = fixture.client_for(&core);
    fixture.proxy.reset_stats();
    let started = Instant::now();
    core.look_up_dossier(&portal, &code, &verifier, &cancel)
        .await
        .expect("2G lookup");
    let first = (started.elapsed(), wire(&fixture));
    fixture.proxy.reset_stats();
    let started = Instant::now();
    core.look_up_dossier(&portal, &code, &verifier, &cancel)
        .await
        .expect("2G refresh");
    let refresh = (started.elapsed(), wire(&fixture));
    fixture.proxy.clear_fault();

    println!("| measure | figure | target |");
    println!("|---|---|---|");
    println!(
        "| cold start to a followed dossier from the offline cache (open + list + due state) | {:.1} ms (median of 9) | < 20 ms: {} |",
        cold.as_secs_f64() * 1000.0,
        if cold < Duration::from_millis(20) {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "| first dossier lookup over 2G (20 kB/s, +300 ms) | {:.2} s, {} B on the wire | |",
        first.0.as_secs_f64(),
        first.1
    );
    println!(
        "| refresh of the same dossier over 2G (304) | {:.2} s, {} B on the wire | |",
        refresh.0.as_secs_f64(),
        refresh.1
    );
}
