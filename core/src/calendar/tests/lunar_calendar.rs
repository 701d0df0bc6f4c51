//! The lunar calendar against the published Tết table, its own inverse, and China's calendar.

use super::date;
use crate::calendar::lunar::{LunarDate, lunar_new_year, lunar_new_year_in_zone, solar_to_lunar};

const TET_DATES: &str = include_str!("../../../../data/calendar/tet-dates.csv");

/// China's calendar is computed for UTC+8.
const CHINA_ZONE: f64 = 8.0;

fn published_tet_dates() -> Vec<(i32, String)> {
    TET_DATES
        .lines()
        .filter(|line| !line.starts_with('#'))
        .skip(1)
        .map(|line| {
            let (year, tet) = line.split_once(',').unwrap();
            (year.parse().unwrap(), tet.to_string())
        })
        .collect()
}

#[test]
fn every_published_tet_from_1990_to_2035_is_computed_exactly() {
    let published = published_tet_dates();
    assert_eq!(published.len(), 46);
    for (year, tet) in published {
        assert_eq!(lunar_new_year(year).unwrap().to_string(), tet, "Tết {year}");
    }
}

#[test]
fn tet_is_lunar_first_of_the_first_month_read_backwards_too() {
    for (year, tet) in published_tet_dates() {
        let lunar = LunarDate::from_solar(date(&tet));
        let expected = LunarDate {
            year,
            month: 1,
            day: 1,
            leap_month: false,
        };
        assert_eq!(lunar, expected, "{tet}");
    }
}

#[test]
fn tet_comes_earlier_in_vietnam_than_in_china_in_1985_2007_and_2030() {
    for (year, vietnam, china) in [
        (1985, "1985-01-21", "1985-02-20"),
        (2007, "2007-02-17", "2007-02-18"),
        (2030, "2030-02-02", "2030-02-03"),
    ] {
        assert_eq!(
            lunar_new_year(year),
            Some(date(vietnam)),
            "{year} in Vietnam"
        );
        assert_eq!(
            lunar_new_year_in_zone(year, CHINA_ZONE),
            Some(date(china)),
            "{year} in China"
        );
    }
}

#[test]
fn in_other_years_of_the_table_vietnam_and_china_agree() {
    for (year, tet) in published_tet_dates() {
        if year != 2007 && year != 2030 {
            let china = lunar_new_year_in_zone(year, CHINA_ZONE).unwrap();
            assert_eq!(china.to_string(), tet, "{year}");
        }
    }
}

#[test]
fn every_day_from_1990_to_2035_converts_to_lunar_and_back() {
    let mut day = date("1990-01-01");
    let last = date("2035-12-31");
    let mut previous: Option<LunarDate> = None;
    while day <= last {
        let lunar = LunarDate::from_solar(day);
        assert_eq!(lunar.to_solar(), Some(day), "{day} → {lunar:?}");
        // Consecutive days are consecutive lunar days, or day 1 after day 29 or 30.
        if let Some(previous) = previous {
            let next_in_month = lunar.day == previous.day + 1
                && lunar.month == previous.month
                && lunar.leap_month == previous.leap_month;
            let new_month = lunar.day == 1 && (previous.day == 29 || previous.day == 30);
            assert!(
                next_in_month || new_month,
                "{day}: {previous:?} → {lunar:?}"
            );
        }
        previous = Some(lunar);
        day = day.succ().unwrap();
    }
}

#[test]
fn leap_months_are_found_where_published() {
    // 2020 had a leap 4th month (from 23 May), 2023 a leap 2nd month (from 22 March), 2025 a
    // leap 6th month (from 25 July).
    for (solar, month) in [("2020-05-23", 4), ("2023-03-22", 2), ("2025-07-25", 6)] {
        let lunar = LunarDate::from_solar(date(solar));
        assert_eq!(
            (lunar.month, lunar.day, lunar.leap_month),
            (month, 1, true),
            "{solar}"
        );
    }
}

#[test]
fn lunar_dates_that_do_not_exist_have_no_solar_date() {
    let lunar = |year, month, day, leap_month| LunarDate {
        year,
        month,
        day,
        leap_month,
    };
    // 2025's leap month is the 6th; the 5th is not repeated.
    assert_eq!(lunar(2025, 5, 1, true).to_solar(), None);
    assert_eq!(lunar(2024, 4, 1, true).to_solar(), None);
    assert_eq!(lunar(2025, 13, 1, false).to_solar(), None);
    assert_eq!(lunar(2025, 1, 0, false).to_solar(), None);
    // The 12th month of Ất Tỵ has 29 days: its 30th does not exist.
    assert_eq!(
        lunar(2025, 12, 29, false).to_solar(),
        Some(date("2026-02-16"))
    );
    assert_eq!(lunar(2025, 12, 30, false).to_solar(), None);
}

#[test]
fn hung_kings_day_matches_the_published_dates() {
    // 2009 is a year where Vietnam (4 April) and China (5 April) differ.
    for (year, expected) in [
        (2009, "2009-04-04"),
        (2024, "2024-04-18"),
        (2025, "2025-04-07"),
        (2026, "2026-04-26"),
    ] {
        let hung_kings = solar_from_lunar(year, 3, 10);
        assert_eq!(hung_kings, date(expected), "{year}");
    }
}

fn solar_from_lunar(year: i32, month: u8, day: u8) -> crate::calendar::LocalDate {
    let lunar = LunarDate {
        year,
        month,
        day,
        leap_month: false,
    };
    lunar.to_solar().unwrap()
}

#[test]
fn a_date_before_tet_belongs_to_the_previous_lunar_year() {
    let eve = solar_to_lunar(date("2026-02-16"), 7.0);
    assert_eq!((eve.year, eve.month, eve.day), (2025, 12, 29));
}
