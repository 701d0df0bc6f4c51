//! The statutory days off of a year: which holidays the Labour Code grants, on which dates, and
//! the compensatory day (nghỉ bù) owed when one falls on the weekly rest day.
//!
//! Rules by year:
//! - 2013–2020, Labour Code 2012 art. 115: Tết Dương lịch 1/1; Tết Âm lịch 5 days; Giỗ Tổ
//!   Hùng Vương 10/3 lunar; Ngày Chiến thắng 30/4; Ngày Quốc tế Lao động 1/5; Quốc khánh 2/9.
//!   Art. 115(3): a holiday on a weekly rest day is made up "vào ngày kế tiếp", which the
//!   announcements of those years read as the next working day, as here.
//! - From 2021, Labour Code 2019 art. 112: the same, but Quốc khánh is two days, 2/9 and one
//!   day beside it. Art. 111(3): a weekly rest day that is a holiday is made up on the next
//!   working day. Art. 112(3): the Prime Minister picks the Tết days and the second Quốc
//!   khánh day each year.
//!
//! The weekly rest days are Saturday and Sunday: the public sector's 40-hour week (Decision
//! 188/1999/QĐ-TTg), which is the calendar dossiers are processed on.
//!
//! What the government picked is data (`data/calendar/holiday-choices.csv`); for a year it has
//! not announced yet the defaults below stand in, and may be wrong.
//!
//! The Politburo (Resolution 80-NQ/TW, January 2026) and the Government (Resolution 30/NQ-CP,
//! February 2026) asked for 24 November, Ngày Văn hóa Việt Nam, to become a paid holiday by
//! amending art. 112; it is not a holiday here until that amendment is found in force.

use super::date::{LocalDate, Weekday};
use super::lunar::{LunarDate, lunar_new_year};
use super::tables::HolidayChoices;

/// First year whose rules are modelled: the Labour Code 2012 took effect on 1 May 2013.
pub const FIRST_MODELLED_YEAR: i32 = 2013;

/// First year of the Labour Code 2019 (in force 1 January 2021).
const LABOUR_CODE_2019: i32 = 2021;

/// Number of Tết Âm lịch days under both codes.
const TET_DAYS: i64 = 5;

/// How many of the five Tết days fall before lunar 1/1 when no choice is recorded.
const DEFAULT_TET_DAYS_BEFORE_NEW_YEAR: i64 = 2;

/// An occasion on which the Labour Code gives a paid day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holiday {
    /// 1 January.
    SolarNewYear,
    /// Five days around lunar 1/1.
    LunarNewYear,
    /// 10/3 lunar: the Hùng Kings' commemoration.
    HungKings,
    /// 30 April.
    VictoryDay,
    /// 1 May.
    LabourDay,
    /// 2 September, and from 2021 one day beside it.
    NationalDay,
}

impl Holiday {
    /// Vietnamese name: the Labour Code's, except that it calls Tết Nguyên đán "Tết Âm lịch".
    #[must_use]
    pub fn name_vi(self) -> &'static str {
        match self {
            Holiday::SolarNewYear => "Tết Dương lịch",
            Holiday::LunarNewYear => "Tết Nguyên đán",
            Holiday::HungKings => "Giỗ Tổ Hùng Vương",
            Holiday::VictoryDay => "Ngày Chiến thắng",
            Holiday::LabourDay => "Ngày Quốc tế Lao động",
            Holiday::NationalDay => "Quốc khánh",
        }
    }

    /// Vietnamese name of the compensatory day owed for it.
    #[must_use]
    pub fn compensatory_name_vi(self) -> &'static str {
        match self {
            Holiday::SolarNewYear => "Nghỉ bù Tết Dương lịch",
            Holiday::LunarNewYear => "Nghỉ bù Tết Nguyên đán",
            Holiday::HungKings => "Nghỉ bù Giỗ Tổ Hùng Vương",
            Holiday::VictoryDay => "Nghỉ bù Ngày Chiến thắng",
            Holiday::LabourDay => "Nghỉ bù Ngày Quốc tế Lao động",
            Holiday::NationalDay => "Nghỉ bù Quốc khánh",
        }
    }
}

