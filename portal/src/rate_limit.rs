//! Token buckets, one per client: each lookup takes a token, tokens come back at a steady rate
//! up to the burst. Time is passed in (the portal's clock), so the buckets are plain data.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// Buckets kept before the full ones (clients that have been quiet) are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// How many requests a client may make: `per_minute` on average, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Tokens given back per minute.
    pub per_minute: u32,
    /// Most tokens a bucket holds (a new client starts full).
    pub burst: u32,
}

impl Rate {
    /// `None` unless both numbers are at least 1.
    pub fn new(per_minute: u32, burst: u32) -> Option<Rate> {
        (per_minute >= 1 && burst >= 1).then_some(Rate { per_minute, burst })
    }

    fn full(self) -> u64 {
        u64::from(self.burst) * TOKEN
    }
}

/// One token, in the unit buckets count in: a rate of `per_minute` gives back `per_minute`
/// units per millisecond, so the arithmetic stays exact.
const TOKEN: u64 = 60_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Tokens held, in units of 1/[`TOKEN`].
    units: u64,
    at: SystemTime,
}

/// The buckets of every client seen, by key.
#[derive(Debug)]
pub struct RateLimiter {
    rate: Rate,
    buckets: HashMap<String, Bucket>,
}

impl RateLimiter {
    /// No client seen yet.
    pub fn new(rate: Rate) -> RateLimiter {
        RateLimiter {
            rate,
            buckets: HashMap::new(),
        }
    }

    /// Applies `rate` from now on; every client starts again with a full bucket.
    pub fn set_rate(&mut self, rate: Rate) {
        self.rate = rate;
        self.buckets.clear();
    }

    /// Takes a token from `client`'s bucket at `now`; when it is empty, `Err` with the time
    /// until a token is back (whole seconds, at least one).
    pub fn take(&mut self, client: &str, now: SystemTime) -> Result<(), Duration> {
        if self.buckets.len() > PRUNE_ABOVE {
            self.prune(now);
        }
        let rate = self.rate;
        let bucket = self.buckets.entry(client.to_string()).or_insert(Bucket {
            units: rate.full(),
            at: now,
        });
        bucket.units = refilled(*bucket, rate, now);
        bucket.at = now.max(bucket.at);
        if bucket.units >= TOKEN {
            bucket.units -= TOKEN;
            return Ok(());
        }
        let millis = (TOKEN - bucket.units).div_ceil(u64::from(rate.per_minute));
        Err(Duration::from_secs(millis.div_ceil(1000).max(1)))
    }

    /// Drops the buckets that are full again: those clients start afresh anyway.
    fn prune(&mut self, now: SystemTime) {
        let rate = self.rate;
        self.buckets
            .retain(|_, bucket| refilled(*bucket, rate, now) < rate.full());
    }
}

/// The bucket's units at `now` (a clock gone back refills nothing).
fn refilled(bucket: Bucket, rate: Rate, now: SystemTime) -> u64 {
    let elapsed = now.duration_since(bucket.at).unwrap_or_default();
    let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    let gained = elapsed_ms.saturating_mul(u64::from(rate.per_minute));
    bucket.units.saturating_add(gained).min(rate.full())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32, burst: u32) -> RateLimiter {
        RateLimiter::new(Rate::new(per_minute, burst).unwrap())
    }

    #[test]
    fn a_burst_is_served_and_the_next_request_waits_for_a_token() {
        let mut limiter = limiter(10, 10);
        let now = SystemTime::now();
        for _ in 0..10 {
            assert_eq!(limiter.take("a", now), Ok(()));
        }
        assert_eq!(limiter.take("a", now), Err(Duration::from_secs(6)));
        assert_eq!(limiter.take("b", now), Ok(()), "another client has its own");
        let later = now + Duration::from_secs(5);
        assert_eq!(limiter.take("a", later), Err(Duration::from_secs(1)));
        let later = now + Duration::from_secs(6);
        assert_eq!(limiter.take("a", later), Ok(()));
        assert!(limiter.take("a", later).is_err());
    }

    #[test]
    fn tokens_come_back_no_further_than_the_burst() {
        let mut limiter = limiter(60, 3);
        let now = SystemTime::now();
        assert_eq!(limiter.take("a", now), Ok(()));
        let much_later = now + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(limiter.take("a", much_later), Ok(()));
        }
        assert_eq!(limiter.take("a", much_later), Err(Duration::from_secs(1)));
    }

    #[test]
    fn a_new_rate_starts_every_client_afresh() {
        let mut limiter = limiter(1, 1);
        let now = SystemTime::now();
        assert_eq!(limiter.take("a", now), Ok(()));
        assert_eq!(limiter.take("a", now), Err(Duration::from_secs(60)));
        limiter.set_rate(Rate::new(120, 2).unwrap());
        assert_eq!(limiter.take("a", now), Ok(()));
        assert_eq!(limiter.take("a", now), Ok(()));
        assert_eq!(limiter.take("a", now), Err(Duration::from_secs(1)));
    }

    #[test]
    fn a_clock_that_goes_back_gives_no_tokens() {
        let mut limiter = limiter(60, 1);
        let now = SystemTime::now();
        assert_eq!(limiter.take("a", now), Ok(()));
        let earlier = now - Duration::from_secs(30);
        assert!(limiter.take("a", earlier).is_err());
    }

    #[test]
    fn quiet_clients_are_forgotten_when_there_are_many() {
        let mut limiter = limiter(60, 1);
        let now = SystemTime::now();
        for client in 0..=PRUNE_ABOVE {
            let _ = limiter.take(&client.to_string(), now);
        }
        let later = now + Duration::from_secs(2);
        assert_eq!(limiter.take("new", later), Ok(()));
        assert_eq!(limiter.buckets.len(), 1);
    }

    #[test]
    fn zero_is_not_a_rate() {
        assert_eq!(Rate::new(0, 1), None);
        assert_eq!(Rate::new(1, 0), None);
    }
}
