//! What a citizen sees of their feedback.

use crate::outbox::{ItemId, ItemKind, ItemState, OutboxItem};
use crate::portal::wire::{FeedbackCategory, FeedbackRequest};

/// Where a feedback is, as a status screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackStatus {
    /// Waiting to be sent (no network yet, or after a failed attempt).
    Queued {
        /// Attempts made so far.
        attempts: u32,
        /// When it is tried next (milliseconds since the Unix epoch).
        next_attempt_at_ms: i64,
        /// The last failure's category, when an attempt failed.
        last_error: Option<String>,
    },
    /// Being sent right now.
    Sending,
    /// The portal accepted it without giving an id.
    Sent,
    /// The 1022 service has it, under this id.
    Received {
        /// The service's id.
        id: String,
    },
    /// Not sent: refused, or still failing after the limits. The citizen may try again.
    Failed {
        /// Why, in a few words (a category, never personal data).
        reason: String,
    },
}

impl FeedbackStatus {
    /// The status of an outbox item.
    pub fn of(item: &OutboxItem) -> FeedbackStatus {
        match &item.state {
            ItemState::Queued => FeedbackStatus::Queued {
                attempts: item.attempts,
                next_attempt_at_ms: item.next_attempt_at_ms,
                last_error: item.last_error.clone(),
            },
            ItemState::Sending => FeedbackStatus::Sending,
            ItemState::Sent { receipt } if receipt.is_empty() => FeedbackStatus::Sent,
            ItemState::Sent { receipt } => FeedbackStatus::Received {
                id: receipt.clone(),
            },
            ItemState::Failed { reason } => FeedbackStatus::Failed {
                reason: reason.clone(),
            },
        }
    }
}

/// One feedback in a citizen's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackEntry {
    /// The outbox item.
    pub id: ItemId,
    /// When it was written (milliseconds since the Unix epoch).
    pub created_at_ms: i64,
    /// Its category (`None` if the payload cannot be read).
    pub category: Option<FeedbackCategory>,
    /// Where it is.
    pub status: FeedbackStatus,
}

impl FeedbackEntry {
    /// The entry of an outbox item; `None` for items of other kinds.
    pub fn of(item: &OutboxItem) -> Option<FeedbackEntry> {
        if item.kind != ItemKind::Feedback {
            return None;
        }
        let request: Option<FeedbackRequest> = serde_json::from_slice(&item.payload).ok();
        Some(FeedbackEntry {
            id: item.id,
            created_at_ms: item.created_at_ms,
            category: request.map(|request| request.category),
            status: FeedbackStatus::of(item),
        })
    }
}
