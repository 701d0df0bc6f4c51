//! The public dossier lookup and the signed-in user's dossiers, over HTTP.

mod common;

use std::time::SystemTime;

use common::{Harness, etag, expect_problem};
use longan_core::clock::Clock;
use longan_core::dossier::model::Dossier;
use longan_core::dossier::status::DossierStatus;
use longan_core::portal::wire::problem_types;
use reqwest::{Response, StatusCode};
use serde_json::json;

/// A valid iGate code that no sample dossier has.
const UNKNOWN_CODE: &str = "000.00.00.H39-990101-9999";

/// Status, headers (without `Date`) and body of an answer, for comparing answers exactly.
async fn without_date(response: Response) -> (u16, Vec<(String, Vec<u8>)>, Vec<u8>) {
    let status = response.status().as_u16();
    let mut headers: Vec<(String, Vec<u8>)> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
        .collect();
    headers.sort();
    let body = response.bytes().await.unwrap().to_vec();
    (status, headers, body)
}

/// How far ahead of this machine the portal's `Date` says it is, in seconds, as the core's
/// clock learns it.
fn portal_ahead_seconds(response: &Response, sent: SystemTime) -> i64 {
    let date = response
        .headers()
        .get_all("date")
        .iter()
        .collect::<Vec<_>>();
    assert_eq!(date.len(), 1, "one Date header");
    let clock = Clock::default();
    clock.learn_from_date_header(date[0].to_str().unwrap(), sent, SystemTime::now());
    assert!(clock.server_offset().is_some(), "a valid HTTP date");
    clock.server_offset_ms() / 1000
}

