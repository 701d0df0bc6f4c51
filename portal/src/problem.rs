//! Error answers: RFC 9457 problem documents (`application/problem+json`), and the layer that
//! turns any other error answer (unknown route, wrong method, rejected extractor) into one.

use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use longan_core::portal::wire::{Problem, problem_types};

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error answer: a status and a problem document.
#[derive(Debug, Clone)]
pub struct ApiProblem(Problem);

impl ApiProblem {
    fn new(status: StatusCode, kind: &str, detail: Option<String>) -> ApiProblem {
        ApiProblem(Problem {
            kind: kind.to_string(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
        })
    }

    /// 400: a parameter is malformed; `detail` says which (never its value).
    pub fn invalid(detail: impl Into<String>) -> ApiProblem {
        let kind = problem_types::INVALID_REQUEST;
        ApiProblem::new(StatusCode::BAD_REQUEST, kind, Some(detail.into()))
    }

    /// 404: no such procedure (or route).
    pub fn not_found(detail: impl Into<String>) -> ApiProblem {
        let kind = problem_types::NOT_FOUND;
        ApiProblem::new(StatusCode::NOT_FOUND, kind, Some(detail.into()))
    }

    /// 410: the cursor expired; start a full snapshot.
    pub fn cursor_expired() -> ApiProblem {
        let detail = "the cursor is older than the change log kept; start a full snapshot \
                      (request without a cursor)";
        let kind = problem_types::CURSOR_EXPIRED;
        ApiProblem::new(StatusCode::GONE, kind, Some(detail.into()))
    }

    /// 426: the client is older than the oldest version served.
    pub fn client_too_old(minimum: &str) -> ApiProblem {
        let detail =
            format!("this portal serves clients from version {minimum} on; update the app");
        let kind = problem_types::CLIENT_TOO_OLD;
        ApiProblem::new(StatusCode::UPGRADE_REQUIRED, kind, Some(detail))
    }

    /// 500: the server failed.
    pub fn unavailable(detail: impl Into<String>) -> ApiProblem {
        let kind = problem_types::UNAVAILABLE;
        ApiProblem::new(StatusCode::INTERNAL_SERVER_ERROR, kind, Some(detail.into()))
    }

    /// The problem for a bare error status: the contract's type when it has one for it.
    fn for_status(status: StatusCode) -> ApiProblem {
        let kind = match status.as_u16() {
            400 => problem_types::INVALID_REQUEST,
            404 => problem_types::NOT_FOUND,
            429 => problem_types::RATE_LIMITED,
            500.. => problem_types::UNAVAILABLE,
            _ => "about:blank",
        };
        ApiProblem::new(status, kind, None)
    }
}

impl IntoResponse for ApiProblem {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.0).unwrap_or_default();
        let mut response = (status, body).into_response();
        let media_type = HeaderValue::from_static(PROBLEM_JSON);
        response.headers_mut().insert(CONTENT_TYPE, media_type);
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
