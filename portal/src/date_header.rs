//! The `Date` header of every answer, from the portal's clock rather than the system's: hyper
//! adds a `Date` only when the answer has none, so this one wins, and clients (whose clock
//! learns the server's time from it) see the time the portal's stories are told on.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::DATE;
use axum::middleware::Next;
use axum::response::Response;

use crate::http_date;
use crate::state::AppState;

/// Middleware: answers the request, then stamps the answer with the portal's time.
pub async fn stamp(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let now = http_date::format(state.clock.now());
    if let Ok(value) = HeaderValue::from_str(&now) {
        response.headers_mut().insert(DATE, value);
    }
    response
}
