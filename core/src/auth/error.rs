//! Errors of signing in and out. None carries a token, a code or a name.

use super::secure_store::SecureStoreError;
use crate::net::NetError;
use crate::profile::ProfileError;
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
    /// The sign-in expired and cannot be renewed without the citizen: sign in again.
    #[error("the sign-in has expired: sign in again")]
    ReauthRequired,
    /// No login is configured (demo mode, or the app gave no issuer).
    #[error("no sign-in provider is configured")]
    NotConfigured,
    /// The configuration is unusable.
    #[error("the sign-in configuration is unusable: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// `complete_login` without a sign-in started on this profile (or it was abandoned).
    #[error("no sign-in is waiting for the browser")]
    NoLoginInProgress,
    /// The redirect does not belong to the sign-in in progress (`state` differs): ignored.
    #[error("the browser came back from a different sign-in")]
    StateMismatch,
    /// The redirect is not the app's redirect URI or carries neither a code nor an error.
    #[error("the browser came back with an unusable address")]
    BadRedirect,
    /// The provider refused: the citizen cancelled, a code was used twice or does not match
    /// its PKCE verifier, a refresh token was revoked. The OAuth error code says which.
    #[error("the sign-in provider refused: {error}")]
    Refused {
        /// The OAuth 2 error code (`access_denied`, `invalid_grant`, …).
        error: String,
    },
    /// The ID token failed validation (signature, issuer, audience, expiry, nonce).
    #[error("the identity token is not valid: {reason}")]
    InvalidIdToken {
        /// Which check failed.
        reason: String,
    },
    /// The provider answered something unusable.
    #[error("the sign-in provider answered something unusable: {reason}")]
    Provider {
        /// What is wrong.
        reason: String,
    },
    /// The provider or portal could not be reached, or answered with an error.
    #[error(transparent)]
    Network(#[from] NetError),
    /// The app's secure store failed.
    #[error(transparent)]
    SecureStore(#[from] SecureStoreError),
    /// A profile operation failed.
    #[error(transparent)]
    Profile(#[from] ProfileError),
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
