//! Successful answers: JSON bodies with their entity tag, and 304.

use axum::http::header::{CONTENT_TYPE, ETAG};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::problem::ApiProblem;

/// 200 with a JSON body and its `ETag`.
pub fn json_with_etag(body: Vec<u8>, tag: &str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    insert_etag(headers, tag);
    response
}

/// 304 Not Modified: the `ETag`, no body.
pub fn not_modified(tag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    insert_etag(response.headers_mut(), tag);
    response
}

/// Serializes a body; a failure is the server's.
pub fn to_json(body: &impl serde::Serialize) -> Result<Vec<u8>, ApiProblem> {
    serde_json::to_vec(body).map_err(|_| ApiProblem::unavailable("the answer could not be encoded"))
}

fn insert_etag(headers: &mut axum::http::HeaderMap, tag: &str) {
    if let Ok(value) = HeaderValue::from_str(tag) {
        headers.insert(ETAG, value);
    }
}
