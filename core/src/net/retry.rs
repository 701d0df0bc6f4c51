//! When to try a safe request again, and how long to wait first: exponential backoff with full
//! jitter (a random wait between zero and the exponential bound), or the server's `Retry-After`.

use std::time::Duration;

use super::config::NetConfig;
use super::error::NetError;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Give up with the error.
    GiveUp,
}

/// The decision after `attempt` (0 for the first) failed with `error`.
pub fn next(config: &NetConfig, attempt: u32, error: &NetError) -> Next {
    if !error.is_transient() || attempt >= config.retries {
        return Next::GiveUp;
    }
    match error.retry_after() {
        Some(asked) if asked > config.max_retry_after => Next::GiveUp,
        Some(asked) => Next::RetryAfter(asked),
        None => Next::RetryAfter(full_jitter(config, attempt)),
    }
}

fn full_jitter(config: &NetConfig, attempt: u32) -> Duration {
    let bound = config
        .backoff_base
        .saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX))
        .min(config.backoff_max);
    bound.mul_f64(fastrand::f64())
}

/// Parses `Retry-After`: delay-seconds, or an HTTP date compared with `now`.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    httpdate::parse_http_date(value)
        .ok()
        .map(|at| at.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_but_stay_under_the_bound_and_stop_after_the_retries() {
        let config = NetConfig::for_tests();
        let error = NetError::Timeout;
        for attempt in 0..config.retries {
            match next(&config, attempt, &error) {
                Next::RetryAfter(wait) => assert!(wait <= config.backoff_max),
                Next::GiveUp => panic!("gave up at attempt {attempt}"),
            }
        }
        assert_eq!(next(&config, config.retries, &error), Next::GiveUp);
    }

    #[test]
    fn a_refusal_is_final_and_retry_after_is_honoured_within_the_limit() {
        let config = NetConfig::for_tests();
        assert_eq!(next(&config, 0, &NetError::NotFound), Next::GiveUp);
        let asked = NetError::RateLimited {
            retry_after: Some(Duration::from_secs(1)),
        };
        assert_eq!(
            next(&config, 0, &asked),
            Next::RetryAfter(Duration::from_secs(1))
        );
        let too_long = NetError::RateLimited {
            retry_after: Some(Duration::from_secs(3600)),
        };
        assert_eq!(next(&config, 0, &too_long), Next::GiveUp);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
