//! The sample dossiers the portal serves: the core's scenario engine (one seed, the portal's
//! epoch, the served catalogue's procedures) with the status changes test control made on top.

mod next_step;
mod overrides;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use longan_core::calendar::{WorkingCalendar, date_in_vietnam};
use longan_core::dossier::model::{Dossier, TimelineEntry};
use longan_core::dossier::scenario::{ACCOUNTS, DEFAULT_COUNT, SampleDossier, Scenario, mask_name};
use longan_core::dossier::status::DossierStatus;

use overrides::Overrides;

use crate::clock::unix_millis;

/// The scenario's seed. The embedded demo uses the same one, so `longan demo-dossiers` lists
/// the codes this portal serves (when both start their stories at the same epoch).
pub const DOSSIER_SEED: u64 = 2025;

/// The serial number of the first dossier filed through test control (the scenario's stop
/// well before it, so the codes never meet).
const FIRST_FILED_SERIAL: usize = 9001;
/// Where test control files new dossiers.
const FILED_AGENCY: (&str, &str) = (
    "000.00.00.H39",
    "Trung tâm Phục vụ hành chính công tỉnh Long An",
);

/// How far ahead `advance` looks for a dossier's planned story: every story ends well within it.
const WHOLE_STORY: Duration = Duration::from_secs(366 * 86_400);

/// Why a test-control change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeError {
    /// No dossier has this code (now).
    UnknownDossier,
    /// The lifecycle does not allow this move.
    Impossible {
        /// The dossier's status.
        from: DossierStatus,
        /// The status asked for.
        to: DossierStatus,
    },
    /// Nothing can follow the dossier's status.
    Final(DossierStatus),
}

/// Every sample dossier, and the changes made to some.
pub struct DossierBook {
    procedures: Vec<(String, String)>,
    epoch: SystemTime,
    scenario: Scenario,
    overrides: HashMap<String, Overrides>,
    filed: Vec<Filed>,
    calendar: WorkingCalendar,
}

/// A dossier filed through test control for a test account: as filed, with its owner.
#[derive(Debug, Clone)]
struct Filed {
    owner: String,
    dossier: Dossier,
    verifier: String,
}

impl fmt::Debug for DossierBook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DossierBook")
            .field("epoch", &self.epoch)
            .field("dossiers", &self.scenario.len())
            .field("changed", &self.overrides.len())
            .field("filed", &self.filed.len())
            .finish()
    }
}

impl DossierBook {
    /// [`DEFAULT_COUNT`] dossiers seeded with [`DOSSIER_SEED`], their stories starting at
    /// `epoch` (cut to the millisecond, so that the epoch in milliseconds reproduces them),
    /// filed for `procedures` (code, name; put in code order here).
    pub fn new(mut procedures: Vec<(String, String)>, epoch: SystemTime) -> DossierBook {
        procedures.sort();
        let epoch = to_the_millisecond(epoch);
        let scenario = Scenario::new(DOSSIER_SEED, epoch, DEFAULT_COUNT, procedures.clone());
        DossierBook {
            procedures,
            epoch,
            scenario,
            overrides: HashMap::new(),
            filed: Vec::new(),
            calendar: WorkingCalendar::embedded(),
        }
    }

    /// Starts every story again at `epoch`, without the changes made so far.
    pub fn reset(&mut self, epoch: SystemTime) {
        let epoch = to_the_millisecond(epoch);
        let procedures = self.procedures.clone();
        self.scenario = Scenario::new(DOSSIER_SEED, epoch, DEFAULT_COUNT, procedures);
        self.epoch = epoch;
        self.overrides.clear();
        self.filed.clear();
    }

    /// When the stories started.
    pub fn epoch(&self) -> SystemTime {
        self.epoch
    }

    /// The demo's dossiers: (code, verifier).
    pub fn demo_codes(&self) -> Vec<(String, String)> {
        self.scenario.demo_codes()
    }

    /// The dossier with this canonical code as it stands at `now`, with its verifier.
    pub fn lookup(&self, code: &str, now: SystemTime) -> Option<SampleDossier> {
        if let Some(filed) = self.filed.iter().find(|filed| filed.dossier.code == code) {
            let dossier = match self.overrides.get(code) {
                None => filed.dossier.clone(),
                Some(overrides) => overrides.apply(filed.dossier.clone(), &self.calendar),
            };
            let verifier = filed.verifier.clone();
            return Some(SampleDossier { dossier, verifier });
        }
        match self.overrides.get(code) {
            None => self.scenario.find(code, now),
            Some(overrides) => {
                let base = self.scenario.find(code, overrides.since())?;
                Some(SampleDossier {
                    dossier: overrides.apply(base.dossier, &self.calendar),
                    verifier: base.verifier,
                })
            }
        }
    }

