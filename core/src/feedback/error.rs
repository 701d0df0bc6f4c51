//! Why a feedback draft cannot be queued. Never carries the citizen's words.

use crate::outbox::OutboxError;

/// A draft that breaks a rule, or an outbox that cannot take it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackError {
    /// The text is empty (or only spaces).
    #[error("the feedback has no text")]
    EmptyText,
    /// The text is longer than the service takes.
    #[error("the feedback text is longer than {max} characters")]
    TooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// The category is not one the service knows.
    #[error("the feedback category is not one of the service's")]
    BadCategory,
    /// The location is not a point on Earth (latitude -90..=90, longitude -180..=180).
    #[error("the location is not a valid point")]
    BadLocation,
    /// The photo reference is empty, too long or holds control characters.
    #[error("the photo reference is not usable (at most {max} characters)")]
    BadPhotoRef {
        /// The limit, in characters.
        max: usize,
    },
    /// The contact name is empty, too long or holds control characters.
    #[error("the contact name is not usable (at most {max} characters)")]
    BadContactName {
        /// The limit, in characters.
        max: usize,
    },
    /// The phone number is not one (8 to 15 digits, an optional leading `+`).
    #[error("the phone number is not a phone number")]
    BadPhone,
    /// The outbox could not take it.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
}
