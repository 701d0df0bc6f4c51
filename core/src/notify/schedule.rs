//! When a device refreshes its followed dossiers in the background. Every device of a province
//! running the same app must not ask the portal at the same second: each installation gets a
//! fixed phase within the interval (from its id) and a little random jitter on top. The
//! numbers come from the load simulation (`tests/benches/load.rs`, `docs/benchmarks.md`).

use std::time::Duration;

/// A background refresh schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshSchedule {
    /// Time between two refreshes of one device.
    pub interval: Duration,
    /// Spread devices over the interval by a phase derived from the installation id. Without
    /// it every device refreshes at the same wall-clock instants (multiples of the interval).
    pub spread_by_installation: bool,
    /// Random jitter added to each refresh, as a fraction of the interval (0.1: up to ±10 %).
    pub jitter: f64,
}

impl RefreshSchedule {
    /// The schedule the apps use (chosen from the load simulation): every 4 hours, spread by
    /// installation, ±10 % jitter.
    pub const DEFAULT: RefreshSchedule = RefreshSchedule {
        interval: Duration::from_secs(4 * 3600),
        spread_by_installation: true,
        jitter: 0.1,
    };

    /// The same interval with no spreading and no jitter: what happens without this module.
    pub fn aligned(interval: Duration) -> RefreshSchedule {
        RefreshSchedule {
            interval,
            spread_by_installation: false,
            jitter: 0.0,
        }
    }

    /// The first refresh strictly after `after_ms` (milliseconds since the Unix epoch) for
    /// this installation. `random` is a uniform draw in `[0, 1)` (the caller's generator, so
    /// the simulation can be reproduced).
    pub fn next_refresh_ms(&self, installation_id: &str, after_ms: i64, random: f64) -> i64 {
        let interval = self.interval.as_millis().max(1) as i64;
        let phase = if self.spread_by_installation {
            (stable_hash(installation_id) % interval as u64) as i64
        } else {
            0
        };
        let span = (self.jitter.clamp(0.0, 0.45) * interval as f64) as i64;
        // The next slot of this installation's grid beyond `after_ms` plus the jitter span, so
        // a refresh jittered early does not land in its own slot again: one per slot.
        let slot = (after_ms + span - phase).div_euclid(interval) + 1;
        let base = phase + slot * interval;
        let jitter = ((random.clamp(0.0, 1.0) * 2.0 - 1.0) * span as f64) as i64;
        (base + jitter).max(after_ms + 1)
    }

    /// [`RefreshSchedule::next_refresh_ms`] with the process's own random draw.
    pub fn next_refresh_now(&self, installation_id: &str, after_ms: i64) -> i64 {
        self.next_refresh_ms(installation_id, after_ms, fastrand::f64())
    }
}

/// FNV-1a: stable across platforms and versions (unlike the standard library's hasher).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR_MS: i64 = 3_600_000;

    #[test]
    fn an_aligned_schedule_sends_every_device_at_the_same_instant() {
        let schedule = RefreshSchedule::aligned(Duration::from_secs(4 * 3600));
        let a = schedule.next_refresh_ms("device-a", 5 * HOUR_MS, 0.3);
        let b = schedule.next_refresh_ms("device-b", 5 * HOUR_MS, 0.9);
        assert_eq!((a, b), (8 * HOUR_MS, 8 * HOUR_MS));
    }

    #[test]
    fn the_default_schedule_spreads_devices_and_keeps_each_within_its_interval() {
        let schedule = RefreshSchedule::DEFAULT;
        let after = 5 * HOUR_MS;
        let mut times: Vec<i64> = (0..1000)
            .map(|i| schedule.next_refresh_ms(&format!("device-{i}"), after, 0.5))
            .collect();
        let span = 4 * HOUR_MS / 10;
        assert!(
            times
                .iter()
                .all(|t| *t > after && *t <= after + 4 * HOUR_MS + 2 * span)
        );
        times.sort_unstable();
        times.dedup();
        assert!(times.len() > 990, "{} distinct instants", times.len());
    }

    #[test]
    fn one_device_refreshes_about_once_per_interval_whatever_the_draws() {
        let schedule = RefreshSchedule::DEFAULT;
        let mut now = 0;
        let mut count = 0;
        let mut draw = 0.0_f64;
        while now < 24 * HOUR_MS {
            draw = (draw + 0.37) % 1.0;
            now = schedule.next_refresh_ms("device-x", now, draw);
            count += 1;
        }
        assert!((5..=7).contains(&count), "{count} refreshes in a day");
    }
}
