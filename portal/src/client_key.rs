//! Who a request comes from, for rate limiting: the `X-Client-Id` header when the client sends
//! one (an app installation's id), else the peer's IP address. Never logged.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

/// The header naming the client (an opaque id chosen by the app).
pub const CLIENT_ID_HEADER: &str = "X-Client-Id";

/// Longest client id kept; longer ones are cut (they are keys, not data).
const MAX_ID_BYTES: usize = 128;

/// The key of a request's rate-limit bucket: `id:<X-Client-Id>` or `ip:<peer address>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientKey {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<ClientKey, Infallible> {
        let id = parts
            .headers
            .get(CLIENT_ID_HEADER)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_string())
            .filter(|id| !id.is_empty());
        if let Some(mut id) = id {
            let mut end = id.len().min(MAX_ID_BYTES);
            while !id.is_char_boundary(end) {
                end -= 1;
            }
            id.truncate(end);
            return Ok(ClientKey(format!("id:{id}")));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |info| info.0.ip().to_string());
        Ok(ClientKey(format!("ip:{peer}")))
    }
}
