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
async fn real_dossiers_and_their_problems_match_the_spec() {
    let spec = spec();
    let schema = Schema::named(&spec, "Dossier");
    let harness = Harness::start().await;
    harness.unlimited_lookups().await;
    // Dossiers of the scenario in every status, rescheduled ones among them.
    let scenario = harness.scenario().await;
    let samples = common::dossiers::varied(scenario.dossiers_at(std::time::SystemTime::now()));
    assert!(
        samples
            .iter()
            .any(|s| s.dossier.appointment_history.len() > 1)
    );
    for sample in samples {
        let response = harness.lookup(&sample.dossier.code, Some(&sample.verifier));
        schema.assert_valid(&body(response.send().await.unwrap()).await);
    }
    // A dossier changed by test control, with a note and the appointment acceptance sets.
    let demo = harness.demo_dossiers().await.remove(0);
    let path = format!("/test/dossiers/{}/status", demo.code);
    let accepted = json!({ "status": "accepted", "note": "Đã nhận đủ hồ sơ" });
    assert_eq!(harness.post_json(&path, &accepted).await.status(), 200);
    let changed = body(
        harness
            .lookup(&demo.code, Some(&demo.verifier))
            .send()
            .await
            .unwrap(),
    );
    let changed = changed.await;
    assert_eq!(changed["timeline"][1]["note"], "Đã nhận đủ hồ sơ");
    assert!(changed["appointment"].is_string());
    schema.assert_valid(&changed);

    let not_found = harness
        .lookup(&demo.code, Some("nope"))
        .send()
        .await
        .unwrap();
    let malformed = harness.lookup("abc", Some("1234")).send().await.unwrap();
    let anonymous = harness.get("/v1/me/dossiers").send().await.unwrap();
    let token = harness
        .get("/v1/me/dossiers/x")
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    harness.post("/test/rate-limit?per_minute=1").await;
    harness.lookup(&demo.code, None).send().await.unwrap();
    let limited = harness.lookup(&demo.code, None).send().await.unwrap();
    assert!(limited.headers().contains_key("retry-after"));
    for (name, response) in [
        ("NotFound", not_found),
        ("BadRequest", malformed),
        ("AuthRequired", anonymous),
        ("AuthRequired", token),
        ("RateLimited", limited),
    ] {
        let found = body(response).await;
        Schema::response(&spec, name).assert_valid(&found);
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
fn the_dossier_schema_is_strict_enough_to_catch_a_drift() {
    let spec = spec();
    let schema = Schema::named(&spec, "Dossier");
    let entry = json!({
        "id": "000.00.12.H39-250315-0042#1", "at_ms": 1_742_000_000_000_i64,
        "status": "registered", "status_text": "Mới đăng ký", "note": null
    });
    let valid = json!({
        "code": "000.00.12.H39-250315-0042", "version": 2, "status": "accepted",
        "status_text": "Được tiếp nhận", "procedure_code": "1.001193",
        "procedure_name": "Thủ tục đăng ký khai sinh", "agency": "UBND xã Bình Tịnh",
        "applicant": "Nguyễn V** A*", "received_at_ms": 1_742_000_000_000_i64,
        "appointment": "2025-03-20",
        "appointment_history": [
            { "date": "2025-03-20", "set_at_ms": 1_742_000_000_000_i64, "reason": null,
              "apology": false }
        ],
        "timeline": [entry]
    });
    schema.assert_valid(&valid);
    let mut extra = valid.clone();
    extra["verifier"] = json!("0042");
    schema.assert_invalid(&extra);
    let mut status = valid.clone();
    status["status"] = json!("Accepted");
    schema.assert_invalid(&status);
    let mut instant = valid.clone();
    instant["appointment"] = json!(1_742_000_000_000_i64);
    schema.assert_invalid(&instant);
    let mut entry_extra = valid.clone();
    entry_extra["timeline"][0]["extra"] = json!(1);
    schema.assert_invalid(&entry_extra);
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("appointment");
    schema.assert_invalid(&missing);
    let list = Schema::named(&spec, "DossierList");
    list.assert_valid(&json!({ "dossiers": [valid], "next_cursor": null }));
    list.assert_invalid(&json!({ "dossiers": [] }));
}

#[test]
fn every_operation_takes_the_client_version_and_answers_304_and_426() {
    let spec = spec();
    let paths = spec["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 10);
    for (path, item) in paths {
        // The writes (feedback, devices) are checked below.
        let Some(operation) = item.get("get") else {
            continue;
        };
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
    let feedback = &paths["/v1/feedback"]["post"];
    for name in ["ClientVersion", "IdempotencyKey"] {
        let reference = json!({ "$ref": format!("#/components/parameters/{name}") });
        let parameters = feedback["parameters"].as_array().unwrap();
        assert!(parameters.contains(&reference), "feedback lacks {name}");
    }
    for status in ["201", "400", "422", "426"] {
        let responses = &feedback["responses"];
        assert!(responses[status].is_object(), "feedback lacks {status}");
    }
    let lookup = &paths["/v1/dossiers/{code}"]["get"];
    for name in ["DossierVerifier", "ClientId"] {
        let reference = json!({ "$ref": format!("#/components/parameters/{name}") });
        assert!(
            lookup["parameters"]
                .as_array()
                .unwrap()
                .contains(&reference)
        );
    }
    for status in ["404", "429"] {
        assert!(
            lookup["responses"][status].is_object(),
            "lookup lacks {status}"
        );
    }
    for (path, method) in [
        ("/v1/me/dossiers", "get"),
        ("/v1/me/dossiers/{code}", "get"),
        ("/v1/me/notifications", "get"),
        ("/v1/me/devices/{installation_id}", "put"),
    ] {
        let operation = &paths[path][method];
        assert!(
            operation["responses"]["401"].is_object(),
            "{path} lacks 401"
        );
        assert_eq!(operation["security"], json!([{ "bearer": [] }]), "{path}");
    }
    // The devices: a PUT signed in, a DELETE proven by the registration's secret instead.
    let register = &paths["/v1/me/devices/{installation_id}"]["put"];
    let unregister = &paths["/v1/devices/{installation_id}"]["delete"];
    assert!(unregister.get("security").is_none());
    for (operation, names, statuses) in [
        (
            register,
            &["ClientVersion", "InstallationIdPath"][..],
            &["200", "400", "401", "422", "426"][..],
        ),
        (
            unregister,
            &["ClientVersion", "InstallationIdPath", "RegistrationSecret"],
            &["204", "400", "404", "426"],
        ),
    ] {
        let id = &operation["operationId"];
        for name in names {
            let reference = json!({ "$ref": format!("#/components/parameters/{name}") });
            let parameters = operation["parameters"].as_array().unwrap();
            assert!(parameters.contains(&reference), "{id} lacks {name}");
        }
        for status in statuses {
            let responses = &operation["responses"];
            assert!(responses[status].is_object(), "{id} lacks {status}");
        }
    }
}

#[tokio::test]
async fn real_feedback_answers_match_the_spec() {
    let spec = spec();
    let receipt = Schema::named(&spec, "FeedbackReceipt");
    let request = Schema::named(&spec, "FeedbackRequest");
    let unprocessable = Schema::response(&spec, "Unprocessable");
    let harness = Harness::start().await;
    let body = json!({
        "category": "environment", "text": "Rác thải đổ trộm cạnh kênh",
        "location": { "lat": 10.54, "lon": 106.41 }, "photo_ref": "photo-1",
        "contact": { "name": "Chị Lan", "phone": "0912345678" }
    });
    request.assert_valid(&body);
    let post = |key: &str, body: &Value| {
        let url = format!("{}/v1/feedback", harness.portal.url());
        common::with_json(harness.client.post(url), body)
            .header("X-Client-Version", "0.2.0")
            .header("Idempotency-Key", key)
            .send()
    };
    let created = post("spec-1", &body).await.unwrap();
    assert_eq!(created.status(), 201);
    let created = common::json::<Value>(created).await;
    receipt.assert_valid(&created);
    let path = format!("/v1/feedback/{}", created["id"].as_str().unwrap());
    receipt.assert_valid(&common::json(harness.get(&path).send().await.unwrap()).await);
    let mut other = body.clone();
    other["text"] = json!("khác");
    let reused = common::json(post("spec-1", &other).await.unwrap()).await;
    unprocessable.assert_valid(&reused);
    other["text"] = json!("");
    request.assert_invalid(&other);
    let invalid = common::json(post("spec-2", &other).await.unwrap()).await;
    unprocessable.assert_valid(&invalid);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn my_dossiers_and_their_refusals_match_the_spec() {
    use common::fake_oidc::{self, FakeOidc};
    let spec = spec();
    let list = Schema::named(&spec, "DossierList");
    let dossier = Schema::named(&spec, "Dossier");
    let challenge = Schema::at(
        &spec,
        "/components/responses/AuthRequired/headers/WWW-Authenticate/schema",
    );
    let provider = FakeOidc::start().await;
    let harness = Harness::start_with(longan_portal::PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        ..common::config()
    })
    .await;
    let me = |path: &str, token: &str| harness.get(path).bearer_auth(token).send();

    let mine = body(me("/v1/me/dossiers", fake_oidc::CITIZEN_1).await.unwrap()).await;
    list.assert_valid(&mine);
    let empty = body(me("/v1/me/dossiers", fake_oidc::STRANGER).await.unwrap()).await;
    list.assert_valid(&empty);
    let code = mine["dossiers"][0]["code"].as_str().unwrap();
    let one = me(&format!("/v1/me/dossiers/{code}"), fake_oidc::CITIZEN_1).await;
    dossier.assert_valid(&body(one.unwrap()).await);

    let anonymous = harness.get("/v1/me/dossiers").send().await.unwrap();
    let refused = me("/v1/me/dossiers", "garbage").await.unwrap();
    let other = format!("/v1/me/dossiers/{code}");
    let not_theirs = me(&other, fake_oidc::CITIZEN_2).await.unwrap();
    for (name, response) in [
        ("AuthRequired", anonymous),
        ("AuthRequired", refused),
        ("NotFound", not_theirs),
    ] {
        if let Some(value) = response.headers().get("www-authenticate") {
            challenge.assert_valid(&json!(value.to_str().unwrap()));
        }
        Schema::response(&spec, name).assert_valid(&body(response).await);
    }
    harness.portal.shutdown().await;

    // A provider that cannot be reached.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let harness = Harness::start_with(longan_portal::PortalConfig {
        oidc_issuer: Some(issuer),
        ..common::config()
    })
    .await;
    let unavailable = harness.get("/v1/me/dossiers").bearer_auth("t").send().await;
    let unavailable = unavailable.unwrap();
    assert_eq!(unavailable.status(), 503);
    Schema::response(&spec, "Unavailable").assert_valid(&body(unavailable).await);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn my_notifications_and_their_refusals_match_the_spec() {
    use common::fake_oidc::{self, FakeOidc};
    let spec = spec();
    let page = Schema::named(&spec, "NotificationPage");
    let provider = FakeOidc::start().await;
    let harness = Harness::start_with(longan_portal::PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        ..common::config()
    })
    .await;
    let me = |path: &str, token: &str| harness.get(path).bearer_auth(token).send();
    // Every kind: dossier events (also of a dossier test control filed and moved on), a moved
    // appointment (a late dossier of the seed's accounts), the welcome message.
    let filed = harness.post("/test/accounts/citizen-2/dossiers").await;
    let code = filed["code"].as_str().unwrap();
    harness
        .post(&format!("/test/dossiers/{code}/advance"))
        .await;
    let mut kinds = std::collections::BTreeSet::new();
    for token in [
        fake_oidc::CITIZEN_1,
        fake_oidc::CITIZEN_2,
        fake_oidc::CITIZEN_3,
    ] {
        let found = body(me("/v1/me/notifications", token).await.unwrap()).await;
        page.assert_valid(&found);
        for item in found["items"].as_array().unwrap() {
            kinds.insert(item["kind"].as_str().unwrap().to_string());
        }
        let cursor = found["next_cursor"].as_str().unwrap();
        let rest = me(&format!("/v1/me/notifications?since={cursor}"), token).await;
        let rest = body(rest.unwrap()).await;
        assert_eq!(rest, json!({ "items": [], "next_cursor": null }));
        page.assert_valid(&rest);
    }
    assert!(
        kinds.contains("dossier_event")
            && kinds.contains("message")
            && kinds.contains("appointment_moved"),
        "{kinds:?}"
    );
    let empty = body(
        me("/v1/me/notifications", fake_oidc::STRANGER)
            .await
            .unwrap(),
    )
    .await;
    page.assert_valid(&empty);

    let anonymous = harness.get("/v1/me/notifications").send().await.unwrap();
    let refused = me("/v1/me/notifications", "garbage").await.unwrap();
    let stale = me("/v1/me/notifications?since=abc", fake_oidc::CITIZEN_1).await;
    let too_many = me("/v1/me/notifications?limit=501", fake_oidc::CITIZEN_1).await;
    for (name, response) in [
        ("AuthRequired", anonymous),
        ("AuthRequired", refused),
        ("BadRequest", stale.unwrap()),
        ("BadRequest", too_many.unwrap()),
    ] {
        Schema::response(&spec, name).assert_valid(&body(response).await);
    }
    harness.portal.shutdown().await;
}

#[test]
fn the_notification_schema_is_strict_enough_to_catch_a_drift() {
    let spec = spec();
    let page = Schema::named(&spec, "NotificationPage");
    let event = json!({
        "id": "C/C#2", "kind": "dossier_event", "dossier_code": "C", "timeline_entry_id": "C#2",
        "status": 5, "at_ms": 10, "procedure_name": "Đăng ký khai sinh", "note": null
    });
    let moved = json!({
        "id": "C/appointment/20", "kind": "appointment_moved", "dossier_code": "C",
        "date": "2025-12-01", "apology": true, "at_ms": 20, "reason": "xác minh", "status": 4,
        "procedure_name": "Đăng ký khai sinh"
    });
    let message = json!({
        "id": "msg-welcome", "kind": "message", "title": "Chào mừng", "body": "Xin chào",
        "at_ms": 5
    });
    let valid = json!({ "items": [message, event, moved], "next_cursor": "bjE" });
    page.assert_valid(&valid);
    page.assert_valid(&json!({ "items": [], "next_cursor": null }));
    page.assert_invalid(&json!({ "items": [] }));
    let mut status = valid.clone();
    status["items"][1]["status"] = json!("documents_requested");
    page.assert_invalid(&status);
    let mut range = valid.clone();
    range["items"][1]["status"] = json!(11);
    page.assert_invalid(&range);
    let mut kind = valid.clone();
    kind["items"][0]["kind"] = json!("dossier_event");
    page.assert_invalid(&kind);
    let mut extra = valid.clone();
    extra["items"][2]["extra"] = json!(1);
    page.assert_invalid(&extra);
    let mut date = valid.clone();
    date["items"][2]["date"] = json!(1_764_547_200_000_i64);
    page.assert_invalid(&date);
}

#[tokio::test]
async fn real_device_answers_match_the_spec() {
    use common::fake_oidc::{self, FakeOidc};
    let spec = spec();
    let receipt = Schema::named(&spec, "DeviceReceipt");
    let request = Schema::named(&spec, "DeviceRegistration");
    let challenge = Schema::at(
        &spec,
        "/components/responses/AuthRequired/headers/WWW-Authenticate/schema",
    );
    let provider = FakeOidc::start().await;
    let harness = Harness::start_with(longan_portal::PortalConfig {
        oidc_issuer: Some(provider.issuer()),
        ..common::config()
    })
    .await;
    let secret = "0123456789abcdef0123456789abcdef";
    let registration = json!({
        "platform": "apns", "token": "a1b2c3d4", "language": "en",
        "registration_secret": secret
    });
    request.assert_valid(&registration);
    let base = harness.portal.url();
    let put = |id: &str, token: Option<&str>, body: &Value| {
        let url = format!("{base}/v1/me/devices/{id}");
        let request = common::with_json(harness.client.put(url), body);
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    let delete = |id: &str, secret: Option<&str>| {
        let request = harness.client.delete(format!("{base}/v1/devices/{id}"));
        match secret {
            Some(secret) => request.header("Registration-Secret", secret),
            None => request,
        }
        .send()
    };

    let registered = put("inst-1", Some(fake_oidc::CITIZEN_1), &registration).await;
    let registered = registered.unwrap();
    assert_eq!(registered.status(), 200);
    receipt.assert_valid(&common::json(registered).await);
    let removed = delete("inst-1", Some(secret)).await.unwrap();
    assert_eq!(removed.status(), 204);

    let mut broken = registration.clone();
    broken["language"] = json!("fr");
    request.assert_invalid(&broken);
    let anonymous = put("inst-1", None, &registration).await.unwrap();
    let unprocessable = put("inst-1", Some(fake_oidc::CITIZEN_1), &broken).await;
    let bad_id = put("a.b", Some(fake_oidc::CITIZEN_1), &registration).await;
    let no_secret = delete("inst-1", None).await;
    let gone = delete("inst-1", Some(secret)).await;
    for (name, response) in [
        ("AuthRequired", anonymous),
        ("Unprocessable", unprocessable.unwrap()),
        ("BadRequest", bad_id.unwrap()),
        ("BadRequest", no_secret.unwrap()),
        ("NotFound", gone.unwrap()),
    ] {
        if let Some(value) = response.headers().get("www-authenticate") {
            challenge.assert_valid(&json!(value.to_str().unwrap()));
        }
        Schema::response(&spec, name).assert_valid(&body(response).await);
    }
    harness.portal.shutdown().await;
}

#[test]
fn the_device_schemas_are_strict_enough_to_catch_a_drift() {
    let spec = spec();
    let request = Schema::named(&spec, "DeviceRegistration");
    let valid = json!({
        "platform": "fcm", "token": "t", "language": "vi",
        "registration_secret": "s".repeat(32)
    });
    request.assert_valid(&valid);
    let broken = |change: fn(&mut Value)| {
        let mut body = valid.clone();
        change(&mut body);
        body
    };
    for invalid in [
        broken(|b| b["platform"] = json!("FCM")),
        broken(|b| b["token"] = json!("")),
        broken(|b| b["token"] = json!("a b")),
        broken(|b| b["token"] = json!("t".repeat(4097))),
        broken(|b| b["language"] = json!("fr")),
        broken(|b| b["registration_secret"] = json!("s".repeat(31))),
        broken(|b| b["registration_secret"] = json!("s".repeat(129))),
        broken(|b| b["extra"] = json!(1)),
        broken(|b| {
            b.as_object_mut().unwrap().remove("registration_secret");
        }),
    ] {
        request.assert_invalid(&invalid);
    }
    let receipt = Schema::named(&spec, "DeviceReceipt");
    let valid = json!({ "installation_id": "inst-1", "registered_at_ms": 1_742_000_000_000_i64 });
    receipt.assert_valid(&valid);
    receipt.assert_invalid(&json!({ "installation_id": "a.b", "registered_at_ms": 1 }));
    receipt.assert_invalid(&json!({ "installation_id": "inst-1" }));
}
