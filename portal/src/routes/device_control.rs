//! Test control of the push-device registrations (mounted only with `test_control`):
//! `GET /test/devices` answers
//! `{"registrations": [{"installation_id", "subject", "platform", "language", "token",
//! "registered_at_ms"}, …], "puts": N, "deletes": N}`, the registrations by installation id,
//! so an end-to-end test can see whom an installation is registered for, and how many `PUT`s
//! and `DELETE`s arrived (whatever their answer). Never the secrets (the portal holds only
//! their hashes).

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::state::AppState;

/// The devices' test-control route.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/test/devices", get(registrations))
}

async fn registrations(State(state): State<Arc<AppState>>) -> Json<Value> {
    let book = state.devices();
    let registrations: Vec<Value> = book
        .registrations()
        .map(|(id, registration)| {
            json!({
                "installation_id": id,
                "subject": registration.subject,
                "platform": registration.platform.as_str(),
                "language": registration.language,
                "token": registration.token,
                "registered_at_ms": registration.registered_at_ms,
            })
        })
        .collect();
    Json(json!({
        "registrations": registrations,
        "puts": book.puts(),
        "deletes": book.deletes(),
    }))
}
