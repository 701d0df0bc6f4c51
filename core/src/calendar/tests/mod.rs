//! Tests of the calendar against published data: Tết dates, the announced holiday schedules of
//! 2025 and 2026, working-day arithmetic and the shipped tables.

mod announced_years;
mod due_dates;
mod lunar_calendar;
mod tables;
mod working_days;

use super::LocalDate;

fn date(text: &str) -> LocalDate {
    text.parse()
        .unwrap_or_else(|error| panic!("{text}: {error}"))
}
