//! Status changes made through test control, laid on top of a dossier's scenario story. The
//! story is kept up to the moment of the first change and the changes follow it, so moving the
//! clock on does not undo them.

use std::time::SystemTime;

use longan_core::calendar::{WorkingCalendar, date_in_vietnam};
use longan_core::dossier::model::{AppointmentChange, Dossier, TimelineEntry};
use longan_core::dossier::status::DossierStatus;

use crate::clock::unix_millis as millis;

/// Working days from acceptance to the appointment date an override gives.
pub const APPOINTMENT_WORKING_DAYS: u32 = 5;

/// The changes made to one dossier, oldest first.
#[derive(Debug, Clone)]
pub struct Overrides {
    since: SystemTime,
    changes: Vec<Change>,
}

#[derive(Debug, Clone)]
struct Change {
    at: SystemTime,
    status: DossierStatus,
    note: Option<String>,
}

impl Overrides {
    /// No change yet; the scenario's story is kept up to `since`.
    pub fn new(since: SystemTime) -> Overrides {
        Overrides {
            since,
            changes: Vec::new(),
        }
    }

    /// The moment up to which the scenario's story is kept.
    pub fn since(&self) -> SystemTime {
        self.since
    }

    /// Records a move to `status` at `at` (the caller checked the lifecycle allows it).
    pub fn push(&mut self, at: SystemTime, status: DossierStatus, note: Option<String>) {
        self.changes.push(Change { at, status, note });
    }

    /// `base` (the dossier as the scenario had it at [`Overrides::since`]) with the changes
    /// appended: one timeline entry each, ids continuing `<code>#<n>`, one version each. A
    /// move to accepted sets the appointment date when the dossier has none, as acceptance
    /// does in the scenario (one more version).
    pub fn apply(&self, base: Dossier, calendar: &WorkingCalendar) -> Dossier {
        let mut dossier = base;
        for change in &self.changes {
            let at_ms = millis(change.at);
            let id = format!("{}#{}", dossier.code, dossier.timeline.len() + 1);
            dossier.timeline.push(TimelineEntry {
                id,
                at_ms,
                status: change.status,
                status_text: change.status.label_vi().to_string(),
                note: change.note.clone(),
            });
            dossier.status = change.status;
            dossier.status_text = change.status.label_vi().to_string();
            dossier.version += 1;
            let accepted = change.status == DossierStatus::Accepted;
            if accepted && dossier.appointment_history.is_empty() {
                let due = date_in_vietnam(change.at)
                    .and_then(|day| calendar.add_working_days(day, APPOINTMENT_WORKING_DAYS));
                if let Some(due) = due {
                    dossier.appointment = Some(due.to_string());
                    dossier.appointment_history.push(AppointmentChange {
                        date: due.to_string(),
                        set_at_ms: at_ms,
                        reason: None,
                        apology: false,
                    });
                    dossier.version += 1;
                }
            }
        }
        dossier
    }
}
