//! The reference portal's `/v1/me/*` against the real OpenID test provider (`tests/oidc`):
//! tokens from a real sign-in (`GET /test/login`), checked by the portal through the provider's
//! token introspection, revoked at its revocation endpoint.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use longan_core::dossier::scenario::{self, DEMO_COUNT, DOSSIERS_PER_ACCOUNT, mask_name};
use longan_portal::PortalConfig;
use longan_tests::oidc_fixture::{self, OidcProvider};
use longan_tests::portal_fixture::Fixture;
use serde_json::Value;

/// The challenge without a token, and the one for a refused token.
const ASK: &str = "Bearer realm=\"longan\"";
const REFUSED: &str = "Bearer realm=\"longan\", error=\"invalid_token\"";

/// One answer: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        let found = self.headers.iter().find(|(n, _)| n == name);
        found.map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("JSON: {}", self.body))
    }
}

/// `GET path` on the portal, with `Authorization: Bearer token` when given.
fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    let authorization = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nX-Client-Version: 0.1.0\r\n\
         {authorization}\r\n"
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A provider, and a portal checking its tokens with verdicts kept `cache_ms`.
async fn start(cache_ms: u64) -> (OidcProvider, Fixture) {
    let provider = OidcProvider::start();
    let fixture = Fixture::start_with(PortalConfig {
        data_dir: longan_tests::data_dir(),
        test_control: true,
        oidc_issuer: Some(provider.issuer().to_string()),
        introspection_cache_ms: cache_ms,
        ..PortalConfig::default()
    })
    .await;
    (provider, fixture)
}

/// A fresh access token of `sub`.
fn access_token(provider: &OidcProvider, sub: &str) -> String {
    let tokens = provider.login_tokens(sub);
    tokens["access_token"]
        .as_str()
        .expect("an access token")
        .to_string()
}

/// The codes `sub`'s dossiers end with: `-NNNN`, the scenario's index + 1.
fn expected_suffixes(sub: &str) -> Vec<String> {
    let k = scenario::ACCOUNTS
        .iter()
        .position(|(s, _)| *s == sub)
        .unwrap();
    let first = DEMO_COUNT + DOSSIERS_PER_ACCOUNT * k;
    (first..first + DOSSIERS_PER_ACCOUNT)
        .map(|index| format!("-{:04}", index + 1))
        .collect()
}

fn introspections(fixture: &Fixture) -> u64 {
    let (status, body) = fixture.control("GET", "/test/introspections", "");
    assert_eq!(status, 200, "{body}");
    let value: Value = serde_json::from_str(&body).unwrap();
    value["calls"].as_u64().unwrap()
}

fn codes(list: &Value) -> Vec<String> {
    let dossiers = list["dossiers"].as_array().expect("a list of dossiers");
    let code = |d: &Value| d["code"].as_str().unwrap().to_string();
    dossiers.iter().map(code).collect()
}

