//! A stand-in OpenID provider for the portal's own tests: discovery and token introspection
//! only, with fixed tokens. (The end-to-end tests in `tests/` use the real test provider.)
//!
//! Introspection answers only the `longan-portal` client with secret `portal-secret` in HTTP
//! Basic auth (else 401) and a form body `token=…&token_type_hint=access_token` (else 400).
//! Tokens: [`CITIZEN_1`], [`CITIZEN_2`] and [`CITIZEN_3`] are active for ten minutes; [`STRANGER`] is active with
//! a subject that is no test account; [`SHORT_LIVED`] expires two seconds after its first
//! introspection (and is still called active after that: the portal must check `exp` itself);
//! [`REFRESH`] is active without a `token_type` (as oidc-provider answers for refresh tokens);
//! [`JWT`] gets 400 `unsupported_token_type` (as oidc-provider answers for an ID token);
//! anything else is inactive.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub const CITIZEN_1: &str = "tok-citizen-1.aB+/=";
pub const CITIZEN_2: &str = "tok-citizen-2";
pub const CITIZEN_3: &str = "tok-citizen-3";
pub const STRANGER: &str = "tok-stranger";
pub const SHORT_LIVED: &str = "tok-short-lived";
pub const REFRESH: &str = "tok-refresh";
pub const JWT: &str = "eyJ0.eyJ0.c2ln";

/// `Basic base64("longan-portal:portal-secret")`.
const PORTAL_BASIC: &str = "Basic bG9uZ2FuLXBvcnRhbDpwb3J0YWwtc2VjcmV0";

struct Shared {
    started: u64,
    short_lived_exp: Mutex<Option<u64>>,
    calls: AtomicU64,
    issuer: String,
}

/// A running stand-in provider on 127.0.0.1 (stopped when the test's runtime ends).
pub struct FakeOidc {
    shared: Arc<Shared>,
}

impl FakeOidc {
    /// Starts one on an ephemeral port.
    pub async fn start() -> FakeOidc {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let shared = Arc::new(Shared {
            started,
            short_lived_exp: Mutex::new(None),
            calls: AtomicU64::new(0),
            issuer: format!("http://{addr}"),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/introspect", post(introspect))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeOidc { shared }
    }

    /// Its issuer, `http://127.0.0.1:PORT`.
    pub fn issuer(&self) -> String {
        self.shared.issuer.clone()
    }

    /// Introspection requests it answered with 200.
    pub fn calls(&self) -> u64 {
        self.shared.calls.load(Ordering::SeqCst)
    }
}

async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    let issuer = &shared.issuer;
    let body =
        json!({ "issuer": issuer, "introspection_endpoint": format!("{issuer}/introspect") });
    axum::Json(body).into_response()
}

async fn introspect(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(PORTAL_BASIC) {
        return (StatusCode::UNAUTHORIZED, "invalid_client").into_response();
    }
    let form_type = headers
        .get("content-type")
        .is_some_and(|v| v == "application/x-www-form-urlencoded");
    let mut token = None;
    let mut hint = None;
    for pair in body.split('&') {
        match pair.split_once('=') {
            Some(("token", value)) => token = Some(decode(value)),
            Some(("token_type_hint", value)) => hint = Some(value.to_string()),
            _ => {}
        }
    }
    let (Some(token), Some("access_token"), true) = (token, hint.as_deref(), form_type) else {
        return (StatusCode::BAD_REQUEST, "invalid_request").into_response();
    };
    shared.calls.fetch_add(1, Ordering::SeqCst);
    if token == JWT {
        let error = json!({"error": "unsupported_token_type", "error_description": "no JWTs"});
        return (StatusCode::BAD_REQUEST, axum::Json(error)).into_response();
    }
    let minute = shared.started + 600;
    let active = |sub: &str, exp: u64| json!({"active": true, "sub": sub, "exp": exp, "token_type": "Bearer", "client_id": "longan-app"});
    let answer: Value = match token.as_str() {
        CITIZEN_1 => active("citizen-1", minute),
        CITIZEN_2 => active("citizen-2", minute),
        CITIZEN_3 => active("citizen-3", minute),
        STRANGER => active("someone-else", minute),
        SHORT_LIVED => {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
            let exp = *shared
                .short_lived_exp
                .lock()
                .unwrap()
                .get_or_insert(now.as_secs() + 2);
            active("citizen-1", exp)
        }
        REFRESH => json!({"active": true, "sub": "citizen-1", "exp": minute}),
        _ => json!({"active": false}),
    };
    axum::Json(answer).into_response()
}

/// Percent-decoding of a form value (`+` is a space).
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
