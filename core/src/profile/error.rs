//! Errors of profiles and their keys.

use crate::auth::SecureStoreError;
use crate::store::StoreError;

/// What can go wrong with profiles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// No profile has this id.
    #[error("no profile {id}")]
    NotFound {
        /// The id asked for.
        id: String,
    },
    /// The name is empty or too long.
    #[error("a profile name needs 1 to {max} characters")]
    BadName {
        /// The longest name allowed.
        max: usize,
    },
    /// The app's secure store failed (locked keychain).
    #[error(transparent)]
    SecureStore(#[from] SecureStoreError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The system's random generator failed.
    #[error("no random bytes: {reason}")]
    Random {
        /// What the system reported.
        reason: String,
    },
    /// A stored record or key is unreadable.
    #[error("a profile record is unreadable: {reason}")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
}
