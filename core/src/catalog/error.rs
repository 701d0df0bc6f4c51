//! Errors of the catalogue.

use crate::store::StoreError;

/// What can go wrong with the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// No procedure has this code (in the scope asked for).
    #[error("no procedure with code {code}")]
    NotFound {
        /// The code asked for.
        code: String,
    },
    /// The caller's input cannot be used (empty query, bad code, bad page size, bad filter).
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// A file to import cannot be read as a catalogue at all (not a single row was usable).
    #[error("cannot import: {reason}")]
    ImportFailed {
        /// What is wrong.
        reason: String,
    },
    /// A stored record or index could not be decoded.
    #[error("stored catalogue data is unreadable: {reason}")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
    /// The caller cancelled the operation before it wrote anything.
    #[error(transparent)]
    Cancelled(#[from] crate::cancel::Cancelled),
    /// Talking to the portal failed.
    #[error(transparent)]
    Network(#[from] crate::net::NetError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
