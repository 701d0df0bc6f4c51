//! The profile's notification inbox at the core's level: what local detection adds when a
//! followed dossier changes, and the reading calls of the inbox screen.

use super::Core;
use crate::dossier::tracking::TrackedDossier;
use crate::events::Event;
use crate::notify::{Notification, NotificationId, NotifyError, detect, inbox};
use crate::store::Backend;

impl Core {
    /// Notifies what changed between two states of a dossier the citizen follows: every
    /// timeline entry and moved appointment not seen before. A dossier not followed before
    /// (a first follow) is a baseline and notifies nothing. A failure here never fails the
    /// lookup that found the change: it is logged.
    pub(crate) fn notify_changes(
        &self,
        personal: &dyn Backend,
        before: Option<&TrackedDossier>,
        after: &TrackedDossier,
    ) {
        let Some(before) = before.filter(|before| before.followed) else {
            return;
        };
        let found = detect(Some(&before.dossier), &after.dossier);
        if found.is_empty() {
            return;
        }
        match inbox::add_all(personal, found) {
            Ok(added) if !added.is_empty() => self
                .events
                .emit(Event::NotificationsAdded { count: added.len() }),
            Ok(_) => {}
            Err(error) => log::warn!("notifications could not be stored: {error}"),
        }
    }

    /// The newest `limit` notifications of the profile in use, newest first. Reads `state/`.
    pub fn notifications(&self, limit: usize) -> Result<Vec<Notification>, NotifyError> {
        inbox::list(&self.personal().map_err(profile_error)?, limit)
    }

    /// Unread notifications of the profile in use. Reads `state/`.
    pub fn unread_notifications(&self) -> Result<usize, NotifyError> {
        inbox::unread_count(&self.personal().map_err(profile_error)?)
    }

    /// Marks one notification read; false when there is no such notification.
    pub fn mark_notification_read(&self, id: &str) -> Result<bool, NotifyError> {
        inbox::mark_read(
            &self.personal().map_err(profile_error)?,
            &NotificationId::from_string(id),
        )
    }

    /// Marks every notification read; returns how many changed.
    pub fn mark_all_notifications_read(&self) -> Result<usize, NotifyError> {
        inbox::mark_all_read(&self.personal().map_err(profile_error)?)
    }

    /// Deletes one notification; it does not come back when the same event arrives again.
    pub fn delete_notification(&self, id: &str) -> Result<bool, NotifyError> {
        inbox::delete(
            &self.personal().map_err(profile_error)?,
            &NotificationId::from_string(id),
        )
    }
}

fn profile_error(error: crate::profile::ProfileError) -> NotifyError {
    NotifyError::Corrupt {
        reason: error.to_string(),
    }
}
