//! The change feed over HTTP: snapshots, incremental pages, entity tags, expiry, bad input.

mod common;

use std::collections::BTreeSet;

use common::{Harness, changes_path, etag, expect_problem, procedure, served_codes};
use longan_core::portal::wire::problem_types;
use reqwest::StatusCode;

#[tokio::test]
async fn a_snapshot_in_pages_covers_every_served_procedure_exactly_once() {
    let harness = Harness::start().await;
    let common::Followed {
        pages, cursor: end, ..
    } = harness.snapshot(700).await;
    assert!(pages.len() > 1, "the seed should need several pages of 700");
    let mut seen = BTreeSet::new();
    let mut previous = String::new();
    for page in &pages {
        assert!(page.snapshot && page.deletes.is_empty());
        assert!(page.upserts.len() <= 700);
        for procedure in &page.upserts {
            assert!(procedure.code > previous, "codes ascend across pages");
            previous = procedure.code.clone();
            assert!(seen.insert(procedure.code.clone()));
        }
    }
    assert_eq!(&seen, served_codes());
    assert_eq!(end, "c1.0");
    let (default_page, _) = harness.page(None, 500).await;
    assert_eq!(default_page.upserts.len(), 500);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn an_incremental_page_after_an_upsert_and_a_delete_returns_both() {
    let harness = Harness::start().await;
    let cursor = harness.snapshot(1000).await.cursor;
    let existing = served_codes().first().unwrap().clone();
    let added = procedure("9.999999", "Thủ tục thử nghiệm");
    harness.upsert(&added).await;
    let head = harness.delete(&existing).await;
    assert_eq!(head, 2);
    let (page, _) = harness.page(Some(&cursor), 500).await;
    assert!(!page.snapshot && !page.has_more);
    assert_eq!(page.upserts, [added]);
    assert_eq!(page.deletes, [existing.as_str()]);
    assert_eq!(page.next_cursor, "c1.2");

    // Changed again: one entry per code, at its latest state, limit respected.
    let renamed = procedure("9.999999", "Thủ tục thử nghiệm (đổi tên)");
    harness.upsert(&renamed).await;
    harness.upsert(&procedure(&existing, "Trở lại")).await;
    let common::Followed {
        pages, cursor: end, ..
    } = harness.follow(Some(&cursor), 1).await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].has_more && !pages[1].has_more);
    assert_eq!(pages[0].upserts, [renamed]);
    assert_eq!(pages[1].upserts[0].name, "Trở lại");
    assert!(pages.iter().all(|page| page.deletes.is_empty()));
    assert_eq!(end, "c1.4");
    // A snapshot started now has the procedure back, and the new one.
    let snapshot = harness.snapshot(1000).await.pages;
    let count: usize = snapshot.iter().map(|page| page.upserts.len()).sum();
    assert_eq!(count, served_codes().len() + 1);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn changes_made_during_a_snapshot_follow_its_last_page() {
    let harness = Harness::start().await;
    let (first, _) = harness.page(None, 1000).await;
    let early = first.upserts[0].code.clone();
    harness
        .upsert(&procedure(&early, "Đổi trong lúc chụp"))
        .await;
    let common::Followed {
        pages: rest,
        cursor: end,
        ..
    } = harness.follow(Some(&first.next_cursor), 1000).await;
    assert!(rest.iter().all(|page| page.snapshot));
    assert_eq!(end, "c1.0");
    let (changes, _) = harness.page(Some(&end), 1000).await;
    assert_eq!(changes.upserts[0].code, early);
    assert_eq!(changes.next_cursor, "c1.1");
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_stored_etag_gets_304_while_nothing_changed_and_200_after_a_change() {
    let harness = Harness::start().await;
    let common::Followed { cursor, tag, .. } = harness.snapshot(1000).await;
    assert_eq!(cursor, "c1.0");
    assert!(tag.starts_with("W/\""));
    // The last page's tag, sent with its next cursor: nothing changed since.
    let path = changes_path(Some(&cursor), Some(1000));
    let next = harness
        .get(&path)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(next.status(), StatusCode::NOT_MODIFIED);
    // The same URL asked again with its own tag.
    let (page, tag) = harness.page(Some(&cursor), 1000).await;
    assert!(page.upserts.is_empty() && page.deletes.is_empty());
    harness.expect_not_modified(&path, &tag).await;
    // A list of tags, and the strong form, match too (weak comparison).
    let list = format!("\"other\", {}", tag.trim_start_matches("W/"));
    let listed = harness
        .get(&path)
        .header("If-None-Match", list)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::NOT_MODIFIED);

    harness.post("/test/touch?percent=1").await;
    let changed = harness
        .get(&path)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(etag(&changed), tag);
    let page: longan_core::portal::wire::ChangesPage = common::json(changed).await;
    assert!(!page.upserts.is_empty());
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_snapshot_tag_gives_no_304_for_changes_made_during_the_snapshot() {
    let harness = Harness::start().await;
    let (first, _) = harness.page(None, 1000).await;
    harness.post("/test/touch?percent=1").await;
    let common::Followed {
        cursor: end, tag, ..
    } = harness.follow(Some(&first.next_cursor), 1000).await;
    assert_eq!(end, "c1.0");
    let next = changes_path(Some(&end), Some(1000));
    let response = harness
        .get(&next)
        .header("If-None-Match", tag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn an_expired_cursor_is_410_and_a_new_snapshot_recovers() {
    let harness = Harness::start().await;
    let old = harness.snapshot(1000).await.cursor;
    let touched = harness.post("/test/touch?percent=10").await;
    assert!(touched["changed"].as_u64().unwrap() > 0);
    let expired = harness.post("/test/expire-cursors").await;
    let head = expired["head"].as_u64().unwrap();
    let response = harness
        .get(&changes_path(Some(&old), None))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(response, 410, problem_types::CURSOR_EXPIRED).await;
    assert!(problem["title"].is_string());
    // A cursor from the future (e.g. from before a restart) is expired too.
    let future = format!("c1.{}", head + 1);
    let response = harness
        .get(&changes_path(Some(&future), None))
        .send()
        .await
        .unwrap();
    expect_problem(response, 410, problem_types::CURSOR_EXPIRED).await;
    // The head's own cursor stays valid, and a new snapshot ends on it.
    let end = harness.snapshot(1000).await.cursor;
    assert_eq!(end, format!("c1.{head}"));
    let (page, _) = harness.page(Some(&end), 10).await;
    assert!(page.upserts.is_empty() && !page.has_more);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn malformed_cursors_and_limits_are_400_problems() {
    let harness = Harness::start().await;
    for query in [
        "cursor=abc",
        "cursor=c1.",
        "cursor=c1.-1",
        "cursor=s1.0",
        "cursor=s1.0.1.00",
        "limit=0",
        "limit=1001",
        "limit=abc",
        "limit=-5",
        "limit=1.5",
    ] {
        let response = harness
            .get(&format!("/v1/catalog/changes?{query}"))
            .send()
            .await
            .unwrap();
        let problem = expect_problem(response, 400, problem_types::INVALID_REQUEST).await;
        assert!(problem["detail"].is_string(), "{query}");
    }
    let (page, _) = harness.page(None, 1000).await;
    let response = harness
        .get("/v1/catalog/changes?limit=1000&cursor=")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "an empty cursor starts a snapshot"
    );
    assert_eq!(
        common::json::<longan_core::portal::wire::ChangesPage>(response).await,
        page
    );
    harness.portal.shutdown().await;
}
