//! The notification inbox of the profile in use, rendered in the configured language.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use longan_core::app::PushOutcome;
use longan_core::notify::{Notification, NotifyError, Target, render};

use crate::cancel::CancelHandle;
use crate::config::Language;
use crate::core_object::LonganCore;
use crate::dossier::DossierView;
use crate::error::LonganError;

/// A notification as the inbox screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NotificationView {
    /// Stable id (the same event from any source has the same id).
    pub id: String,
    /// Title, rendered now in the configured language.
    pub title: String,
    /// Body, rendered now in the configured language.
    pub body: String,
    /// When it happened.
    pub at: SystemTime,
    /// The dossier to open, if it is about one.
    pub dossier_code: Option<String>,
    /// The procedure to open, if it is about one.
    pub procedure_code: Option<String>,
    /// Read already.
    pub read: bool,
}

impl NotificationView {
    fn new(notification: Notification, language: Language) -> NotificationView {
        let rendered = render(&notification, core_language(language));
        let (dossier_code, procedure_code) = match &notification.target {
            Target::Dossier { code } => (Some(code.clone()), None),
            Target::Procedure { code } => (None, Some(code.clone())),
            Target::None => (None, None),
        };
        NotificationView {
            id: notification.id.as_str().to_string(),
            title: rendered.title,
            body: rendered.body,
            at: UNIX_EPOCH + Duration::from_millis(notification.at_ms.max(0) as u64),
            dossier_code,
            procedure_code,
            read: notification.read,
        }
    }
}

fn core_language(language: Language) -> longan_core::notify::Language {
    match language {
        Language::Vi => longan_core::notify::Language::Vi,
        Language::En => longan_core::notify::Language::En,
    }
}

impl LonganError {
    /// An inbox error, for a UI.
    pub(crate) fn from_notify(error: NotifyError, language: Language) -> LonganError {
        LonganError::storage(language, &error.to_string())
    }
}

#[uniffi::export]
impl LonganCore {
    /// The newest `limit` notifications, newest first, rendered in the configured language.
    /// Reads the device's data.
    pub async fn notifications(&self, limit: u32) -> Result<Vec<NotificationView>, LonganError> {
        self.call(move |core, language| {
            Ok(core
                .notifications(limit as usize)
                .map_err(|error| LonganError::from_notify(error, language))?
                .into_iter()
                .map(|notification| NotificationView::new(notification, language))
                .collect())
        })
        .await
    }

    /// How many notifications are unread (the badge).
    pub async fn unread_notifications(&self) -> Result<u64, LonganError> {
        self.call(move |core, language| {
            core.unread_notifications()
                .map(|count| count as u64)
                .map_err(|error| LonganError::from_notify(error, language))
        })
        .await
    }

    /// Marks one notification read; false when there is no such notification.
    pub async fn mark_notification_read(&self, id: String) -> Result<bool, LonganError> {
        self.call(move |core, language| {
            core.mark_notification_read(&id)
                .map_err(|error| LonganError::from_notify(error, language))
        })
        .await
    }

    /// Marks every notification read; returns how many changed.
    pub async fn mark_all_notifications_read(&self) -> Result<u64, LonganError> {
        self.call(move |core, language| {
            core.mark_all_notifications_read()
                .map(|count| count as u64)
                .map_err(|error| LonganError::from_notify(error, language))
        })
        .await
    }

    /// Deletes one notification (the same event arriving again does not bring it back).
    pub async fn delete_notification(&self, id: String) -> Result<bool, LonganError> {
        self.call(move |core, language| {
            core.delete_notification(&id)
                .map_err(|error| LonganError::from_notify(error, language))
        })
        .await
    }

    /// Asks the portal (or the demo) again about every followed dossier, with conditional
    /// requests, and notifies what changed (`CoreEvent.NotificationsAdded`). Network.
    #[uniffi::method(default(cancel = None))]
    pub async fn refresh_followed(
        &self,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Vec<DossierView>, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        let source = self.dossier_source(&core)?;
        self.network_call(cancel, move |flag| async move {
            let refreshed = core
                .refresh_followed(&source, &flag)
                .await
                .map_err(|error| LonganError::from_dossier(error, language))?;
            Ok(refreshed
                .into_iter()
                .map(|tracked| {
                    let due = core.dossier_due(&tracked.dossier);
                    DossierView::new(tracked, due)
                })
                .collect())
        })
        .await
    }

