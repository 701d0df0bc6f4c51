//! When a dossier's result is due, and whether it is late. "Overdue" is computed, never a
//! status: in working days against the current appointment date, with the clock stopped while
//! the office waits for the citizen's extra documents (status 5).

use super::model::Dossier;
use super::status::DossierStatus;
use crate::calendar::{LocalDate, WorkingCalendar, date_in_vietnam};

/// Where a dossier stands against its appointment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueState {
    /// Finished one way or another (result ready or returned, refused, stopped, withdrawn).
    Finished,
    /// Not accepted yet: no appointment date.
    NotScheduled,
    /// Waiting for the citizen's documents: the count is stopped; `date` is the due date if
    /// the documents came today.
    Paused {
        /// The due date, moved by the working days spent waiting so far.
        date: LocalDate,
    },
    /// Due on a later working day.
    DueIn {
        /// The due date.
        date: LocalDate,
        /// Working days left.
        working_days: i64,
    },
    /// Due today.
    DueToday {
        /// The due date.
        date: LocalDate,
    },
    /// Late.
    Overdue {
        /// The due date.
        date: LocalDate,
        /// Working days late.
        working_days: i64,
    },
}

/// The dossier's due state on `today` (a date in Vietnam).
pub fn due_state(dossier: &Dossier, today: LocalDate, calendar: &WorkingCalendar) -> DueState {
    use DossierStatus::*;
    if matches!(
        dossier.status,
        Processed | ResultReturned | NotAccepted | Stopped | WithdrawalRequested
    ) {
        return DueState::Finished;
    }
    let Some(appointment) = dossier
        .appointment
        .as_deref()
        .and_then(|date| date.parse::<LocalDate>().ok())
    else {
        return DueState::NotScheduled;
    };
    let paused = paused_working_days(dossier, today, calendar);
    let date = calendar
        .add_working_days(appointment, paused.max(0) as u32)
        .unwrap_or(appointment);
    if dossier.status.pauses_the_clock() {
        return DueState::Paused { date };
    }
    match today.cmp(&date) {
        std::cmp::Ordering::Less => DueState::DueIn {
            date,
            working_days: calendar.working_days_between(today, date),
        },
        std::cmp::Ordering::Equal => DueState::DueToday { date },
        std::cmp::Ordering::Greater => DueState::Overdue {
            date,
            working_days: calendar.working_days_between(date, today),
        },
    }
}

/// Working days spent in status 5, up to `today` for a wait still running.
fn paused_working_days(dossier: &Dossier, today: LocalDate, calendar: &WorkingCalendar) -> i64 {
    let date_of = |ms: i64| {
        let instant = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
        date_in_vietnam(instant).unwrap_or(today)
    };
    let mut total = 0;
    let mut waiting_since: Option<LocalDate> = None;
    for entry in &dossier.timeline {
        match (waiting_since, entry.status.pauses_the_clock()) {
            (None, true) => waiting_since = Some(date_of(entry.at_ms)),
            (Some(since), false) => {
                total += calendar.working_days_between(since, date_of(entry.at_ms));
                waiting_since = None;
            }
            _ => {}
        }
    }
    if let Some(since) = waiting_since {
        total += calendar.working_days_between(since, today);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::model::TimelineEntry;

    fn date(text: &str) -> LocalDate {
        text.parse().unwrap()
    }

    /// Milliseconds of 09:00 in Vietnam on `text`.
    fn at(text: &str) -> i64 {
        date(text).epoch_day() * 86_400_000 + 2 * 3_600_000
    }

    fn dossier(steps: &[(DossierStatus, &str)], appointment: &str) -> Dossier {
        Dossier {
            code: "000.00.12.H39-251103-0001".into(),
            version: steps.len() as u64,
            status: steps.last().unwrap().0,
            status_text: String::new(),
            procedure_code: "1.001193".into(),
            procedure_name: String::new(),
            agency: String::new(),
            applicant: String::new(),
            received_at_ms: at(steps[0].1),
            appointment: Some(appointment.into()),
            appointment_history: Vec::new(),
            timeline: steps
                .iter()
                .enumerate()
                .map(|(i, (status, day))| TimelineEntry {
                    id: i.to_string(),
                    at_ms: at(day),
                    status: *status,
                    status_text: String::new(),
                    note: None,
                })
                .collect(),
        }
    }

    #[test]
    fn a_dossier_past_its_appointment_is_overdue_by_working_days() {
        use DossierStatus::*;
        let calendar = WorkingCalendar::embedded();
        // Appointment Friday 2025-11-07; on Tuesday 2025-11-11 it is two working days late.
        let d = dossier(
            &[
                (Registered, "2025-11-03"),
                (Accepted, "2025-11-03"),
                (Processing, "2025-11-04"),
            ],
            "2025-11-07",
        );
        assert_eq!(
            due_state(&d, date("2025-11-11"), &calendar),
            DueState::Overdue {
                date: date("2025-11-07"),
                working_days: 2
            }
        );
        assert_eq!(
            due_state(&d, date("2025-11-07"), &calendar),
            DueState::DueToday {
                date: date("2025-11-07")
            }
        );
        assert!(matches!(
            due_state(&d, date("2025-11-05"), &calendar),
            DueState::DueIn {
                working_days: 2,
                ..
            }
        ));
    }

    #[test]
    fn waiting_for_documents_stops_the_clock_and_moves_the_due_date() {
        use DossierStatus::*;
        let calendar = WorkingCalendar::embedded();
        let waiting = dossier(
            &[
                (Registered, "2025-11-03"),
                (Accepted, "2025-11-03"),
                (Processing, "2025-11-04"),
                (DocumentsRequested, "2025-11-05"),
            ],
            "2025-11-07",
        );
        // Waiting since Wednesday; on Monday 2025-11-10 three working days have passed.
        assert_eq!(
            due_state(&waiting, date("2025-11-10"), &calendar),
            DueState::Paused {
                date: date("2025-11-12")
            }
        );
        let resumed = dossier(
            &[
                (Registered, "2025-11-03"),
                (Accepted, "2025-11-03"),
                (Processing, "2025-11-04"),
                (DocumentsRequested, "2025-11-05"),
                (Processing, "2025-11-10"),
            ],
            "2025-11-07",
        );
        // Three working days of waiting: due Wednesday 12th, so not late on Tuesday 11th.
        assert!(matches!(
            due_state(&resumed, date("2025-11-11"), &calendar),
            DueState::DueIn {
                working_days: 1,
                ..
            }
        ));
        assert!(matches!(
            due_state(&resumed, date("2025-11-13"), &calendar),
            DueState::Overdue {
                working_days: 1,
                ..
            }
        ));
    }

    #[test]
    fn finished_and_unscheduled_dossiers_are_never_late() {
        use DossierStatus::*;
        let calendar = WorkingCalendar::embedded();
        let done = dossier(
            &[(Registered, "2025-11-03"), (NotAccepted, "2025-11-03")],
            "2025-11-07",
        );
        assert_eq!(
            due_state(&done, date("2026-01-01"), &calendar),
            DueState::Finished
        );
        let mut new = dossier(&[(Registered, "2025-11-03")], "2025-11-07");
        new.appointment = None;
        assert_eq!(
            due_state(&new, date("2026-01-01"), &calendar),
            DueState::NotScheduled
        );
    }
}