/// Why a day is a statutory day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StatutoryDay {
    /// The holiday itself (possibly on a weekend).
    Holiday(Holiday),
    /// The working day given in exchange for the holiday falling on a weekend.
    Compensatory(Holiday),
}

/// The statutory days off of `year`, in date order. Meant for 2013 on: earlier years would
/// get the 2012 rules, which is not what applied then (the 1994 code gave four Tết days).
pub(super) fn statutory_days(
    year: i32,
    choices: &HolidayChoices,
) -> Vec<(LocalDate, StatutoryDay)> {
    let holidays = holidays_of(year, choices);
    let mut days: Vec<(LocalDate, StatutoryDay)> = holidays
        .iter()
        .map(|&(date, holiday)| (date, StatutoryDay::Holiday(holiday)))
        .collect();
    // In date order, so two weekend Tết days take the first and second weekdays after Tết.
    for &(date, holiday) in holidays.iter().filter(|(d, _)| d.weekday().is_weekend()) {
        let mut next = date.succ();
        while let Some(candidate) = next {
            // `days` holds the holidays and the compensatory days given so far.
            let taken = days.iter().any(|(day, _)| *day == candidate);
            if !candidate.weekday().is_weekend() && !taken {
                days.push((candidate, StatutoryDay::Compensatory(holiday)));
                break;
            }
            next = candidate.succ();
        }
    }
    days.sort_by_key(|(date, _)| *date);
    days
}

/// The holidays themselves, in date order.
fn holidays_of(year: i32, choices: &HolidayChoices) -> Vec<(LocalDate, Holiday)> {
    let on = |month, day| LocalDate::new(year, month, day).ok();
    let mut holidays = Vec::new();
    let mut push = |date: Option<LocalDate>, holiday| {
        if let Some(date) = date {
            holidays.push((date, holiday));
        }
    };
    push(on(1, 1), Holiday::SolarNewYear);
    if let Some(first) = choices
        .tet_first_day(year)
        .or_else(|| default_tet_first_day(year))
    {
        for offset in 0..TET_DAYS {
            push(first.add_days(offset), Holiday::LunarNewYear);
        }
    }
    let hung_kings = LunarDate {
        year,
        month: 3,
        day: 10,
        leap_month: false,
    };
    push(hung_kings.to_solar(), Holiday::HungKings);
    push(on(4, 30), Holiday::VictoryDay);
    push(on(5, 1), Holiday::LabourDay);
    if year >= LABOUR_CODE_2019 {
        let second = choices
            .national_day_second_day(year)
            .or_else(|| default_national_day_second_day(year));
        push(second, Holiday::NationalDay);
    }
    push(on(9, 2), Holiday::NationalDay);
    holidays.sort_by_key(|(date, _)| *date);
    holidays
}

/// The last two days of the old lunar year and the first three of the new one: the choice in
/// every year from 2020 to 2025 where it mattered (2022 and 2026 announced one day before and
/// four after, which gives the same days off). It was not always so: 2014 took one and four.
fn default_tet_first_day(year: i32) -> Option<LocalDate> {
    lunar_new_year(year)?.add_days(-DEFAULT_TET_DAYS_BEFORE_NEW_YEAR)
}