#[test]
fn the_scenarios_accounts_are_the_providers() {
    let provider: Vec<(&str, &str)> = oidc_fixture::ACCOUNTS
        .iter()
        .map(|(sub, name, _)| (*sub, *name))
        .collect();
    assert_eq!(provider, scenario::ACCOUNTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_a_token_is_401_with_a_bearer_challenge() {
    let (provider, fixture) = start(5000).await;
    for path in [
        "/v1/me/dossiers",
        "/v1/me/dossiers/000.00.27.H39-251128-0007",
    ] {
        let answer = get(fixture.portal.addr(), path, None);
        assert_eq!(answer.status, 401, "{path}");
        assert_eq!(answer.header("www-authenticate"), Some(ASK), "{path}");
        assert_eq!(
            answer.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(answer.json()["status"], 401);
    }
    assert_eq!(introspections(&fixture), 0);
    assert_eq!(provider.counts().introspections, 0);
    fixture.portal.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_token_lists_exactly_the_accounts_three_dossiers_with_its_masked_name() {
    let (provider, fixture) = start(5000).await;
    for (sub, name, _) in oidc_fixture::ACCOUNTS {
        let token = access_token(&provider, sub);
        let answer = get(fixture.portal.addr(), "/v1/me/dossiers", Some(&token));
        assert_eq!(answer.status, 200, "{sub}: {}", answer.body);
        assert!(
            answer
                .header("etag")
                .is_some_and(|tag| tag.starts_with("W/"))
        );
        let list = answer.json();
        assert_eq!(list["next_cursor"], Value::Null);
        let mut found: Vec<String> = codes(&list);
        let mut expected = expected_suffixes(sub);
        found.sort_by_key(|code| code[code.len() - 5..].to_string());
        expected.sort();
        assert_eq!(found.len(), 3, "{sub}: {found:?}");
        for (code, suffix) in found.iter().zip(&expected) {
            assert!(code.ends_with(suffix.as_str()), "{sub}: {code} vs {suffix}");
        }
        for dossier in list["dossiers"].as_array().unwrap() {
            assert_eq!(dossier["applicant"], mask_name(name), "{sub}");
        }
        let received: Vec<i64> = list["dossiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["received_at_ms"].as_i64().unwrap())
            .collect();
        assert!(received.windows(2).all(|w| w[0] >= w[1]), "newest first");

        // Each one on its own.
        let code = &found[0];
        let one = get(
            fixture.portal.addr(),
            &format!("/v1/me/dossiers/{code}"),
            Some(&token),
        );
        assert_eq!(one.status, 200, "{}", one.body);
        assert_eq!(one.json()["code"], code.as_str());
    }
    assert_eq!(provider.counts().introspections, 3);
    fixture.portal.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_accounts_dossier_code_is_404_like_an_unknown_one() {
    let (provider, fixture) = start(5000).await;
    let addr = fixture.portal.addr();
    let lan = access_token(&provider, "citizen-1");
    let hung = access_token(&provider, "citizen-2");
    let hungs = codes(&get(addr, "/v1/me/dossiers", Some(&hung)).json());
    assert_eq!(hungs.len(), 3);
    let theirs = get(addr, &format!("/v1/me/dossiers/{}", hungs[0]), Some(&lan));
    let unknown = get(
        addr,
        "/v1/me/dossiers/000.00.00.H39-990101-9999",
        Some(&lan),
    );
    assert_eq!((theirs.status, unknown.status), (404, 404));
    assert_eq!(theirs.json(), unknown.json());
    // Still Hùng's.
    let own = get(addr, &format!("/v1/me/dossiers/{}", hungs[0]), Some(&hung));
    assert_eq!(own.status, 200);
    fixture.portal.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_rejected_once_the_cache_ttl_has_passed() {
    let (provider, fixture) = start(200).await;
    let addr = fixture.portal.addr();
    let token = access_token(&provider, "citizen-3");
    assert_eq!(get(addr, "/v1/me/dossiers", Some(&token)).status, 200);
    assert_eq!(provider.revoke_token(&token), 200);
    std::thread::sleep(Duration::from_millis(300));
    let answer = get(addr, "/v1/me/dossiers", Some(&token));
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert_eq!(answer.header("www-authenticate"), Some(REFUSED));
    assert_eq!(
        answer.json()["type"],
        longan_portal::problem_types::AUTH_REQUIRED
    );
    assert_eq!(introspections(&fixture), 2);
    // A new sign-in works again.
    let fresh = access_token(&provider, "citizen-3");
    assert_eq!(get(addr, "/v1/me/dossiers", Some(&fresh)).status, 200);
    fixture.portal.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_calls_within_the_ttl_make_one_introspection() {
    let (provider, fixture) = start(5000).await;
    let addr = fixture.portal.addr();
    let token = access_token(&provider, "citizen-1");
    provider.reset_counts();
    let list = get(addr, "/v1/me/dossiers", Some(&token));
    let code = codes(&list.json())[0].clone();
    for _ in 0..4 {
        assert_eq!(get(addr, "/v1/me/dossiers", Some(&token)).status, 200);
        let path = format!("/v1/me/dossiers/{code}");
        assert_eq!(get(addr, &path, Some(&token)).status, 200);
    }
    assert_eq!(introspections(&fixture), 1);
    assert_eq!(provider.counts().introspections, 1);
    fixture.portal.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_tokens_are_401() {
    let (provider, fixture) = start(5000).await;
    let addr = fixture.portal.addr();
    let tokens = provider.login_tokens("citizen-1");
    let not_access_tokens = [
        "garbage".to_string(),
        "x".repeat(2000),
        // A refresh token introspects as active: it is still no access token.
        tokens["refresh_token"].as_str().unwrap().to_string(),
        tokens["id_token"].as_str().unwrap().to_string(),
    ];
    for token in &not_access_tokens {
        let answer = get(addr, "/v1/me/dossiers", Some(token));
        assert_eq!(answer.status, 401, "{token}: {}", answer.body);
        assert_eq!(answer.header("www-authenticate"), Some(REFUSED));
    }
    // Not even the syntax of a token: refused without asking the provider.
    let before = introspections(&fixture);
    let answer = get(addr, "/v1/me/dossiers", Some("a b \"c\""));
    assert_eq!(answer.status, 401);
    assert_eq!(answer.header("www-authenticate"), Some(REFUSED));
    assert_eq!(introspections(&fixture), before);
    fixture.portal.shutdown().await;
}
