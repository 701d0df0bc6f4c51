//! Errors of signing in and out.

use crate::store::StoreError;

/// What can go wrong with a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The demo sign-in exists only in demo mode: a core talking to a real portal never
    /// pretends to be signed in.
    #[error("the demo sign-in is only available in demo mode")]
    DemoOnly,
    /// The call needs a signed-in citizen.
    #[error("sign in first")]
    NotSignedIn,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored session could not be read.
    #[error("the stored session is unreadable: {reason}")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
}