/// 3 September when 2 September is a Monday (1 September would be a Sunday, as in 2024) or a
/// Thursday (3 September bridges to the weekend, as in 2021); 1 September otherwise, as in
/// 2023, 2025 and 2026.
fn default_national_day_second_day(year: i32) -> Option<LocalDate> {
    let national_day = LocalDate::new(year, 9, 2).ok()?;
    match national_day.weekday() {
        Weekday::Monday | Weekday::Thursday => national_day.succ(),
        _ => national_day.add_days(-1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> LocalDate {
        text.parse().unwrap()
    }

    fn days(year: i32) -> Vec<(String, StatutoryDay)> {
        statutory_days(year, &HolidayChoices::default())
            .into_iter()
            .map(|(date, day)| (date.to_string(), day))
            .collect()
    }

    #[test]
    fn two_weekend_tet_days_are_made_up_on_the_two_weekdays_after_tet() {
        // Tết 2021 (12 February, a Friday) as announced: 10–14 February, 13 and 14 a weekend.
        let mut choices = HolidayChoices::default();
        choices.set_tet_first_day(2021, date("2021-02-10"));
        let compensatory: Vec<_> = statutory_days(2021, &choices)
            .into_iter()
            .filter(|(_, day)| *day == StatutoryDay::Compensatory(Holiday::LunarNewYear))
            .map(|(date, _)| date.to_string())
            .collect();
        assert_eq!(compensatory, ["2021-02-15", "2021-02-16"]);
    }

    #[test]
    fn the_default_tet_days_give_the_announced_tet_breaks_of_2020_to_2026() {
        // Announced breaks, weekends included; none of them involved a swap.
        for (first, last) in [
            ("2020-01-23", "2020-01-29"),
            ("2021-02-10", "2021-02-16"),
            ("2022-01-29", "2022-02-06"),
            ("2023-01-20", "2023-01-26"),
            ("2024-02-08", "2024-02-14"),
            ("2025-01-25", "2025-02-02"),
            ("2026-02-14", "2026-02-22"),
        ] {
            let (first, last) = (date(first), date(last));
            let announced: Vec<LocalDate> = (0..=first.days_until(last))
                .filter_map(|offset| first.add_days(offset))
                .filter(|day| !day.weekday().is_weekend())
                .collect();
            let computed: Vec<LocalDate> = statutory_days(first.year(), &HolidayChoices::default())
                .into_iter()
                .filter(|(day, kind)| {
                    !day.weekday().is_weekend()
                        && matches!(
                            kind,
                            StatutoryDay::Holiday(Holiday::LunarNewYear)
                                | StatutoryDay::Compensatory(Holiday::LunarNewYear)
                        )
                })
                .map(|(day, _)| day)
                .collect();
            assert_eq!(computed, announced, "Tết {}", first.year());
        }
    }

    #[test]
    fn a_sunday_holiday_is_made_up_on_monday() {
        // Giỗ Tổ 2026 is Sunday 26 April.
        let days = days(2026);
        assert!(days.contains(&(
            "2026-04-26".into(),
            StatutoryDay::Holiday(Holiday::HungKings)
        )));
        assert!(days.contains(&(
            "2026-04-27".into(),
            StatutoryDay::Compensatory(Holiday::HungKings)
        )));
    }

    #[test]
    fn national_day_is_one_day_until_2020_and_two_from_2021() {
        let national = |year| {
            days(year)
                .into_iter()
                .filter(|(_, day)| *day == StatutoryDay::Holiday(Holiday::NationalDay))
                .count()
        };
        assert_eq!(national(2020), 1);
        assert_eq!(national(2021), 2);
    }

    #[test]
    fn the_default_second_national_day_matches_the_announced_years() {
        for (year, expected) in [
            (2021, "2021-09-03"),
            (2023, "2023-09-01"),
            (2024, "2024-09-03"),
            (2025, "2025-09-01"),
            (2026, "2026-09-01"),
        ] {
            assert_eq!(
                default_national_day_second_day(year).map(|d| d.to_string()),
                Some(expected.to_string())
            );
        }
    }

    #[test]
    fn holidays_never_share_a_date_in_the_modelled_years() {
        for year in FIRST_MODELLED_YEAR..=2099 {
            let holidays = holidays_of(year, &HolidayChoices::default());
            let mut dates: Vec<_> = holidays.iter().map(|(date, _)| *date).collect();
            dates.dedup();
            assert_eq!(dates.len(), holidays.len(), "{year}");
        }
    }
}
