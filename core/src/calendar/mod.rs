//! Dates and working days in Vietnam: a plain date type, the date of an instant in Hanoi, the
//! Vietnamese lunar calendar, the statutory holidays of the Labour Code, and the working-day
//! arithmetic that turns a procedure's processing time into a due date.
//!
//! Pure computation: the announced tables (`data/calendar/`) are compiled in, so nothing here
//! does I/O. Sources and coverage of the tables are in `data/calendar/README.md`.

mod astronomy;
mod date;
mod due;
mod holidays;
mod lunar;
mod tables;
mod working;
mod zone;

#[cfg(test)]
mod tests;

pub use date::{DateError, LocalDate, Weekday, days_in_month, is_leap_year};
pub use holidays::Holiday;
pub use lunar::{LunarDate, lunar_new_year};
pub use tables::{CalendarDataError, DataProblem, EMBEDDED_ADJUSTMENTS, EMBEDDED_HOLIDAY_CHOICES};
pub use working::WorkingCalendar;
pub use zone::{VIETNAM_UTC_OFFSET_SECONDS, date_in_vietnam};
