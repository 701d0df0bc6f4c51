//! Dossier lookup, follows, the offline cache and due dates.

use super::Core;
use crate::auth::AuthError;
use crate::cancel::Cancellation;
use crate::catalog::Procedure;
use crate::dossier::due::{DueState, due_state};
use crate::dossier::error::DossierError;
use crate::dossier::model::Dossier;
use crate::dossier::tracking::{self, TrackedDossier};
use crate::net::NetError;
use crate::portal::Portal;

impl Core {
    /// Looks a dossier up (code typed any way, verifier = last 4 digits of the applicant's
    /// phone or ID) and keeps it readable offline. Network (or the demo); writes `state/`.
    pub async fn look_up_dossier<P: Portal>(
        &self,
        portal: &P,
        code: &str,
        verifier: &str,
        cancel: &Cancellation,
    ) -> Result<TrackedDossier, DossierError> {
        let personal = self.personal()?;
        let canonical = crate::dossier::code::DossierCode::parse(code)?;
        let before = tracking::cached(&personal, canonical.as_str())?;
        let after =
            tracking::look_up(&personal, portal, &self.clock, code, verifier, cancel).await?;
        self.notify_changes(&personal, before.as_ref(), &after);
        Ok(after)
    }

    /// Refreshes every followed dossier (conditional requests: an unchanged dossier costs a
    /// 304), notifying what changed: a looked-up one with the verifier it was unlocked with,
    /// one of the signed-in citizen's own with the session (skipped while signed out). Stops
    /// at the first network failure (the rest keep their last confirmed state) and returns
    /// what was refreshed. Network; writes `state/`.
    pub async fn refresh_followed<P: Portal>(
        &self,
        portal: &P,
        cancel: &Cancellation,
    ) -> Result<Vec<TrackedDossier>, DossierError> {
        let personal = self.personal()?;
        let mut refreshed = Vec::new();
        for before in tracking::followed(&personal)? {
            let after = match self.refresh_tracked(portal, &before, cancel).await {
                Err(DossierError::SignInRequired) => continue,
                other => other?,
            };
            self.notify_changes(&personal, Some(&before), &after);
            refreshed.push(after);
        }
        Ok(refreshed)
    }

    /// Asks `portal` again about a kept dossier: by its verifier, or, for one of the
    /// signed-in citizen's own, with the access token (renewed once on a 401). Does not
    /// notify.
    pub(super) async fn refresh_tracked<P: Portal>(
        &self,
        portal: &P,
        before: &TrackedDossier,
        cancel: &Cancellation,
    ) -> Result<TrackedDossier, DossierError> {
        let personal = self.personal()?;
        if !before.is_mine() {
            return tracking::refresh(&personal, portal, &self.clock, before, cancel).await;
        }
        let code = before.dossier.code.as_str();
        let answer = self
            .with_access_token(cancel, |token| async move {
                portal
                    .my_dossier(&token, code, before.etag(), cancel)
                    .await
                    .map_err(|error| match tracking::dossier_error(error) {
                        DossierError::Network(error) => error,
                        _ => NetError::NotFound,
                    })
            })
            .await
            .map_err(|error| match error {
                AuthError::Network(NetError::NotFound) => DossierError::NotFound,
                AuthError::Network(error) => DossierError::Network(error),
                AuthError::Profile(error) => DossierError::Profile(error),
                _ => DossierError::SignInRequired,
            })?;
        tracking::keep_mine_answer(&personal, &self.clock, before, answer)
    }

    /// Follows or stops following a dossier looked up before. Writes `state/`.
    pub fn set_dossier_followed(
        &self,
        code: &str,
        followed: bool,
    ) -> Result<TrackedDossier, DossierError> {
        tracking::set_followed(&self.personal()?, code, followed)
    }

    /// The followed dossiers as last confirmed, with no network.
    pub fn followed_dossiers(&self) -> Result<Vec<TrackedDossier>, DossierError> {
        tracking::followed(&self.personal()?)
    }

    /// A dossier as last confirmed, with no network.
    pub fn cached_dossier(&self, code: &str) -> Result<Option<TrackedDossier>, DossierError> {
        tracking::cached(&self.personal()?, code)
    }

    /// Whether a dossier is due, late or paused, today in Vietnam by the core's clock.
    pub fn dossier_due(&self, dossier: &Dossier) -> DueState {
        let today = crate::calendar::date_in_vietnam(self.clock.now())
            .unwrap_or_else(|| crate::calendar::LocalDate::new(2025, 1, 1).expect("valid"));
        due_state(dossier, today, self.calendar())
    }

    /// For each of a procedure's filing channels (in order), the date its result would be due
    /// if filed today in Vietnam, counted in working days where the time is; `None` where the
    /// published time is not a plain amount.
    pub fn due_if_filed_today(
        &self,
        procedure: &Procedure,
    ) -> Vec<Option<crate::calendar::LocalDate>> {
        let today = crate::calendar::date_in_vietnam(self.clock.now());
        procedure
            .details
            .iter()
            .flat_map(|details| details.channels.iter())
            .map(|channel| {
                let time = channel.processing_time?;
                self.calendar()
                    .due_date_for(today?, time.amount.ceil() as u32, time.unit)
            })
            .collect()
    }
}
