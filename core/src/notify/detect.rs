//! Local detection: what changed in a followed dossier between two refreshes, as notifications.
//!
//! It walks the timeline entries the previous copy did not have (by entry id), not the change of
//! status: a phone offline while a dossier went 4 → 5 → 4 → 9 must still tell the citizen that
//! documents were asked for. New appointment dates are found the same way in the appointment
//! history, by (date, when it was set). The first copy of a dossier is a baseline: its past
//! notifies nothing. Pure: no I/O; ids are those of [`Notification::dossier_event`] and
//! [`Notification::appointment_moved`], so the inbox drops what the feed or a push already
//! brought.

use std::collections::HashSet;

use super::model::Notification;
use crate::dossier::model::Dossier;

/// The notifications of what `current` has that `previous` had not, in the order it happened
/// (timeline entries, then moved appointments). Nothing when `previous` is `None` (the first
/// follow) or is another dossier. The first appointment date (given on acceptance, which has
/// its own status notification) is not a move.
pub fn detect(previous: Option<&Dossier>, current: &Dossier) -> Vec<Notification> {
    let Some(previous) = previous.filter(|previous| previous.code == current.code) else {
        return Vec::new();
    };
    let known_entries: HashSet<&str> = previous
        .timeline
        .iter()
        .map(|entry| entry.id.as_str())
        .collect();
    let mut found: Vec<Notification> = current
        .timeline
        .iter()
        .filter(|entry| !known_entries.contains(entry.id.as_str()))
        .map(|entry| {
            Notification::dossier_event(
                &current.code,
                &entry.id,
                entry.status,
                entry.at_ms,
                &current.procedure_name,
                entry.note.as_deref(),
            )
        })
        .collect();
    let known_dates: HashSet<(&str, i64)> = previous
        .appointment_history
        .iter()
        .map(|change| (change.date.as_str(), change.set_at_ms))
        .collect();
    found.extend(
        current
            .appointment_history
            .iter()
            .skip(1)
            .filter(|change| !known_dates.contains(&(change.date.as_str(), change.set_at_ms)))
            .map(|change| {
                Notification::appointment_moved(
                    &current.code,
                    change,
                    current.status,
                    &current.procedure_name,
                )
            }),
    );
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::model::{AppointmentChange, TimelineEntry};
    use crate::dossier::status::DossierStatus::{self, *};
    use crate::notify::model::{NotificationKind, Target};

    const CODE: &str = "000.00.12.H39-260105-0007";

    fn dossier(steps: &[DossierStatus]) -> Dossier {
        Dossier {
            code: CODE.into(),
            version: steps.len() as u64,
            status: *steps.last().unwrap(),
            status_text: steps.last().unwrap().label_vi().into(),
            procedure_code: "1.001193".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            agency: "UBND xã Bình Tịnh".into(),
            applicant: "Nguyễn V** A*".into(),
            received_at_ms: 0,
            appointment: Some("2026-01-20".into()),
            appointment_history: vec![AppointmentChange {
                date: "2026-01-20".into(),
                set_at_ms: 1_000,
                reason: None,
                apology: false,
            }],
            timeline: steps
                .iter()
                .enumerate()
                .map(|(i, status)| TimelineEntry {
                    id: format!("t{i}"),
                    at_ms: 1_000 * i as i64,
                    status: *status,
                    status_text: status.label_vi().into(),
                    note: (*status == DocumentsRequested).then(|| "Bản sao CCCD".into()),
                })
                .collect(),
        }
    }

    fn kinds(found: &[Notification]) -> Vec<NotificationKind> {
        found.iter().map(|n| n.kind.clone()).collect()
    }

    #[test]
    fn the_first_follow_is_a_baseline_and_notifies_nothing() {
        let current = dossier(&[Registered, Accepted, Processing, DocumentsRequested]);
        assert!(detect(None, &current).is_empty());
    }

    #[test]
    fn one_new_timeline_entry_gives_one_notification_for_the_dossier() {
        let before = dossier(&[Registered, Accepted, Processing]);
        let after = dossier(&[Registered, Accepted, Processing, DocumentsRequested]);
        let found = detect(Some(&before), &after);
        assert_eq!(kinds(&found), vec![NotificationKind::DocumentsRequested]);
        assert_eq!(found[0].target, Target::Dossier { code: CODE.into() });
        assert_eq!(found[0].note.as_deref(), Some("Bản sao CCCD"));
        assert_eq!(found[0].at_ms, 3_000);
        assert!(detect(Some(&after), &after).is_empty(), "nothing new");
    }

    #[test]
    fn an_offline_stretch_through_4_5_4_9_notifies_each_step_not_just_the_last_status() {
        let before = dossier(&[Registered, Accepted, Processing]);
        let after = dossier(&[
            Registered,
            Accepted,
            Processing,
            DocumentsRequested,
            Processing,
            Processed,
        ]);
        let found = detect(Some(&before), &after);
        assert_eq!(
            kinds(&found),
            vec![
                NotificationKind::DocumentsRequested,
                NotificationKind::StatusChanged { status: 4 },
                NotificationKind::ResultReady { status: 9 },
            ]
        );
    }

    #[test]
    fn detecting_the_same_change_twice_gives_the_same_ids_so_the_inbox_keeps_one() {
        let before = dossier(&[Registered, Accepted, Processing]);
        let after = dossier(&[Registered, Accepted, Processing, PaymentRequested]);
        let first = detect(Some(&before), &after);
        let again = detect(Some(&before), &after);
        assert_eq!(first, again);
        assert_eq!(first[0].kind, NotificationKind::FeeRequested);
        // The feed's copy of the same timeline entry has the same id.
        let from_feed = Notification::dossier_event(CODE, "t3", PaymentRequested, 3_000, "", None);
        assert_eq!(from_feed.id, first[0].id);
    }

    #[test]
    fn a_moved_appointment_with_an_apology_is_notified_once() {
        let before = dossier(&[Registered, Accepted, Processing]);
        let mut after = before.clone();
        after.appointment = Some("2026-01-27".into());
        after.appointment_history.push(AppointmentChange {
            date: "2026-01-27".into(),
            set_at_ms: 9_000,
            reason: Some("Chờ xác minh".into()),
            apology: true,
        });
        let found = detect(Some(&before), &after);
        assert_eq!(
            kinds(&found),
            vec![NotificationKind::AppointmentMoved {
                date: "2026-01-27".into(),
                apology: true
            }]
        );
        assert_eq!(found[0].at_ms, 9_000);
        assert_eq!(found[0].note.as_deref(), Some("Chờ xác minh"));
        assert!(detect(Some(&after), &after).is_empty());
    }

    #[test]
    fn the_first_appointment_date_is_no_move_but_a_later_one_seen_with_it_is() {
        let mut before = dossier(&[Registered]);
        before.appointment_history.clear();
        let mut after = dossier(&[Registered, Accepted]);
        after.appointment_history.push(AppointmentChange {
            date: "2026-01-22".into(),
            set_at_ms: 5_000,
            reason: None,
            apology: false,
        });
        let found = detect(Some(&before), &after);
        assert_eq!(
            kinds(&found),
            vec![
                NotificationKind::StatusChanged { status: 2 },
                NotificationKind::AppointmentMoved {
                    date: "2026-01-22".into(),
                    apology: false
                },
            ]
        );
    }

    #[test]
    fn another_dossier_as_previous_is_treated_as_a_first_follow() {
        let mut other = dossier(&[Registered]);
        other.code = "000.00.12.H39-260105-0008".into();
        assert!(detect(Some(&other), &dossier(&[Registered, Accepted])).is_empty());
    }
}
