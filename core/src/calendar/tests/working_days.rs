//! Working-day arithmetic: across Tết, across a weekend, and from a day off.

use super::date;
use crate::calendar::WorkingCalendar;

#[test]
fn three_working_days_from_the_friday_before_tet_2026_end_after_the_holiday() {
    let calendar = WorkingCalendar::embedded();
    // Received Friday 13 February; 14–22 February are off; 23, 24, 25 are the three days.
    let due = calendar.add_working_days(date("2026-02-13"), 3);
    assert_eq!(due, Some(date("2026-02-25")));
    assert_eq!(
        calendar.working_days_between(date("2026-02-13"), date("2026-02-25")),
        3
    );
}

#[test]
fn working_days_skip_the_weekend() {
    let calendar = WorkingCalendar::embedded();
    // Thursday 6 March 2025 + 2: Friday 7, Monday 10.
    assert_eq!(
        calendar.add_working_days(date("2025-03-06"), 2),
        Some(date("2025-03-10"))
    );
    assert_eq!(
        calendar.working_days_between(date("2025-03-06"), date("2025-03-10")),
        2
    );
    assert_eq!(
        calendar.working_days_between(date("2025-03-10"), date("2025-03-06")),
        -2
    );
}

#[test]
fn a_dossier_received_on_a_day_off_counts_from_the_next_working_day() {
    let calendar = WorkingCalendar::embedded();
    // Saturday 8 March 2025 is taken as Monday 10: one working day later is Tuesday 11.
    assert_eq!(
        calendar.add_working_days(date("2025-03-08"), 1),
        Some(date("2025-03-11"))
    );
    // Received on Tết (17 February 2026): taken as received on Monday 23 February.
    assert_eq!(
        calendar.add_working_days(date("2026-02-17"), 0),
        Some(date("2026-02-23"))
    );
    assert_eq!(
        calendar.add_working_days(date("2026-02-17"), 1),
        Some(date("2026-02-24"))
    );
}

#[test]
fn a_make_up_saturday_is_a_working_day() {
    let calendar = WorkingCalendar::embedded();
    // Friday 24 April 2025 + 1: Saturday 26 April is worked in exchange for Friday 2 May.
    assert_eq!(
        calendar.add_working_days(date("2025-04-25"), 1),
        Some(date("2025-04-26"))
    );
    // From there, 30/4–4/5 are off: the next working day is Monday 5 May.
    assert_eq!(
        calendar.next_working_day(date("2025-04-29")),
        Some(date("2025-05-05"))
    );
}

#[test]
fn the_next_working_day_is_strictly_after_the_date() {
    let calendar = WorkingCalendar::embedded();
    assert_eq!(
        calendar.next_working_day(date("2025-03-10")),
        Some(date("2025-03-11"))
    );
    assert_eq!(
        calendar.next_working_day(date("2025-03-07")),
        Some(date("2025-03-10"))
    );
    assert_eq!(calendar.next_working_day(date("9999-12-31")), None);
}

#[test]
fn outside_the_modelled_years_only_weekends_are_off() {
    let calendar = WorkingCalendar::embedded();
    assert!(!calendar.is_working_day(date("2013-09-02")));
    assert!(calendar.is_working_day(date("2012-09-03")));
    assert!(calendar.is_working_day(date("2100-01-01")));
    assert_eq!(calendar.holiday_name(date("2100-01-01")), None);
}
