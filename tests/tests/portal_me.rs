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

/// `GET path` with `Authorization: Bearer token` and `If-None-Match: tag`.
fn get_if_none_match(addr: SocketAddr, path: &str, token: &str, tag: &str) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nX-Client-Version: 0.1.0\r\n\
         Authorization: Bearer {token}\r\nIf-None-Match: {tag}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let headers = head
        .split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// The ids of a feed page's items.
fn item_ids(page: &Value) -> Vec<String> {
    let items = page["items"].as_array().expect("a list of items");
    let id = |item: &Value| item["id"].as_str().unwrap().to_string();
    items.iter().map(id).collect()
}

/// Reads `token`'s whole feed from `since`, two items a page: the items, the last cursor (the
/// one given, when nothing came) and the `ETag` of the last (empty) page.
fn read_feed(
    addr: SocketAddr,
    token: &str,
    since: Option<String>,
) -> (Vec<Value>, Option<String>, String) {
    let mut since = since;
    let mut items = Vec::new();
    loop {
        let path = match &since {
            None => "/v1/me/notifications?limit=2".to_string(),
            Some(since) => format!("/v1/me/notifications?limit=2&since={since}"),
        };
        let answer = get(addr, &path, Some(token));
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let tag = answer.header("etag").expect("an ETag").to_string();
        let page = answer.json();
        let got = page["items"].as_array().unwrap().clone();
        assert!(got.len() <= 2);
        match page["next_cursor"].as_str() {
            None => {
                assert!(got.is_empty(), "{page}");
                return (items, since, tag);
            }
            Some(next) => {
                items.extend(got);
                since = Some(next.to_string());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notification_feed_lists_the_accounts_events_and_what_test_control_adds_after_the_cursor()
 {
    let (provider, fixture) = start(5000).await;
    let addr = fixture.portal.addr();
    let token = access_token(&provider, "citizen-1");

    // Every timeline entry of the account's dossiers, oldest first, and the welcome message.
    let list = get(addr, "/v1/me/dossiers", Some(&token)).json();
    let (items, since, caught_up) = read_feed(addr, &token, None);
    let mut expected = vec![];
    for dossier in list["dossiers"].as_array().unwrap() {
        let code = dossier["code"].as_str().unwrap();
        for entry in dossier["timeline"].as_array().unwrap() {
            let id = format!("{code}/{}", entry["id"].as_str().unwrap());
            expected.push((entry["at_ms"].as_i64().unwrap(), id));
        }
        for change in dossier["appointment_history"]
            .as_array()
            .unwrap()
            .iter()
            .skip(1)
        {
            let at_ms = change["set_at_ms"].as_i64().unwrap();
            expected.push((at_ms, format!("{code}/appointment/{at_ms}")));
        }
    }
    let first = list["dossiers"].as_array().unwrap().iter();
    let first = first.map(|d| d["received_at_ms"].as_i64().unwrap()).min();
    expected.push((first.unwrap(), "msg-welcome".to_string()));
    expected.sort();
    let found: Vec<(i64, String)> = items
        .iter()
        .map(|item| {
            let id = item["id"].as_str().unwrap().to_string();
            (item["at_ms"].as_i64().unwrap(), id)
        })
        .collect();
    assert_eq!(found, expected);
    let welcome = items.iter().find(|item| item["kind"] == "message").unwrap();
    assert!(welcome["title"].as_str().unwrap().contains("Chào mừng"));
    for event in items.iter().filter(|item| item["kind"] == "dossier_event") {
        let status = event["status"].as_u64().unwrap();
        assert!((1..=10).contains(&status), "{event}");
    }
    // Another account sees none of these.
    let other = access_token(&provider, "citizen-2");
    let (theirs, _, _) = read_feed(addr, &other, None);
    assert!(
        theirs
            .iter()
            .all(|item| item["kind"] == "message" || !items.contains(item))
    );

    // Caught up: a conditional request with the last page's tag is 304.
    let since = since.expect("the feed is not empty");
    let path = format!("/v1/me/notifications?limit=2&since={since}");
    let again = get_if_none_match(addr, &path, &token, &caught_up);
    assert_eq!(again.status, 304, "{}", again.body);
    assert_eq!(again.header("etag"), Some(caught_up.as_str()));
    assert!(again.body.is_empty());

    // The account's dossiers are all old: test control files a new one, then advances it.
    let (status, body) = fixture.control("POST", "/test/accounts/citizen-1/dossiers", "");
    assert_eq!(status, 200, "{body}");
    let filed: Value = serde_json::from_str(&body).unwrap();
    let code = filed["code"].as_str().unwrap();
    let advance = format!("/test/dossiers/{code}/advance");
    let (status, body) = fixture.control("POST", &advance, "");
    assert_eq!(status, 200, "{body}");
    let advanced: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(advanced["status"], "accepted");
    let changed = get_if_none_match(addr, &path, &token, &caught_up);
    assert_eq!(changed.status, 200);
    let (news, newer, _) = read_feed(addr, &token, Some(since.clone()));
    let ids: Vec<String> = news
        .iter()
        .map(|item| item["id"].as_str().unwrap().into())
        .collect();
    assert_eq!(
        ids,
        [format!("{code}/{code}#1"), format!("{code}/{code}#2")]
    );
    assert_eq!(news[1]["status"], 2, "accepted is status 2");
    let last_read = found.last().unwrap().0;
    assert!(
        news.iter()
            .all(|item| item["at_ms"].as_i64().unwrap() >= last_read)
    );
    assert_ne!(newer.as_deref(), Some(since.as_str()));
    let whole = get(addr, "/v1/me/notifications?limit=500", Some(&token)).json();
    assert_eq!(item_ids(&whole).len(), expected.len() + 2);
    fixture.portal.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cores_client_reads_the_notification_feed_conditionally() {
    use longan_core::auth::Secret;
    use longan_core::cancel::Cancellation;
    use longan_core::portal::PortalError;
    use longan_core::portal::wire::FeedItem;

    let (provider, fixture) = start(5000).await;
    let portal = fixture.client();
    let cancel = Cancellation::new();
    let token = Secret::new(access_token(&provider, "citizen-3"));

    let (page, tag) = portal
        .my_notifications(&token, None, None, &cancel)
        .await
        .unwrap()
        .expect("a page");
    let tag = tag.expect("an ETag");
    assert!(page.items.len() > 3, "{page:?}");
    assert!(!page.items.contains(&FeedItem::Unknown));
    let welcome = page
        .items
        .iter()
        .filter(|item| item.id() == Some("msg-welcome"));
    assert!(matches!(
        welcome.collect::<Vec<_>>()[..],
        [FeedItem::Message { .. }]
    ));
    let times: Vec<i64> = page.items.iter().filter_map(FeedItem::at_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    // Unchanged: 304 is `None`.
    let unchanged = portal
        .my_notifications(&token, None, Some(&tag), &cancel)
        .await;
    assert_eq!(unchanged, Ok(None));

    // After the last cursor: nothing, then what test control does.
    let since = page.next_cursor.clone().expect("a cursor");
    let (empty, empty_tag) = portal
        .my_notifications(&token, Some(&since), None, &cancel)
        .await
        .unwrap()
        .unwrap();
    assert!(empty.items.is_empty() && empty.next_cursor.is_none());
    let empty_tag = empty_tag.unwrap();
    let polled = portal.my_notifications(&token, Some(&since), Some(&empty_tag), &cancel);
    assert_eq!(polled.await, Ok(None));
    let (status, body) = fixture.control("POST", "/test/accounts/citizen-3/dossiers", "");
    assert_eq!(status, 200, "{body}");
    let code = serde_json::from_str::<Value>(&body).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let polled = portal.my_notifications(&token, Some(&since), Some(&empty_tag), &cancel);
    let (news, _) = polled.await.unwrap().expect("news");
    match &news.items[..] {
        [
            FeedItem::DossierEvent {
                dossier_code,
                timeline_entry_id,
                status,
                ..
            },
        ] => {
            assert_eq!(dossier_code, &code);
            assert_eq!(timeline_entry_id, &format!("{code}#1"));
            assert_eq!(*status, 1);
        }
        other => panic!("{other:?}"),
    }

    // A cursor the portal no longer accepts (its stories were reset): start again.
    let (status, _) = fixture.control("POST", "/test/clock/reset", "");
    assert_eq!(status, 200);
    let stale = portal
        .my_notifications(&token, Some(&since), None, &cancel)
        .await;
    assert_eq!(stale, Err(PortalError::CursorExpired));
    let garbage = portal
        .my_notifications(&token, Some("garbage"), None, &cancel)
        .await;
    assert_eq!(garbage, Err(PortalError::CursorExpired));
    // A refused token is 401, as for the dossiers.
    let refused = portal
        .my_notifications(&Secret::new("garbage"), None, None, &cancel)
        .await;
    assert!(
        matches!(&refused, Err(PortalError::Net(error)) if error.is_unauthorized()),
        "{refused:?}"
    );
    fixture.portal.shutdown().await;
}
