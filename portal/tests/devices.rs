//! `PUT /v1/me/devices/{installation_id}` and `DELETE /v1/devices/{installation_id}`: push
//! devices registered for the signed-in citizen (tokens checked by the stand-in provider,
//! `common::fake_oidc`), one registration per installation, removed only with its own secret,
//! and never logged.

mod common;

use common::log_capture::{capture_logs, log_lines};

use common::fake_oidc::{self, FakeOidc};
use common::{Harness, expect_problem, json, with_json};
use longan_core::portal::wire::DeviceReceipt;
use longan_portal::{PortalConfig, problem_types};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

const INVALID_REQUEST: &str = "https://longan.example/problems/invalid-request";
const INVALID_CONTENT: &str = "https://longan.example/problems/invalid-content";
const NOT_FOUND: &str = "https://longan.example/problems/not-found";

const SECRET_1: &str = "secret-one-0123456789abcdef0123456789";
const SECRET_2: &str = "secret-two-0123456789abcdef0123456789";

/// A registration body: `platform`, `token` and `secret` as given, in Vietnamese.
fn registration(platform: &str, token: &str, secret: &str) -> Value {
    json!({
        "platform": platform, "token": token, "language": "vi", "registration_secret": secret
    })
}

/// A portal checking tokens at `provider`, test control on.
async fn portal(provider: &FakeOidc) -> Harness {
    Harness::start_with(PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        ..common::config()
    })
    .await
}

impl Harness {
    /// `PUT /v1/me/devices/{id}` with `body` (JSON), with the bearer `token` when given.
    async fn put_device(&self, id: &str, token: Option<&str>, body: &Value) -> Response {
        let url = format!("{}/v1/me/devices/{id}", self.portal.url());
        let request = self.client.put(url).header("X-Client-Version", "0.2.0");
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        with_json(request, body).send().await.unwrap()
    }

    /// `DELETE /v1/devices/{id}`, with `Registration-Secret: secret` when given.
    async fn delete_device(&self, id: &str, secret: Option<&str>) -> Response {
        let url = format!("{}/v1/devices/{id}", self.portal.url());
        let request = self.client.delete(url).header("X-Client-Version", "0.2.0");
        let request = match secret {
            Some(secret) => request.header("Registration-Secret", secret),
            None => request,
        };
        request.send().await.unwrap()
    }

    /// `GET /test/devices`.
    async fn devices(&self) -> Value {
        let url = format!("{}/test/devices", self.portal.url());
        json(self.client.get(url).send().await.unwrap()).await
    }

    /// Whom `id` is registered for, per test control (`None`: nobody).
    async fn registered_for(&self, id: &str) -> Option<String> {
        let devices = self.devices().await;
        let registrations = devices["registrations"].as_array().unwrap();
        let found = registrations.iter().find(|r| r["installation_id"] == id)?;
        Some(found["subject"].as_str().unwrap().to_string())
    }
}

