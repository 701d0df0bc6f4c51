//! What can go wrong in the outbox itself, and what a sender reports about one attempt.

use std::time::Duration;

use crate::net::NetError;
use crate::store::StoreError;

/// A failure of the outbox (not of a delivery: those are item states).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboxError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored item cannot be read.
    #[error("an outbox record is damaged: {reason}")]
    Corrupt {
        /// What is wrong with it.
        reason: String,
    },
    /// No item has this id.
    #[error("no outbox item has id {id}")]
    NotFound {
        /// The id asked for.
        id: u64,
    },
    /// The profile id is empty, too long or holds a control character.
    #[error("the profile id is not usable: {reason}")]
    BadProfile {
        /// What is wrong with it.
        reason: String,
    },
    /// The item is not in a state that allows the operation (e.g. retrying one not failed).
    #[error("the outbox item {id} is {state}, which does not allow this")]
    WrongState {
        /// The item.
        id: u64,
        /// Its state's name.
        state: &'static str,
    },
    /// The payload is larger than the outbox keeps.
    #[error("the payload is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
}

/// How one delivery attempt ended, when it did not deliver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: no network, a timeout, a reset, 5xx, 429, 408, an answer that
    /// cannot be read. The outbox backs off (at least `retry_after`, when the server asked).
    #[error("the attempt failed for now ({category})")]
    Transient {
        /// A short category (`offline`, `timeout`, `server_error`, …), stored as `last_error`.
        category: String,
        /// The server's `Retry-After`, the least the outbox waits.
        retry_after: Option<Duration>,
        /// The request never left the device (no connection could be made): the attempt does
        /// not count towards the item's limit.
        offline: bool,
    },
    /// Refused as it is (400, 403, 404, 422, …): sending it again cannot help.
    #[error("the server refused the item ({reason})")]
    Permanent {
        /// Why, in a few words (status and problem type; never personal data).
        reason: String,
    },
    /// The attempt was cancelled; the item is queued again as it was.
    #[error("the attempt was cancelled")]
    Cancelled,
}

impl SendError {
    /// A transient failure of `category` that reached (or may have reached) a server.
    pub fn transient(category: &str) -> SendError {
        SendError::Transient {
            category: category.to_string(),
            retry_after: None,
            offline: false,
        }
    }

    /// A permanent refusal.
    pub fn permanent(reason: impl Into<String>) -> SendError {
        SendError::Permanent {
            reason: reason.into(),
        }
    }
}

impl From<NetError> for SendError {
    /// The outbox's reading of a network failure (the table in `docs/decisions/outbox.md`).
    fn from(error: NetError) -> SendError {
        let transient =
            |category: &str, retry_after: Option<Duration>, offline: bool| SendError::Transient {
                category: category.to_string(),
                retry_after,
                offline,
            };
        match error {
            NetError::Offline { .. } => transient("offline", None, true),
            NetError::Timeout => transient("timeout", None, false),
            NetError::RateLimited { retry_after } => transient("rate_limited", retry_after, false),
            NetError::ServerUnavailable {
                status,
                retry_after,
            } => transient(&format!("server_error_{status}"), retry_after, false),
            NetError::InvalidResponse { .. } => transient("bad_response", None, false),
            NetError::TooLarge { .. } => transient("bad_response", None, false),
            // A captive portal (hotel or café Wi-Fi) answers TLS with its own certificate.
            NetError::Untrusted { .. } => transient("untrusted", None, true),
            // Goes through by itself once the app is updated (the outbox outlives updates).
            NetError::ClientTooOld => transient("client_too_old", None, false),
            NetError::Problem { status: 408, .. } | NetError::Rejected { status: 408, .. } => {
                transient("timeout", None, false)
            }
            NetError::Problem { status, kind } => {
                let name = kind.rsplit('/').next().unwrap_or_default();
                SendError::permanent(format!("refused_{status}_{name}"))
            }
            NetError::Rejected { status, .. } => SendError::permanent(format!("refused_{status}")),
            NetError::NotFound => SendError::permanent("refused_404"),
            NetError::BadUrl { .. } => SendError::permanent("bad_url"),
            NetError::Config { .. } => SendError::permanent("client_setup"),
            NetError::Cancelled(_) => SendError::Cancelled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_transient(error: NetError) -> bool {
        matches!(SendError::from(error), SendError::Transient { .. })
    }

    #[test]
    fn network_failures_and_server_trouble_are_transient_and_refusals_permanent() {
        for error in [
            NetError::Offline { reason: "x".into() },
            NetError::Timeout,
            NetError::RateLimited { retry_after: None },
            NetError::ServerUnavailable {
                status: 503,
                retry_after: None,
            },
            NetError::InvalidResponse { reason: "x".into() },
            NetError::Rejected {
                status: 408,
                detail: String::new(),
            },
            NetError::ClientTooOld,
        ] {
            assert!(is_transient(error.clone()), "{error:?}");
        }
        for error in [
            NetError::Rejected {
                status: 400,
                detail: "the text".into(),
            },
            NetError::Problem {
                status: 422,
                kind: "https://longan.example/problems/invalid-content".into(),
            },
            NetError::Rejected {
                status: 403,
                detail: String::new(),
            },
            NetError::NotFound,
        ] {
            assert!(!is_transient(error.clone()), "{error:?}");
        }
    }

    #[test]
    fn retry_after_is_kept_and_offline_attempts_are_marked() {
        let asked = Some(Duration::from_secs(7));
        assert_eq!(
            SendError::from(NetError::RateLimited { retry_after: asked }),
            SendError::Transient {
                category: "rate_limited".into(),
                retry_after: asked,
                offline: false
            }
        );
        assert!(matches!(
            SendError::from(NetError::Offline { reason: "x".into() }),
            SendError::Transient { offline: true, .. }
        ));
        // A refusal's reason names the status and problem type, never the server's detail.
        assert_eq!(
            SendError::from(NetError::Problem {
                status: 422,
                kind: "https://longan.example/problems/invalid-content".into()
            }),
            SendError::permanent("refused_422_invalid-content")
        );
    }
}
