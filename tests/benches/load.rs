//! Load at provincial scale: 300,000 devices refreshing their followed dossiers in the
//! background over one simulated day, each refresh time from the core's own
//! `RefreshSchedule::next_refresh_ms`. Prints the requests per second at the portal (peak over
//! one-second and one-minute windows, and mean) and the share answered 304, for schedules with
//! and without spreading and jitter. `cargo bench -p longan-tests --bench load`.
//!
//! Model (assumptions written in `docs/benchmarks.md`): devices follow 1–3 dossiers (mean 1.7);
//! each dossier changes as a Poisson process at 0.4 changes a day; a refresh asks about every
//! followed dossier with its validator, answered 200 when the dossier changed since the
//! device last asked, else 304.

use std::time::Duration;

use longan_core::notify::RefreshSchedule;

const DEVICES: usize = 300_000;
const DAY_MS: i64 = 86_400_000;
const CHANGES_PER_DAY: f64 = 0.4;

/// A small deterministic generator (xorshift64*), so every run simulates the same day.
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Outcome {
    requests: u64,
    not_modified: u64,
    peak_second: u64,
    peak_minute: u64,
}

fn simulate(schedule: RefreshSchedule) -> Outcome {
    let mut per_second = vec![0u64; (DAY_MS / 1000) as usize];
    let mut draws = Draws(0x9e37_79b9_7f4a_7c15);
    let (mut requests, mut not_modified) = (0, 0);
    for device in 0..DEVICES {
        let id = format!("installation-{device:06}");
        let followed = match device % 10 {
            0..=4 => 1,
            5..=7 => 2,
            _ => 3,
        };
        // The device last refreshed somewhere in the interval before the day starts.
        let mut previous = -((draws.next() * schedule.interval.as_millis() as f64) as i64);
        let mut at = schedule.next_refresh_ms(&id, previous, draws.next());
        while at < DAY_MS {
            let elapsed_days = (at - previous) as f64 / DAY_MS as f64;
            let changed_probability = 1.0 - (-CHANGES_PER_DAY * elapsed_days).exp();
            for _ in 0..followed {
                requests += 1;
                if draws.next() >= changed_probability {
                    not_modified += 1;
                }
                if at >= 0 {
                    per_second[(at / 1000) as usize] += 1;
                }
            }
            previous = at;
            at = schedule.next_refresh_ms(&id, at, draws.next());
        }
    }
    let peak_second = per_second.iter().copied().max().unwrap_or(0);
    let peak_minute = per_second
        .chunks(60)
        .map(|minute| minute.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    Outcome {
        requests,
        not_modified,
        peak_second,
        peak_minute,
    }
}

fn main() {
    let hours = |h: u64| Duration::from_secs(h * 3600);
    let schedules = [
        (
            "4 h, aligned (no spread, no jitter)",
            RefreshSchedule::aligned(hours(4)),
        ),
        (
            "4 h, spread by installation, no jitter",
            RefreshSchedule {
                jitter: 0.0,
                ..RefreshSchedule::DEFAULT
            },
        ),
        (
            "4 h, spread + ±10 % jitter (default)",
            RefreshSchedule::DEFAULT,
        ),
        (
            "2 h, spread + ±10 % jitter",
            RefreshSchedule {
                interval: hours(2),
                ..RefreshSchedule::DEFAULT
            },
        ),
        (
            "6 h, spread + ±10 % jitter",
            RefreshSchedule {
                interval: hours(6),
                ..RefreshSchedule::DEFAULT
            },
        ),
    ];
    println!(
        "{DEVICES} devices, one day, {CHANGES_PER_DAY} changes per dossier per day, 1-3 followed dossiers"
    );
    println!(
        "{:<42} {:>10} {:>9} {:>11} {:>13} {:>6}",
        "schedule", "requests", "mean r/s", "peak r/s 1s", "peak r/s 1min", "304 %"
    );
    for (name, schedule) in schedules {
        let outcome = simulate(schedule);
        println!(
            "{:<42} {:>10} {:>9.1} {:>11} {:>13.1} {:>6.1}",
            name,
            outcome.requests,
            outcome.requests as f64 / 86_400.0,
            outcome.peak_second,
            outcome.peak_minute as f64 / 60.0,
            100.0 * outcome.not_modified as f64 / outcome.requests as f64
        );
    }
}
