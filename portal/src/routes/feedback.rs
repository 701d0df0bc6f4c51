//! `POST /v1/feedback` and `GET /v1/feedback/{id}`: the province's 1022 feedback.
//!
//! A `POST` must carry an `Idempotency-Key`. The first body under a key is checked (422 when it
//! breaks a rule) and stored (201); the same body under the same key again gets the same 201
//! with `Idempotent-Replayed: true` and stores nothing; another body under it gets 422
//! (`idempotency-key-reused`). Problem details name the rule, never what the citizen wrote.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use longan_core::feedback::check_request;
use longan_core::portal::wire::{
    FeedbackReceipt, FeedbackRequest, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER,
    MAX_IDEMPOTENCY_KEY_BYTES,
};
use serde_json::Value;

use crate::clock::unix_millis;
use crate::etag;
use crate::feedback::Repeat;
use crate::problem::ApiProblem;
use crate::respond::{json_with_etag, not_modified, to_json};
use crate::state::AppState;

/// Stores a feedback once per idempotency key.
pub async fn create(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiProblem> {
    let key = idempotency_key(&headers)?;
    state.feedback_mut().count_post(&key);
    let value: Value =
        serde_json::from_slice(&body).map_err(|_| ApiProblem::invalid("the body is not JSON"))?;
    let now = unix_millis(state.clock.now());
    let mut book = state.feedback_mut();
    match book.repeat(&key, &value) {
        Some(Repeat::Replay(receipt)) => return created(&receipt, true),
        Some(Repeat::Conflict) => return Err(ApiProblem::idempotency_key_reused()),
        None => {}
    }
    // serde's messages can quote the body: the detail says only which contract was broken.
    let request: FeedbackRequest = serde_json::from_value(value.clone()).map_err(|_| {
        ApiProblem::invalid_content(
            "the body is not a FeedbackRequest (a known category, a text, optional \
             location {lat, lon}, photo_ref and contact {name, phone})",
        )
    })?;
    check_request(&request).map_err(|broken| ApiProblem::invalid_content(broken.to_string()))?;
    let receipt = book.store(&key, value, request, now);
    created(&receipt, false)
}

/// Where a feedback is.
pub async fn status(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiProblem> {
    let receipt = state.feedback().receipt(&id).cloned();
    let receipt = receipt.ok_or_else(|| ApiProblem::not_found("no feedback has this id"))?;
    let body = to_json(&receipt)?;
    let tag = etag::of_body(&body);
    if etag::none_match_hits(&headers, &tag) {
        return Ok(not_modified(&tag));
    }
    Ok(json_with_etag(body, &tag))
}

/// The request's one `Idempotency-Key`: 1 to 128 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiProblem> {
    let mut values = headers.get_all(IDEMPOTENCY_KEY_HEADER).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(ApiProblem::invalid(
            "exactly one Idempotency-Key header is required",
        ));
    };
    let key = value.as_bytes();
    let visible = key.iter().all(|b| (0x21..=0x7e).contains(b));
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_BYTES || !visible {
        return Err(ApiProblem::invalid(format!(
            "the Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_BYTES} visible ASCII characters"
        )));
    }
    Ok(String::from_utf8_lossy(key).into_owned())
}

/// 201 with the receipt and its `Location` (and `Idempotent-Replayed: true` on a replay).
fn created(receipt: &FeedbackReceipt, replayed: bool) -> Result<Response, ApiProblem> {
    let body = to_json(receipt)?;
    let mut response = (StatusCode::CREATED, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/feedback/{}", receipt.id)) {
        headers.insert(LOCATION, location);
    }
    if replayed {
        headers.insert(IDEMPOTENT_REPLAYED_HEADER, HeaderValue::from_static("true"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(IDEMPOTENCY_KEY_HEADER, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn one_visible_ascii_key_is_required() {
        assert_eq!(idempotency_key(&with(&["abc-123"])).unwrap(), "abc-123");
        let long: &'static str = Box::leak("k".repeat(129).into_boxed_str());
        for bad in [&[][..], &["a", "b"], &[""], &["a b"], &[long]] {
            assert!(idempotency_key(&with(bad)).is_err(), "{bad:?}");
        }
    }
}
