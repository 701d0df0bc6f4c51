//! The HTTP client: GET with conditional requests, bounded retries, gzip decoded here (so the
//! bytes on the wire are known and a decompression bomb stops at the size limit), and every
//! answer's `Date` handed to the clock. Unsafe methods (POST, PUT, …) go out once through
//! [`HttpClient::send`]: whoever owns the write (the outbox) decides whether to try again.

use std::io::Read;

use reqwest::header::{
    ACCEPT, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};

use super::config::NetConfig;
use super::error::NetError;
use super::retry::{Next, next, parse_retry_after};
use super::tls;
use crate::cancel::Cancellation;
use crate::clock::Clock;
use crate::portal::wire::{CLIENT_VERSION_HEADER, Problem};

/// A successful answer (2xx or 304).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The body, decoded; empty for 304.
    pub body: Vec<u8>,
    /// The validator to send back with `If-None-Match`.
    pub etag: Option<String>,
    /// `Content-Type` without parameters, lower case.
    pub content_type: Option<String>,
    /// Bytes received for this answer: status line, headers and the body as sent (compressed).
    pub wire_bytes: u64,
    /// Requests made for it, retries included.
    pub attempts: u32,
}

impl Response {
    /// The server said nothing changed.
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }
}

/// The core's HTTP client.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    config: NetConfig,
    clock: Clock,
}

