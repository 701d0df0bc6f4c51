//! Which calendar day an instant falls on in Vietnam, whatever the phone's own time zone is set
//! to: a citizen abroad, or a phone left on UTC, must still see Hanoi's dates on deadlines.

use std::time::{SystemTime, UNIX_EPOCH};

use super::date::LocalDate;

/// Asia/Ho_Chi_Minh is UTC+7 with no daylight saving, unchanged since June 1975 (the South
/// used UTC+8 before reunification). Every instant the app handles is later than that, so a
/// fixed offset is exact and the core needs no time-zone database.
pub const VIETNAM_UTC_OFFSET_SECONDS: i64 = 7 * 3600;

const SECONDS_PER_DAY: i64 = 86_400;

/// The date in Vietnam at `instant`; `None` only for instants outside years 1–9999.
#[must_use]
pub fn date_in_vietnam(instant: SystemTime) -> Option<LocalDate> {
    let unix_seconds = match instant.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).ok()?,
        Err(before) => {
            // Round towards the past, so 0.5 s before the epoch is still 1969-12-31.
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).ok()?;
            -whole - i64::from(before.subsec_nanos() > 0)
        }
    };
    let local_seconds = unix_seconds.checked_add(VIETNAM_UTC_OFFSET_SECONDS)?;
    LocalDate::from_epoch_day(local_seconds.div_euclid(SECONDS_PER_DAY))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at_unix(seconds: i64) -> SystemTime {
        if seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
        }
    }

    fn date(text: &str) -> LocalDate {
        text.parse().unwrap()
    }

    #[test]
    fn half_past_eleven_utc_is_already_the_next_day_in_hanoi() {
        // 2025-01-28T23:30:00Z is 06:30 on 29 January in Hanoi: the first day of Tết.
        let instant = at_unix(date("2025-01-28").epoch_day() * SECONDS_PER_DAY + 23 * 3600 + 1800);
        assert_eq!(date_in_vietnam(instant), Some(date("2025-01-29")));
    }

    #[test]
    fn the_hanoi_day_starts_at_five_pm_utc() {
        let midnight_hanoi = date("2026-02-17").epoch_day() * SECONDS_PER_DAY - 7 * 3600;
        assert_eq!(
            date_in_vietnam(at_unix(midnight_hanoi - 1)),
            Some(date("2026-02-16"))
        );
        assert_eq!(
            date_in_vietnam(at_unix(midnight_hanoi)),
            Some(date("2026-02-17"))
        );
    }

    #[test]
    fn instants_before_1970_land_on_the_right_day() {
        // 1969-12-31T16:59:59.5Z is 23:59:59.5 in Hanoi, still 31 December.
        let instant = UNIX_EPOCH - Duration::from_millis(7 * 3600 * 1000 + 500);
        assert_eq!(date_in_vietnam(instant), Some(date("1969-12-31")));
        assert_eq!(
            date_in_vietnam(at_unix(-7 * 3600)),
            Some(date("1970-01-01"))
        );
    }
}
