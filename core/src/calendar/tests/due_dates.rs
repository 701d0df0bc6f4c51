//! Due dates for each processing-time unit the portal uses.

use super::date;
use crate::calendar::WorkingCalendar;
use crate::catalog::details::TimeUnit;

#[test]
fn working_days_and_working_hours_count_working_days() {
    let calendar = WorkingCalendar::embedded();
    let submitted = date("2026-02-13");
    assert_eq!(
        calendar.due_date_for(submitted, 3, TimeUnit::WorkingDays),
        Some(date("2026-02-25"))
    );
    // 16 working hours are two working days; 20 round up to three.
    assert_eq!(
        calendar.due_date_for(submitted, 16, TimeUnit::WorkingHours),
        Some(date("2026-02-24"))
    );
    assert_eq!(
        calendar.due_date_for(submitted, 20, TimeUnit::WorkingHours),
        Some(date("2026-02-25"))
    );
}

#[test]
fn calendar_days_ending_on_a_day_off_move_to_the_next_working_day() {
    let calendar = WorkingCalendar::embedded();
    // 10 days from 7 February 2026 end on Tuesday 17 February (Tết): due Monday 23.
    assert_eq!(
        calendar.due_date_for(date("2026-02-07"), 10, TimeUnit::Days),
        Some(date("2026-02-23"))
    );
    // 5 days from Monday 2 March 2026 end on Saturday 7 March: due Monday 9.
    assert_eq!(
        calendar.due_date_for(date("2026-03-02"), 5, TimeUnit::Days),
        Some(date("2026-03-09"))
    );
    assert_eq!(
        calendar.due_date_for(date("2026-03-02"), 3, TimeUnit::Days),
        Some(date("2026-03-05"))
    );
}

#[test]
fn weeks_months_and_years_end_on_the_corresponding_day() {
    let calendar = WorkingCalendar::embedded();
    assert_eq!(
        calendar.due_date_for(date("2026-03-02"), 2, TimeUnit::Weeks),
        Some(date("2026-03-16"))
    );
    // 31 March + 1 month: 30 April 2026 is a holiday, 1 May too, then a weekend.
    assert_eq!(
        calendar.due_date_for(date("2026-03-31"), 1, TimeUnit::Months),
        Some(date("2026-05-04"))
    );
    assert_eq!(
        calendar.due_date_for(date("2026-01-31"), 1, TimeUnit::Months),
        Some(date("2026-03-02"))
    );
    assert_eq!(
        calendar.due_date_for(date("2025-06-10"), 1, TimeUnit::Years),
        Some(date("2026-06-10"))
    );
}

#[test]
fn hours_give_the_latest_possible_date_and_minutes_none() {
    let calendar = WorkingCalendar::embedded();
    // 24 hours from any time on Friday end on Saturday at the latest; hours are not moved.
    assert_eq!(
        calendar.due_date_for(date("2026-03-06"), 24, TimeUnit::Hours),
        Some(date("2026-03-07"))
    );
    assert_eq!(
        calendar.due_date_for(date("2026-03-06"), 25, TimeUnit::Hours),
        Some(date("2026-03-08"))
    );
    assert_eq!(
        calendar.due_date_for(date("2026-03-06"), 30, TimeUnit::Minutes),
        None
    );
}
