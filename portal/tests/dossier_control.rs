//! Test control of the dossiers: status changes within the lifecycle only, `advance`, the
//! clock and the rate limit, over HTTP.

mod common;

use common::dossiers::Demo;
use common::{Harness, expect_problem};
use longan_core::dossier::model::Dossier;
use longan_core::dossier::status::{ALL, DossierStatus};
use longan_core::portal::wire::problem_types;
use longan_portal::problem_types::IMPOSSIBLE_TRANSITION;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

fn status_path(demo: &Demo) -> String {
    format!("/test/dossiers/{}/status", demo.code)
}

async fn set(harness: &Harness, demo: &Demo, status: DossierStatus) -> Response {
    let body = json!({ "status": status, "note": "thử nghiệm" });
    harness.post_json(&status_path(demo), &body).await
}

async fn advance(harness: &Harness, demo: &Demo) -> Response {
    harness
        .post_json(
            &format!("/test/dossiers/{}/advance", demo.code),
            &Value::Null,
        )
        .await
}

/// The shortest way from registration to `target` through the lifecycle.
fn path_to(target: DossierStatus) -> Vec<DossierStatus> {
    let mut paths = vec![vec![DossierStatus::Registered]];
    loop {
        if let Some(path) = paths.iter().find(|path| path.last() == Some(&target)) {
            return path[1..].to_vec();
        }
        paths = paths
            .iter()
            .flat_map(|path| {
                let last = *path.last().unwrap();
                last.next().iter().map(move |next| {
                    let mut longer = path.clone();
                    longer.push(*next);
                    longer
                })
            })
            .collect();
    }
}

#[tokio::test]
async fn every_impossible_change_from_every_status_is_refused_and_a_possible_one_applied() {
    let harness = Harness::start().await;
    harness.unlimited_lookups().await;
    for from in ALL {
        harness.post("/test/clock/reset").await;
        let demo = harness.demo_dossiers().await.remove(0);
        for step in path_to(from) {
            assert_eq!(set(&harness, &demo, step).await.status(), StatusCode::OK);
        }
        let before = harness.dossier(&demo).await;
        assert_eq!(before.status, from);
        for to in ALL.into_iter().filter(|to| !from.can_move_to(*to)) {
            let refused = set(&harness, &demo, to).await;
            let problem = expect_problem(refused, 409, IMPOSSIBLE_TRANSITION).await;
            assert!(problem["detail"].is_string(), "{from:?} → {to:?}");
        }
        assert_eq!(
            harness.dossier(&demo).await,
            before,
            "refusals change nothing"
        );
        if let Some(&to) = from.next().first() {
            let applied = set(&harness, &demo, to).await;
            assert_eq!(applied.status(), StatusCode::OK, "{from:?} → {to:?}");
            let after: Dossier = common::json(applied).await;
            assert_eq!(after.status, to);
            assert_eq!(
                after.version,
                before.version + 1 + u64::from(to == DossierStatus::Accepted)
            );
            let entry = after.timeline.last().unwrap();
            assert_eq!(entry.id, format!("{}#{}", demo.code, after.timeline.len()));
            assert_eq!(entry.note.as_deref(), Some("thử nghiệm"));
            assert!(after.follows_the_lifecycle());
            assert_eq!(harness.dossier(&demo).await, after);
        }
    }
    harness.portal.shutdown().await;
}

/// SplitMix64, so a failing sequence replays.
struct Generator(u64);

impl Generator {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

#[tokio::test]
async fn random_changes_and_advances_never_break_the_lifecycle() {
    let harness = Harness::start().await;
    harness.unlimited_lookups().await;
    let mut demos = harness.demo_dossiers().await;
    let mut generator = Generator(0x4c6f_6e67_416e);
    let (mut applied, mut refused) = (0, 0);
    for _ in 0..300 {
        let demo = demos[generator.below(demos.len() as u64) as usize].clone();
        let before = harness.dossier(&demo).await;
        let response = match generator.below(20) {
            0 => {
                harness.post("/test/clock/reset").await;
                demos = harness.demo_dossiers().await;
                continue;
            }
            1..=2 => {
                let seconds = generator.below(300);
                harness
                    .post(&format!("/test/clock/advance?seconds={seconds}"))
                    .await;
                None
            }
            3..=9 => Some(advance(&harness, &demo).await),
            _ => {
                let status = ALL[generator.below(ALL.len() as u64) as usize];
                Some(set(&harness, &demo, status).await)
            }
        };
        let after = harness.dossier(&demo).await;
        assert!(after.follows_the_lifecycle(), "{after:#?}");
        assert!(after.version >= before.version);
        let kept = &after.timeline[..before.timeline.len()];
        assert_eq!(kept, &before.timeline[..], "entries keep their ids");
        match response.map(|response| (response.status(), response)) {
            Some((StatusCode::OK, response)) => {
                let changed: Dossier = common::json(response).await;
                assert_eq!(changed, after);
                assert!(after.version > before.version);
                applied += 1;
            }
            Some((StatusCode::CONFLICT, _)) => {
                assert_eq!(after, before);
                refused += 1;
            }
            Some((status, _)) => panic!("unexpected {status}"),
            None => {}
        }
    }
    assert!(
        applied > 30 && refused > 30,
        "{applied} applied, {refused} refused"
    );
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn test_control_of_dossiers_refuses_malformed_input() {
    let harness = Harness::start().await;
    let demo = harness.demo_dossiers().await.remove(0);
    for body in [
        json!({ "status": "done" }),
        json!({ "status": 4 }),
        json!({ "note": "x" }),
        json!({ "status": "accepted", "extra": 1 }),
    ] {
        let response = harness.post_json(&status_path(&demo), &body).await;
        expect_problem(response, 400, problem_types::INVALID_REQUEST).await;
    }
    let accepted = json!({ "status": "accepted" });
    let malformed = harness
        .post_json("/test/dossiers/abc/status", &accepted)
        .await;
    expect_problem(malformed, 400, problem_types::INVALID_REQUEST).await;
    let unknown = "/test/dossiers/000.00.00.H39-990101-9999/advance";
    let unknown = harness.post_json(unknown, &Value::Null).await;
    expect_problem(unknown, 404, problem_types::NOT_FOUND).await;
    let base = harness.portal.url();
    for path in [
        "/test/clock/advance",
        "/test/clock/advance?seconds=-5",
        "/test/clock/advance?seconds=1.5",
        "/test/rate-limit?per_minute=0",
        "/test/rate-limit?per_minute=10&burst=0",
        "/test/rate-limit",
    ] {
        let response = harness.client.post(format!("{base}{path}")).send().await;
        expect_problem(response.unwrap(), 400, problem_types::INVALID_REQUEST).await;
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_final_dossier_cannot_advance() {
    let harness = Harness::start().await;
    let demo = harness.demo_dossiers().await.remove(0);
    assert_eq!(
        set(&harness, &demo, DossierStatus::NotAccepted)
            .await
            .status(),
        200
    );
    let refused = advance(&harness, &demo).await;
    let problem = expect_problem(refused, 409, IMPOSSIBLE_TRANSITION).await;
    assert!(problem["detail"].as_str().unwrap().contains("final"));
    harness.portal.shutdown().await;
}
