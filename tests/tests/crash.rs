//! End-to-end: the core in a child process (`crash_worker`) syncing, following, queuing and
//! delivering 1022 feedback and filling the inbox, killed with SIGKILL at random moments. After
//! each kill the stores open, no record is torn, every write the core acknowledged is there,
//! and the inbox has no duplicates; at the end every outbox item has reached the reference
//! portal exactly once. 50 kills in the normal run; `LONGAN_CRASH_ITERATIONS=200` for more.
//! The figures are written into `docs/reliability.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use longan_core::catalog::CatalogSource;
use longan_core::feedback::FeedbackStatus;
use longan_core::net::{HttpClient, NetConfig};
use longan_core::portal::HttpPortal;
use longan_core::{Cancellation, Core};
use longan_tests::portal_fixture::{Fixture, small_seed};
use longan_tests::reliability_doc::write_generated_section;

/// What the child said it had done before it was killed.
#[derive(Default)]
struct Acknowledged {
    feedback: BTreeSet<String>,
    sent: BTreeSet<String>,
    follows: BTreeSet<String>,
    notes: BTreeSet<String>,
    lines: usize,
}

impl Acknowledged {
    fn read(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix("ACK ") else {
            return;
        };
        self.lines += 1;
        let (kind, value) = rest.split_once(' ').unwrap_or((rest, ""));
        let set = match kind {
            "feedback" => &mut self.feedback,
            "sent" => &mut self.sent,
            "follow" => &mut self.follows,
            "note" => &mut self.notes,
            _ => return,
        };
        set.insert(value.to_string());
    }
}

fn open(dir: &std::path::Path, url: &str) -> Core {
    Core::open_source(
        dir,
        Some(&small_seed()),
        CatalogSource::Portal(url.to_string()),
    )
    .expect("the stores open after a kill")
}

/// Checks the data directory against everything acknowledged so far; returns the problems.
fn check(core: &Core, acked: &Acknowledged) -> Vec<String> {
    let mut problems = Vec::new();
    let feedback = core.feedback_list().expect("the feedback reads back");
    let ids: BTreeMap<String, &FeedbackStatus> = feedback
        .iter()
        .map(|entry| (entry.id.to_string(), &entry.status))
        .collect();
    for id in &acked.feedback {
        if !ids.contains_key(id) {
            problems.push(format!("acknowledged feedback {id} is gone"));
        }
    }
    for id in &acked.sent {
        match ids.get(id) {
            Some(FeedbackStatus::Sent | FeedbackStatus::Received { .. }) => {}
            other => problems.push(format!("feedback {id} was sent, now {other:?}")),
        }
    }
    let followed: BTreeSet<String> = core
        .followed_dossiers()
        .expect("the follows read back")
        .into_iter()
        .map(|tracked| tracked.dossier.code)
        .collect();
    for code in &acked.follows {
        if !followed.contains(code) {
            problems.push(format!("acknowledged follow {code} is gone"));
        }
    }
    let notes = core.notifications(100_000).expect("the inbox reads back");
    let note_ids: Vec<&str> = notes.iter().map(|note| note.id.as_str()).collect();
    let distinct: BTreeSet<&str> = note_ids.iter().copied().collect();
    if distinct.len() != note_ids.len() {
        problems.push(format!(
            "the inbox holds {} notifications for {} events",
            note_ids.len(),
            distinct.len()
        ));
    }
    for id in &acked.notes {
        if !distinct.contains(id.as_str()) {
            problems.push(format!("acknowledged notification {id} is gone"));
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_core_killed_at_random_moments_loses_no_acknowledged_write_and_delivers_each_item_once() {
    let iterations: u64 = std::env::var("LONGAN_CRASH_ITERATIONS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(50);
    let fixture = Fixture::start().await;
    let url = fixture.proxy.url();
    let dir = tempfile::tempdir().unwrap();
    let mut acked = Acknowledged::default();
    let mut rng = fastrand::Rng::with_seed(20_261_204);
    let mut reopen_ms = Vec::new();
    let mut problems = Vec::new();
    let started = Instant::now();
    for iteration in 0..iterations {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash_worker"))
            .arg(dir.path())
            .arg(&url)
            .arg(rng.u64(..).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the worker starts");
        let stdout = child.stdout.take().expect("its output");
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(rng.u64(100..1500)));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        for line in reader.join().expect("the output is read") {
            acked.read(&line);
        }
        let reopened = Instant::now();
        let core = open(dir.path(), &url);
        reopen_ms.push(reopened.elapsed().as_secs_f64() * 1000.0);
        for problem in check(&core, &acked) {
            problems.push(format!("after kill {iteration}: {problem}"));
        }
    }
    // Deliver what is left, then count at the portal.
    let core = open(dir.path(), &url);
    let client = HttpClient::new(NetConfig::for_tests(), core.clock().clone()).unwrap();
    let portal = HttpPortal::new(&url, client);
    for _ in 0..5 {
        core.deliver_outbox(Some(&portal), &Cancellation::new())
            .await
            .expect("the outbox delivers");
    }
    let items = core.feedback_list().unwrap();
    let pending = items
        .iter()
        .filter(|entry| {
            !matches!(
                entry.status,
                FeedbackStatus::Sent | FeedbackStatus::Received { .. }
            )
        })
        .count();
    let (status, body) = fixture.control("GET", "/test/feedback", "");
    assert_eq!(status, 200, "{body}");
    let counts: serde_json::Value = serde_json::from_str(&body).unwrap();
    let stored = counts["stored"].as_u64().unwrap();
    let posts: u64 = counts["posts"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(serde_json::Value::as_u64)
        .sum();
    reopen_ms.sort_by(f64::total_cmp);
    let median = reopen_ms[reopen_ms.len() / 2];
    let worst = reopen_ms.last().copied().unwrap_or_default();
    let summary = format!(
        "Measured by `a_core_killed_at_random_moments_loses_no_acknowledged_write_and_delivers_each_item_once`: \
         {iterations} SIGKILLs at random moments (0.1–1.5 s into a child working on one data directory), \
         {} writes acknowledged before the kills ({} feedback queued, {} delivered, {} follows, \
         {} notifications), {} problems found after the kills. Reopening after a kill: median \
         {median:.0} ms, worst {worst:.0} ms. At the end {} feedback items, {pending} still \
         pending; the portal stored {stored} from {posts} POSTs (repeats after a lost answer are \
         replayed by idempotency key, not stored twice). Total run {:.0} s.\n",
        acked.lines,
        acked.feedback.len(),
        acked.sent.len(),
        acked.follows.len(),
        acked.notes.len(),
        problems.len(),
        items.len(),
        started.elapsed().as_secs_f64()
    );
    println!("{summary}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(pending, 0, "every item is delivered in the end");
    assert_eq!(
        stored,
        items.len() as u64,
        "each item reached the portal exactly once"
    );
    assert!(
        acked.feedback.len() >= 5,
        "the run did too little to prove anything"
    );
    write_generated_section("crash", &summary);
}
