//! HTTP dates (RFC 9110 §5.6.7, the IMF-fixdate form): `Sun, 06 Nov 1994 08:49:37 GMT`.

use std::time::{SystemTime, UNIX_EPOCH};

use longan_core::calendar::LocalDate;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `time` as an IMF-fixdate, to the second (rounded down); instants before 1970 are written
/// as the Unix epoch.
pub fn format(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let of_day = seconds % 86_400;
    let date = LocalDate::from_epoch_day(days)
        .or_else(|| LocalDate::from_epoch_day(0))
        .expect("1970-01-01 is a date");
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[date.weekday() as usize],
        date.day(),
        MONTHS[usize::from(date.month()) - 1],
        date.year(),
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(seconds: u64) -> String {
        format(UNIX_EPOCH + Duration::from_secs(seconds))
    }

    #[test]
    fn dates_are_written_in_the_imf_fixdate_form() {
        assert_eq!(at(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(at(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(at(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(at(1_764_300_000), "Fri, 28 Nov 2025 03:20:00 GMT");
    }

    #[test]
    fn fractions_of_a_second_are_dropped_and_times_before_1970_clamped() {
        let later = UNIX_EPOCH + Duration::from_millis(784_111_777_999);
        assert_eq!(format(later), "Sun, 06 Nov 1994 08:49:37 GMT");
        let before = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(format(before), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
