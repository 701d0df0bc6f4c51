//! The portal's clock: the system's time plus an offset that test control moves forward, so a
//! test can let hours pass in a second. Every answer's `Date` header comes from it
//! ([`crate::date_header`]), so clients learn the portal's time, and the dossiers' stories are
//! told on it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The system's time, moved forward by test control.
#[derive(Debug, Default)]
pub struct PortalClock {
    /// How far ahead of the system's time the portal is, in milliseconds.
    ahead_ms: AtomicU64,
}

impl PortalClock {
    /// The portal's time now.
    pub fn now(&self) -> SystemTime {
        SystemTime::now() + self.ahead()
    }

    /// How far ahead of the system's time the portal is.
    pub fn ahead(&self) -> Duration {
        Duration::from_millis(self.ahead_ms.load(Ordering::Acquire))
    }

    /// Moves the portal's time forward by `by` (it never goes back); returns the new time.
    pub fn advance(&self, by: Duration) -> SystemTime {
        let millis = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let _ = self
            .ahead_ms
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |ahead| {
                Some(ahead.saturating_add(millis))
            });
        self.now()
    }
}

/// Milliseconds since the Unix epoch, as the wire writes instants (0 before 1970).
pub fn unix_millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| {
        i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_the_time_forward_by_that_much() {
        let clock = PortalClock::default();
        let before = clock.now();
        let after = clock.advance(Duration::from_secs(3600));
        let moved = after.duration_since(before).unwrap();
        assert!(moved >= Duration::from_secs(3600), "{moved:?}");
        assert!(moved < Duration::from_secs(3605), "{moved:?}");
        assert_eq!(clock.ahead(), Duration::from_secs(3600));
    }
}
