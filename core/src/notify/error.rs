//! What can go wrong in the inbox. Reasons never carry personal data (no dossier code, no text
//! of a notification): they may be logged.

use crate::store::StoreError;

/// A failure of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored inbox record cannot be read or written.
    #[error("an inbox record is damaged: {reason}")]
    Corrupt {
        /// What is wrong with it.
        reason: String,
    },
}

impl NotifyError {
    pub(super) fn corrupt(reason: impl Into<String>) -> NotifyError {
        NotifyError::Corrupt {
            reason: reason.into(),
        }
    }
}
