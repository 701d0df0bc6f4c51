//! What every operation shares: client versions, gzip, problem documents, test control.

mod common;

use common::{Harness, changes_path, config, expect_problem, procedure};
use longan_core::portal::wire::{ChangesPage, problem_types};
use reqwest::StatusCode;

#[tokio::test]
async fn a_client_older_than_the_minimum_is_told_to_update_with_426() {
    let harness = Harness::start().await;
    let url = |path: &str| format!("{}{path}", harness.portal.url());
    for path in ["/v1/catalog/changes", "/v1/catalog/procedures/1.001193"] {
        let old = harness
            .client
            .get(url(path))
            .header("X-Client-Version", "0.1.9");
        let problem = expect_problem(
            old.send().await.unwrap(),
            426,
            problem_types::CLIENT_TOO_OLD,
        );
        assert!(problem.await["detail"].as_str().unwrap().contains("0.2.0"));
    }
    for version in ["0.2.0", "0.10.0", "1.0.0-beta.1"] {
        let request = harness.client.get(url("/v1/catalog/changes?limit=1"));
        let response = request
            .header("X-Client-Version", version)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{version}");
    }
    let anonymous = harness
        .client
        .get(url("/v1/catalog/changes?limit=1"))
        .send()
        .await;
    assert_eq!(
        anonymous.unwrap().status(),
        StatusCode::OK,
        "a missing version is accepted"
    );
    for version in ["1.2", "latest", "1.2.3.4"] {
        let request = harness.client.get(url("/v1/catalog/changes"));
        let response = request
            .header("X-Client-Version", version)
            .send()
            .await
            .unwrap();
        expect_problem(response, 400, problem_types::INVALID_REQUEST).await;
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn answers_are_gzipped_when_the_client_accepts_gzip() {
    let harness = Harness::start().await;
    let path = changes_path(None, Some(200));
    let zipped = harness.get(&path).header("Accept-Encoding", "gzip");
    let zipped = zipped.send().await.unwrap();
    assert_eq!(zipped.status(), StatusCode::OK);
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let zipped = zipped.bytes().await.unwrap();
    assert_eq!(zipped[..2], [0x1f, 0x8b], "a gzip stream");
    let plain = harness.get(&path).send().await.unwrap();
    assert!(!plain.headers().contains_key("content-encoding"));
    let plain = plain.bytes().await.unwrap();
    let page: ChangesPage = serde_json::from_slice(&plain).unwrap();
    assert_eq!(page.upserts.len(), 200);
    assert!(
        zipped.len() * 3 < plain.len(),
        "{} vs {}",
        zipped.len(),
        plain.len()
    );
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problem_documents_too() {
    let harness = Harness::start().await;
    let response = harness.get("/v1/nothing").send().await.unwrap();
    expect_problem(response, 404, problem_types::NOT_FOUND).await;
    let url = format!("{}/v1/catalog/changes", harness.portal.url());
    let response = harness.client.post(url).send().await.unwrap();
    expect_problem(response, 405, "about:blank").await;
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn test_control_endpoints_are_absent_without_the_flag() {
    let harness = Harness::start_with(longan_portal::PortalConfig {
        test_control: false,
        ..config()
    })
    .await;
    let base = harness.portal.url();
    let client = &harness.client;
    let put = client.put(format!("{base}/test/procedures/9.999999"));
    let responses = [
        common::with_json(put, &procedure("9.999999", "x"))
            .send()
            .await
            .unwrap(),
        client
            .delete(format!("{base}/test/procedures/1.001193"))
            .send()
            .await
            .unwrap(),
        client
            .post(format!("{base}/test/expire-cursors"))
            .send()
            .await
            .unwrap(),
        client
            .post(format!("{base}/test/touch?percent=5"))
            .send()
            .await
            .unwrap(),
        common::with_json(
            client.post(format!(
                "{base}/test/dossiers/000.00.00.H39-990101-9999/status"
            )),
            &serde_json::json!({ "status": "accepted" }),
        )
        .send()
        .await
        .unwrap(),
        client
            .post(format!(
                "{base}/test/dossiers/000.00.00.H39-990101-9999/advance"
            ))
            .send()
            .await
            .unwrap(),
        client
            .get(format!("{base}/test/demo-dossiers"))
            .send()
            .await
            .unwrap(),
        client
            .post(format!("{base}/test/clock/advance?seconds=60"))
            .send()
            .await
            .unwrap(),
        client
            .post(format!("{base}/test/clock/reset"))
            .send()
            .await
            .unwrap(),
        client
            .post(format!("{base}/test/rate-limit?per_minute=5"))
            .send()
            .await
            .unwrap(),
    ];
    for response in responses {
        expect_problem(response, 404, problem_types::NOT_FOUND).await;
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn test_control_refuses_malformed_input() {
    let harness = Harness::start().await;
    let base = harness.portal.url();
    let client = &harness.client;
    let mismatch = client.put(format!("{base}/test/procedures/9.999998"));
    let response = common::with_json(mismatch, &procedure("9.999999", "x"));
    let response = response.send().await.unwrap();
    expect_problem(response, 400, problem_types::INVALID_REQUEST).await;
    let garbage = client
        .put(format!("{base}/test/procedures/9.999999"))
        .body("{");
    expect_problem(
        garbage.send().await.unwrap(),
        400,
        problem_types::INVALID_REQUEST,
    )
    .await;
    let absent = client
        .delete(format!("{base}/test/procedures/9.999999"))
        .send()
        .await;
    expect_problem(absent.unwrap(), 404, problem_types::NOT_FOUND).await;
    for percent in ["", "101", "x"] {
        let touch = client
            .post(format!("{base}/test/touch?percent={percent}"))
            .send()
            .await;
        expect_problem(touch.unwrap(), 400, problem_types::INVALID_REQUEST).await;
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_bad_minimum_version_data_dir_or_lookup_rate_fails_to_start() {
    let bad_version = longan_portal::PortalConfig {
        min_client_version: "one".into(),
        ..config()
    };
    let error = longan_portal::start(bad_version).await.unwrap_err();
    assert!(matches!(
        error,
        longan_portal::PortalError::InvalidMinClientVersion(_)
    ));
    let bad_dir = longan_portal::PortalConfig {
        data_dir: "/nonexistent".into(),
        ..config()
    };
    let error = longan_portal::start(bad_dir).await.unwrap_err();
    assert!(
        matches!(error, longan_portal::PortalError::Seed { .. }),
        "{error}"
    );
    let no_lookups = longan_portal::PortalConfig {
        dossier_lookups_per_minute: 0,
        ..config()
    };
    let error = longan_portal::start(no_lookups).await.unwrap_err();
    assert!(
        matches!(error, longan_portal::PortalError::InvalidRateLimit { .. }),
        "{error}"
    );
}
