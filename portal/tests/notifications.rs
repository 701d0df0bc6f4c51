//! `GET /v1/me/notifications`: the signed-in citizen's notification feed, against the stand-in
//! provider (`common::fake_oidc`): its items match the account's dossiers, pages follow the
//! cursor, test control's changes come after the last cursor, conditional requests get 304,
//! and bad cursors, bad limits and refused tokens are refused.

mod common;

use common::fake_oidc::{self, FakeOidc};
use common::{Harness, etag, expect_problem};
use longan_core::dossier::model::Dossier;
use longan_core::dossier::status::DossierStatus;
use longan_core::portal::wire::{DossierList, FeedItem, NotificationPage};
use longan_portal::{PortalConfig, problem_types};
use reqwest::StatusCode;
use serde_json::Value;

const INVALID_REQUEST: &str = "https://longan.example/problems/invalid-request";
const UNAVAILABLE: &str = "https://longan.example/problems/unavailable";

async fn portal(issuer: &str) -> Harness {
    Harness::start_with(PortalConfig {
        oidc_issuer: Some(issuer.to_string()),
        ..common::config()
    })
    .await
}

/// The feed's path with these parameters.
fn feed_path(since: Option<&str>, limit: Option<u32>) -> String {
    let mut query = Vec::new();
    if let Some(since) = since {
        query.push(format!("since={since}"));
    }
    if let Some(limit) = limit {
        query.push(format!("limit={limit}"));
    }
    format!("/v1/me/notifications?{}", query.join("&"))
}

impl Harness {
    /// A page of `token`'s feed (expecting 200) and its tag.
    async fn feed(
        &self,
        token: &str,
        since: Option<&str>,
        limit: Option<u32>,
    ) -> (NotificationPage, String) {
        let path = feed_path(since, limit);
        let response = self.get(&path).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let tag = etag(&response);
        (common::json(response).await, tag)
    }

    /// The status of a conditional request for `token`'s feed after `since`.
    async fn feed_status(&self, token: &str, since: Option<&str>, tag: &str) -> StatusCode {
        let request = self.get(&feed_path(since, None)).bearer_auth(token);
        let response = request.header("If-None-Match", tag).send().await.unwrap();
        response.status()
    }

    async fn my_dossiers(&self, token: &str) -> Vec<Dossier> {
        let response = self.get("/v1/me/dossiers").bearer_auth(token).send().await;
        let list: DossierList = common::json(response.unwrap()).await;
        list.dossiers
    }
}

/// The (at_ms, id) of an item.
fn key(item: &FeedItem) -> (i64, String) {
    (item.at_ms().unwrap(), item.id().unwrap().to_string())
}

/// The items `dossiers` should give: (id, at_ms) of every timeline entry, every appointment
/// change after the first, and the welcome message.
fn expected_keys(dossiers: &[Dossier]) -> Vec<(i64, String)> {
    let mut keys = Vec::new();
    for dossier in dossiers {
        for entry in &dossier.timeline {
            keys.push((entry.at_ms, format!("{}/{}", dossier.code, entry.id)));
        }
        for change in dossier.appointment_history.iter().skip(1) {
            let id = format!("{}/appointment/{}", dossier.code, change.set_at_ms);
            keys.push((change.set_at_ms, id));
        }
    }
    if let Some(first) = dossiers.iter().map(|d| d.received_at_ms).min() {
        keys.push((first, "msg-welcome".to_string()));
    }
    keys.sort();
    keys
}

