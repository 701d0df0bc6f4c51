//! One log line per request: method, path (never the query), status, duration, body bytes.
//! Never headers, query values or bodies: later endpoints carry personal data.

use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Log target of the request lines.
pub const TARGET: &str = "longan_portal::access";

/// Middleware: answers the request and logs it at info level, e.g.
/// `GET /v1/catalog/changes 200 3.1 ms 48213 B`. The body counted is the one sent (compressed
/// when it was); it is buffered to be counted, which suits a reference server.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
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
    log::info!(target: TARGET, "{method} {path} {status} {millis:.1} ms {bytes} B");
    response
}
