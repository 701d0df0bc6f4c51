//! Reminders, computed on the device with no network, in Vietnam's working days
//! (`crate::calendar`). Each reminder is keyed by a date, so it is made once (the inbox drops
//! repeats) and a phone that was off on its day still gets it while it applies.
//!
//! The rules, for a dossier as last seen:
//!
//! - **Appointment tomorrow** (statuses 2, 4, 6 and 9: accepted, processing, fees due, result
//!   ready to collect): due on the calendar day before the appointment date when that is a
//!   working day; otherwise (a Monday appointment, or one after a holiday) on the last working
//!   day before the appointment, while the office can still be asked, and from then until the
//!   day before. Keyed by the appointment date, so a new date reminds again.
//! - **Appointment passed without a result** (statuses 2, 4 and 6; not 5, where the office
//!   waits for the citizen, nor 9/10 or a final status): due from the first working day after
//!   the appointment date, until the result. Keyed by the appointment date.
//! - **Documents still missing** (status 5): due from the `n`-th working day after the day of
//!   the latest timeline entry with status 5 (`n` at least 1), until the documents arrive.
//!   Keyed by that day, so each request reminds once.
//!
//! A reminder's time is [`REMINDER_HOUR`]:00 in Vietnam on its first day; [`next_wakeup`] says
//! when the next one starts, for the app's scheduler. Pure: no I/O.

use super::model::{Notification, NotificationId, NotificationKind, ReminderKind, dossier_target};
use crate::calendar::{LocalDate, VIETNAM_UTC_OFFSET_SECONDS, WorkingCalendar};
use crate::dossier::model::Dossier;
use crate::dossier::status::DossierStatus;

/// The hour (in Vietnam) at which a reminder's day starts for the scheduler.
pub const REMINDER_HOUR: i64 = 8;
/// Working days after a request for documents before the citizen is reminded, by default.
pub const DEFAULT_DOCUMENTS_MISSING_AFTER: u32 = 5;

const MS_PER_DAY: i64 = 86_400_000;
/// How far back to look for a working day before an appointment (Tết is the longest break).
const MAX_DAYS_OFF_IN_A_ROW: usize = 31;

/// A reminder one dossier will have, if it stays as it is.
struct Planned {
    kind: ReminderKind,
    /// The date in its identity.
    key: LocalDate,
    /// Its first day.
    from: LocalDate,
    /// Its last day, when it has one.
    until: Option<LocalDate>,
}

impl Planned {
    fn applies_on(&self, day: LocalDate) -> bool {
        self.from <= day && self.until.is_none_or(|until| day <= until)
    }
}

/// The reminders due for `dossier` on `today` (a date in Vietnam), by the rules above.
/// `documents_missing_after` is the `n` of the documents rule. Performs no I/O.
pub fn due_reminders(
    dossier: &Dossier,
    today: LocalDate,
    calendar: &WorkingCalendar,
    documents_missing_after: u32,
) -> Vec<Notification> {
    plan(dossier, calendar, documents_missing_after)
        .into_iter()
        .filter(|planned| planned.applies_on(today))
        .map(|planned| {
            let kind = match planned.kind {
                ReminderKind::DocumentsStillMissing { .. } => {
                    let since = planned.key;
                    let days = calendar.working_days_between(since, today).max(0);
                    ReminderKind::DocumentsStillMissing {
                        working_days: u32::try_from(days).unwrap_or(u32::MAX),
                    }
                }
                other => other,
            };
            let key = planned.key.to_string();
            Notification {
                id: NotificationId::for_reminder(&kind, &dossier.code, &key),
                kind: NotificationKind::Reminder { reminder: kind },
                at_ms: reminder_instant_ms(planned.from),
                target: dossier_target(&dossier.code),
                procedure_name: dossier.procedure_name.clone(),
                status: Some(dossier.status.number()),
                appointment: dossier.appointment.clone(),
                day: Some(planned.from.to_string()),
                note: None,
                read: false,
            }
        })
        .collect()
}

/// The next instant after `now_ms` (milliseconds since the epoch) at which a reminder of one of
/// `dossiers` starts: [`REMINDER_HOUR`]:00 in Vietnam on its first day. `None` when no
/// reminder is ahead. Reminders already due are not counted: they are due now. Performs no I/O.
pub fn next_wakeup(
    dossiers: &[Dossier],
    now_ms: i64,
    calendar: &WorkingCalendar,
    documents_missing_after: u32,
) -> Option<i64> {
    dossiers
        .iter()
        .flat_map(|dossier| plan(dossier, calendar, documents_missing_after))
        .map(|planned| reminder_instant_ms(planned.from))
        .filter(|&instant| instant > now_ms)
        .min()
}

/// [`REMINDER_HOUR`]:00 in Vietnam on `day`, in milliseconds since the epoch.
pub fn reminder_instant_ms(day: LocalDate) -> i64 {
    day.epoch_day() * MS_PER_DAY + REMINDER_HOUR * 3_600_000 - VIETNAM_UTC_OFFSET_SECONDS * 1_000
}

