//! What the portal's integration tests share: a portal on an ephemeral port and a client.

#![allow(dead_code)]

pub mod dossiers;
pub mod fake_oidc;
pub mod log_capture;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use longan_core::portal::wire::{ChangesPage, WireProcedure};
use longan_portal::{PortalConfig, RunningPortal};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::Value;

/// The repository's seed data.
pub fn seed_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

/// Test control on, clients from 0.2.0 on (so 0.1.9 is too old), the default lookup rate.
pub fn config() -> PortalConfig {
    PortalConfig {
        data_dir: seed_dir(),
        port: 0,
        test_control: true,
        min_client_version: "0.2.0".into(),
        log_requests: false,
        ..PortalConfig::default()
    }
}

/// A running portal and an HTTP client for it.
pub struct Harness {
    pub portal: RunningPortal,
    pub client: Client,
}

/// A client for plain http:// (reqwest still wants a crypto provider to build). It never
/// decodes gzip itself (`no_gzip` holds even if feature unification turns reqwest's on), so
/// tests see what the portal sends.
pub fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder().no_gzip().build().expect("an HTTP client")
}

/// The JSON body of a response.
pub async fn json<T: serde::de::DeserializeOwned>(response: Response) -> T {
    let bytes = response.bytes().await.expect("a body");
    serde_json::from_slice(&bytes).expect("a JSON body")
}

/// `request` carrying `body` as JSON.
pub fn with_json(request: RequestBuilder, body: &impl serde::Serialize) -> RequestBuilder {
    let bytes = serde_json::to_vec(body).unwrap();
    request
        .header("content-type", "application/json")
        .body(bytes)
}

impl Harness {
    /// GETs `path` with `If-None-Match: tag` and checks the answer is a 304 carrying the same
    /// tag and no body.
    pub async fn expect_not_modified(&self, path: &str, tag: &str) {
        let again = self
            .get(path)
            .header("If-None-Match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), reqwest::StatusCode::NOT_MODIFIED);
        assert_eq!(etag(&again), tag);
        assert!(again.bytes().await.unwrap().is_empty());
    }

    /// A portal with [`config`].
    pub async fn start() -> Harness {
        Harness::start_with(config()).await
    }

    /// A portal with `config`.
    pub async fn start_with(config: PortalConfig) -> Harness {
        let portal = longan_portal::start(config)
            .await
            .expect("the portal starts");
        Harness {
            portal,
            client: client(),
        }
    }

    /// A request with the client version the portal serves.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client
            .get(format!("{}{path}", self.portal.url()))
            .header("X-Client-Version", "0.2.0")
    }

    /// `GET /v1/catalog/changes` with `cursor` and `limit`, expecting 200: the page and its tag.
    pub async fn page(&self, cursor: Option<&str>, limit: u32) -> (ChangesPage, String) {
        let response = self
            .get(&changes_path(cursor, Some(limit)))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let tag = etag(&response);
        (json(response).await, tag)
    }

    /// Every page of a snapshot, from its start.
    pub async fn snapshot(&self, limit: u32) -> Followed {
        self.follow(None, limit).await
    }

    /// Pages from `cursor` while `has_more`.
    pub async fn follow(&self, cursor: Option<&str>, limit: u32) -> Followed {
        let mut pages = Vec::new();
        let mut cursor = cursor.map(str::to_string);
        loop {
            let (page, tag) = self.page(cursor.as_deref(), limit).await;
            cursor = Some(page.next_cursor.clone());
            let more = page.has_more;
            pages.push(page);
            if !more {
                let cursor = cursor.unwrap();
                return Followed { pages, cursor, tag };
            }
        }
    }

    /// `PUT /test/procedures/{code}`; returns the new head.
    pub async fn upsert(&self, procedure: &WireProcedure) -> u64 {
        let url = format!("{}/test/procedures/{}", self.portal.url(), procedure.code);
        let response = with_json(self.client.put(url), procedure)
            .send()
            .await
            .unwrap();
        head_of(response).await
    }

    /// `DELETE /test/procedures/{code}`; returns the new head.
    pub async fn delete(&self, code: &str) -> u64 {
        let url = format!("{}/test/procedures/{code}", self.portal.url());
        head_of(self.client.delete(url).send().await.unwrap()).await
    }

    /// `POST` to a test-control path; its JSON answer.
    pub async fn post(&self, path: &str) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.portal.url()))
            .send()
            .await;
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        json(response).await
    }
}

/// Pages read until `has_more` was false.
pub struct Followed {
    /// The pages, in order.
    pub pages: Vec<ChangesPage>,
    /// The last page's `next_cursor`.
    pub cursor: String,
    /// The last page's `ETag`.
    pub tag: String,
}

/// The path of the feed with these parameters.
pub fn changes_path(cursor: Option<&str>, limit: Option<u32>) -> String {
    let mut query = Vec::new();
    if let Some(cursor) = cursor {
        query.push(format!("cursor={cursor}"));
    }
    if let Some(limit) = limit {
        query.push(format!("limit={limit}"));
    }
    format!("/v1/catalog/changes?{}", query.join("&"))
}

/// The response's `ETag`.
pub fn etag(response: &Response) -> String {
    let tag = response.headers().get("etag").expect("an ETag");
    tag.to_str().unwrap().to_string()
}

async fn head_of(response: Response) -> u64 {
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = json(response).await;
    body["head"].as_u64().expect("the new head")
}

/// Expects a problem document with this status and type; returns it.
pub async fn expect_problem(response: Response, status: u16, kind: &str) -> Value {
    assert_eq!(response.status().as_u16(), status);
    let media_type = response.headers().get("content-type").unwrap();
    assert_eq!(media_type, "application/problem+json");
    let body: Value = json(response).await;
    assert_eq!(body["type"], kind, "{body}");
    assert_eq!(body["status"], status);
    body
}

/// The codes the seed serves (computed with the core, independently of the portal; once).
pub fn served_codes() -> &'static BTreeSet<String> {
    static CODES: OnceLock<BTreeSet<String>> = OnceLock::new();
    CODES.get_or_init(|| {
        let bytes = std::fs::read(seed_dir().join("tthc/national-catalog.csv")).unwrap();
        let parsed = longan_core::catalog::csv_import::parse_catalog_csv(&bytes).unwrap();
        parsed
            .procedures
            .into_iter()
            .filter(|p| longan_core::catalog::classify::is_served(&p.scope))
            .map(|p| p.code)
            .collect()
    })
}

/// A summary for test control.
pub fn procedure(code: &str, name: &str) -> WireProcedure {
    WireProcedure {
        code: code.into(),
        name: name.into(),
        field: "Hộ tịch".into(),
        publisher: "UBND tỉnh Tây Ninh".into(),
        agencies: vec!["UBND cấp xã".into()],
        levels: vec![longan_core::portal::wire::WireLevel::Commune],
        province: Some("Tây Ninh".into()),
        source_url: "https://dichvucong.gov.vn/".into(),
    }
}
