//! Test control of the dossiers (mounted only with `test_control`):
//!
//! - `POST /test/dossiers/{code}/status` with `{"status": "processing", "note": "…"}` (`note`
//!   optional): moves the dossier to that status now; 409 (`impossible-transition`) when its
//!   lifecycle does not allow it.
//! - `POST /test/dossiers/{code}/advance`: moves it one step along its planned story (or, once
//!   off it, towards a returned result); 409 when its status is final.
//! - `POST /test/accounts/{sub}/dossiers`: files a new dossier (registered now) for the test
//!   account `sub` (a `sub` of the scenario's `ACCOUNTS`), so a test can move one of an
//!   account's dossiers (theirs are all old, their stories over); 404 for another subject.
//! - `GET /test/demo-dossiers`: `{"epoch_ms": …, "dossiers": [{"code": …, "verifier": …}]}`.
//!
//! The changes answer the dossier as it now stands (the body of `GET /v1/dossiers/{code}`).
//! Codes are read leniently; a malformed one is 400, an unknown one 404.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use longan_core::dossier::code::DossierCode;
use longan_core::dossier::model::Dossier;
use longan_core::dossier::status::DossierStatus;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::clock::unix_millis;
use crate::dossiers::ChangeError;
use crate::problem::ApiProblem;
use crate::state::AppState;

/// The test-control routes of the dossiers.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/test/dossiers/{code}/status", post(set_status))
        .route("/test/dossiers/{code}/advance", post(advance))
        .route("/test/accounts/{sub}/dossiers", post(file_for_account))
        .route("/test/demo-dossiers", get(demo_dossiers))
}

/// The body of `POST /test/dossiers/{code}/status`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChange {
    status: DossierStatus,
    #[serde(default)]
    note: Option<String>,
}

async fn set_status(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Json<Dossier>, ApiProblem> {
    let code = canonical(&code)?;
    let change: StatusChange = serde_json::from_slice(&body).map_err(|_| {
        ApiProblem::invalid("the body is not {\"status\": <a dossier status>, \"note\": <text>}")
    })?;
    let now = state.clock.now();
    let changed = state
        .dossiers_mut()
        .set_status(&code, change.status, change.note, now);
    changed.map(Json).map_err(refused)
}

async fn advance(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
) -> Result<Json<Dossier>, ApiProblem> {
    let code = canonical(&code)?;
    let now = state.clock.now();
    let advanced = state.dossiers_mut().advance(&code, now);
    advanced.map(Json).map_err(refused)
}

async fn file_for_account(
    State(state): State<Arc<AppState>>,
    Path(sub): Path<String>,
) -> Result<Json<Dossier>, ApiProblem> {
    let now = state.clock.now();
    let filed = state.dossiers_mut().file_for(&sub, now);
    filed
        .map(Json)
        .ok_or_else(|| ApiProblem::not_found("no test account has this subject"))
}

async fn demo_dossiers(State(state): State<Arc<AppState>>) -> Json<Value> {
    let book = state.dossiers();
    let dossiers: Vec<Value> = book
        .demo_codes()
        .into_iter()
        .map(|(code, verifier)| json!({ "code": code, "verifier": verifier }))
        .collect();
    Json(json!({ "epoch_ms": unix_millis(book.epoch()), "dossiers": dossiers }))
}

fn canonical(code: &str) -> Result<String, ApiProblem> {
    match DossierCode::parse(code) {
        Ok(code) => Ok(code.as_str().to_string()),
        Err(_) => Err(ApiProblem::invalid("the path does not hold a dossier code")),
    }
}

fn refused(error: ChangeError) -> ApiProblem {
    match error {
        ChangeError::UnknownDossier => ApiProblem::not_found("no dossier has this code"),
        ChangeError::Impossible { from, to } => ApiProblem::impossible_transition(format!(
            "a dossier that is {} cannot become {}",
            wire_name(from),
            wire_name(to)
        )),
        ChangeError::Final(status) => ApiProblem::impossible_transition(format!(
            "a dossier that is {} is final: nothing follows",
            wire_name(status)
        )),
    }
}

/// The status as the wire writes it (`processing`).
fn wire_name(status: DossierStatus) -> String {
    match serde_json::to_value(status) {
        Ok(Value::String(name)) => name,
        _ => format!("{status:?}"),
    }
}
