//! `GET /v1/catalog/procedures/{code}` over HTTP.

mod common;

use common::{Harness, etag, expect_problem, seed_dir, served_codes};
use longan_core::portal::wire::{ProcedureResponse, problem_types};
use reqwest::StatusCode;

/// A served code with a full record in the seed, and one without.
fn codes_with_and_without_details() -> (String, String) {
    let served = served_codes();
    let has_record = |code: &String| {
        let file = format!("{}.md", code.replace('.', "_"));
        seed_dir().join("tthc/details").join(file).exists()
    };
    let with = served
        .iter()
        .find(|code| has_record(code))
        .expect("a served record");
    let without = served.iter().find(|code| !has_record(code)).unwrap();
    (with.clone(), without.clone())
}

#[tokio::test]
async fn a_procedure_comes_with_its_full_record_when_the_seed_has_one() {
    let harness = Harness::start().await;
    let (with, without) = codes_with_and_without_details();
    let path = format!("/v1/catalog/procedures/{with}");
    let response = harness.get(&path).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: ProcedureResponse = common::json(response).await;
    assert_eq!(body.summary.code, with);
    let details = body.details.expect("the full record");
    assert_eq!(details.code, with);
    assert!(!details.steps.is_empty() || !details.document_cases.is_empty());

    let path = format!("/v1/catalog/procedures/{without}");
    let body: ProcedureResponse = common::json(harness.get(&path).send().await.unwrap()).await;
    assert_eq!(body.summary.code, without);
    assert_eq!(body.details, None);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn an_unknown_or_deleted_procedure_is_a_404_problem() {
    let harness = Harness::start().await;
    let response = harness
        .get("/v1/catalog/procedures/9.999999")
        .send()
        .await
        .unwrap();
    expect_problem(response, 404, problem_types::NOT_FOUND).await;
    let (with, _) = codes_with_and_without_details();
    harness.delete(&with).await;
    let response = harness
        .get(&format!("/v1/catalog/procedures/{with}"))
        .send()
        .await
        .unwrap();
    expect_problem(response, 404, problem_types::NOT_FOUND).await;
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_malformed_code_is_a_400_problem() {
    let harness = Harness::start().await;
    for code in ["abc", "1.00119", "1.0011930", "1_001193", "1.00119x", "%20"] {
        let response = harness
            .get(&format!("/v1/catalog/procedures/{code}"))
            .send()
            .await
            .unwrap();
        expect_problem(response, 400, problem_types::INVALID_REQUEST).await;
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_stored_etag_gets_304_until_the_procedure_changes() {
    let harness = Harness::start().await;
    let (with, _) = codes_with_and_without_details();
    let path = format!("/v1/catalog/procedures/{with}");
    let first = harness.get(&path).send().await.unwrap();
    let tag = etag(&first);
    assert!(tag.starts_with("W/\""));
    let body = first.bytes().await.unwrap();
    harness.expect_not_modified(&path, &tag).await;
    let other = harness
        .get(&path)
        .header("If-None-Match", "W/\"0\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(
        other.bytes().await.unwrap(),
        body,
        "the same body every time"
    );

    harness.post("/test/touch?percent=100").await;
    let changed = harness
        .get(&path)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(etag(&changed), tag);
    let body: ProcedureResponse = common::json(changed).await;
    assert!(body.summary.name.ends_with(" (sửa đổi)"));
    harness.portal.shutdown().await;
}