#[tokio::test]
async fn the_right_verifier_gets_the_dossier_with_the_applicant_masked() {
    let harness = Harness::start().await;
    let demos = harness.demo_dossiers().await;
    assert_eq!(demos.len(), 6);
    let demo = &demos[0];
    let response = harness
        .lookup(&demo.code, Some(&demo.verifier))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let tag = etag(&response);
    let dossier: Dossier = common::json(response).await;
    assert_eq!(dossier.code, demo.code);
    assert!(
        tag.starts_with(&format!("W/\"v{}-", dossier.version)),
        "{tag}"
    );
    assert!(dossier.follows_the_lifecycle(), "{dossier:?}");
    assert_eq!(dossier.status, DossierStatus::Registered);
    let mut words = dossier.applicant.split(' ');
    assert!(!words.next().unwrap().contains('*'), "the surname is whole");
    for word in words {
        assert!(
            word.chars().skip(1).all(|c| c == '*'),
            "{}",
            dossier.applicant
        );
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_wrong_or_missing_verifier_and_an_unknown_code_get_the_very_same_404() {
    let harness = Harness::start().await;
    let demo = harness.demo_dossiers().await.remove(0);
    let wrong = if demo.verifier == "0000" {
        "0001"
    } else {
        "0000"
    };
    let unknown = harness.lookup(UNKNOWN_CODE, Some(&demo.verifier)).send();
    let unknown = without_date(unknown.await.unwrap()).await;
    assert_eq!(unknown.0, 404);
    let problem: serde_json::Value = serde_json::from_slice(&unknown.2).unwrap();
    assert_eq!(problem["type"], problem_types::NOT_FOUND);
    for verifier in [Some(wrong), None, Some("12"), Some("")] {
        let response = harness.lookup(&demo.code, verifier).send().await.unwrap();
        assert_eq!(without_date(response).await, unknown, "{verifier:?}");
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_portal_tells_the_core_scenario_for_its_seed_epoch_and_catalogue() {
    let harness = Harness::start().await;
    harness.unlimited_lookups().await;
    let scenario = harness.scenario().await;
    let before = SystemTime::now();
    let samples = common::dossiers::varied(scenario.dossiers_at(before));
    assert!(samples.len() > 30, "{}", samples.len());
    for sample in samples {
        let code = &sample.dossier.code;
        let response = harness.lookup(code, Some(&sample.verifier)).send().await;
        let served: Dossier = common::json(response.unwrap()).await;
        // A step may have happened since `before`; the story then is the one of now.
        let now = || scenario.find(code, SystemTime::now()).unwrap().dossier;
        assert!(served == sample.dossier || served == now(), "{code}");
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_malformed_code_is_a_400_problem() {
    let harness = Harness::start().await;
    for code in [
        "abc",
        "1234567",
        "hồ sơ 123",
        "DROP TABLE;--1",
        &"1".repeat(41),
    ] {
        let response = harness.lookup(code, Some("1234")).send().await.unwrap();
        expect_problem(response, 400, problem_types::INVALID_REQUEST).await;
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn codes_typed_in_lower_case_or_with_spaces_find_the_dossier() {
    let harness = Harness::start().await;
    let demo = harness.demo_dossiers().await.remove(1);
    let lower = demo.code.to_lowercase();
    let spaced = demo.code.replace('-', " - ");
    let spaces_only = demo.code.replace(['-', '.'], " ");
    let short = demo.code.strip_prefix("000.").unwrap().to_string();
    for typed in [lower, spaced, spaces_only, short] {
        let response = harness.lookup(&typed, Some(&demo.verifier)).send().await;
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{typed:?}");
        let dossier: Dossier = common::json(response).await;
        assert_eq!(dossier.code, demo.code);
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_eleventh_quick_lookup_is_429_and_another_client_is_not_limited() {
    let harness = Harness::start().await;
    let demo = harness.demo_dossiers().await.remove(0);
    let as_client = |client: &'static str, verifier: &str| {
        harness
            .lookup(&demo.code, Some(verifier))
            .header("X-Client-Id", client)
    };
    for attempt in 0..10 {
        // Failed lookups take a token too: that is what stops guessing.
        let verifier = if attempt % 2 == 0 {
            "9999x"
        } else {
            &demo.verifier
        };
        let response = as_client("guesser", verifier).send().await.unwrap();
        assert_ne!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    let limited = as_client("guesser", &demo.verifier).send().await.unwrap();
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=6).contains(&retry_after), "{retry_after}");
    expect_problem(limited, 429, problem_types::RATE_LIMITED).await;
    let other = as_client("someone-else", &demo.verifier)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    // Tokens come back on the portal's time.
    harness
        .post(&format!("/test/clock/advance?seconds={retry_after}"))
        .await;
    let again = as_client("guesser", &demo.verifier).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn moving_the_clock_moves_a_demo_dossier_on_and_a_reset_starts_the_story_again() {
    let harness = Harness::start().await;
    harness.unlimited_lookups().await;
    let demo = harness.demo_dossiers().await.remove(0);
    let start = harness.dossier(&demo).await;
    assert_eq!(
        (start.status, start.version),
        (DossierStatus::Registered, 1)
    );

    harness.post("/test/clock/advance?seconds=600").await;
    let sent = SystemTime::now();
    let response = harness
        .lookup(&demo.code, Some(&demo.verifier))
        .send()
        .await;
    let response = response.unwrap();
    let ahead = portal_ahead_seconds(&response, sent);
    assert!(
        (598..=602).contains(&ahead),
        "the Date header is the portal's: {ahead} s"
    );
    let later: Dossier = common::json(response).await;
    assert_ne!(
        later.status,
        DossierStatus::Registered,
        "demo dossiers move every 2–4 min"
    );
    assert!(later.version > start.version);
    assert_eq!(
        later.timeline[0], start.timeline[0],
        "entries keep their ids"
    );
    assert!(later.follows_the_lifecycle());

    let reset = harness.post("/test/clock/reset").await;
    assert_eq!(reset["epoch_ms"], reset["now_ms"]);
    let demo = harness.demo_dossiers().await.remove(0);
    let again = harness.dossier(&demo).await;
    assert_eq!(
        (again.status, again.version),
        (DossierStatus::Registered, 1)
    );
    assert_eq!(again.timeline.len(), 1);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn every_answer_carries_one_date_header_from_the_portal_clock() {
    let harness = Harness::start().await;
    harness.post("/test/clock/advance?seconds=86400").await;
    for path in [
        "/v1/catalog/changes?limit=1",
        "/v1/nothing",
        "/v1/me/dossiers",
    ] {
        let sent = SystemTime::now();
        let response = harness.get(path).send().await.unwrap();
        let ahead = portal_ahead_seconds(&response, sent);
        assert!((86_398..=86_402).contains(&ahead), "{path}: {ahead} s");
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_stored_etag_gets_304_until_the_dossier_changes() {
    let harness = Harness::start().await;
    let demo = harness.demo_dossiers().await.remove(2);
    let first = harness
        .lookup(&demo.code, Some(&demo.verifier))
        .send()
        .await;
    let tag = etag(&first.unwrap());
    let again = harness
        .lookup(&demo.code, Some(&demo.verifier))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(etag(&again), tag);
    assert!(again.bytes().await.unwrap().is_empty());
    // The tag is no way around the verifier.
    let stranger = harness
        .lookup(&demo.code, Some("x"))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    expect_problem(stranger, 404, problem_types::NOT_FOUND).await;

    let path = format!("/test/dossiers/{}/status", demo.code);
    let changed = harness
        .post_json(&path, &json!({ "status": "not_accepted" }))
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let after = harness
        .lookup(&demo.code, Some(&demo.verifier))
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(etag(&after), tag);
    let dossier: Dossier = common::json(after).await;
    assert_eq!(dossier.status, DossierStatus::NotAccepted);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_users_own_dossiers_need_a_sign_in_that_is_not_available_yet() {
    let harness = Harness::start().await;
    let auth_required = longan_portal::problem_types::AUTH_REQUIRED;
    for path in [
        "/v1/me/dossiers",
        &format!("/v1/me/dossiers/{UNKNOWN_CODE}"),
    ] {
        let anonymous = harness.get(path).send().await.unwrap();
        assert!(
            anonymous.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        let problem = expect_problem(anonymous, 401, auth_required).await;
        assert!(problem["detail"].as_str().unwrap().contains("Bearer"));
        let with_token = harness
            .get(path)
            .bearer_auth("any-token")
            .send()
            .await
            .unwrap();
        let problem = expect_problem(with_token, 401, auth_required).await;
        assert_eq!(
            problem["detail"],
            "sign-in is not available on this portal yet"
        );
    }
    harness.portal.shutdown().await;
}