#[tokio::test]
async fn registering_answers_the_receipt_and_the_installation_is_the_citizen_s() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider).await;
    let url = format!("{}/v1/me/devices/inst-A_1", harness.portal.url());
    let body = registration("fcm", "fcm-token:1", SECRET_1);
    // An Idempotency-Key may come along; it changes nothing.
    let request = with_json(harness.client.put(url), &body)
        .bearer_auth(fake_oidc::CITIZEN_1)
        .header("Idempotency-Key", "3f0c9a52-7d1e-4b7a-9c55-0e2d4f6a8b10");

    let response = request.send().await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let receipt: DeviceReceipt = json(response).await;
    assert_eq!(receipt.installation_id, "inst-A_1");
    assert!(receipt.registered_at_ms > 1_700_000_000_000);
    let devices = harness.devices().await;
    let expected = json!({
        "registrations": [{
            "installation_id": "inst-A_1", "subject": "citizen-1", "platform": "fcm",
            "language": "vi", "token": "fcm-token:1",
            "registered_at_ms": receipt.registered_at_ms
        }],
        "puts": 1, "deletes": 0
    });
    assert_eq!(devices, expected);

    // The same PUT again: still one registration.
    let again = harness
        .put_device("inst-A_1", Some(fake_oidc::CITIZEN_1), &body)
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    let devices = harness.devices().await;
    assert_eq!(devices["registrations"].as_array().unwrap().len(), 1);
    assert_eq!(devices["puts"], 2);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_put_from_another_subject_replaces_the_first_and_the_stale_secret_cannot_remove_it() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider).await;
    let first = registration("fcm", "fcm-token-1", SECRET_1);
    let response = harness
        .put_device("phone-1", Some(fake_oidc::CITIZEN_1), &first)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // Another citizen signs in on the same phone.
    let mut second = registration("apns", "apns-token-2", SECRET_2);
    second["language"] = json!("en");
    let response = harness
        .put_device("phone-1", Some(fake_oidc::CITIZEN_2), &second)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let devices = harness.devices().await;
    let registrations = devices["registrations"].as_array().unwrap();
    assert_eq!(registrations.len(), 1);
    let only = &registrations[0];
    assert_eq!(only["subject"], "citizen-2");
    assert_eq!(only["platform"], "apns");
    assert_eq!(only["token"], "apns-token-2");
    assert_eq!(only["language"], "en");

    // The first citizen's unregistration arrives late: the second's registration stays.
    let stale = harness.delete_device("phone-1", Some(SECRET_1)).await;
    expect_problem(stale, 404, NOT_FOUND).await;
    let who = harness.registered_for("phone-1").await;
    assert_eq!(who.as_deref(), Some("citizen-2"));
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn unregistering_with_the_right_secret_removes_it_and_a_repeat_is_404() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider).await;
    let body = registration("fcm", "fcm-token-1", SECRET_1);
    harness
        .put_device("phone-1", Some(fake_oidc::CITIZEN_1), &body)
        .await;
    harness
        .put_device("phone-2", Some(fake_oidc::CITIZEN_1), &body)
        .await;

    // No bearer token: the secret is the proof.
    let removed = harness.delete_device("phone-1", Some(SECRET_1)).await;

    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert!(removed.bytes().await.unwrap().is_empty());
    assert_eq!(harness.registered_for("phone-1").await, None);
    let other = harness.registered_for("phone-2").await;
    assert_eq!(
        other.as_deref(),
        Some("citizen-1"),
        "only that installation"
    );
    let repeat = harness.delete_device("phone-1", Some(SECRET_1)).await;
    expect_problem(repeat, 404, NOT_FOUND).await;
    let devices = harness.devices().await;
    assert_eq!(
        (&devices["puts"], &devices["deletes"]),
        (&json!(2), &json!(2))
    );
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_gets_the_404_of_no_registration_and_leaves_it() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider).await;
    let body = registration("fcm", "fcm-token-1", SECRET_1);
    harness
        .put_device("phone-1", Some(fake_oidc::CITIZEN_1), &body)
        .await;

    let wrong = harness.delete_device("phone-1", Some(SECRET_2)).await;

    let wrong = expect_problem(wrong, 404, NOT_FOUND).await;
    let unknown = harness.delete_device("phone-9", Some(SECRET_2)).await;
    assert_eq!(expect_problem(unknown, 404, NOT_FOUND).await, wrong);
    let who = harness.registered_for("phone-1").await;
    assert_eq!(who.as_deref(), Some("citizen-1"));
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_missing_repeated_or_malformed_registration_secret_is_400() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider).await;
    let body = registration("fcm", "fcm-token-1", SECRET_1);
    harness
        .put_device("phone-1", Some(fake_oidc::CITIZEN_1), &body)
        .await;
    let missing = harness.delete_device("phone-1", None).await;
    let problem = expect_problem(missing, 400, INVALID_REQUEST).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("Registration-Secret"), "{detail}");
    let url = format!("{}/v1/devices/phone-1", harness.portal.url());
    let twice = harness
        .client
        .delete(url)
        .header("Registration-Secret", SECRET_1)
        .header("Registration-Secret", SECRET_1)
        .send()
        .await
        .unwrap();
    expect_problem(twice, 400, INVALID_REQUEST).await;
    let short = harness.delete_device("phone-1", Some("short-secret")).await;
    let problem = expect_problem(short, 400, INVALID_REQUEST).await;
    assert!(!problem.to_string().contains("short-secret"), "{problem}");
    let who = harness.registered_for("phone-1").await;
    assert_eq!(who.as_deref(), Some("citizen-1"));
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_put_without_a_token_or_with_a_refused_one_is_401_with_the_challenge() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider).await;
    let body = registration("fcm", "fcm-token-1", SECRET_1);
    let kind = problem_types::AUTH_REQUIRED;

    let anonymous = harness.put_device("phone-1", None, &body).await;

    assert_eq!(
        anonymous.headers()["www-authenticate"],
        "Bearer realm=\"longan\""
    );
    expect_problem(anonymous, 401, kind).await;
    let refused = harness.put_device("phone-1", Some("garbage"), &body).await;
    assert_eq!(
        refused.headers()["www-authenticate"],
        "Bearer realm=\"longan\", error=\"invalid_token\""
    );
    expect_problem(refused, 401, kind).await;
    assert_eq!(harness.registered_for("phone-1").await, None);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn an_installation_id_that_is_not_one_is_400() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider).await;
    let body = registration("fcm", "fcm-token-1", SECRET_1);
    let too_long = "i".repeat(65);
    for id in ["a.b", "a%20b", "%C3%BC", too_long.as_str()] {
        let put = harness
            .put_device(id, Some(fake_oidc::CITIZEN_1), &body)
            .await;
        let problem = expect_problem(put, 400, INVALID_REQUEST).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("installation id"),
            "{id}: {problem}"
        );
        let delete = harness.delete_device(id, Some(SECRET_1)).await;
        expect_problem(delete, 400, INVALID_REQUEST).await;
    }
    // The longest id is fine.
    let longest = "i".repeat(64);
    let put = harness
        .put_device(&longest, Some(fake_oidc::CITIZEN_1), &body)
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    let devices = harness.devices().await;
    assert_eq!(devices["registrations"].as_array().unwrap().len(), 1);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_body_breaking_a_rule_is_422_names_the_rule_and_never_quotes_the_body() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider).await;
    let token = "private-push-token";
    let broken = |change: fn(&mut Value)| {
        let mut body = registration("fcm", token, SECRET_1);
        change(&mut body);
        body
    };
    let cases = [
        (
            broken(|b| b["platform"] = json!("gcm-private")),
            "DeviceRegistration",
        ),
        (broken(|b| b["token"] = json!("")), "token"),
        (broken(|b| b["token"] = json!("two private words")), "token"),
        (broken(|b| b["token"] = json!("t".repeat(4097))), "token"),
        (
            broken(|b| b["registration_secret"] = json!("short-private")),
            "secret",
        ),
        (broken(|b| b["language"] = json!("fr-private")), "language"),
        (
            broken(|b| {
                b.as_object_mut().unwrap().remove("registration_secret");
            }),
            "DeviceRegistration",
        ),
        (json!(["private-push-token"]), "DeviceRegistration"),
    ];
    for (index, (body, rule)) in cases.into_iter().enumerate() {
        let response = harness
            .put_device("phone-1", Some(fake_oidc::CITIZEN_1), &body)
            .await;
        let problem = expect_problem(response, 422, INVALID_CONTENT).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(rule), "{index}: {detail}");
        assert!(
            !problem.to_string().contains("private"),
            "{index}: {problem}"
        );
    }
    let url = format!("{}/v1/me/devices/phone-1", harness.portal.url());
    let not_json = harness
        .client
        .put(url)
        .bearer_auth(fake_oidc::CITIZEN_1)
        .header("content-type", "application/json")
        .body("token=private-push-token&secret=private")
        .send()
        .await
        .unwrap();
    let problem = expect_problem(not_json, 422, INVALID_CONTENT).await;
    assert!(!problem.to_string().contains("private"), "{problem}");
    assert_eq!(harness.registered_for("phone-1").await, None);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_registrations_are_shown_only_with_test_control() {
    let provider = FakeOidc::start().await;
    let harness = Harness::start_with(PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        oidc_client_secret: Some(longan_portal::TEST_OIDC_CLIENT_SECRET.into()),
        test_control: false,
        ..common::config()
    })
    .await;
    let body = registration("fcm", "fcm-token-1", SECRET_1);
    let put = harness
        .put_device("phone-1", Some(fake_oidc::CITIZEN_1), &body)
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    let url = format!("{}/test/devices", harness.portal.url());
    let response = harness.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let removed = harness.delete_device("phone-1", Some(SECRET_1)).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn tokens_secrets_and_subjects_never_reach_the_log() {
    capture_logs();
    let provider = FakeOidc::start().await;
    let harness = Harness::start_with(PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        log_requests: true,
        ..common::config()
    })
    .await;
    let push_token = "push-token-that-must-not-be-logged";
    let body = registration("apns", push_token, SECRET_1);
    let put = harness
        .put_device("phone-log", Some(fake_oidc::CITIZEN_3), &body)
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    let mut refused = body.clone();
    refused["language"] = json!("fr");
    let refused = harness
        .put_device("phone-log", Some(fake_oidc::CITIZEN_3), &refused)
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = harness.delete_device("phone-log", Some(SECRET_2)).await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let removed = harness.delete_device("phone-log", Some(SECRET_1)).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    harness.portal.shutdown().await;
    let lines = log_lines().lock().unwrap().clone();
    let access = longan_portal::ACCESS_LOG_TARGET;
    for logged in [
        "PUT /v1/me/devices/{installation_id} 200",
        "PUT /v1/me/devices/{installation_id} 422",
        "DELETE /v1/devices/{installation_id} 404",
        "DELETE /v1/devices/{installation_id} 204",
    ] {
        let found = lines
            .iter()
            .any(|line| line.contains(access) && line.contains(logged));
        assert!(found, "{logged} not in {lines:#?}");
    }
    for private in [
        push_token,
        SECRET_1,
        SECRET_2,
        fake_oidc::CITIZEN_3,
        "citizen-3",
        "phone-log",
    ] {
        assert!(
            lines.iter().all(|line| !line.contains(private)),
            "{private} in {lines:#?}"
        );
    }
}
