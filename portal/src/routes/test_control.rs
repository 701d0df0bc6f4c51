//! Test control (mounted only with `test_control`): change the catalogue while clients sync.
//!
//! - `PUT /test/procedures/{code}` with a `WireProcedure` body: upsert, one change.
//! - `DELETE /test/procedures/{code}`: delete, one change (404 when not served).
//! - `POST /test/expire-cursors`: every incremental cursor before the head expires.
//! - `POST /test/touch?percent=P`: renames P % of the served procedures, one change each.
//!
//! Each answers JSON with the new `head`; `touch` also with `changed`. And one counter:
//!
//! - `GET /test/introspections`: `{"calls": N}`, the token introspection requests the portal
//!   sent to its OpenID provider so far (0 without one), so a test can see the cache work.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use longan_core::portal::wire::WireProcedure;
use longan_core::text::is_procedure_code;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::problem::ApiProblem;
use crate::state::AppState;

/// The test-control routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/test/procedures/{code}", put(upsert).delete(delete))
        .route("/test/expire-cursors", post(expire_cursors))
        .route("/test/touch", post(touch))
        .route("/test/introspections", get(introspections))
}

async fn introspections(State(state): State<Arc<AppState>>) -> Json<Value> {
    let calls = state.introspector.as_ref().map_or(0, |i| i.calls());
    Json(json!({ "calls": calls }))
}

fn valid_code(code: &str) -> Result<(), ApiProblem> {
    match is_procedure_code(code) {
        true => Ok(()),
        false => Err(ApiProblem::invalid(
            "the code is not a procedure code (d.dddddd)",
        )),
    }
}

async fn upsert(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiProblem> {
    valid_code(&code)?;
    let procedure: WireProcedure = serde_json::from_slice(&body).map_err(|error| {
        ApiProblem::invalid(format!("the body is not a WireProcedure: {error}"))
    })?;
    if procedure.code != code {
        return Err(ApiProblem::invalid(
            "the body's code differs from the path's",
        ));
    }
    let head = state.feed_mut().upsert(procedure);
    Ok(Json(json!({ "head": head })))
}

async fn delete(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiProblem> {
    valid_code(&code)?;
    let head = state.feed_mut().delete(&code);
    let head = head.ok_or_else(|| ApiProblem::not_found("no procedure has this code"))?;
    Ok(Json(json!({ "head": head })))
}

async fn expire_cursors(State(state): State<Arc<AppState>>) -> Json<Value> {
    let mut feed = state.feed_mut();
    feed.expire_cursors();
    Json(json!({ "head": feed.head() }))
}

/// The query of `touch`.
#[derive(Debug, Deserialize)]
struct TouchQuery {
    percent: Option<String>,
}

async fn touch(
    State(state): State<Arc<AppState>>,
    Query(query): Query<TouchQuery>,
) -> Result<Json<Value>, ApiProblem> {
    let percent = query
        .percent
        .and_then(|text| text.parse::<u32>().ok())
        .filter(|percent| *percent <= 100)
        .ok_or_else(|| ApiProblem::invalid("percent must be a whole number from 0 to 100"))?;
    let mut feed = state.feed_mut();
    let changed = feed.touch(percent);
    Ok(Json(json!({ "changed": changed, "head": feed.head() })))
}
