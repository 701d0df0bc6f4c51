//! `/v1/me/*` with bearer tokens checked by token introspection, against a stand-in provider
//! (`common::fake_oidc`): the accounts' dossiers, the refusals, the verdict cache, an
//! unreachable provider, and logs without tokens.

mod common;

use common::log_capture::{capture_logs, log_lines};
use std::time::Duration;

use common::fake_oidc::{self, FakeOidc};
use common::{Harness, etag, expect_problem};
use longan_core::dossier::model::Dossier;
use longan_core::dossier::scenario::mask_name;
use longan_core::portal::wire::DossierList;
use longan_portal::{PortalConfig, PortalError, problem_types};
use reqwest::{Response, StatusCode};
use serde_json::Value;

const UNAVAILABLE: &str = "https://longan.example/problems/unavailable";
const NOT_FOUND: &str = "https://longan.example/problems/not-found";
const INVALID_REQUEST: &str = "https://longan.example/problems/invalid-request";

/// A portal asking `issuer`, verdicts kept `cache_ms`.
async fn portal(issuer: &str, cache_ms: u64) -> Harness {
    Harness::start_with(PortalConfig {
        oidc_issuer: Some(issuer.to_string()),
        introspection_cache_ms: cache_ms,
        ..common::config()
    })
    .await
}

impl Harness {
    fn me(&self, path: &str, token: &str) -> reqwest::RequestBuilder {
        self.get(path).bearer_auth(token)
    }

