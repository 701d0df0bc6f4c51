//! One log line per request: method, route, status, duration, body bytes. The route is the
//! pattern that matched (`/v1/dossiers/{code}`), never the path itself: paths carry dossier
//! codes, installation ids and account subjects. Never headers, queries or bodies either.

use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Log target of the request lines.
pub const TARGET: &str = "longan_portal::access";

/// Middleware: answers the request and logs it at info level, e.g.
/// `GET /v1/dossiers/{code} 200 3.1 ms 845 B`; a request no route matched is logged as
/// `(no route)`. The body counted is the one sent (compressed
/// when it was); it is buffered to be counted, which suits a reference server.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str)
        .to_string();
    let (parts, body) = next.run(request).await.into_parts();
    let (response, bytes) = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let len = bytes.len();
            (Response::from_parts(parts, Body::from(bytes)), len)
        }
        Err(_) => {
            let detail = "the response body could not be produced";
            (
                crate::problem::ApiProblem::unavailable(detail).into_response(),
                0,
            )
        }
    };
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    let status = response.status().as_u16();
    log::info!(target: TARGET, "{method} {route} {status} {millis:.1} ms {bytes} B");
    response
}
