//! Test control of the 1022 feedback (mounted only with `test_control`): `GET /test/feedback`
//! answers `{"stored": N, "posts": {"<idempotency key>": M, …}}`: how many feedbacks are
//! stored, and how many `POST`s arrived under each key, so a test can prove a feedback sent
//! three times was stored once. Never the feedback itself.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::state::AppState;

/// The feedback's test-control route.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/test/feedback", get(counts))
}

async fn counts(State(state): State<Arc<AppState>>) -> Json<Value> {
    let book = state.feedback();
    Json(json!({ "stored": book.stored(), "posts": book.posts() }))
}