    async fn my_list(&self, token: &str) -> (DossierList, String) {
        let response = self.me("/v1/me/dossiers", token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let tag = etag(&response);
        (common::json(response).await, tag)
    }

    async fn introspections(&self) -> u64 {
        let url = format!("{}/test/introspections", self.portal.url());
        let body: Value = common::json(self.client.get(url).send().await.unwrap()).await;
        body["calls"].as_u64().expect("a count")
    }
}

fn challenge(response: &Response) -> String {
    let value = response
        .headers()
        .get("www-authenticate")
        .expect("a challenge");
    value.to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_token_lists_its_accounts_dossiers_newest_first_and_no_others() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider.issuer(), 5000).await;
    let (list, tag) = harness.my_list(fake_oidc::CITIZEN_1).await;
    assert_eq!(list.next_cursor, None);
    assert_eq!(list.dossiers.len(), 3);
    for dossier in &list.dossiers {
        assert_eq!(dossier.applicant, mask_name("Trần Thị Lan"));
    }
    let received: Vec<i64> = list.dossiers.iter().map(|d| d.received_at_ms).collect();
    assert!(received.windows(2).all(|w| w[0] >= w[1]), "{received:?}");
    let again = harness.me("/v1/me/dossiers", fake_oidc::CITIZEN_1);
    let again = again.header("If-None-Match", &tag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(etag(&again), tag);

    // One of them, with the public lookup's tag; 304 for it.
    let mine = &list.dossiers[0];
    let path = format!("/v1/me/dossiers/{}", mine.code);
    let response = harness
        .me(&path, fake_oidc::CITIZEN_1)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let tag = etag(&response);
    let one: Dossier = common::json(response).await;
    assert_eq!(&one, mine);
    let again = harness
        .me(&path, fake_oidc::CITIZEN_1)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // Another account's dossier and an unknown code: the same 404.
    let (theirs, _) = harness.my_list(fake_oidc::CITIZEN_2).await;
    assert_eq!(theirs.dossiers.len(), 3);
    assert!(theirs.dossiers.iter().all(|d| !list.dossiers.contains(d)));
    let path = format!("/v1/me/dossiers/{}", theirs.dossiers[0].code);
    let other = harness
        .me(&path, fake_oidc::CITIZEN_1)
        .send()
        .await
        .unwrap();
    let other = expect_problem(other, 404, NOT_FOUND).await;
    let path = "/v1/me/dossiers/000.00.00.H39-990101-9999";
    let unknown = harness.me(path, fake_oidc::CITIZEN_1).send().await.unwrap();
    assert_eq!(expect_problem(unknown, 404, NOT_FOUND).await, other);
    let malformed = harness.me("/v1/me/dossiers/x", fake_oidc::CITIZEN_1);
    expect_problem(malformed.send().await.unwrap(), 400, INVALID_REQUEST).await;

    // A subject with no account has no dossiers; the list has one page.
    let (none, _) = harness.my_list(fake_oidc::STRANGER).await;
    assert!(none.dossiers.is_empty());
    let paged = harness.me("/v1/me/dossiers?cursor=abc", fake_oidc::CITIZEN_1);
    expect_problem(paged.send().await.unwrap(), 400, INVALID_REQUEST).await;
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn refused_and_missing_tokens_get_401_with_the_right_challenge() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider.issuer(), 5000).await;
    let kind = problem_types::AUTH_REQUIRED;
    for path in [
        "/v1/me/dossiers",
        "/v1/me/dossiers/000.00.00.H39-990101-9999",
    ] {
        let anonymous = harness.get(path).send().await.unwrap();
        assert_eq!(challenge(&anonymous), "Bearer realm=\"longan\"");
        expect_problem(anonymous, 401, kind).await;
        for token in [
            "garbage",
            fake_oidc::REFRESH,
            fake_oidc::JWT,
            "ünïcode%20+/=",
        ] {
            let refused = harness.me(path, token).send().await.unwrap();
            assert_eq!(
                challenge(&refused),
                "Bearer realm=\"longan\", error=\"invalid_token\"",
                "{token}"
            );
            expect_problem(refused, 401, kind).await;
        }
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_verdict_is_cached_but_never_past_the_tokens_expiry() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider.issuer(), 60_000).await;
    for _ in 0..3 {
        harness.my_list(fake_oidc::SHORT_LIVED).await;
        let refused = harness
            .me("/v1/me/dossiers", "garbage")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(harness.introspections().await, 2);
    assert_eq!(provider.calls(), 2);
    // The provider still calls it active; its exp has passed.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = harness.me("/v1/me/dossiers", fake_oidc::SHORT_LIVED);
    let expired = expired.send().await.unwrap();
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&expired).contains("invalid_token"));
    assert_eq!(harness.introspections().await, 3);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn without_a_cache_every_request_asks_the_provider() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider.issuer(), 0).await;
    for _ in 0..3 {
        harness.my_list(fake_oidc::CITIZEN_1).await;
    }
    assert_eq!(harness.introspections().await, 3);
    assert_eq!(provider.calls(), 3);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_provider_or_a_refused_client_is_503_and_asked_again() {
    // Nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let harness = portal(&issuer, 5000).await;
    for _ in 0..2 {
        let response = harness.me("/v1/me/dossiers", fake_oidc::CITIZEN_1).send();
        let response = response.await.unwrap();
        assert_eq!(response.headers()["retry-after"], "5");
        expect_problem(response, 503, UNAVAILABLE).await;
    }
    assert_eq!(harness.introspections().await, 0);
    harness.portal.shutdown().await;

    // The provider refuses the portal's client (a wrong secret): not the citizen's fault.
    let provider = FakeOidc::start().await;
    let harness = Harness::start_with(PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        oidc_client_secret: Some("wrong".into()),
        ..common::config()
    })
    .await;
    for _ in 0..2 {
        let response = harness.me("/v1/me/dossiers", fake_oidc::CITIZEN_1).send();
        expect_problem(response.await.unwrap(), 503, UNAVAILABLE).await;
    }
    assert_eq!(harness.introspections().await, 2);
    assert_eq!(provider.calls(), 0);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn an_issuer_needs_a_client_secret_unless_test_control_is_on() {
    let provider = FakeOidc::start().await;
    let config = PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        test_control: false,
        ..common::config()
    };
    let refused = longan_portal::start(config.clone()).await;
    assert!(
        matches!(refused, Err(PortalError::InvalidOidc(_))),
        "{refused:?}"
    );
    let insecure = PortalConfig {
        oidc_issuer: Some("http://sso.example".into()),
        oidc_client_secret: Some("s".into()),
        ..config.clone()
    };
    let refused = longan_portal::start(insecure).await;
    assert!(
        matches!(refused, Err(PortalError::InvalidOidc(_))),
        "{refused:?}"
    );
    let with_secret = PortalConfig {
        oidc_client_secret: Some(longan_portal::TEST_OIDC_CLIENT_SECRET.into()),
        ..config
    };
    let harness = Harness::start_with(with_secret).await;
    harness.my_list(fake_oidc::CITIZEN_1).await;
    // Test control is off: no counter.
    let url = format!("{}/test/introspections", harness.portal.url());
    let response = harness.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn tokens_never_reach_the_log() {
    capture_logs();
    let provider = FakeOidc::start().await;
    let harness = Harness::start_with(PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        log_requests: true,
        ..common::config()
    })
    .await;
    let garbage = "garbage-token-that-must-not-be-logged";
    harness.my_list(fake_oidc::CITIZEN_1).await;
    let refused = harness.me("/v1/me/dossiers", garbage).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let path = "/v1/me/dossiers?cursor=x";
    harness.me(path, fake_oidc::CITIZEN_2).send().await.unwrap();
    harness.portal.shutdown().await;
    let lines = log_lines().lock().unwrap().clone();
    let access = longan_portal::ACCESS_LOG_TARGET;
    assert!(
        lines
            .iter()
            .any(|line| line.contains(access) && line.contains("GET /v1/me/dossiers 401")),
        "{lines:#?}"
    );
    for token in [
        fake_oidc::CITIZEN_1,
        fake_oidc::CITIZEN_2,
        garbage,
        "cursor=x",
    ] {
        assert!(
            lines.iter().all(|line| !line.contains(token)),
            "{token} in {lines:#?}"
        );
    }
}
