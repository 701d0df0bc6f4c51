//! How long an item waits after a failed attempt, and when the outbox gives up on it:
//! exponential backoff with full jitter (a random wait between zero and a bound that doubles
//! with each attempt, up to a cap), never less than the server's `Retry-After`.

use std::time::Duration;

/// The outbox's patience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The bound of the wait after the first failed attempt; doubled after each.
    pub base: Duration,
    /// The largest bound.
    pub cap: Duration,
    /// Attempts (those that reached a network) after which an item fails.
    pub max_attempts: u32,
    /// Age after which an item that fails again is given up.
    pub max_age: Duration,
}

impl Default for RetryPolicy {
    /// 2 s doubling to 15 min; 20 attempts or 7 days.
    fn default() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(15 * 60),
            max_attempts: 20,
            max_age: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

impl RetryPolicy {
    /// The bound of the wait after `attempts` attempts (1 for the first): `base * 2^(attempts-1)`,
    /// at most `cap`.
    pub fn bound(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.base.saturating_mul(1u32 << doublings).min(self.cap)
    }

    /// The wait after `attempts` attempts: `random` (in `[0, 1)`) of the bound, and at least
    /// `retry_after`.
    pub fn delay(&self, attempts: u32, retry_after: Option<Duration>, random: f64) -> Duration {
        let jittered = self.bound(attempts).mul_f64(random.clamp(0.0, 1.0));
        jittered.max(retry_after.unwrap_or_default())
    }

    /// [`RetryPolicy::delay`] with a fresh random number.
    pub fn jittered_delay(&self, attempts: u32, retry_after: Option<Duration>) -> Duration {
        self.delay(attempts, retry_after, fastrand::f64())
    }

    /// True when an item that just failed for the `counted_attempts`-th time, queued at
    /// `created_at_ms`, has used up its chances at `now_ms`.
    pub fn exhausted(&self, counted_attempts: u32, created_at_ms: i64, now_ms: i64) -> bool {
        let age_ms = now_ms.saturating_sub(created_at_ms);
        counted_attempts >= self.max_attempts || age_ms >= millis(self.max_age)
    }
}

/// A duration in whole milliseconds, saturating.
pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_doubles_from_two_seconds_up_to_fifteen_minutes() {
        let policy = RetryPolicy::default();
        let bounds: Vec<u64> = (1..=12).map(|n| policy.bound(n).as_secs()).collect();
        assert_eq!(bounds, [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
        assert_eq!(policy.bound(0), Duration::from_secs(2));
        assert_eq!(policy.bound(u32::MAX), Duration::from_secs(900));
    }

    #[test]
    fn full_jitter_spreads_waits_over_the_whole_bound_and_their_mean_grows() {
        let policy = RetryPolicy::default();
        let mut rng = fastrand::Rng::with_seed(1022);
        let mut means = Vec::new();
        for attempts in 1..=10 {
            let waits: Vec<Duration> = (0..2000)
                .map(|_| policy.delay(attempts, None, rng.f64()))
                .collect();
            let bound = policy.bound(attempts);
            assert!(waits.iter().all(|wait| *wait <= bound));
            assert!(waits.iter().any(|wait| *wait < bound / 10));
            assert!(waits.iter().any(|wait| *wait > bound * 9 / 10));
            let mean = waits.iter().sum::<Duration>() / 2000;
            means.push(mean);
        }
        assert!(means.windows(2).all(|pair| pair[1] > pair[0]), "{means:?}");
    }

    #[test]
    fn retry_after_is_the_least_wait() {
        let policy = RetryPolicy::default();
        let asked = Some(Duration::from_secs(7));
        assert_eq!(policy.delay(1, asked, 0.99), Duration::from_secs(7));
        assert_eq!(policy.delay(8, asked, 0.5), Duration::from_secs(128));
    }

    #[test]
    fn an_item_is_given_up_after_twenty_attempts_or_seven_days() {
        let policy = RetryPolicy::default();
        let day = 24 * 3600 * 1000;
        assert!(!policy.exhausted(19, 0, 6 * day));
        assert!(policy.exhausted(20, 0, 0));
        assert!(policy.exhausted(1, 0, 7 * day));
    }
}