    /// Background work (WorkManager, BGAppRefreshTask): refreshes followed dossiers within
    /// `budgetSeconds` (iOS gives about 30), with conditional requests, then files the
    /// reminders due today. New notifications go to the listener from a Rust thread. Network.
    #[uniffi::method(default(cancel = None))]
    pub async fn background_refresh(
        &self,
        budget_seconds: u32,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<BackgroundRefreshResult, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        let source = self.dossier_source(&core)?;
        self.network_call(cancel, move |flag| async move {
            let budget = std::time::Duration::from_secs(u64::from(budget_seconds));
            let report = core
                .background_refresh(&source, budget, &flag)
                .await
                .map_err(|error| LonganError::from_dossier(error, language))?;
            let next_wakeup = core
                .next_wakeup()
                .map_err(|error| LonganError::from_dossier(error, language))?;
            Ok(BackgroundRefreshResult {
                refreshed: report.refreshed as u32,
                skipped: report.skipped as u32,
                notified: report.notified as u32,
                stopped_by: report.failure.map(|error| error.to_string()),
                next_wakeup: next_wakeup
                    .map(|ms| UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)),
            })
        })
        .await
    }

    /// Reads the signed-in citizen's notification feed from the portal (`/v1/me/notifications`)
    /// into the inbox; returns how many notifications were added. The first read is a
    /// baseline; the same event found by `refreshFollowed`, `myDossiers` or a push is kept
    /// once. `AuthRequired` when signed out; `InvalidInput` without a portal. Network.
    #[uniffi::method(default(cancel = None))]
    pub async fn sync_feed(&self, cancel: Option<Arc<CancelHandle>>) -> Result<u32, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        let portal = self.portal(&core)?;
        self.network_call(cancel, move |flag| async move {
            core.sync_feed(&portal, &flag)
                .await
                .map(|added| added as u32)
                .map_err(|error| LonganError::from_my_dossiers(error, language))
        })
        .await
    }

    /// When to wake the core next for a reminder (schedule WorkManager / BGTaskScheduler or a
    /// local notification for then); `None` when nothing followed needs one. No network.
    pub async fn next_wakeup(&self) -> Result<Option<SystemTime>, LonganError> {
        self.call(move |core, language| {
            Ok(core
                .next_wakeup()
                .map_err(|error| LonganError::from_dossier(error, language))?
                .map(|ms| UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)))
        })
        .await
    }

    /// Takes a push (FCM data message or APNs payload, as JSON text) as a nudge: the core asks
    /// the portal about the dossier it names and notifies what really changed; it never shows
    /// the payload's text. Malformed or unknown payloads are ignored (`handled` false).
    #[uniffi::method(default(cancel = None))]
    pub async fn handle_push(
        &self,
        payload: String,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<PushResult, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        let source = self.dossier_source(&core)?;
        self.network_call(cancel, move |flag| async move {
            let outcome = core
                .handle_push(&source, &payload, &flag)
                .await
                .map_err(|error| LonganError::from_dossier(error, language))?;
            Ok(match outcome {
                PushOutcome::Refreshed { notified } => PushResult {
                    handled: true,
                    notified: notified as u32,
                    ignored_because: None,
                },
                PushOutcome::NothingToFetch => PushResult {
                    handled: true,
                    notified: 0,
                    ignored_because: None,
                },
                PushOutcome::Ignored { reason } => PushResult {
                    handled: false,
                    notified: 0,
                    ignored_because: Some(reason.to_string()),
                },
            })
        })
        .await
    }
}

/// What a background refresh did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackgroundRefreshResult {
    /// Followed dossiers asked about.
    pub refreshed: u32,
    /// Followed dossiers left for next time (the budget ran out or the network failed).
    pub skipped: u32,
    /// New notifications.
    pub notified: u32,
    /// Why the run stopped early, when the network did it.
    pub stopped_by: Option<String>,
    /// When to wake the core next for a reminder.
    pub next_wakeup: Option<SystemTime>,
}

/// What a push turned into.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PushResult {
    /// False when the payload was malformed or unknown (and ignored).
    pub handled: bool,
    /// New notifications.
    pub notified: u32,
    /// Why it was ignored.
    pub ignored_because: Option<String>,
}