#[tokio::test]
async fn the_feed_holds_every_event_of_the_accounts_dossiers_oldest_first_and_a_welcome() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider.issuer()).await;
    let dossiers = harness.my_dossiers(fake_oidc::CITIZEN_1).await;
    assert_eq!(dossiers.len(), 3);
    let (page, tag) = harness.feed(fake_oidc::CITIZEN_1, None, None).await;
    let keys: Vec<(i64, String)> = page.items.iter().map(key).collect();
    assert_eq!(keys, expected_keys(&dossiers));
    assert!(page.next_cursor.is_some());

    let mut messages = 0;
    for item in &page.items {
        match item {
            FeedItem::DossierEvent {
                id,
                dossier_code,
                timeline_entry_id,
                status,
                at_ms,
                procedure_name,
                note,
            } => {
                assert_eq!(id, &format!("{dossier_code}/{timeline_entry_id}"));
                let dossier = dossiers.iter().find(|d| &d.code == dossier_code).unwrap();
                let entry = dossier.timeline.iter().find(|e| &e.id == timeline_entry_id);
                let entry = entry.unwrap();
                assert_eq!(
                    (*status, *at_ms, note),
                    (entry.status.number(), entry.at_ms, &entry.note)
                );
                assert_eq!(procedure_name, &dossier.procedure_name);
            }
            FeedItem::AppointmentMoved {
                dossier_code,
                date,
                at_ms,
                apology,
                ..
            } => {
                let dossier = dossiers.iter().find(|d| &d.code == dossier_code).unwrap();
                let change = dossier.appointment_history[1..]
                    .iter()
                    .find(|c| c.set_at_ms == *at_ms)
                    .unwrap();
                assert_eq!((date, *apology), (&change.date, change.apology));
            }
            FeedItem::Message {
                id, title, body, ..
            } => {
                messages += 1;
                assert_eq!(id, "msg-welcome");
                assert!(title.contains("Chào mừng"), "{title}");
                assert!(body.contains("hồ sơ"), "{body}");
            }
            FeedItem::Unknown => panic!("the portal sends only kinds it documents"),
        }
    }
    assert_eq!(messages, 1);

    // The same answer again: 304 with the tag, also for `*`.
    for sent in [tag.as_str(), "*"] {
        let status = harness.feed_status(fake_oidc::CITIZEN_1, None, sent).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
    }
    // Another account's feed is its own; a subject without an account has an empty one.
    let (theirs, their_tag) = harness.feed(fake_oidc::CITIZEN_2, None, None).await;
    assert_ne!(their_tag, tag);
    let their_codes: Vec<String> = harness
        .my_dossiers(fake_oidc::CITIZEN_2)
        .await
        .into_iter()
        .map(|d| d.code)
        .collect();
    for item in &theirs.items {
        if let FeedItem::DossierEvent { dossier_code, .. } = item {
            assert!(their_codes.contains(dossier_code));
        }
    }
    let (none, _) = harness.feed(fake_oidc::STRANGER, None, None).await;
    assert_eq!(none.items, []);
    assert_eq!(none.next_cursor, None);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn pages_follow_the_cursor_and_an_advanced_dossier_adds_items_after_it() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider.issuer()).await;
    let token = fake_oidc::CITIZEN_1;
    // The account's dossiers are old, their stories over: test control files a new one, whose
    // registration is in the feed at once.
    let filed: Dossier =
        serde_json::from_value(harness.post("/test/accounts/citizen-1/dossiers").await).unwrap();
    assert_eq!(filed.status, DossierStatus::Registered);
    let (whole, _) = harness.feed(token, None, Some(500)).await;
    let registered = format!("{}/{}", filed.code, filed.timeline[0].id);
    assert_eq!(whole.items.last().unwrap().id(), Some(registered.as_str()));
    assert_eq!(harness.my_dossiers(token).await.len(), 4);

    // Two items a page, each after the last page's cursor: the same items.
    let mut since: Option<String> = None;
    let mut read = Vec::new();
    let caught_up_tag = loop {
        let (page, tag) = harness.feed(token, since.as_deref(), Some(2)).await;
        assert!(page.items.len() <= 2);
        match page.next_cursor {
            None => {
                assert_eq!(page.items, []);
                break tag;
            }
            Some(next) => {
                read.extend(page.items);
                since = Some(next);
            }
        }
    };
    assert_eq!(read, whole.items);
    let since = since.expect("the feed is not empty");
    assert_eq!(
        harness
            .feed_status(token, Some(&since), &caught_up_tag)
            .await,
        StatusCode::NOT_MODIFIED
    );

    // Test control moves the account's new dossier on: its new entry comes after `since`.
    let path = format!("/test/dossiers/{}/advance", filed.code);
    let advanced: Dossier = serde_json::from_value(harness.post(&path).await).unwrap();
    let entry = advanced.timeline.last().unwrap();
    assert_eq!(
        harness
            .feed_status(token, Some(&since), &caught_up_tag)
            .await,
        StatusCode::OK
    );
    let (news, tag) = harness.feed(token, Some(&since), None).await;
    let expected = FeedItem::DossierEvent {
        id: format!("{}/{}", advanced.code, entry.id),
        dossier_code: advanced.code.clone(),
        timeline_entry_id: entry.id.clone(),
        status: entry.status.number(),
        at_ms: entry.at_ms,
        procedure_name: advanced.procedure_name.clone(),
        note: entry.note.clone(),
    };
    assert_eq!(news.items, [expected], "{news:?}");
    assert!(key(&news.items[0]) > key(&read[read.len() - 1]));
    assert_eq!(entry.status, DossierStatus::Accepted);
    let next = news.next_cursor.clone().unwrap();
    let (rest, rest_tag) = harness.feed(token, Some(&next), None).await;
    assert_eq!(rest.items, []);
    assert_ne!(rest_tag, tag);
    // The whole feed now ends with what came after `since`.
    let (now_whole, _) = harness.feed(token, None, Some(500)).await;
    assert_eq!(now_whole.items[..read.len()], read[..]);
    assert_eq!(now_whole.items[read.len()..], news.items[..]);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn bad_cursors_and_limits_are_400_and_a_reset_makes_old_cursors_stale() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider.issuer()).await;
    let token = fake_oidc::CITIZEN_2;
    for path in [
        feed_path(Some("garbage"), None),
        feed_path(Some("c1.0"), None),
        feed_path(Some("bjEuMS4yLng"), None), // "n1.1.2.x": another epoch
        feed_path(None, Some(0)),
        feed_path(None, Some(501)),
        "/v1/me/notifications?limit=x".to_string(),
        "/v1/me/notifications?limit=-1".to_string(),
    ] {
        let response = harness.get(&path).bearer_auth(token).send().await.unwrap();
        let problem = expect_problem(response, 400, INVALID_REQUEST).await;
        assert!(!problem["detail"].as_str().unwrap().contains("garbage"));
    }
    // Empty parameters count as absent; 500 is the most.
    let (all, _) = harness.feed(token, None, None).await;
    let (empty, _) = harness.feed(token, Some(""), Some(500)).await;
    assert_eq!(empty, all);
    let response = harness.get("/v1/me/notifications?since=&limit=");
    let response = response.bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let cursor = all.next_cursor.unwrap();
    let (_, _) = harness.feed(token, Some(&cursor), None).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    harness.post("/test/clock/reset").await;
    let stale = harness
        .get(&feed_path(Some(&cursor), None))
        .bearer_auth(token);
    let problem = expect_problem(stale.send().await.unwrap(), 400, INVALID_REQUEST).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("without since")
    );
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_feed_is_signed_in_like_the_dossiers() {
    let provider = FakeOidc::start().await;
    let harness = portal(&provider.issuer()).await;
    let path = "/v1/me/notifications";
    let anonymous = harness.get(path).send().await.unwrap();
    assert_eq!(
        anonymous.headers()["www-authenticate"],
        "Bearer realm=\"longan\""
    );
    expect_problem(anonymous, 401, problem_types::AUTH_REQUIRED).await;
    for token in ["garbage", fake_oidc::REFRESH, fake_oidc::JWT, "a b"] {
        let refused = harness.get(path).bearer_auth(token).send().await.unwrap();
        assert_eq!(
            refused.headers()["www-authenticate"],
            "Bearer realm=\"longan\", error=\"invalid_token\"",
            "{token}"
        );
        expect_problem(refused, 401, problem_types::AUTH_REQUIRED).await;
    }
    // Authentication comes first: a bad cursor without a token is 401.
    let anonymous = harness.get(&feed_path(Some("garbage"), None)).send();
    expect_problem(anonymous.await.unwrap(), 401, problem_types::AUTH_REQUIRED).await;
    harness.portal.shutdown().await;

    // A provider that cannot be reached.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let harness = portal(&issuer).await;
    let response = harness.get(path).bearer_auth(fake_oidc::CITIZEN_1).send();
    let response = response.await.unwrap();
    assert_eq!(response.headers()["retry-after"], "5");
    let problem: Value = expect_problem(response, 503, UNAVAILABLE).await;
    assert_eq!(problem["status"], 503);
    harness.portal.shutdown().await;
}
