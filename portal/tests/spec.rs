//! `portal/openapi.yaml` describes what the portal really answers: real bodies are validated
//! against the spec's schemas.

mod common;

use common::{Harness, changes_path, procedure, served_codes};
use reqwest::Response;
use serde_json::{Value, json};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("portal/openapi.yaml");
    serde_norway::from_str(&text).expect("valid YAML")
}

/// Validates instances against the schema at `pointer` in the spec (its `$ref`s resolved
/// within the document).
struct Schema(jsonschema::Validator, String);

impl Schema {
    fn at(spec: &Value, pointer: &str) -> Schema {
        assert!(spec.pointer(pointer).is_some(), "no schema at {pointer}");
        let mut root = spec.clone();
        root["$ref"] = json!(format!("#{pointer}"));
        let validator = jsonschema::draft202012::new(&root).expect("a valid schema");
        Schema(validator, pointer.to_string())
    }

    fn named(spec: &Value, name: &str) -> Schema {
        Schema::at(spec, &format!("/components/schemas/{name}"))
    }

    fn response(spec: &Value, name: &str) -> Schema {
        let media = "application~1problem+json";
        Schema::at(
            spec,
            &format!("/components/responses/{name}/content/{media}/schema"),
        )
    }

    fn assert_valid(&self, instance: &Value) {
        let errors: Vec<String> = self
            .0
            .iter_errors(instance)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{} rejects the body: {errors:#?}",
            self.1
        );
    }

    fn assert_invalid(&self, instance: &Value) {
        assert!(!self.0.is_valid(instance), "{} accepts {instance}", self.1);
    }
}

async fn body(response: Response) -> Value {
    common::json(response).await
}

