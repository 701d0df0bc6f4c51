//! Due dates of processing times as the national portal publishes them (`5 ngày làm việc`,
//! `15 ngày`, `03 tháng`, …), so the app can say "kết quả dự kiến ngày …".
//!
//! Calendar-based units follow the Civil Code 2015: the day of receipt is not counted
//! (art. 147), a period in months or years ends on the corresponding day, or the month's last
//! day when it has none (art. 148(3)–(4)), and a period ending on a weekend or holiday ends on
//! the next working day (art. 148(5)).

use super::date::LocalDate;
use super::working::WorkingCalendar;
use crate::catalog::details::TimeUnit;

/// Hours in a working day, for processing times in working hours.
const WORKING_HOURS_PER_DAY: u32 = 8;

impl WorkingCalendar {
    /// The date a dossier received on `submitted` is due, for a processing time of `amount`
    /// `unit`s; `None` for minutes, or past year 9999.
    ///
    /// - working days: [`add_working_days`](Self::add_working_days);
    /// - working hours: 8 to a working day, rounded up to whole working days;
    /// - days, weeks, months, years: calendar periods, moved to the next working day when they
    ///   end on a day off;
    /// - hours: the latest date the period can end on, whatever the time of receipt (24 to a
    ///   day, rounded up), not moved: the law counts hours from the moment, not the day;
    /// - minutes: `None`, the result is given on the spot and a date would mislead.
    ///
    /// Fractional amounts on the portal (`0,5 ngày`) should be rounded up by the caller.
    #[must_use]
    pub fn due_date_for(
        &self,
        submitted: LocalDate,
        amount: u32,
        unit: TimeUnit,
    ) -> Option<LocalDate> {
        let calendar_end = |end: Option<LocalDate>| {
            let end = end?;
            if self.is_working_day(end) {
                Some(end)
            } else {
                self.next_working_day(end)
            }
        };
        match unit {
            TimeUnit::WorkingDays => self.add_working_days(submitted, amount),
            TimeUnit::WorkingHours => {
                self.add_working_days(submitted, amount.div_ceil(WORKING_HOURS_PER_DAY))
            }
            TimeUnit::Days => calendar_end(submitted.add_days(i64::from(amount))),
            TimeUnit::Weeks => calendar_end(submitted.add_days(7 * i64::from(amount))),
            TimeUnit::Months => calendar_end(submitted.add_months(i64::from(amount))),
            TimeUnit::Years => calendar_end(submitted.add_months(12 * i64::from(amount))),
            TimeUnit::Hours => submitted.add_days(i64::from(amount.div_ceil(24))),
            TimeUnit::Minutes => None,
        }
    }
}
