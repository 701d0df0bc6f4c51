//! What can go wrong talking to a server, in the categories the apps branch on. Never carries
//! response bodies or tokens; a problem document's `detail` only.

use std::time::Duration;

/// A failed request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// No connection could be made (no network, DNS failure, refused).
    #[error("the server cannot be reached: {reason}")]
    Offline {
        /// What the system reported.
        reason: String,
    },
    /// The server did not answer in time.
    #[error("the server did not answer in time")]
    Timeout,
    /// The server asks us to slow down.
    #[error("the server asks to retry later")]
    RateLimited {
        /// How long it asked to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// The server failed (5xx) or is in maintenance.
    #[error("the server is unavailable (HTTP {status})")]
    ServerUnavailable {
        /// HTTP status.
        status: u16,
        /// How long it asked to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// The server needs a newer app (426).
    #[error("the server needs a newer version of the app")]
    ClientTooOld,
    /// No such resource (404).
    #[error("not found on the server")]
    NotFound,
    /// A problem the caller must act on, by its RFC 9457 type (e.g. an expired cursor, 410).
    #[error("the server refused the request (HTTP {status}, {kind})")]
    Problem {
        /// HTTP status.
        status: u16,
        /// The problem type URI.
        kind: String,
    },
    /// The request was refused as it is (other 4xx): retrying it unchanged cannot help.
    #[error("the server refused the request (HTTP {status}): {detail}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The problem's detail or title, when given.
        detail: String,
    },
    /// The answer is unusable: not the JSON promised, too large, cut short.
    #[error("the server's answer is unusable: {reason}")]
    InvalidResponse {
        /// What is wrong with it.
        reason: String,
    },
    /// The answer is larger than the client accepts: asking again would cost as much.
    #[error("the server's answer is larger than {limit} bytes")]
    TooLarge {
        /// The limit, in bytes (decoded).
        limit: usize,
    },
    /// The server's certificate is not trusted under the TLS policy.
    #[error("the server's identity cannot be verified: {reason}")]
    Untrusted {
        /// What the TLS layer reported.
        reason: String,
    },
    /// The URL is not allowed (plain HTTP to another machine) or malformed.
    #[error("the address is not allowed: {reason}")]
    BadUrl {
        /// What is wrong.
        reason: String,
    },
    /// The client could not be set up.
    #[error("the network client cannot be set up: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// The caller cancelled.
    #[error(transparent)]
    Cancelled(#[from] crate::cancel::Cancelled),
}

impl NetError {
    /// Worth trying the same safe request again.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            NetError::Offline { .. }
                | NetError::Timeout
                | NetError::RateLimited { .. }
                | NetError::ServerUnavailable { .. }
                | NetError::InvalidResponse { .. }
        )
    }

    /// The delay the server asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            NetError::RateLimited { retry_after } => *retry_after,
            NetError::ServerUnavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl NetError {
    /// True for a 401: the credentials sent (a bearer token) were not accepted.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            NetError::Rejected { status: 401, .. } | NetError::Problem { status: 401, .. }
        )
    }
}