/// The date in Vietnam at `ms` (milliseconds since the epoch).
fn date_in_vietnam_ms(ms: i64) -> Option<LocalDate> {
    let local = ms.checked_add(VIETNAM_UTC_OFFSET_SECONDS * 1_000)?;
    LocalDate::from_epoch_day(local.div_euclid(MS_PER_DAY))
}

fn plan(dossier: &Dossier, calendar: &WorkingCalendar, documents_after: u32) -> Vec<Planned> {
    use DossierStatus::*;
    let mut planned = Vec::new();
    let appointment = dossier
        .appointment
        .as_deref()
        .and_then(|text| text.parse::<LocalDate>().ok());
    if let Some(appointment) = appointment {
        if matches!(
            dossier.status,
            Accepted | Processing | PaymentRequested | Processed
        ) && let Some(eve) = appointment.add_days(-1)
        {
            planned.push(Planned {
                kind: ReminderKind::AppointmentTomorrow,
                key: appointment,
                from: last_working_day_up_to(eve, calendar),
                until: Some(eve),
            });
        }
        if matches!(dossier.status, Accepted | Processing | PaymentRequested)
            && let Some(after) = calendar.next_working_day(appointment)
        {
            planned.push(Planned {
                kind: ReminderKind::AppointmentPassedWithoutResult,
                key: appointment,
                from: after,
                until: None,
            });
        }
    }
    if dossier.status == DocumentsRequested {
        let requested = dossier
            .timeline
            .iter()
            .rev()
            .find(|entry| entry.status == DocumentsRequested)
            .and_then(|entry| date_in_vietnam_ms(entry.at_ms));
        if let Some(since) = requested {
            let mut from = Some(since);
            for _ in 0..documents_after.max(1) {
                from = from.and_then(|day| calendar.next_working_day(day));
            }
            if let Some(from) = from {
                planned.push(Planned {
                    kind: ReminderKind::DocumentsStillMissing { working_days: 0 },
                    key: since,
                    from,
                    until: None,
                });
            }
        }
    }
    planned
}

