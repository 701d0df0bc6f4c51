//! Error answers: RFC 9457 problem documents (`application/problem+json`), and the layer that
//! turns any other error answer (unknown route, wrong method, rejected extractor) into one.

use std::time::Duration;

use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use longan_core::portal::wire::{Problem, problem_types as wire_types};

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Problem types this portal uses beyond those of `longan_core::portal::wire::problem_types`.
pub mod problem_types {
    /// The operation needs a signed-in user (`Authorization: Bearer …`). (401)
    pub const AUTH_REQUIRED: &str = "https://longan.example/problems/auth-required";
    /// Test control only: the dossier's lifecycle does not allow that change. (409)
    pub const IMPOSSIBLE_TRANSITION: &str = "https://longan.example/problems/impossible-transition";
}

/// An error answer: a status, a problem document, and the headers that go with it.
#[derive(Debug, Clone)]
pub struct ApiProblem {
    problem: Problem,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiProblem {
    fn new(status: StatusCode, kind: &str, detail: Option<String>) -> ApiProblem {
        ApiProblem {
            problem: Problem {
                kind: kind.to_string(),
                title: status.canonical_reason().unwrap_or("Error").to_string(),
                status: status.as_u16(),
                detail,
            },
            headers: Vec::new(),
        }
    }

    fn with_header(mut self, name: HeaderName, value: HeaderValue) -> ApiProblem {
        self.headers.push((name, value));
        self
    }

    /// 400: a parameter is malformed; `detail` says which (never its value).
    pub fn invalid(detail: impl Into<String>) -> ApiProblem {
        let kind = wire_types::INVALID_REQUEST;
        ApiProblem::new(StatusCode::BAD_REQUEST, kind, Some(detail.into()))
    }

    /// 404: no such procedure, dossier (or route).
    pub fn not_found(detail: impl Into<String>) -> ApiProblem {
        let kind = wire_types::NOT_FOUND;
        ApiProblem::new(StatusCode::NOT_FOUND, kind, Some(detail.into()))
    }

    /// 410: the cursor expired; start a full snapshot.
    pub fn cursor_expired() -> ApiProblem {
        let detail = "the cursor is older than the change log kept; start a full snapshot \
                      (request without a cursor)";
        let kind = wire_types::CURSOR_EXPIRED;
        ApiProblem::new(StatusCode::GONE, kind, Some(detail.into()))
    }

    /// 426: the client is older than the oldest version served.
    pub fn client_too_old(minimum: &str) -> ApiProblem {
        let detail =
            format!("this portal serves clients from version {minimum} on; update the app");
        let kind = wire_types::CLIENT_TOO_OLD;
        ApiProblem::new(StatusCode::UPGRADE_REQUIRED, kind, Some(detail))
    }

    /// 401: the operation needs a signed-in user; `WWW-Authenticate` says how (`challenge`).
    pub fn auth_required(detail: impl Into<String>, challenge: &'static str) -> ApiProblem {
        let kind = problem_types::AUTH_REQUIRED;
        ApiProblem::new(StatusCode::UNAUTHORIZED, kind, Some(detail.into()))
            .with_header(WWW_AUTHENTICATE, HeaderValue::from_static(challenge))
    }

    /// 429: too many requests; `Retry-After` gives the seconds until one is served again.
    pub fn rate_limited(retry_after: Duration) -> ApiProblem {
        let seconds = retry_after.as_secs().max(1);
        let detail = format!("too many requests; retry after {seconds} s");
        let kind = wire_types::RATE_LIMITED;
        ApiProblem::new(StatusCode::TOO_MANY_REQUESTS, kind, Some(detail))
            .with_header(RETRY_AFTER, HeaderValue::from(seconds))
    }

    /// 409 (test control): the lifecycle does not allow the change asked for.
    pub fn impossible_transition(detail: impl Into<String>) -> ApiProblem {
        let kind = problem_types::IMPOSSIBLE_TRANSITION;
        ApiProblem::new(StatusCode::CONFLICT, kind, Some(detail.into()))
    }

    /// 422: the body is JSON but breaks a rule of the contract; `detail` names the rule
    /// (never the value).
    pub fn invalid_content(detail: impl Into<String>) -> ApiProblem {
        let kind = wire_types::INVALID_CONTENT;
        ApiProblem::new(StatusCode::UNPROCESSABLE_ENTITY, kind, Some(detail.into()))
    }

    /// 422: the `Idempotency-Key` was used before with another body.
    pub fn idempotency_key_reused() -> ApiProblem {
        let detail = "this Idempotency-Key was used with a different body; \
                      a new request needs a new key";
        let kind = wire_types::IDEMPOTENCY_KEY_REUSED;
        ApiProblem::new(StatusCode::UNPROCESSABLE_ENTITY, kind, Some(detail.into()))
    }

    /// 500: the server failed.
    pub fn unavailable(detail: impl Into<String>) -> ApiProblem {
        let kind = wire_types::UNAVAILABLE;
        ApiProblem::new(StatusCode::INTERNAL_SERVER_ERROR, kind, Some(detail.into()))
    }

    /// 503: a service the portal depends on (the OpenID provider) cannot be reached; retry
    /// after `Retry-After` (5 s).
    pub fn dependency_unavailable(detail: impl Into<String>) -> ApiProblem {
        let kind = wire_types::UNAVAILABLE;
        ApiProblem::new(StatusCode::SERVICE_UNAVAILABLE, kind, Some(detail.into()))
            .with_header(RETRY_AFTER, HeaderValue::from_static("5"))
    }

    /// The problem for a bare error status: the contract's type when it has one for it.
    fn for_status(status: StatusCode) -> ApiProblem {
        let kind = match status.as_u16() {
            400 => wire_types::INVALID_REQUEST,
            404 => wire_types::NOT_FOUND,
            429 => wire_types::RATE_LIMITED,
            500.. => wire_types::UNAVAILABLE,
            _ => "about:blank",
        };
        ApiProblem::new(status, kind, None)
    }
}

impl IntoResponse for ApiProblem {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// Middleware: replaces the body of every error answer that is not a problem document yet
/// (axum's own 404, 405, 415, … and extractor rejections, whose text may echo the request)
/// with the problem document of its status, keeping its other headers (e.g. `Allow`).
pub async fn problem_for_bare_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_JSON.as_bytes());
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let problem = ApiProblem::for_status(status).into_response();
    let (problem_parts, body) = problem.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, problem_parts.headers[CONTENT_TYPE].clone());
    Response::from_parts(parts, body)
}
