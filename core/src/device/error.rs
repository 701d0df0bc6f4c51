//! What can go wrong keeping the installation's records.

use crate::outbox::OutboxError;
use crate::profile::ProfileError;
use crate::store::StoreError;

/// A failure of the installation's records or of queuing a (un)registration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    /// The push token given is not one a push service issues.
    #[error("the push token is not valid: {reason}")]
    InvalidToken {
        /// Which rule it breaks (never the token).
        reason: &'static str,
    },
    /// The device's sealed trees could not be opened.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// Reading or writing `state/` failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Queuing in the outbox failed.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// A record could not be read back.
    #[error("a device record is unreadable: {reason}")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
}