/// `day` if it is a working day, else the last working day before it (or `day` itself when
/// none is found within a month).
fn last_working_day_up_to(day: LocalDate, calendar: &WorkingCalendar) -> LocalDate {
    let mut candidate = day;
    for _ in 0..MAX_DAYS_OFF_IN_A_ROW {
        if calendar.is_working_day(candidate) {
            return candidate;
        }
        match candidate.add_days(-1) {
            Some(before) => candidate = before,
            None => break,
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::model::TimelineEntry;

    const CODE: &str = "000.00.12.H39-260105-0007";

    fn date(text: &str) -> LocalDate {
        text.parse().unwrap()
    }

    /// Milliseconds of `hour`:00 in Vietnam on `text`.
    fn at(text: &str, hour: i64) -> i64 {
        date(text).epoch_day() * MS_PER_DAY + (hour - 7) * 3_600_000
    }

    fn dossier(status: DossierStatus, appointment: &str) -> Dossier {
        Dossier {
            code: CODE.into(),
            version: 1,
            status,
            status_text: status.label_vi().into(),
            procedure_code: "1.001193".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            agency: String::new(),
            applicant: String::new(),
            received_at_ms: 0,
            appointment: Some(appointment.into()),
            appointment_history: Vec::new(),
            timeline: vec![TimelineEntry {
                id: "t0".into(),
                at_ms: 0,
                status,
                status_text: String::new(),
                note: None,
            }],
        }
    }

    fn kinds_on(dossier: &Dossier, today: &str) -> Vec<ReminderKind> {
        due_reminders(dossier, date(today), &WorkingCalendar::embedded(), 3)
            .into_iter()
            .map(|n| match n.kind {
                NotificationKind::Reminder { reminder } => reminder,
                other => panic!("not a reminder: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_midweek_appointment_is_reminded_on_the_day_before_only() {
        // Wednesday 11 March 2026.
        let processing = dossier(DossierStatus::Processing, "2026-03-11");
        assert_eq!(
            kinds_on(&processing, "2026-03-10"),
            vec![ReminderKind::AppointmentTomorrow]
        );
        assert!(kinds_on(&processing, "2026-03-09").is_empty());
        assert!(kinds_on(&processing, "2026-03-11").is_empty());
        let reminders = due_reminders(
            &processing,
            date("2026-03-10"),
            &WorkingCalendar::embedded(),
            3,
        );
        assert_eq!(reminders[0].at_ms, at("2026-03-10", 8));
        assert_eq!(reminders[0].day.as_deref(), Some("2026-03-10"));
    }

    #[test]
    fn a_monday_appointment_after_30_april_and_1_may_is_reminded_from_the_last_working_day() {
        let calendar = WorkingCalendar::embedded();
        for off in ["2026-04-30", "2026-05-01", "2026-05-02", "2026-05-03"] {
            assert!(!calendar.is_working_day(date(off)), "{off}");
        }
        let processing = dossier(DossierStatus::Processing, "2026-05-04");
        assert!(kinds_on(&processing, "2026-04-28").is_empty());
        let first = due_reminders(&processing, date("2026-04-29"), &calendar, 3);
        assert_eq!(first.len(), 1);
        // A phone off on Wednesday still gets it over the holiday, with the same id.
        let late = due_reminders(&processing, date("2026-05-03"), &calendar, 3);
        assert_eq!(late[0].id, first[0].id);
        assert_eq!(late[0].day.as_deref(), Some("2026-04-29"));
        assert!(kinds_on(&processing, "2026-05-04").is_empty());
    }

    #[test]
    fn an_appointment_just_after_tet_2026_is_reminded_before_the_break() {
        // Off 14–22 February 2026; Monday 23 is the first working day.
        let ready = dossier(DossierStatus::Processed, "2026-02-23");
        assert!(kinds_on(&ready, "2026-02-12").is_empty());
        assert_eq!(
            kinds_on(&ready, "2026-02-13"),
            vec![ReminderKind::AppointmentTomorrow]
        );
        assert_eq!(
            kinds_on(&ready, "2026-02-17"),
            vec![ReminderKind::AppointmentTomorrow]
        );
    }

    #[test]
    fn a_passed_appointment_is_reminded_on_the_next_working_day_until_the_result() {
        // Wednesday 29 April 2026; 30/4 to 3/5 are days off.
        let processing = dossier(DossierStatus::Processing, "2026-04-29");
        for day in ["2026-04-29", "2026-04-30", "2026-05-01", "2026-05-03"] {
            assert!(kinds_on(&processing, day).is_empty(), "{day}");
        }
        assert_eq!(
            kinds_on(&processing, "2026-05-04"),
            vec![ReminderKind::AppointmentPassedWithoutResult]
        );
        assert_eq!(
            kinds_on(&processing, "2026-05-20"),
            vec![ReminderKind::AppointmentPassedWithoutResult]
        );
        for finished in [
            DossierStatus::Processed,
            DossierStatus::ResultReturned,
            DossierStatus::Stopped,
            DossierStatus::DocumentsRequested,
        ] {
            assert!(
                !kinds_on(&dossier(finished, "2026-04-29"), "2026-05-04")
                    .contains(&ReminderKind::AppointmentPassedWithoutResult),
                "{finished:?}"
            );
        }
    }

    #[test]
    fn missing_documents_are_reminded_after_n_working_days_with_tet_not_counted() {
        let mut waiting = dossier(DossierStatus::DocumentsRequested, "2026-03-02");
        waiting.timeline.push(TimelineEntry {
            id: "t1".into(),
            at_ms: at("2026-02-12", 9),
            status: DossierStatus::DocumentsRequested,
            status_text: String::new(),
            note: None,
        });
        // Thursday 12/2; working days after: Fri 13/2, then Mon 23/2, Tue 24/2.
        assert!(kinds_on(&waiting, "2026-02-20").is_empty());
        assert!(kinds_on(&waiting, "2026-02-23").is_empty());
        assert_eq!(
            kinds_on(&waiting, "2026-02-24"),
            vec![ReminderKind::DocumentsStillMissing { working_days: 3 }]
        );
        let calendar = WorkingCalendar::embedded();
        let day_one = due_reminders(&waiting, date("2026-02-24"), &calendar, 3);
        let day_two = due_reminders(&waiting, date("2026-02-25"), &calendar, 3);
        assert_eq!(day_one[0].id, day_two[0].id, "one reminder per request");
        assert_eq!(
            day_two[0].kind,
            NotificationKind::Reminder {
                reminder: ReminderKind::DocumentsStillMissing { working_days: 4 }
            }
        );
    }

    #[test]
    fn the_next_wakeup_is_eight_in_the_morning_in_vietnam_on_the_next_reminder_day() {
        let calendar = WorkingCalendar::embedded();
        let dossiers = [
            dossier(DossierStatus::Processing, "2026-05-04"),
            dossier(DossierStatus::Processing, "2026-06-10"),
        ];
        let wake = |now| next_wakeup(&dossiers, now, &calendar, 3);
        assert_eq!(wake(at("2026-04-28", 10)), Some(at("2026-04-29", 8)));
        assert_eq!(wake(at("2026-04-29", 7)), Some(at("2026-04-29", 8)));
        // Once the tomorrow reminder started, the next is "passed without a result", on the
        // working day after the appointment.
        assert_eq!(wake(at("2026-04-29", 9)), Some(at("2026-05-05", 8)));
        assert_eq!(reminder_instant_ms(date("2026-04-29")), at("2026-04-29", 8));
        assert_eq!(
            date_in_vietnam_ms(at("2026-04-29", 0)),
            Some(date("2026-04-29"))
        );
    }

    #[test]
    fn finished_dossiers_and_no_dossiers_need_no_wakeup() {
        let calendar = WorkingCalendar::embedded();
        assert_eq!(next_wakeup(&[], 0, &calendar, 3), None);
        let returned = dossier(DossierStatus::ResultReturned, "2026-05-04");
        assert_eq!(
            next_wakeup(&[returned], at("2026-04-01", 8), &calendar, 3),
            None
        );
    }
}
