//! Dossier lookup, follows, the offline cache and due dates.

use super::Core;
use crate::cancel::Cancellation;
use crate::catalog::Procedure;
use crate::dossier::due::{DueState, due_state};
use crate::dossier::error::DossierError;
use crate::dossier::model::Dossier;
use crate::dossier::tracking::{self, TrackedDossier};
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

    /// Refreshes every followed dossier with the verifier it was unlocked with (conditional
    /// requests: an unchanged dossier costs a 304), notifying what changed. Stops at the first
    /// network failure (the rest keep their last confirmed state) and returns what was
    /// refreshed. Network; writes `state/`.
    pub async fn refresh_followed<P: Portal>(
        &self,
        portal: &P,
        cancel: &Cancellation,
    ) -> Result<Vec<TrackedDossier>, DossierError> {
        let personal = self.personal()?;
        let mut refreshed = Vec::new();
        for before in tracking::followed(&personal)? {
            let after = tracking::refresh(&personal, portal, &self.clock, &before, cancel).await?;
            self.notify_changes(&personal, Some(&before), &after);
            refreshed.push(after);
        }
        Ok(refreshed)
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
