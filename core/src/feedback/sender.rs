//! Delivering queued feedback to the portal's `POST /v1/feedback`.

use crate::cancel::Cancellation;
use crate::outbox::{ItemKind, OutboxItem, SendError, Sender};
use crate::portal::wire::FeedbackRequest;
use crate::portal::{HttpPortal, PortalError};

/// The outbox's sender of [`ItemKind::Feedback`] items: decodes the payload (the JSON of a
/// [`FeedbackRequest`]) and posts it once with the item's idempotency key. The receipt is the
/// service's id of the feedback.
///
/// An answer that cannot be read (garbage, a cut-off body) counts as transient, even after a
/// 2xx: the portal may have stored the feedback, and the next attempt with the same key gets
/// the stored answer back (`Idempotent-Replayed: true`) instead of a second record.
#[derive(Clone)]
pub struct FeedbackSender {
    portal: HttpPortal,
}

impl FeedbackSender {
    /// A sender posting to `portal`.
    pub fn new(portal: HttpPortal) -> FeedbackSender {
        FeedbackSender { portal }
    }
}

impl Sender for FeedbackSender {
    fn handles(&self, kind: ItemKind) -> bool {
        kind == ItemKind::Feedback
    }

    async fn send(&self, item: &OutboxItem, cancel: &Cancellation) -> Result<String, SendError> {
        let request: FeedbackRequest = serde_json::from_slice(&item.payload)
            .map_err(|_| SendError::permanent("undecodable_payload"))?;
        let key = item.idempotency_key.as_str();
        match self.portal.send_feedback(&request, key, cancel).await {
            Ok(receipt) => Ok(receipt.id),
            Err(PortalError::Net(error)) => Err(SendError::from(error)),
            Err(other) => Err(SendError::permanent(format!("portal_{other}"))),
        }
    }
}
