//! Raw exchanges for protocol libraries that read every status themselves (the OpenID
//! Connect client reads a 400's `error` field): one request under the same TLS policy, size
//! limit and clock as every other, no retry, no redirect, and a clear answer to the question a
//! retry of an unsafe request depends on: could the server have acted on it?

use super::client::{body_error, cancelled, checked_url, too_large, transport_error};
use super::{HttpClient, NetError};
use crate::cancel::Cancellation;

/// A request: method, URL, headers, body.
pub type RawRequest = openidconnect::http::Request<Vec<u8>>;
/// A response with any status.
pub type RawResponse = openidconnect::http::Response<Vec<u8>>;

/// A failed exchange.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct ExchangeError {
    /// What failed, in the usual categories.
    pub error: NetError,
    /// False only when the request certainly never reached the server (no connection was
    /// made); true when it may have been processed and only the answer was lost.
    pub maybe_delivered: bool,
}

impl ExchangeError {
    fn before_sending(error: NetError) -> ExchangeError {
        ExchangeError {
            error,
            maybe_delivered: false,
        }
    }
}

/// The failure an answer stands for when the server says it is overloaded or failing (429,
/// 5xx), with its `Retry-After`; `None` for any other status. A 429 or 503 was not processed
/// (`maybe_delivered` false); another 5xx may have been.
pub fn unavailable(response: &RawResponse) -> Option<ExchangeError> {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| super::retry::parse_retry_after(value, std::time::SystemTime::now()));
    let error = match status {
        429 => NetError::RateLimited { retry_after },
        500..=599 => NetError::ServerUnavailable {
            status,
            retry_after,
        },
        _ => return None,
    };
    Some(ExchangeError {
        error,
        maybe_delivered: !matches!(status, 429 | 503),
    })
}

impl HttpClient {
    /// Sends `request` once and returns the response whatever its status.
    pub async fn exchange(
        &self,
        request: RawRequest,
        cancel: &Cancellation,
    ) -> Result<RawResponse, ExchangeError> {
        cancel
            .check()
            .map_err(|c| ExchangeError::before_sending(c.into()))?;
        tokio::select! {
            result = self.exchange_once(request) => result,
            () = cancelled(cancel) => Err(ExchangeError {
                error: crate::cancel::Cancelled.into(),
                maybe_delivered: true,
            }),
        }
    }

    async fn exchange_once(&self, request: RawRequest) -> Result<RawResponse, ExchangeError> {
        let (client, clock) = self.parts();
        let url = checked_url(&request.uri().to_string()).map_err(ExchangeError::before_sending)?;
        let (parts, body) = request.into_parts();
        let mut outgoing = client.request(parts.method, url).body(body);
        for (name, value) in &parts.headers {
            outgoing = outgoing.header(name, value);
        }
        let sent = clock.device_now();
        let mut response = outgoing.send().await.map_err(|error| ExchangeError {
            maybe_delivered: !error.is_connect(),
            error: transport_error(error),
        })?;
        let received = clock.device_now();
        if let Some(date) = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
        {
            clock.learn_from_date_header(date, sent, received);
        }
        let limit = self.config().max_response_bytes;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| ExchangeError {
            maybe_delivered: true,
            error: body_error(error),
        })? {
            body.extend_from_slice(&chunk);
            if body.len() > limit {
                return Err(ExchangeError {
                    error: too_large(limit),
                    maybe_delivered: true,
                });
            }
        }
        let mut answer = openidconnect::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            answer = answer.header(name, value);
        }
        answer.body(body).map_err(|error| ExchangeError {
            error: NetError::InvalidResponse {
                reason: error.to_string(),
            },
            maybe_delivered: true,
        })
    }
}
