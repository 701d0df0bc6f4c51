//! The child process of the crash test (`tests/tests/crash.rs`): works on a data directory —
//! catalogue syncs, follows, 1022 feedback queued and delivered, inbox writes — until it is
//! killed. After each write the core acknowledged (returned from), it prints an `ACK` line and
//! flushes, so the parent knows what must survive the kill.
//!
//! Usage: `crash_worker <data dir> <portal URL> <seed>`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use longan_core::catalog::CatalogSource;
use longan_core::feedback::Feedback;
use longan_core::net::{HttpClient, NetConfig};
use longan_core::outbox::ItemState;
use longan_core::portal::HttpPortal;
use longan_core::portal::wire::FeedbackCategory;
use longan_core::{Cancellation, Core};

fn ack(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ACK {line}");
    let _ = out.flush();
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(url), Some(seed)) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: crash_worker <data dir> <portal URL> <seed>");
        std::process::exit(2);
    };
    let seed: u64 = seed.parse().expect("a numeric seed");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(work(PathBuf::from(dir), url, seed));
}

async fn work(dir: PathBuf, url: String, seed: u64) {
    let source = CatalogSource::Portal(url.clone());
    let core = Core::open_source(
        &dir,
        Some(&longan_tests::portal_fixture::small_seed()),
        source,
    )
    .expect("the core opens after a kill");
    ack("open");
    let client = HttpClient::new(NetConfig::for_tests(), core.clock().clone()).expect("client");
    let portal = HttpPortal::new(&url, client);
    let demo = core.demo_portal().expect("the demo");
    let codes = demo.demo_codes();
    let cancel = Cancellation::new();
    let mut rng = fastrand::Rng::with_seed(seed);
    for step in 0.. {
        match rng.u8(0..5) {
            0 => {
                if core.sync_catalog(&portal, 500, &cancel).await.is_ok() {
                    ack(&format!("sync {}", core.catalog_len()));
                }
            }
            1 => {
                let (code, verifier) = &codes[rng.usize(0..codes.len())];
                if core
                    .look_up_dossier(&demo, code, verifier, &cancel)
                    .await
                    .is_ok()
                    && core.set_dossier_followed(code, true).is_ok()
                {
                    ack(&format!("follow {code}"));
                }
            }
            2 => {
                let text = format!("Phản ánh thử nghiệm {seed}-{step}");
                let draft = Feedback::new(FeedbackCategory::PublicService, text);
                if let Ok(id) = core.queue_feedback(&draft) {
                    ack(&format!("feedback {id}"));
                }
            }
            3 => {
                let minutes = rng.u64(1..20);
                let _ = core.advance_demo(Duration::from_secs(minutes * 60));
                if core.refresh_followed(&demo, &cancel).await.is_ok()
                    && let Ok(notes) = core.notifications(10_000)
                {
                    for note in notes {
                        ack(&format!("note {}", note.id.as_str()));
                    }
                }
            }
            _ => {
                if let Ok(changes) = core.deliver_outbox(Some(&portal), &cancel).await {
                    for change in changes {
                        if matches!(change.state, ItemState::Sent { .. }) {
                            ack(&format!("sent {}", change.id));
                        }
                    }
                }
            }
        }
    }
}