#[tokio::test]
async fn real_bodies_match_the_schemas_of_the_spec() {
    let spec = spec();
    let page = Schema::named(&spec, "ChangesPage");
    let procedure_schema = Schema::named(&spec, "ProcedureResponse");
    let harness = Harness::start().await;

    // Every page of a full snapshot.
    let mut cursor = None;
    loop {
        let path = changes_path(cursor.as_deref(), Some(1000));
        let snapshot = body(harness.get(&path).send().await.unwrap()).await;
        page.assert_valid(&snapshot);
        assert_eq!(snapshot["snapshot"], true);
        cursor = snapshot["next_cursor"].as_str().map(str::to_string);
        if snapshot["has_more"] == false {
            break;
        }
    }
    let cursor = cursor.unwrap();
    let existing = served_codes().first().unwrap().clone();
    harness
        .upsert(&procedure("9.999999", "Thủ tục thử nghiệm"))
        .await;
    harness.delete(&existing).await;
    let changes = body(
        harness
            .get(&changes_path(Some(&cursor), None))
            .send()
            .await
            .unwrap(),
    );
    let changes = changes.await;
    assert_eq!(changes["deletes"][0], existing.as_str());
    assert_eq!(changes["upserts"][0]["province"], "Tây Ninh");
    page.assert_valid(&changes);

    let mut with_details = None;
    let mut without_details = None;
    for code in served_codes() {
        let path = format!("/v1/catalog/procedures/{code}");
        let response = harness.get(&path).send().await.unwrap();
        if response.status() != 200 {
            continue; // the one deleted above
        }
        let found = body(response).await;
        let slot = match found["details"].is_null() {
            true => &mut without_details,
            false => &mut with_details,
        };
        slot.get_or_insert(found);
        if with_details.is_some() && without_details.is_some() {
            break;
        }
    }
    for found in [with_details.unwrap(), without_details.unwrap()] {
        procedure_schema.assert_valid(&found);
    }
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn every_full_record_of_the_seed_matches_the_schema() {
    let spec = spec();
    let schema = Schema::named(&spec, "ProcedureResponse");
    let harness = Harness::start().await;
    let dir = common::seed_dir().join("tthc/details");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .replace('_', ".");
        let code = name.trim_end_matches(".md");
        let response = harness
            .get(&format!("/v1/catalog/procedures/{code}"))
            .send()
            .await;
        let response = response.unwrap();
        if response.status() == 200 {
            let found = body(response).await;
            assert!(!found["details"].is_null(), "{code}");
            schema.assert_valid(&found);
            checked += 1;
        }
    }
    assert!(checked > 0, "some records of the seed are served");
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn every_problem_the_portal_produces_matches_the_schema() {
    let spec = spec();
    let problem = Schema::named(&spec, "Problem");
    let harness = Harness::start().await;
    let base = harness.portal.url();
    let old = harness.client.get(format!("{base}/v1/catalog/changes"));
    let too_old = old
        .header("X-Client-Version", "0.0.1")
        .send()
        .await
        .unwrap();
    let expired = {
        harness.post("/test/touch?percent=1").await;
        harness.post("/test/expire-cursors").await;
        harness
            .get(&changes_path(Some("c1.0"), None))
            .send()
            .await
            .unwrap()
    };
    let cases = [
        (
            "BadRequest",
            harness.get(&changes_path(Some("nope"), None)).send().await,
        ),
        (
            "BadRequest",
            harness.get("/v1/catalog/changes?limit=0").send().await,
        ),
        (
            "BadRequest",
            harness.get("/v1/catalog/procedures/12").send().await,
        ),
        (
            "NotFound",
            harness.get("/v1/catalog/procedures/9.999999").send().await,
        ),
        ("CursorExpired", Ok(expired)),
        ("ClientTooOld", Ok(too_old)),
    ];
    for (name, response) in cases {
        let found = body(response.unwrap()).await;
        problem.assert_valid(&found);
        Schema::response(&spec, name).assert_valid(&found);
    }
    let bare = harness
        .client
        .post(format!("{base}/v1/catalog/changes"))
        .send()
        .await;
    let found = body(bare.unwrap()).await;
    assert_eq!(found["status"], 405);
    problem.assert_valid(&found);
    harness.portal.shutdown().await;
}

#[test]
fn the_schemas_are_strict_enough_to_catch_a_drift() {
    let spec = spec();
    let page = Schema::named(&spec, "ChangesPage");
    let summary = json!({
        "code": "1.000001", "name": "x", "field": "f", "publisher": "p", "agencies": [],
        "levels": ["commune"], "province": null, "source_url": ""
    });
    let valid = json!({
        "upserts": [summary], "deletes": ["1.000002"], "next_cursor": "c1.1",
        "has_more": false, "snapshot": false
    });
    page.assert_valid(&valid);
    let mut extra = valid.clone();
    extra["upserts"][0]["extra"] = json!(1);
    page.assert_invalid(&extra);
    let mut level = valid.clone();
    level["upserts"][0]["levels"] = json!(["Commune"]);
    page.assert_invalid(&level);
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("has_more");
    page.assert_invalid(&missing);

    let response = Schema::named(&spec, "ProcedureResponse");
    let mut with = summary.clone();
    with["details"] = json!(null);
    response.assert_valid(&with);
    with["extra"] = json!(1);
    response.assert_invalid(&with);
    response.assert_invalid(&summary);

    let problem = Schema::response(&spec, "CursorExpired");
    let expired = json!({
        "type": "https://longan.example/problems/cursor-expired", "title": "Gone", "status": 410
    });
    problem.assert_valid(&expired);
    let mut wrong = expired.clone();
    wrong["status"] = json!(400);
    problem.assert_invalid(&wrong);
}

#[test]
fn every_operation_takes_the_client_version_and_answers_304_and_426() {
    let spec = spec();
    let paths = spec["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 2);
    for (path, item) in paths {
        let operation = &item["get"];
        let parameters = operation["parameters"].as_array().unwrap();
        for name in ["ClientVersion", "IfNoneMatch"] {
            let reference = json!({ "$ref": format!("#/components/parameters/{name}") });
            assert!(parameters.contains(&reference), "{path} lacks {name}");
        }
        for status in ["200", "304", "400", "426"] {
            assert!(
                operation["responses"][status].is_object(),
                "{path} lacks {status}"
            );
        }
        let ok = &operation["responses"]["200"];
        assert!(
            ok["headers"]["ETag"].is_object(),
            "{path}: 200 without ETag"
        );
    }
}
