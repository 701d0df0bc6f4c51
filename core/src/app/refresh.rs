//! Waking up in the background: refreshing followed dossiers within a time budget, reminders,
//! the next wake-up time, and pushes taken as nudges.

use std::time::{Duration, Instant};

use super::Core;
use crate::cancel::Cancellation;
use crate::dossier::error::DossierError;
use crate::dossier::tracking;
use crate::events::Event;
use crate::notify::{
    DEFAULT_DOCUMENTS_MISSING_AFTER, PushNudge, due_reminders, inbox, next_wakeup, parse_push,
};
use crate::portal::Portal;

/// What a background refresh did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefreshReport {
    /// Followed dossiers asked about (a 304 counts).
    pub refreshed: usize,
    /// Followed dossiers left for next time because the budget ran out.
    pub skipped: usize,
    /// Notifications added (changes and reminders).
    pub notified: usize,
    /// The first failure, when the network stopped the run (what was refreshed is kept).
    pub failure: Option<DossierError>,
}

/// What a push turned into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// The dossier it named was asked about again.
    Refreshed {
        /// New notifications.
        notified: usize,
    },
    /// It named a dossier this profile does not follow, or the feed: nothing to fetch now.
    NothingToFetch,
    /// Malformed or unknown: ignored (the reason, with nothing of the payload).
    Ignored {
        /// Why.
        reason: &'static str,
    },
}

impl Core {
    /// Refreshes followed dossiers, oldest confirmation first, until `budget` runs out (iOS
    /// gives a background task about 30 s): each request gets at most what is left, and a run
    /// that stops early says how many it skipped. Then adds the reminders due today. Events go
    /// to the listener from this thread. Network; writes `state/`.
    pub async fn background_refresh<P: Portal>(
        &self,
        portal: &P,
        budget: Duration,
        cancel: &Cancellation,
    ) -> Result<RefreshReport, DossierError> {
        let started = Instant::now();
        let personal = self.personal()?;
        let mut followed = tracking::followed(&personal)?;
        followed.sort_by_key(|tracked| tracked.confirmed_at_ms);
        let unread_before = inbox::unread_count(&personal).unwrap_or(0);
        let mut report = RefreshReport::default();
        for (index, before) in followed.iter().enumerate() {
            let Some(left) = budget
                .checked_sub(started.elapsed())
                .filter(|left| !left.is_zero())
            else {
                report.skipped = followed.len() - index;
                break;
            };
            let attempt = self.refresh_tracked(portal, before, cancel);
            match tokio::time::timeout(left, attempt).await {
                Ok(Err(DossierError::SignInRequired)) => {}
                Ok(Ok(after)) => {
                    self.notify_changes(&personal, Some(before), &after);
                    report.refreshed += 1;
                }
                Ok(Err(error)) => {
                    report.skipped = followed.len() - index;
                    report.failure = Some(error);
                    break;
                }
                Err(_) => {
                    report.skipped = followed.len() - index;
                    break;
                }
            }
        }
        self.add_due_reminders()?;
        report.notified = inbox::unread_count(&personal)
            .unwrap_or(0)
            .saturating_sub(unread_before);
        Ok(report)
    }

    /// Adds the reminders due now for the followed dossiers: appointment tomorrow, appointment
    /// passed without a result, documents still missing, each from 08:00 in Vietnam on its
    /// working day ([`Core::next_wakeup`]). Each fires once.
    pub fn add_due_reminders(&self) -> Result<usize, DossierError> {
        let personal = self.personal()?;
        let Some(today) = crate::calendar::date_in_vietnam(self.clock.now()) else {
            return Ok(0);
        };
        let mut due = Vec::new();
        for tracked in tracking::followed(&personal)? {
            due.extend(due_reminders(
                &tracked.dossier,
                today,
                self.calendar(),
                DEFAULT_DOCUMENTS_MISSING_AFTER,
            ));
        }
        // Due from REMINDER_HOUR on its day, the time `next_wakeup` gives, not from midnight.
        let now_ms = self.clock.now_ms();
        due.retain(|reminder| reminder.at_ms <= now_ms);
        let added = inbox::add_all(&personal, due).map_err(|error| DossierError::Corrupt {
            reason: error.to_string(),
        })?;
        if !added.is_empty() {
            self.events
                .emit(Event::NotificationsAdded { count: added.len() });
        }
        Ok(added.len())
    }

    /// When the app should wake the core next for a reminder (milliseconds since the Unix
    /// epoch; 08:00 in Vietnam on the day), or `None` when nothing followed needs one.
    pub fn next_wakeup(&self) -> Result<Option<i64>, DossierError> {
        let followed: Vec<_> = tracking::followed(&self.personal()?)?
            .into_iter()
            .map(|tracked| tracked.dossier)
            .collect();
        Ok(next_wakeup(
            &followed,
            self.clock.now_ms(),
            self.calendar(),
            DEFAULT_DOCUMENTS_MISSING_AFTER,
        ))
    }

    /// Takes a push (an FCM data message or an APNs payload) as a nudge: it never trusts the
    /// payload's text, it asks the portal about the dossier named. Malformed or unknown
    /// payloads are ignored with a logged reason. Network; writes `state/`.
    pub async fn handle_push<P: Portal>(
        &self,
        portal: &P,
        payload: &str,
        cancel: &Cancellation,
    ) -> Result<PushOutcome, DossierError> {
        let code = match parse_push(payload) {
            Err(rejected) => {
                log::info!("a push was ignored: {}", rejected.reason);
                return Ok(PushOutcome::Ignored {
                    reason: rejected.reason,
                });
            }
            Ok(PushNudge::FeedChanged) => return Ok(PushOutcome::NothingToFetch),
            Ok(PushNudge::Dossier { code }) => code,
        };
        let personal = self.personal()?;
        let Some(before) = tracking::cached(&personal, &code)?.filter(|t| t.followed) else {
            return Ok(PushOutcome::NothingToFetch);
        };
        let unread_before = inbox::unread_count(&personal).unwrap_or(0);
        let after = self.refresh_tracked(portal, &before, cancel).await?;
        self.notify_changes(&personal, Some(&before), &after);
        let notified = inbox::unread_count(&personal)
            .unwrap_or(0)
            .saturating_sub(unread_before);
        Ok(PushOutcome::Refreshed { notified })
    }
}
