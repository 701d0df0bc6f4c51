//! The router: the contract's operations, the test-control endpoints when enabled, and the
//! layers every answer goes through.

mod catalog;
mod clock_control;
mod device_control;
mod devices;
mod dossier_control;
pub mod dossiers;
mod feedback;
mod feedback_control;
mod limit_control;
mod me;
mod notifications;
mod test_control;

use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{delete, get, post, put};
use tower_http::compression::CompressionLayer;

use crate::problem::{ApiProblem, problem_for_bare_errors};
use crate::state::AppState;
use crate::{access_log, client_version, date_header};

/// The whole application. Layers, outermost first: request log (when `log_requests`), the
/// `Date` header from the portal's clock, gzip, problem documents for bare errors, the client
/// version check.
pub fn router(state: Arc<AppState>, test_control: bool, log_requests: bool) -> Router {
    let mut routes = Router::new()
        .route("/v1/catalog/changes", get(catalog::changes))
        .route("/v1/catalog/procedures/{code}", get(catalog::procedure))
        .route("/v1/dossiers/{code}", get(dossiers::lookup))
        .route("/v1/me/dossiers", get(me::list))
        .route("/v1/me/dossiers/{code}", get(me::one))
        .route("/v1/me/notifications", get(notifications::feed))
        .route("/v1/feedback", post(feedback::create))
        .route("/v1/feedback/{id}", get(feedback::status))
        .route("/v1/me/devices/{installation_id}", put(devices::register))
        .route("/v1/devices/{installation_id}", delete(devices::unregister));
    if test_control {
        routes = routes
            .merge(test_control::routes())
            .merge(dossier_control::routes())
            .merge(clock_control::routes())
            .merge(limit_control::routes())
            .merge(feedback_control::routes())
            .merge(device_control::routes());
    }
    let minimum = state.min_client_version;
    let app = routes
        .fallback(no_route)
        .with_state(state.clone())
        .layer(from_fn_with_state(minimum, client_version::check))
        .layer(from_fn(problem_for_bare_errors))
        .layer(CompressionLayer::new())
        .layer(from_fn_with_state(state, date_header::stamp));
    match log_requests {
        true => app.layer(from_fn(access_log::log_request)),
        false => app,
    }
}

async fn no_route() -> ApiProblem {
    ApiProblem::not_found("no such resource")
}
