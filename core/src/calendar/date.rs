//! A plain calendar date (proleptic Gregorian, years 1–9999) with no time of day and no time
//! zone: the day a dossier was filed or is due. Arithmetic goes through a day count since
//! 1970-01-01 (Howard Hinnant's `days_from_civil`), so it is exact and branch-light.

use std::fmt;
use std::str::FromStr;

/// A date that does not exist, or text that is not an ISO date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Month or day out of range (31 April, 29 February of a common year), or a year outside
    /// 1–9999.
    #[error("no such date: {year:04}-{month:02}-{day:02}")]
    NoSuchDate {
        /// Year as given.
        year: i32,
        /// Month as given.
        month: u8,
        /// Day as given.
        day: u8,
    },
    /// Not of the form `YYYY-MM-DD`.
    #[error("not an ISO date (YYYY-MM-DD): {0:?}")]
    NotIso(String),
}

/// Day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    /// Thứ Hai.
    Monday,
    /// Thứ Ba.
    Tuesday,
    /// Thứ Tư.
    Wednesday,
    /// Thứ Năm.
    Thursday,
    /// Thứ Sáu.
    Friday,
    /// Thứ Bảy.
    Saturday,
    /// Chủ nhật.
    Sunday,
}

impl Weekday {
    /// Vietnamese name, as written on official notices (`Thứ Hai` … `Chủ nhật`).
    #[must_use]
    pub fn label_vi(self) -> &'static str {
        match self {
            Weekday::Monday => "Thứ Hai",
            Weekday::Tuesday => "Thứ Ba",
            Weekday::Wednesday => "Thứ Tư",
            Weekday::Thursday => "Thứ Năm",
            Weekday::Friday => "Thứ Sáu",
            Weekday::Saturday => "Thứ Bảy",
            Weekday::Sunday => "Chủ nhật",
        }
    }

    /// Saturday or Sunday.
    #[must_use]
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

/// A calendar date. Ordering is chronological (the fields compare year first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalDate {
    year: i32,
    month: u8,
    day: u8,
}

const MIN_YEAR: i32 = 1;
const MAX_YEAR: i32 = 9999;

/// True for a Gregorian leap year.
#[must_use]
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Number of days in a month (0 for a month outside 1–12).
#[must_use]
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a year, month and day, without checking that they form a date:
/// the lunar calendar needs 31 December of years just outside `LocalDate`'s range.
pub(super) fn civil_to_epoch_day(year: i32, month: u8, day: u8) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

impl LocalDate {
    /// The date, if it exists and its year is within 1–9999.
    pub fn new(year: i32, month: u8, day: u8) -> Result<LocalDate, DateError> {
        if (MIN_YEAR..=MAX_YEAR).contains(&year) && day >= 1 && day <= days_in_month(year, month) {
            Ok(LocalDate { year, month, day })
        } else {
            Err(DateError::NoSuchDate { year, month, day })
        }
    }

    /// Year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// Month, 1–12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// Day of the month, 1–31.
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    #[must_use]
    pub fn epoch_day(self) -> i64 {
        civil_to_epoch_day(self.year, self.month, self.day)
    }

    /// The date `days` after 1970-01-01, if its year is within 1–9999.
    #[must_use]
    pub fn from_epoch_day(days: i64) -> Option<LocalDate> {
        let days = days.checked_add(719_468)?;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        let year = i32::try_from(year).ok()?;
        // Month and day are 1–12 and 1–31 by construction; `new` re-checks the year range.
        LocalDate::new(year, month as u8, day as u8).ok()
    }

    /// The date `days` later (earlier when negative), if it is within years 1–9999.
    #[must_use]
    pub fn add_days(self, days: i64) -> Option<LocalDate> {
        LocalDate::from_epoch_day(self.epoch_day().checked_add(days)?)
    }

    /// The next day, if any.
    #[must_use]
    pub fn succ(self) -> Option<LocalDate> {
        self.add_days(1)
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    #[must_use]
    pub fn days_until(self, other: LocalDate) -> i64 {
        other.epoch_day() - self.epoch_day()
    }

    /// The same day `months` later; a day the target month lacks becomes its last day
    /// (31 January + 1 month = 28 or 29 February), as the Civil Code counts periods in months.
    #[must_use]
    pub fn add_months(self, months: i64) -> Option<LocalDate> {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = (index.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        LocalDate::new(year, month, day).ok()
    }

    /// Day of the week.
    #[must_use]
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.epoch_day() + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }
}

impl fmt::Display for LocalDate {
    /// ISO 8601: `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for LocalDate {
    type Err = DateError;

