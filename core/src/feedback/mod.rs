//! Feedback to the province's 1022 service (phản ánh, kiến nghị): a citizen reports a pothole,
//! dumped waste, a slow office. The draft is checked here, queued in the durable outbox (so it
//! is written offline and sent once), and delivered by [`FeedbackSender`] to the portal's
//! `POST /v1/feedback`. The categories are the contract's: `docs/decisions/outbox.md`.

mod error;
mod model;
mod sender;
mod status;

pub use crate::portal::wire::{FeedbackCategory, FeedbackContact, FeedbackRequest, GeoPoint};
pub use error::FeedbackError;
pub use model::{
    CATEGORIES, Feedback, category_label, category_name, check_request, parse_category,
};
pub use sender::FeedbackSender;
pub use status::{FeedbackEntry, FeedbackStatus};

use crate::outbox::{ItemId, ItemKind, Outbox};
use crate::store::Backend;

/// Checks `draft` and queues it in `outbox` for `profile` (payload: the request's JSON), due
/// at once. Durable when it returns; the outbox sends it when the network allows. Alters
/// persisted state; performs no network I/O.
pub fn queue_feedback(
    outbox: &Outbox,
    state: &dyn Backend,
    profile: &str,
    draft: &Feedback,
    now_ms: i64,
) -> Result<ItemId, FeedbackError> {
    let request = draft.validate()?;
    let payload = serde_json::to_vec(&request).map_err(|error| {
        FeedbackError::Outbox(crate::outbox::OutboxError::Corrupt {
            reason: format!("the feedback cannot be encoded: {error}"),
        })
    })?;
    Ok(outbox.enqueue(state, profile, ItemKind::Feedback, payload, now_ms)?)
}

/// The citizen's feedback in `profile`, oldest first, with where each is.
pub fn list_feedback(
    outbox: &Outbox,
    state: &dyn Backend,
    profile: &str,
) -> Result<Vec<FeedbackEntry>, FeedbackError> {
    let items = outbox.list(state, profile)?;
    Ok(items.iter().filter_map(FeedbackEntry::of).collect())
}

/// Where one feedback is; `None` when the outbox no longer holds it.
pub fn feedback_status(
    outbox: &Outbox,
    state: &dyn Backend,
    id: ItemId,
) -> Result<Option<FeedbackStatus>, FeedbackError> {
    Ok(outbox.get(state, id)?.as_ref().map(FeedbackStatus::of))
}