    /// The dossiers of the test account `subject` (a `sub` of the scenario's `ACCOUNTS`) as
    /// they stand at `now`, with test control's changes and the dossiers it filed for the
    /// account, newest first (by reception, then code); none for any other subject.
    pub fn owned_by(&self, subject: &str, now: SystemTime) -> Vec<Dossier> {
        let mut owned: Vec<Dossier> = self
            .scenario
            .account_dossiers(subject)
            .into_iter()
            .filter_map(|index| self.scenario.dossier_at(index, now))
            .filter_map(
                |sample| match self.overrides.contains_key(&sample.dossier.code) {
                    false => Some(sample.dossier),
                    true => Some(self.lookup(&sample.dossier.code, now)?.dossier),
                },
            )
            .collect();
        let filed = self.filed.iter().filter(|filed| filed.owner == subject);
        owned
            .extend(filed.filter_map(|filed| Some(self.lookup(&filed.dossier.code, now)?.dossier)));
        owned.sort_by(|a, b| (b.received_at_ms, &b.code).cmp(&(a.received_at_ms, &a.code)));
        owned
    }

    /// Files a new dossier for the test account `subject` at `now` (test control): registered,
    /// for the first procedure served, at the province's service centre, under the account's
    /// masked name, its serial from [`FIRST_FILED_SERIAL`] on. Its story is test control's
    /// (`advance` moves it towards a returned result). `None` for a subject that is no test
    /// account (or without procedures).
    pub fn file_for(&mut self, subject: &str, now: SystemTime) -> Option<Dossier> {
        let (sub, name) = ACCOUNTS.iter().find(|(sub, _)| *sub == subject)?;
        let (procedure_code, procedure_name) = self.procedures.first()?.clone();
        let day = date_in_vietnam(now)?;
        let serial = FIRST_FILED_SERIAL + self.filed.len();
        let code = format!(
            "{}-{:02}{:02}{:02}-{serial:04}",
            FILED_AGENCY.0,
            day.year() % 100,
            day.month(),
            day.day()
        );
        let at_ms = unix_millis(now);
        let status = DossierStatus::Registered;
        let dossier = Dossier {
            timeline: vec![TimelineEntry {
                id: format!("{code}#1"),
                at_ms,
                status,
                status_text: status.label_vi().to_string(),
                note: None,
            }],
            code,
            version: 1,
            status,
            status_text: status.label_vi().to_string(),
            procedure_code,
            procedure_name,
            agency: FILED_AGENCY.1.to_string(),
            applicant: mask_name(name),
            received_at_ms: at_ms,
            appointment: None,
            appointment_history: Vec::new(),
        };
        self.filed.push(Filed {
            owner: sub.to_string(),
            dossier: dossier.clone(),
            verifier: format!("{:04}", serial % 10_000),
        });
        Some(dossier)
    }

    /// Moves the dossier to `status` at `now`, when the lifecycle allows it.
    pub fn set_status(
        &mut self,
        code: &str,
        status: DossierStatus,
        note: Option<String>,
        now: SystemTime,
    ) -> Result<Dossier, ChangeError> {
        let current = self.current(code, now)?;
        if !current.status.can_move_to(status) {
            let from = current.status;
            return Err(ChangeError::Impossible { from, to: status });
        }
        self.overrides
            .entry(code.to_string())
            .or_insert_with(|| Overrides::new(now))
            .push(now, status, note);
        self.current(code, now)
    }

    /// Moves the dossier one step along its planned story (see [`next_step::next_step`]).
    pub fn advance(&mut self, code: &str, now: SystemTime) -> Result<Dossier, ChangeError> {
        let current = self.current(code, now)?;
        let plan = self.scenario.find(code, now + WHOLE_STORY);
        let plan = plan.as_ref().map(|sample| &sample.dossier);
        let (status, note) =
            next_step::next_step(&current, plan).ok_or(ChangeError::Final(current.status))?;
        self.set_status(code, status, note, now)
    }

    fn current(&self, code: &str, now: SystemTime) -> Result<Dossier, ChangeError> {
        let sample = self.lookup(code, now).ok_or(ChangeError::UnknownDossier)?;
        Ok(sample.dossier)
    }
}

/// `time` without its fraction of a millisecond.
fn to_the_millisecond(time: SystemTime) -> SystemTime {
    let millis = u64::try_from(unix_millis(time)).unwrap_or(0);
    UNIX_EPOCH + Duration::from_millis(millis)
}
