//! Test control of the dossier lookups' rate limit (mounted only with `test_control`):
//! `POST /test/rate-limit?per_minute=N[&burst=M]` applies N lookups a minute with a burst of M
//! (N when absent), both from 1 to 1 000 000, and gives every client a full bucket again.
//! Answers `{"per_minute": N, "burst": M}`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::problem::ApiProblem;
use crate::rate_limit::Rate;
use crate::state::AppState;

/// Largest rate or burst accepted.
const MAX: u32 = 1_000_000;

/// The rate limit's test-control route.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/test/rate-limit", post(set_rate))
}

/// The query of `set_rate`.
#[derive(Debug, Deserialize)]
struct RateQuery {
    per_minute: Option<String>,
    burst: Option<String>,
}

async fn set_rate(
    State(state): State<Arc<AppState>>,
    Query(query): Query<RateQuery>,
) -> Result<Json<Value>, ApiProblem> {
    let invalid = || ApiProblem::invalid(format!("per_minute and burst must be from 1 to {MAX}"));
    let per_minute = query
        .per_minute
        .as_deref()
        .and_then(number)
        .ok_or_else(invalid)?;
    let burst = match query.burst.as_deref() {
        None => per_minute,
        Some(text) => number(text).ok_or_else(invalid)?,
    };
    let rate = Rate::new(per_minute, burst).ok_or_else(invalid)?;
    state.limiter().set_rate(rate);
    Ok(Json(json!({ "per_minute": per_minute, "burst": burst })))
}

fn number(text: &str) -> Option<u32> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| text.parse::<u32>().ok())
        .flatten()
        .filter(|n| (1..=MAX).contains(n))
}
