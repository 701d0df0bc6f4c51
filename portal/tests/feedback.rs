//! `POST /v1/feedback` and `GET /v1/feedback/{id}`: the 1022 feedback, stored once per
//! idempotency key, and never logged.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use common::{Harness, expect_problem, json, with_json};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

const INVALID_REQUEST: &str = "https://longan.example/problems/invalid-request";
const INVALID_CONTENT: &str = "https://longan.example/problems/invalid-content";
const KEY_REUSED: &str = "https://longan.example/problems/idempotency-key-reused";

fn feedback() -> Value {
    json!({
        "category": "infrastructure",
        "text": "Đèn đường ấp Bình Hòa hỏng ba ngày nay",
        "location": { "lat": 10.535, "lon": 106.413 },
        "contact": { "name": "Anh Tư", "phone": "0912345678" }
    })
}

impl Harness {
    /// `POST /v1/feedback` with `body` (as JSON) and, when given, `key`.
    async fn send_feedback(&self, key: Option<&str>, body: &Value) -> Response {
        let url = format!("{}/v1/feedback", self.portal.url());
        let mut request =
            with_json(self.client.post(url), body).header("X-Client-Version", "0.2.0");
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.unwrap()
    }

    /// `GET /test/feedback`.
    async fn feedback_counts(&self) -> Value {
        let url = format!("{}/test/feedback", self.portal.url());
        json(self.client.get(url).send().await.unwrap()).await
    }
}

#[tokio::test]
async fn a_feedback_is_stored_and_answered_201_with_its_location() {
    let harness = Harness::start().await;

    let response = harness.send_feedback(Some("key-1"), &feedback()).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.headers().get("idempotent-replayed").is_none());
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let receipt: Value = json(response).await;
    assert_eq!(receipt["status"], "received");
    assert!(receipt["received_at_ms"].as_i64().unwrap() > 1_700_000_000_000);
    let id = receipt["id"].as_str().unwrap();
    assert_eq!(location, format!("/v1/feedback/{id}"));

    let status = harness.get(&location).send().await.unwrap();
    assert_eq!(status.status(), StatusCode::OK);
    let tag = common::etag(&status);
    assert_eq!(json::<Value>(status).await, receipt);
    harness.expect_not_modified(&location, &tag).await;
    let missing = harness.get("/v1/feedback/fb-999999").send().await.unwrap();
    expect_problem(missing, 404, "https://longan.example/problems/not-found").await;

    let counts = harness.feedback_counts().await;
    assert_eq!(counts, json!({ "stored": 1, "posts": { "key-1": 1 } }));
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_same_key_and_body_replay_the_first_answer_and_store_nothing() {
    let harness = Harness::start().await;
    let first = harness.send_feedback(Some("key-r"), &feedback()).await;
    let first: Value = json(first).await;

    // The same body, its members in another order: the same JSON value.
    let mut reordered = serde_json::Map::new();
    for (name, value) in feedback().as_object().unwrap().iter().rev() {
        reordered.insert(name.clone(), value.clone());
    }
    for body in [feedback(), Value::Object(reordered)] {
        let again = harness.send_feedback(Some("key-r"), &body).await;
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert!(again.headers().contains_key("location"));
        assert_eq!(json::<Value>(again).await, first);
    }

    let counts = harness.feedback_counts().await;
    assert_eq!(counts, json!({ "stored": 1, "posts": { "key-r": 3 } }));
    // Another key is another feedback, even with the same words.
    let second = harness.send_feedback(Some("key-s"), &feedback()).await;
    assert_ne!(json::<Value>(second).await["id"], first["id"]);
    assert_eq!(harness.feedback_counts().await["stored"], 2);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused_and_the_first_stays() {
    let harness = Harness::start().await;
    let first: Value = json(harness.send_feedback(Some("key-c"), &feedback()).await).await;
    let mut other = feedback();
    other["text"] = json!("Một phản ánh khác");

    let conflict = harness.send_feedback(Some("key-c"), &other).await;

    let problem = expect_problem(conflict, 422, KEY_REUSED).await;
    assert!(!problem.to_string().contains("phản ánh khác"), "{problem}");
    let path = format!("/v1/feedback/{}", first["id"].as_str().unwrap());
    let status = harness.get(&path).send().await.unwrap();
    assert_eq!(json::<Value>(status).await, first);
    let counts = harness.feedback_counts().await;
    assert_eq!(counts, json!({ "stored": 1, "posts": { "key-c": 2 } }));
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_body_breaking_a_rule_is_422_names_the_rule_and_stores_nothing() {
    let harness = Harness::start().await;
    let broken = |change: fn(&mut Value)| {
        let mut body = feedback();
        change(&mut body);
        body
    };
    let cases = [
        (broken(|b| b["text"] = json!("")), "no text"),
        (broken(|b| b["text"] = json!("   ")), "no text"),
        (broken(|b| b["text"] = json!("ạ".repeat(2001))), "2000"),
        (broken(|b| b["category"] = json!("potholes")), "category"),
        (
            broken(|b| b["location"] = json!({ "lat": 120.0, "lon": 1.0 })),
            "location",
        ),
        (broken(|b| b["location"] = json!("ấp Bình Hòa")), "location"),
        (broken(|b| b["photo_ref"] = json!("p".repeat(201))), "photo"),
        (
            broken(|b| b["contact"]["phone"] = json!("gọi 0912")),
            "phone",
        ),
        (broken(|b| b["contact"]["name"] = json!("")), "name"),
        (
            broken(|b| {
                b.as_object_mut().unwrap().remove("category");
            }),
            "category",
        ),
    ];
    for (index, (body, rule)) in cases.into_iter().enumerate() {
        let key = format!("bad-{index}");
        let response = harness.send_feedback(Some(&key), &body).await;
        let problem = expect_problem(response, 422, INVALID_CONTENT).await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(rule), "{index}: {detail}");
        for private in ["Bình Hòa", "0912", "Anh Tư", "potholes"] {
            assert!(!problem.to_string().contains(private), "{index}: {problem}");
        }
    }
    // Exactly 2000 characters (4000+ bytes) is fine.
    let longest = broken(|b| b["text"] = json!("ạ".repeat(2000)));
    let created = harness.send_feedback(Some("bad-0"), &longest).await;
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "a refused key may be used again"
    );
    assert_eq!(harness.feedback_counts().await["stored"], 1);
    harness.portal.shutdown().await;
}

