//! Errors of dossier tracking.

use super::code::DossierCodeError;
use crate::net::NetError;
use crate::store::StoreError;

/// What can go wrong looking up or following a dossier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierError {
    /// The code cannot be a dossier code.
    #[error("not a dossier code: {0}")]
    InvalidCode(#[from] DossierCodeError),
    /// No dossier with this code and verifier (the two are one answer on purpose).
    #[error("no dossier matches this code and verifier")]
    NotFound,
    /// The dossier was never looked up on this device, so it cannot be followed offline.
    #[error("this dossier has not been looked up on this device yet")]
    NotStored,
    /// The dossier is one of a signed-in citizen's own (no verifier): it is refreshed only
    /// while they are signed in. What is stored stays readable.
    #[error("sign in again to refresh this dossier")]
    SignInRequired,
    /// Asking the portal failed; what is stored stays readable.
    #[error(transparent)]
    Network(#[from] NetError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The profile's sealed records could not be opened (its key is missing).
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// A stored record could not be read.
    #[error("a stored dossier is unreadable: {reason}")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
}
