//! The two astronomical quantities the lunisolar calendar needs: when new moons happen and
//! where the sun stands on the ecliptic. These are the truncated series (from Meeus,
//! *Astronomical Algorithms*) that Hồ Ngọc Đức published with his Vietnamese calendar
//! algorithm; they are accurate to minutes over 1800–2200, which decides the day of a new moon
//! except when it falls within minutes of local midnight, the same trade-off every published
//! Vietnamese calendar made with this algorithm has.
//!
//! Days are Julian Day Numbers (integer, a civil day) and Julian Dates (fractional, UT).

use std::f64::consts::PI;

/// Julian Day Number of 1970-01-01.
const JDN_OF_EPOCH_DAY_ZERO: i64 = 2_440_588;

/// Mean length of a lunation (synodic month), in days.
pub(super) const SYNODIC_MONTH: f64 = 29.530_588_853;

/// Julian Date of the new moon of 1900-01-01, which numbers lunations (`k = 0`).
pub(super) const FIRST_NEW_MOON_OF_1900: f64 = 2_415_021.076_998_695;

/// Julian Day Number of a day given as days since 1970-01-01.
pub(super) fn jdn_from_epoch_day(epoch_day: i64) -> i64 {
    epoch_day + JDN_OF_EPOCH_DAY_ZERO
}

/// Days since 1970-01-01 of a Julian Day Number.
pub(super) fn epoch_day_from_jdn(jdn: i64) -> i64 {
    jdn - JDN_OF_EPOCH_DAY_ZERO
}

/// Julian Date (UT) of the `k`-th new moon after the one of January 1900.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900-01-00.5
    let t2 = t * t;
    let t3 = t2 * t;
    let rad = PI / 180.0;
    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * rad).sin();
    let sun_anomaly = (359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3) * rad;
    let moon_anomaly = (306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3) * rad;
    let latitude_argument =
        (21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3) * rad;
    let (m, mp, f) = (sun_anomaly, moon_anomaly, latitude_argument);
    let correction = (0.1734 - 0.000_393 * t) * m.sin() + 0.0021 * (2.0 * m).sin()
        - 0.4068 * mp.sin()
        + 0.0161 * (2.0 * mp).sin()
        - 0.0004 * (3.0 * mp).sin()
        + 0.0104 * (2.0 * f).sin()
        - 0.0051 * (m + mp).sin()
        - 0.0074 * (m - mp).sin()
        + 0.0004 * (2.0 * f + m).sin()
        - 0.0004 * (2.0 * f - m).sin()
        - 0.0006 * (2.0 * f + mp).sin()
        + 0.0010 * (2.0 * f - mp).sin()
        + 0.0005 * (2.0 * mp + m).sin();
    // ΔT (terrestrial minus universal time), the polynomial the published algorithm uses.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    mean + correction - delta_t
}

/// The sun's apparent ecliptic longitude at Julian Date `jd`, in radians, 0 ≤ λ < 2π.
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0; // Julian centuries since J2000.0
    let t2 = t * t;
    let rad = PI / 180.0;
    let mean_anomaly =
        (357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2) * rad;
    let mean_longitude = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let center = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * mean_anomaly.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * mean_anomaly).sin()
        + 0.000_290 * (3.0 * mean_anomaly).sin();
    ((mean_longitude + center) * rad).rem_euclid(2.0 * PI)
}

/// Local Julian Day Number of the day holding the `k`-th new moon, for a time zone `zone`
/// hours east of Greenwich.
pub(super) fn new_moon_day(k: i64, zone: f64) -> i64 {
    (new_moon(k) + 0.5 + zone / 24.0).floor() as i64
}

/// Which of the twelve 30° sectors of the ecliptic (0 = from the March equinox) the sun is in
/// at the local midnight that starts day `jdn`. Sector boundaries are the "major solar terms"
/// (trung khí): the winter solstice starts sector 9.
pub(super) fn sun_sector_at_start_of(jdn: i64, zone: f64) -> i64 {
    let local_midnight_ut = jdn as f64 - 0.5 - zone / 24.0;
    (sun_longitude(local_midnight_ut) / PI * 6.0).floor() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_moon_of_tet_2025_falls_on_29_january_in_hanoi() {
        // New moon of 29 January 2025 at 12:36 UT (19:36 in Hanoi); 1970-01-01 is JDN 2440588.
        let k = ((2_460_705.0 - FIRST_NEW_MOON_OF_1900) / SYNODIC_MONTH).round() as i64;
        assert_eq!(epoch_day_from_jdn(new_moon_day(k, 7.0)), 20_117);
    }

    #[test]
    fn the_sun_enters_the_winter_solstice_sector_around_22_december() {
        // 2024-12-21 is epoch day 20_078; the solstice was at 09:21 UT that day (16:21 Hanoi).
        let day = jdn_from_epoch_day(20_078);
        assert_eq!(sun_sector_at_start_of(day, 7.0), 8);
        assert_eq!(sun_sector_at_start_of(day + 1, 7.0), 9);
    }
}
