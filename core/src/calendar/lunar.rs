//! The Vietnamese lunisolar calendar (âm lịch), after Hồ Ngọc Đức's published algorithm:
//! a month starts on the local day of a new moon; the winter solstice always falls in month 11;
//! a year with 13 months repeats (as a leap month) the first month after month 11 that holds no
//! major solar term. "Local" is the 105°E meridian, UTC+7, which is why Vietnam's calendar
//! parts from China's (UTC+8) when a new moon or a solar term falls between 16:00 and 17:00 UT
//! (midnight in Beijing and in Hanoi): Tết 1985 came a month earlier in Vietnam, Tết 2007 and
//! 2030 one day earlier.
//!
//! The North adopted the UTC+7 calendar from 1968 and the whole country after reunification;
//! earlier dates are computed by the same rule here, which is not always what was printed then.

use super::astronomy::{
    FIRST_NEW_MOON_OF_1900, SYNODIC_MONTH, epoch_day_from_jdn, jdn_from_epoch_day, new_moon_day,
    sun_sector_at_start_of,
};
use super::date::{LocalDate, civil_to_epoch_day};

/// Hours east of Greenwich of the meridian the Vietnamese calendar is computed for.
pub(super) const VIETNAM_ZONE: f64 = 7.0;

/// A date of the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LunarDate {
    /// Lunar year, numbered as the solar year in which it mostly falls (Tết 2026 starts 2026).
    pub year: i32,
    /// Month, 1–12 (tháng Giêng = 1, tháng Chạp = 12).
    pub month: u8,
    /// Day, 1–30.
    pub day: u8,
    /// True for the repeated (leap) month of a 13-month year (tháng nhuận).
    pub leap_month: bool,
}

impl LunarDate {
    /// The lunar date of a solar date, for Vietnam.
    #[must_use]
    pub fn from_solar(date: LocalDate) -> LunarDate {
        solar_to_lunar(date, VIETNAM_ZONE)
    }

    /// The solar date of this lunar date in Vietnam; `None` when it does not exist (a leap
    /// flag on a month that is not that year's leap month, day 30 of a 29-day month, …) or
    /// falls outside years 1–9999.
    #[must_use]
    pub fn to_solar(self) -> Option<LocalDate> {
        lunar_to_solar(self, VIETNAM_ZONE)
    }
}

/// The solar date of Tết (lunar 1/1) of lunar year `year` in Vietnam.
#[must_use]
pub fn lunar_new_year(year: i32) -> Option<LocalDate> {
    lunar_new_year_in_zone(year, VIETNAM_ZONE)
}

/// The solar date of lunar 1/1 for a calendar computed `zone` hours east of Greenwich
/// (8.0 gives the Chinese calendar, which tests compare against).
pub(super) fn lunar_new_year_in_zone(year: i32, zone: f64) -> Option<LocalDate> {
    let new_year = LunarDate {
        year,
        month: 1,
        day: 1,
        leap_month: false,
    };
    lunar_to_solar(new_year, zone)
}

/// Lunation number of the new moon nearest to Julian Day `jdn`.
fn nearest_lunation(jdn: i64) -> i64 {
    ((jdn as f64 - FIRST_NEW_MOON_OF_1900) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// Julian Day Number of the first day of month 11 of `year`: the month holding the winter
/// solstice, which anchors every year.
fn month_11_start(year: i32, zone: f64) -> i64 {
    let days_since_1900 = jdn_from_epoch_day(civil_to_epoch_day(year, 12, 31)) - 2_415_021;
    let k = (days_since_1900 as f64 / SYNODIC_MONTH).floor() as i64;
    let start = new_moon_day(k, zone);
    // A month starting after the sun reached 270° (sector 9) is month 12: step back one.
    if sun_sector_at_start_of(start, zone) >= 9 {
        new_moon_day(k - 1, zone)
    } else {
        start
    }
}

/// In a 13-month year starting at month 11 `a11`, how many months after it the leap month
/// comes: the first month in which the sun does not change sector (no major solar term).
fn leap_month_offset(a11: i64, zone: f64) -> i64 {
    let k = nearest_lunation(a11);
    let mut i = 1;
    let mut sector = sun_sector_at_start_of(new_moon_day(k + i, zone), zone);
    loop {
        let previous = sector;
        i += 1;
        sector = sun_sector_at_start_of(new_moon_day(k + i, zone), zone);
        if sector == previous || i >= 14 {
            return i - 1;
        }
    }
}

pub(super) fn solar_to_lunar(date: LocalDate, zone: f64) -> LunarDate {
    let day = jdn_from_epoch_day(date.epoch_day());
    let k = ((day as f64 - FIRST_NEW_MOON_OF_1900) / SYNODIC_MONTH).floor() as i64;
    let mut month_start = new_moon_day(k + 1, zone);
    if month_start > day {
        month_start = new_moon_day(k, zone);
    }
    let mut a11 = month_11_start(date.year(), zone);
    let mut b11 = a11;
    let mut year = date.year();
    if a11 >= month_start {
        a11 = month_11_start(date.year() - 1, zone);
    } else {
        year += 1;
        b11 = month_11_start(date.year() + 1, zone);
    }
    let months_after_11 = (month_start - a11) / 29;
    let mut month = months_after_11 + 11;
    let mut leap_month = false;
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11, zone);
        if months_after_11 >= leap_offset {
            month = months_after_11 + 10;
            leap_month = months_after_11 == leap_offset;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && months_after_11 < 4 {
        year -= 1;
    }
    LunarDate {
        year,
        month: month as u8,
        day: (day - month_start + 1) as u8,
        leap_month,
    }
}

pub(super) fn lunar_to_solar(date: LunarDate, zone: f64) -> Option<LocalDate> {
    if !(1..=12).contains(&date.month) || !(1..=30).contains(&date.day) {
        return None;
    }
    let (a11, b11) = if date.month < 11 {
        (
            month_11_start(date.year - 1, zone),
            month_11_start(date.year, zone),
        )
    } else {
        (
            month_11_start(date.year, zone),
            month_11_start(date.year + 1, zone),
        )
    };
    let k = nearest_lunation(a11);
    let mut offset = (i64::from(date.month) - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11, zone);
        let leap_month = (leap_offset - 2).rem_euclid(12);
        if date.leap_month && i64::from(date.month) != leap_month {
            return None;
        }
        if date.leap_month || offset >= leap_offset {
            offset += 1;
        }
    } else if date.leap_month {
        return None;
    }
    let month_start = new_moon_day(k + offset, zone);
    let month_length = new_moon_day(k + offset + 1, zone) - month_start;
    if i64::from(date.day) > month_length {
        return None;
    }
    LocalDate::from_epoch_day(epoch_day_from_jdn(month_start + i64::from(date.day) - 1))
}
