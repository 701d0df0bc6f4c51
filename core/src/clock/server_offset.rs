//! The device's time corrected by the server's.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use super::source::{SystemSource, TimeSource};

/// Differences smaller than this are the `Date` header's one-second resolution plus the trip,
/// not a wrong phone clock.
const NEGLIGIBLE_MS: i64 = 2_000;

/// The core's clock: a time source plus the offset of the server's time from it.
#[derive(Clone)]
pub struct Clock {
    source: Arc<dyn TimeSource>,
    /// Server time minus device time, in milliseconds.
    offset_ms: Arc<AtomicI64>,
    learned: Arc<AtomicBool>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("offset_ms", &self.offset_ms.load(Ordering::Relaxed))
            .finish()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::new(Arc::new(SystemSource))
    }
}

impl Clock {
    /// A clock over a time source, with no offset learned yet.
    pub fn new(source: Arc<dyn TimeSource>) -> Clock {
        Clock {
            source,
            offset_ms: Arc::default(),
            learned: Arc::default(),
        }
    }

    /// The device's own time.
    pub fn device_now(&self) -> SystemTime {
        self.source.now()
    }

    /// Best estimate of the real time: the device's, corrected by the server's once known.
    /// Use it for anything compared with server times (token expiry, appointments).
    pub fn now(&self) -> SystemTime {
        shift(self.device_now(), self.offset_ms.load(Ordering::Acquire))
    }

    /// [`Clock::now`] as milliseconds since the Unix epoch (0 before 1970).
    pub fn now_ms(&self) -> i64 {
        self.now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }

    /// Server time minus device time, once a server's `Date` was seen.
    pub fn server_offset(&self) -> Option<Duration> {
        self.learned
            .load(Ordering::Acquire)
            .then(|| Duration::from_millis(self.offset_ms.load(Ordering::Acquire).unsigned_abs()))
    }

    /// The offset as signed milliseconds (server ahead: positive).
    pub fn server_offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Acquire)
    }

    /// Learns the server's time from a response's `Date` header, taken as the middle of the
    /// request's round trip. Unparsable headers are ignored.
    pub fn learn_from_date_header(&self, date: &str, sent: SystemTime, received: SystemTime) {
        let Ok(server) = httpdate::parse_http_date(date) else {
            return;
        };
        let trip = received.duration_since(sent).unwrap_or_default();
        let middle = sent + trip / 2;
        let offset = signed_ms(server, middle);
        let current = self.offset_ms.load(Ordering::Acquire);
        if !self.learned.load(Ordering::Acquire) || (offset - current).abs() > NEGLIGIBLE_MS {
            self.offset_ms.store(
                if offset.abs() > NEGLIGIBLE_MS {
                    offset
                } else {
                    0
                },
                Ordering::Release,
            );
            if offset.abs() > NEGLIGIBLE_MS {
                log::info!("the device clock is {} s off the server's", offset / 1000);
            }
        }
        self.learned.store(true, Ordering::Release);
    }
}

fn signed_ms(a: SystemTime, b: SystemTime) -> i64 {
    match a.duration_since(b) {
        Ok(ahead) => ahead.as_millis() as i64,
        Err(behind) => -(behind.duration().as_millis() as i64),
    }
}

fn shift(time: SystemTime, ms: i64) -> SystemTime {
    if ms >= 0 {
        time + Duration::from_millis(ms as u64)
    } else {
        time - Duration::from_millis(ms.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::TestClock;
    use std::time::UNIX_EPOCH;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn a_phone_three_hours_behind_learns_the_servers_time_from_a_date_header() {
        let device = Arc::new(TestClock::at_unix(1_700_000_000));
        let clock = Clock::new(device.clone());
        assert_eq!(clock.server_offset(), None);
        let server = httpdate::fmt_http_date(at(1_700_000_000 + 3 * 3600));
        clock.learn_from_date_header(&server, device.now(), device.now());
        assert_eq!(clock.server_offset_ms(), 3 * 3600 * 1000);
        assert_eq!(clock.now(), at(1_700_000_000 + 3 * 3600));
        device.advance(Duration::from_secs(60));
        assert_eq!(clock.now(), at(1_700_000_000 + 3 * 3600 + 60));
    }

    #[test]
    fn a_second_of_difference_is_not_taken_for_a_wrong_clock() {
        let device = Arc::new(TestClock::at_unix(1_700_000_000));
        let clock = Clock::new(device.clone());
        let server = httpdate::fmt_http_date(at(1_700_000_001));
        clock.learn_from_date_header(&server, device.now(), device.now());
        assert_eq!(clock.server_offset_ms(), 0);
        assert_eq!(clock.server_offset(), Some(Duration::ZERO));
    }

    #[test]
    fn the_round_trip_is_split_and_garbage_dates_are_ignored() {
        let device = Arc::new(TestClock::at_unix(1_700_000_000));
        let clock = Clock::new(device.clone());
        let sent = device.now();
        device.advance(Duration::from_secs(20));
        let server = httpdate::fmt_http_date(at(1_700_000_000 + 10 - 3600));
        clock.learn_from_date_header(&server, sent, device.now());
        assert_eq!(clock.server_offset_ms(), -3600 * 1000);
        clock.learn_from_date_header("not a date", sent, device.now());
        assert_eq!(clock.server_offset_ms(), -3600 * 1000);
    }

    #[test]
    fn clones_share_what_they_learned() {
        let clock = Clock::default();
        let copy = clock.clone();
        let server = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(7200));
        clock.learn_from_date_header(&server, SystemTime::now(), SystemTime::now());
        assert!((copy.server_offset_ms() - 7_200_000).abs() < 3_000);
    }
}
