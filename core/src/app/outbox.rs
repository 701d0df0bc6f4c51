//! The outbox at the core's level: 1022 feedback queued in the profile's sealed trees, token
//! revocations in the device's, and one delivery run over all of them.

use super::Core;
use super::push::PushSender;
use crate::auth::revocation::RevocationSender;
use crate::cancel::Cancellation;
use crate::feedback::{
    Feedback, FeedbackEntry, FeedbackError, FeedbackSender, list_feedback, queue_feedback,
};
use crate::outbox::{ItemId, ItemKind, OutboxChange, OutboxError, OutboxItem, SendError, Sender};
use crate::portal::HttpPortal;
use crate::profile::ProfileError;

/// What can go wrong delivering the outbox.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// A profile's sealed trees could not be opened.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The outbox's records failed.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
}

impl Core {
    /// Queues a feedback to the province's 1022 service for the profile in use. Durable when
    /// it returns; delivered by [`Core::deliver_outbox`]. Writes `state/`; no network.
    pub fn queue_feedback(&self, draft: &Feedback) -> Result<ItemId, FeedbackError> {
        let profile = self.current_profile().map_err(feedback_store_error)?;
        let personal = self.personal().map_err(feedback_store_error)?;
        queue_feedback(
            &self.outbox,
            &personal,
            &profile.id,
            draft,
            self.clock.now_ms(),
        )
    }

    /// The profile's feedback, oldest first, with where each stands. Reads `state/`.
    pub fn feedback_list(&self) -> Result<Vec<FeedbackEntry>, FeedbackError> {
        let profile = self.current_profile().map_err(feedback_store_error)?;
        let personal = self.personal().map_err(feedback_store_error)?;
        list_feedback(&self.outbox, &personal, &profile.id)
    }

    /// Delivers what is due in every profile's outbox and the device's (token revocations,
    /// push registrations): each line in order, each item once per run. Without `portal`,
    /// feedback and push registrations wait; without login, revocations. Returns every state
    /// change. Network; writes `state/`.
    pub async fn deliver_outbox(
        &self,
        portal: Option<&HttpPortal>,
        cancel: &Cancellation,
    ) -> Result<Vec<OutboxChange>, DeliveryError> {
        let _one_run = self.delivery_lock.lock().await;
        let now_ms = self.clock.now_ms();
        let mut changes = Vec::new();
        let device = self.device_sealed()?;
        changes.extend(self.outbox.recover(&device)?);
        let senders = DeviceSenders {
            revocation: self.login.as_ref().map(|setup| {
                RevocationSender::new(
                    self.stores.state(),
                    &setup.config,
                    &setup.client,
                    &self.clock,
                )
            }),
            push: portal.map(|portal| PushSender::new(self, portal)),
        };
        changes.extend(
            self.outbox
                .deliver_due(&device, now_ms, &senders, cancel)
                .await?,
        );
        if let Some(portal) = portal {
            let sender = FeedbackSender::new(portal.clone());
            self.current_profile()?;
            for profile in self.registry_profiles()? {
                let personal = self.personal_of(&profile)?;
                changes.extend(self.outbox.recover(&personal)?);
                changes.extend(
                    self.outbox
                        .deliver_due(&personal, now_ms, &sender, cancel)
                        .await?,
                );
            }
        }
        Ok(changes)
    }

    fn registry_profiles(&self) -> Result<Vec<String>, ProfileError> {
        Ok(self.profiles()?.into_iter().map(|p| p.id).collect())
    }
}

/// The senders of the device's outbox: each kind to whichever can deliver it now.
struct DeviceSenders<'a> {
    revocation: Option<RevocationSender<'a>>,
    push: Option<PushSender<'a>>,
}

impl Sender for DeviceSenders<'_> {
    fn handles(&self, kind: ItemKind) -> bool {
        self.revocation.as_ref().is_some_and(|s| s.handles(kind))
            || self.push.as_ref().is_some_and(|s| s.handles(kind))
    }

    async fn send(&self, item: &OutboxItem, cancel: &Cancellation) -> Result<String, SendError> {
        if let Some(revocation) = self.revocation.as_ref().filter(|s| s.handles(item.kind)) {
            return revocation.send(item, cancel).await;
        }
        match &self.push {
            Some(push) if push.handles(item.kind) => push.send(item, cancel).await,
            _ => Err(SendError::transient("no_sender")),
        }
    }
}

fn feedback_store_error(error: ProfileError) -> FeedbackError {
    FeedbackError::Outbox(OutboxError::Corrupt {
        reason: error.to_string(),
    })
}
