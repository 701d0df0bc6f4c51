//! Where the device's time comes from: the system, or a test's hand.

use std::sync::Mutex;
use std::time::{Duration, SystemTime as StdSystemTime, UNIX_EPOCH};

/// A source of the device's wall-clock time.
pub trait TimeSource: Send + Sync {
    /// The device's time now.
    fn now(&self) -> StdSystemTime;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemSource;

impl TimeSource for SystemSource {
    fn now(&self) -> StdSystemTime {
        StdSystemTime::now()
    }
}

/// A clock that moves only when a test moves it.
#[derive(Debug)]
pub struct TestClock {
    now: Mutex<StdSystemTime>,
}

impl TestClock {
    /// A clock standing at `start`.
    pub fn at(start: StdSystemTime) -> TestClock {
        TestClock {
            now: Mutex::new(start),
        }
    }

    /// A clock standing at this many seconds after the Unix epoch.
    pub fn at_unix(seconds: u64) -> TestClock {
        TestClock::at(UNIX_EPOCH + Duration::from_secs(seconds))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }

    /// Sets the clock, backwards too (a user changing the phone's time).
    pub fn set(&self, to: StdSystemTime) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }
}

impl TimeSource for TestClock {
    fn now(&self) -> StdSystemTime {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}
