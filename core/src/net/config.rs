//! How patient the network layer is. Production values are sized for 2G/3G in the countryside;
//! tests use milliseconds.

use std::time::Duration;

/// Timeouts, retries, limits and trust for the HTTP client.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// Time to establish a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time for a whole request, body included.
    pub request_timeout: Duration,
    /// Retries of a safe request after the first attempt.
    pub retries: u32,
    /// Backoff before the first retry; doubled each time, with full jitter.
    pub backoff_base: Duration,
    /// Longest backoff between two attempts.
    pub backoff_max: Duration,
    /// Longest `Retry-After` the client waits for within one call; beyond it the call fails
    /// with the server's delay so the app can try later.
    pub max_retry_after: Duration,
    /// Largest response body accepted, decompressed.
    pub max_response_bytes: usize,
    /// Sent as `X-Client-Version`.
    pub client_version: String,
    /// Trust anchors a deployment adds to the Mozilla roots (DER certificates).
    pub extra_roots_der: Vec<Vec<u8>>,
    /// Key pins: SHA-256 of a DER SubjectPublicKeyInfo (RFC 7469's `pin-sha256`, as bytes).
    /// Empty: no pinning. Otherwise a server's verified chain must hold one of these keys,
    /// or the connection is refused ([`super::NetError::Untrusted`]). Pin the portal's
    /// current and next keys, so a key rotation does not lock every phone out.
    pub pinned_spki_sha256: Vec<[u8; 32]>,
}

impl NetConfig {
    /// For phones on slow, flaky mobile networks.
    pub fn production() -> NetConfig {
        NetConfig {
            connect_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(60),
            retries: 3,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            max_response_bytes: 16 * 1024 * 1024,
            client_version: env!("CARGO_PKG_VERSION").to_string(),
            extra_roots_der: Vec::new(),
            pinned_spki_sha256: Vec::new(),
        }
    }

    /// For tests on loopback: the same behaviour in milliseconds.
    pub fn for_tests() -> NetConfig {
        NetConfig {
            connect_timeout: Duration::from_millis(500),
            request_timeout: Duration::from_secs(5),
            retries: 3,
            backoff_base: Duration::from_millis(10),
            backoff_max: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(3),
            ..NetConfig::production()
        }
    }
}
