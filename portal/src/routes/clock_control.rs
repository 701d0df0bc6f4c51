//! Test control of the portal's clock (mounted only with `test_control`):
//!
//! - `POST /test/clock/advance?seconds=N`: the portal's time moves N seconds forward (N a whole
//!   number, at most ten years); the dossiers' stories move on with it.
//! - `POST /test/clock/reset`: the stories start again now (the epoch becomes the portal's
//!   current time) and every status change made by test control, and every dossier it filed,
//!   is dropped. The portal's time
//!   itself keeps running: it never goes back.
//!
//! Both answer `{"now_ms": …, "epoch_ms": …}`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::{Query, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::clock::unix_millis;
use crate::problem::ApiProblem;
use crate::state::AppState;

/// Most seconds one advance may move the clock (ten years).
const MAX_ADVANCE_SECONDS: u64 = 10 * 366 * 86_400;

/// The clock's test-control routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/test/clock/advance", post(advance))
        .route("/test/clock/reset", post(reset))
}

/// The query of `advance`.
#[derive(Debug, Deserialize)]
struct AdvanceQuery {
    seconds: Option<String>,
}

async fn advance(
    State(state): State<Arc<AppState>>,
    Query(query): Query<AdvanceQuery>,
) -> Result<Json<Value>, ApiProblem> {
    let seconds = query
        .seconds
        .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|text| text.parse::<u64>().ok())
        .filter(|seconds| *seconds <= MAX_ADVANCE_SECONDS)
        .ok_or_else(|| {
            ApiProblem::invalid(format!(
                "seconds must be a whole number from 0 to {MAX_ADVANCE_SECONDS}"
            ))
        })?;
    let now = state.clock.advance(Duration::from_secs(seconds));
    Ok(Json(times(now, state.dossiers().epoch())))
}

async fn reset(State(state): State<Arc<AppState>>) -> Json<Value> {
    let now = state.clock.now();
    let mut book = state.dossiers_mut();
    book.reset(now);
    Json(times(now, book.epoch()))
}

fn times(now: SystemTime, epoch: SystemTime) -> Value {
    json!({ "now_ms": unix_millis(now), "epoch_ms": unix_millis(epoch) })
}