impl HttpClient {
    /// A client under the TLS policy, with `config`'s timeouts; the clock learns server time.
    pub fn new(config: NetConfig, clock: Clock) -> Result<HttpClient, NetError> {
        let tls = tls::client_config(&config.extra_roots_der, &config.pinned_spki_sha256)?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            // Phones have no proxy variables; on a developer's or CI machine they must not
            // route loopback test traffic elsewhere.
            .no_proxy()
            .user_agent(concat!("longan-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| NetError::Config {
                reason: error.to_string(),
            })?;
        Ok(HttpClient {
            client,
            config,
            clock,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &NetConfig {
        &self.config
    }

    /// The underlying client and the clock, for the raw exchanges of `exchange.rs`.
    pub(super) fn parts(&self) -> (&reqwest::Client, &Clock) {
        (&self.client, &self.clock)
    }

    /// GET, retried while the failure is transient. With `if_none_match`, a 304 comes back as
    /// a [`Response`] whose `not_modified()` is true.
    pub async fn get(
        &self,
        url: &str,
        if_none_match: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Response, NetError> {
        self.get_decoded(url, if_none_match, cancel, Ok).await
    }

    /// GET whose answer must also pass `decode`; an answer it rejects as
    /// [`NetError::InvalidResponse`] is retried like a dropped connection (the request is safe).
    pub async fn get_decoded<T>(
        &self,
        url: &str,
        if_none_match: Option<&str>,
        cancel: &Cancellation,
        decode: impl Fn(Response) -> Result<T, NetError>,
    ) -> Result<T, NetError> {
        self.get_decoded_with(url, if_none_match, &[], cancel, decode)
            .await
    }

    /// [`HttpClient::get_decoded`] with extra request headers (never logged).
    pub async fn get_decoded_with<T>(
        &self,
        url: &str,
        if_none_match: Option<&str>,
        headers: &[(&str, &str)],
        cancel: &Cancellation,
        decode: impl Fn(Response) -> Result<T, NetError>,
    ) -> Result<T, NetError> {
        let url = checked_url(url)?;
        let mut attempt = 0;
        loop {
            cancel.check()?;
            let result = tokio::select! {
                result = self.attempt(Request::get(&url, if_none_match, headers)) => result,
                () = cancelled(cancel) => return Err(crate::cancel::Cancelled.into()),
            }
            .and_then(|mut response| {
                response.attempts = attempt + 1;
                decode(response)
            });
            match result {
                Ok(value) => return Ok(value),
                Err(error) => match next(&self.config, attempt, &error) {
                    Next::GiveUp => return Err(error),
                    Next::RetryAfter(wait) => {
                        log::debug!(
                            "request failed ({error}); retrying in {} ms",
                            wait.as_millis()
                        );
                        tokio::select! {
                            () = tokio::time::sleep(wait) => {}
                            () = cancelled(cancel) => return Err(crate::cancel::Cancelled.into()),
                        }
                        attempt += 1;
                    }
                },
            }
        }
    }

    /// One request with any method, `headers` (never logged) and an optional JSON `body`,
    /// made exactly once: no retry here, even of a transient failure, because a request that is
    /// not safe may have been acted on although its answer was lost. Callers that retry (the
    /// outbox) send an `Idempotency-Key` so the server can tell a repeat.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        json_body: Option<Vec<u8>>,
        cancel: &Cancellation,
    ) -> Result<Response, NetError> {
        let url = checked_url(url)?;
        cancel.check()?;
        let request = Request {
            method: method.as_reqwest(),
            url: &url,
            if_none_match: None,
            headers,
            json_body,
        };
        tokio::select! {
            result = self.attempt(request) => result,
            () = cancelled(cancel) => Err(crate::cancel::Cancelled.into()),
        }
    }

    /// POST of a JSON body, once ([`HttpClient::send`]).
    pub async fn post_json(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        json_body: Vec<u8>,
        cancel: &Cancellation,
    ) -> Result<Response, NetError> {
        self.send(Method::Post, url, headers, Some(json_body), cancel)
            .await
    }

    async fn attempt(&self, spec: Request<'_>) -> Result<Response, NetError> {
        let Request {
            method,
            url,
            if_none_match,
            headers,
            json_body,
        } = spec;
        let mut request = self
            .client
            .request(method, url.clone())
            .header(ACCEPT, "application/json, application/problem+json")
            .header(ACCEPT_ENCODING, "gzip")
            .header(CLIENT_VERSION_HEADER, &self.config.client_version);
        if let Some(etag) = if_none_match {
            request = request.header(IF_NONE_MATCH, etag);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = json_body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let sent = self.clock.device_now();
        let mut response = request.send().await.map_err(transport_error)?;
        let received = self.clock.device_now();
        let headers = response.headers().clone();
        if let Some(date) = headers
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
        {
            self.clock.learn_from_date_header(date, sent, received);
        }
        let status = response.status().as_u16();
        let header_bytes: u64 = 16
            + headers
                .iter()
                .map(|(name, value)| (name.as_str().len() + value.len() + 4) as u64)
                .sum::<u64>();
        let mut raw = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(body_error)? {
            raw.extend_from_slice(&chunk);
            if raw.len() > self.config.max_response_bytes {
                return Err(too_large(self.config.max_response_bytes));
            }
        }
        let wire_bytes = header_bytes + raw.len() as u64;
        let gzipped = headers
            .get(CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
        let body = if gzipped {
            gunzip(&raw, self.config.max_response_bytes)?
        } else {
            raw
        };
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
        let header = |name| {
            headers
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
        };
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|value| parse_retry_after(value, self.clock.now()));
        match status {
            200..=299 | 304 => Ok(Response {
                status,
                body,
                etag: header(ETAG).map(str::to_string),
                content_type,
                wire_bytes,
                attempts: 1,
            }),
            429 => Err(NetError::RateLimited { retry_after }),
            500..=599 => Err(NetError::ServerUnavailable {
                status,
                retry_after,
            }),
            426 => Err(NetError::ClientTooOld),
            404 => Err(NetError::NotFound),
            _ => {
                let problem: Option<Problem> = serde_json::from_slice(&body).ok();
                Err(match problem {
                    Some(problem) if problem.kind != "about:blank" => NetError::Problem {
                        status,
                        kind: problem.kind,
                    },
                    problem => NetError::Rejected {
                        status,
                        detail: problem
                            .map(|p| p.detail.unwrap_or(p.title))
                            .unwrap_or_default(),
                    },
                })
            }
        }
    }
}

/// An HTTP method of [`HttpClient::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET (safe; [`HttpClient::get`] retries it, `send` does not).
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

impl Method {
    fn as_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// What one attempt sends.
struct Request<'a> {
    method: reqwest::Method,
    url: &'a reqwest::Url,
    if_none_match: Option<&'a str>,
    headers: &'a [(&'a str, &'a str)],
    json_body: Option<Vec<u8>>,
}

impl<'a> Request<'a> {
    fn get(
        url: &'a reqwest::Url,
        if_none_match: Option<&'a str>,
        headers: &'a [(&'a str, &'a str)],
    ) -> Request<'a> {
        Request {
            method: reqwest::Method::GET,
            url,
            if_none_match,
            headers,
            json_body: None,
        }
    }
}

/// Parses `url` and holds it to the TLS policy (plain HTTP only to this device).
pub(super) fn checked_url(url: &str) -> Result<reqwest::Url, NetError> {
    let url = reqwest::Url::parse(url).map_err(|error| NetError::BadUrl {
        reason: error.to_string(),
    })?;
    if !tls::allowed(&url) {
        return Err(NetError::BadUrl {
            reason: "plain HTTP is allowed only to this device".into(),
        });
    }
    Ok(url)
}

/// Resolves once `cancel` is set; checked often enough for a person pressing "Stop".
pub(super) async fn cancelled(cancel: &Cancellation) {
    while !cancel.is_cancelled() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The rustls error behind `error`: the TLS layer hands it up wrapped in io::Errors (one in
/// another), whose `source()` skips the wrapped error itself, so look inside them.
fn rustls_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = error.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let inner = error.downcast_ref::<std::io::Error>()?.get_ref()?;
    rustls_error(inner)
}

pub(super) fn transport_error(error: reqwest::Error) -> NetError {
    // The URL carries cursors today and dossier codes tomorrow: keep it out of messages.
    let error = error.without_url();
    if error.is_timeout() {
        return NetError::Timeout;
    }
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(cause) = source {
        if let Some(tls) = rustls_error(cause) {
            return NetError::Untrusted {
                reason: tls.to_string(),
            };
        }
        source = cause.source();
    }
    NetError::Offline {
        reason: error.to_string(),
    }
}

pub(super) fn body_error(error: reqwest::Error) -> NetError {
    let error = error.without_url();
    if error.is_timeout() {
        NetError::Timeout
    } else {
        NetError::InvalidResponse {
            reason: format!("the connection dropped in the middle of the answer ({error})"),
        }
    }
}

pub(super) fn too_large(limit: usize) -> NetError {
    NetError::TooLarge { limit }
}

/// Decodes gzip, stopping at `limit` decoded bytes.
fn gunzip(raw: &[u8], limit: usize) -> Result<Vec<u8>, NetError> {
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(raw)
        .take(limit as u64 + 1)
        .read_to_end(&mut decoded)
        .map_err(|error| NetError::InvalidResponse {
            reason: format!("the compressed answer is damaged: {error}"),
        })?;
    if decoded.len() > limit {
        return Err(too_large(limit));
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut encoder, &vec![b'0'; 1_000_000]).unwrap();
        let bomb = encoder.finish().unwrap();
        assert!(bomb.len() < 10_000);
        assert_eq!(gunzip(&bomb, 1_000_000).unwrap().len(), 1_000_000);
        assert!(matches!(
            gunzip(&bomb, 999_999),
            Err(NetError::TooLarge { .. })
        ));
        assert!(matches!(
            gunzip(b"not gzip", 100),
            Err(NetError::InvalidResponse { .. })
        ));
    }

    #[test]
    fn plain_http_is_allowed_only_to_this_device() {
        let allowed = |url: &str| tls::allowed(&reqwest::Url::parse(url).unwrap());
        assert!(allowed("https://dichvucong.tayninh.gov.vn/v1"));
        assert!(allowed("http://127.0.0.1:8080/v1"));
        assert!(allowed("http://[::1]:8080/v1"));
        assert!(allowed("http://localhost/v1"));
        assert!(!allowed("http://dichvucong.tayninh.gov.vn/v1"));
        assert!(!allowed("ftp://127.0.0.1/"));
    }
}