#[tokio::test]
async fn a_post_without_a_usable_idempotency_key_or_json_is_400() {
    let harness = Harness::start().await;
    let missing = harness.send_feedback(None, &feedback()).await;
    let problem = expect_problem(missing, 400, INVALID_REQUEST).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
    let spaced = harness.send_feedback(Some("two words"), &feedback()).await;
    expect_problem(spaced, 400, INVALID_REQUEST).await;
    let url = format!("{}/v1/feedback", harness.portal.url());
    let not_json = harness
        .client
        .post(url)
        .header("Idempotency-Key", "key-x")
        .header("content-type", "application/json")
        .body("text=hello")
        .send()
        .await
        .unwrap();
    expect_problem(not_json, 400, INVALID_REQUEST).await;

    let counts = harness.feedback_counts().await;
    assert_eq!(counts, json!({ "stored": 0, "posts": { "key-x": 1 } }));
    harness.portal.shutdown().await;
}

#[test]
fn the_request_log_never_holds_a_feedback_s_text_or_contact() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_longan-portal"))
        .arg("--data-dir")
        .arg(common::seed_dir())
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .expect(&line)
        .to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let statuses = runtime.block_on(async {
        let client = common::client();
        let mut refused = feedback();
        refused["text"] = json!("");
        let mut statuses = Vec::new();
        for body in [feedback(), refused] {
            let request = with_json(client.post(format!("{url}/v1/feedback")), &body)
                .header("Idempotency-Key", "log-key-4471");
            statuses.push(request.send().await.unwrap().status().as_u16());
        }
        statuses
    });
    assert_eq!(statuses, [201, 422]);
    let _ = child.kill();
    let _ = child.wait();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("POST /v1/feedback 201 "), "{log}");
    assert!(log.contains("POST /v1/feedback 422 "), "{log}");
    for private in [
        "Đèn đường",
        "Bình Hòa",
        "0912345678",
        "Anh Tư",
        "log-key-4471",
        "10.535",
    ] {
        assert!(!log.contains(private), "{private} was logged: {log}");
    }
}
