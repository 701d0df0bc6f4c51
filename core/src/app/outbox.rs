//! The outbox at the core's level: 1022 feedback queued in the profile's sealed trees, token
//! revocations in the device's, and one delivery run over all of them.

use super::Core;
use crate::auth::revocation::RevocationSender;
use crate::cancel::Cancellation;
use crate::feedback::{
    Feedback, FeedbackEntry, FeedbackError, FeedbackSender, list_feedback, queue_feedback,
};
use crate::outbox::{ItemId, OutboxChange, OutboxError};
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

    /// Delivers what is due in every profile's outbox and the device's (revocations): each
    /// profile in order, each item once per run. Without `portal`, feedback waits. Returns
    /// every state change. Network; writes `state/`.
    pub async fn deliver_outbox(
        &self,
        portal: Option<&HttpPortal>,
        cancel: &Cancellation,
    ) -> Result<Vec<OutboxChange>, DeliveryError> {
        let _one_run = self.delivery_lock.lock().await;
        let now_ms = self.clock.now_ms();
        let mut changes = Vec::new();
        if let Some(setup) = &self.login {
            let device = self.device_sealed()?;
            changes.extend(self.outbox.recover(&device)?);
            let sender = RevocationSender::new(
                self.stores.state(),
                &setup.config,
                &setup.client,
                &self.clock,
            );
            changes.extend(
                self.outbox
                    .deliver_due(&device, now_ms, &sender, cancel)
                    .await?,
            );
        }
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

fn feedback_store_error(error: ProfileError) -> FeedbackError {
    FeedbackError::Outbox(OutboxError::Corrupt {
        reason: error.to_string(),
    })
}