    /// Exactly `YYYY-MM-DD`, ASCII digits; nothing else is guessed.
    fn from_str(text: &str) -> Result<LocalDate, DateError> {
        let not_iso = || DateError::NotIso(text.to_string());
        let bytes = text.as_bytes();
        let digits_at = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
        if bytes.len() != 10
            || bytes[4] != b'-'
            || bytes[7] != b'-'
            || !digits_at(0..4)
            || !digits_at(5..7)
            || !digits_at(8..10)
        {
            return Err(not_iso());
        }
        let year = text[0..4].parse().map_err(|_| not_iso())?;
        let month = text[5..7].parse().map_err(|_| not_iso())?;
        let day = text[8..10].parse().map_err(|_| not_iso())?;
        LocalDate::new(year, month, day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> LocalDate {
        text.parse().unwrap()
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert!(LocalDate::new(2025, 2, 29).is_err());
        assert!(LocalDate::new(2024, 2, 29).is_ok());
        assert!(LocalDate::new(1900, 2, 29).is_err());
        assert!(LocalDate::new(2000, 2, 29).is_ok());
        assert!(LocalDate::new(2025, 4, 31).is_err());
        assert!(LocalDate::new(2025, 13, 1).is_err());
        assert!(LocalDate::new(2025, 0, 1).is_err());
        assert!(LocalDate::new(2025, 1, 0).is_err());
        assert!(LocalDate::new(0, 1, 1).is_err());
        assert!(LocalDate::new(10_000, 1, 1).is_err());
    }

    #[test]
    fn iso_text_round_trips_and_anything_else_is_refused() {
        assert_eq!(date("2026-02-17").to_string(), "2026-02-17");
        assert_eq!(date("0001-01-01").to_string(), "0001-01-01");
        for bad in [
            "2026-2-17",
            "2026/02/17",
            "17-02-2026",
            "2026-02-17 ",
            "+026-02-17",
            "2026-02-1a",
            "",
        ] {
            assert_eq!(
                bad.parse::<LocalDate>(),
                Err(DateError::NotIso(bad.into())),
                "{bad}"
            );
        }
        assert!(matches!(
            "2026-02-30".parse::<LocalDate>(),
            Err(DateError::NoSuchDate { .. })
        ));
    }

    #[test]
    fn dates_order_chronologically() {
        assert!(date("2025-12-31") < date("2026-01-01"));
        assert!(date("2026-01-31") < date("2026-02-01"));
        assert!(date("2026-02-01") < date("2026-02-10"));
    }

    #[test]
    fn day_counts_match_known_epochs() {
        assert_eq!(date("1970-01-01").epoch_day(), 0);
        assert_eq!(date("2000-03-01").epoch_day(), 11_017);
        assert_eq!(date("1969-12-31").epoch_day(), -1);
        assert_eq!(LocalDate::from_epoch_day(0), Some(date("1970-01-01")));
    }

    #[test]
    fn every_day_from_1900_to_2100_survives_the_day_count_round_trip() {
        let first = date("1900-01-01").epoch_day();
        let last = date("2100-12-31").epoch_day();
        let mut expected = date("1900-01-01");
        for day in first..=last {
            let back = LocalDate::from_epoch_day(day).unwrap();
            assert_eq!(back, expected);
            assert_eq!(back.epoch_day(), day);
            expected = LocalDate::from_epoch_day(day + 1).unwrap();
        }
    }

    #[test]
    fn adding_days_crosses_months_years_and_leap_days() {
        assert_eq!(date("2024-02-28").add_days(1), Some(date("2024-02-29")));
        assert_eq!(date("2025-02-28").add_days(1), Some(date("2025-03-01")));
        assert_eq!(date("2025-12-31").add_days(1), Some(date("2026-01-01")));
        assert_eq!(date("2026-01-01").add_days(-1), Some(date("2025-12-31")));
        assert_eq!(date("2025-01-01").add_days(365), Some(date("2026-01-01")));
        assert_eq!(date("9999-12-31").add_days(1), None);
        assert_eq!(date("0001-01-01").add_days(-1), None);
        assert_eq!(date("2026-02-13").days_until(date("2026-02-25")), 12);
    }

    #[test]
    fn adding_months_keeps_the_day_or_falls_back_to_the_month_end() {
        assert_eq!(date("2026-01-31").add_months(1), Some(date("2026-02-28")));
        assert_eq!(date("2024-01-31").add_months(1), Some(date("2024-02-29")));
        assert_eq!(date("2026-03-15").add_months(12), Some(date("2027-03-15")));
        assert_eq!(date("2024-02-29").add_months(12), Some(date("2025-02-28")));
        assert_eq!(date("2026-11-30").add_months(3), Some(date("2027-02-28")));
        assert_eq!(date("2026-03-31").add_months(-1), Some(date("2026-02-28")));
    }

    #[test]
    fn weekdays_match_the_calendar() {
        assert_eq!(date("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(date("2026-02-17").weekday(), Weekday::Tuesday);
        assert_eq!(date("2025-04-26").weekday(), Weekday::Saturday);
        assert_eq!(date("2026-04-26").weekday(), Weekday::Sunday);
        assert_eq!(date("1945-09-02").weekday(), Weekday::Sunday);
        assert_eq!(Weekday::Sunday.label_vi(), "Chủ nhật");
    }
}
