//! The embedded calendar reproduces the announced holiday schedules of 2025 and 2026 day for
//! day: every weekday off, and every weekend day worked.

use super::date;
use crate::calendar::{LocalDate, WorkingCalendar};

/// Weekdays off and weekend days worked in `year`, by the calendar.
fn exceptions(calendar: &WorkingCalendar, year: i32) -> (Vec<String>, Vec<String>) {
    let mut weekdays_off = Vec::new();
    let mut weekends_worked = Vec::new();
    let mut day = LocalDate::new(year, 1, 1).unwrap();
    while day.year() == year {
        let weekend = day.weekday().is_weekend();
        match (weekend, calendar.is_working_day(day)) {
            (false, false) => weekdays_off.push(day.to_string()),
            (true, true) => weekends_worked.push(day.to_string()),
            _ => {}
        }
        day = day.succ().unwrap();
    }
    (weekdays_off, weekends_worked)
}

#[test]
fn the_2025_schedule_is_exactly_as_announced() {
    let calendar = WorkingCalendar::embedded();
    let (weekdays_off, weekends_worked) = exceptions(&calendar, 2025);
    assert_eq!(
        weekdays_off,
        [
            // Tết Dương lịch, Wednesday.
            "2025-01-01",
            // Tết Ất Tỵ: off 25/1–2/2, the five Tết days are 27–31 January.
            "2025-01-27",
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
            // Giỗ Tổ Hùng Vương, Monday 7 April.
            "2025-04-07",
            // 30/4 and 1/5, and Friday 2 May swapped with Saturday 26 April.
            "2025-04-30",
            "2025-05-01",
            "2025-05-02",
            // Quốc khánh: off 30/8–2/9.
            "2025-09-01",
            "2025-09-02",
        ]
    );
    assert_eq!(weekends_worked, ["2025-04-26"]);
}

#[test]
fn the_2026_schedule_is_exactly_as_announced() {
    let calendar = WorkingCalendar::embedded();
    let (weekdays_off, weekends_worked) = exceptions(&calendar, 2026);
    assert_eq!(
        weekdays_off,
        [
            // Tết Dương lịch: Thursday 1 January, and Friday 2 swapped with Saturday 10.
            "2026-01-01",
            "2026-01-02",
            // Tết Bính Ngọ: off 14–22 February, the five Tết days are 16–20 February.
            "2026-02-16",
            "2026-02-17",
            "2026-02-18",
            "2026-02-19",
            "2026-02-20",
            // Giỗ Tổ Hùng Vương falls on Sunday 26 April: made up on Monday 27.
            "2026-04-27",
            // 30/4 and 1/5, Thursday and Friday.
            "2026-04-30",
            "2026-05-01",
            // Quốc khánh: off 29/8–2/9, Monday 31 August swapped with Saturday 22 August.
            "2026-08-31",
            "2026-09-01",
            "2026-09-02",
        ]
    );
    assert_eq!(weekends_worked, ["2026-01-10", "2026-08-22"]);
}

#[test]
fn the_days_off_of_2026_carry_their_vietnamese_names() {
    let calendar = WorkingCalendar::embedded();
    let name = |text| calendar.holiday_name(date(text));
    assert_eq!(name("2026-01-01"), Some("Tết Dương lịch"));
    assert_eq!(
        name("2026-01-02"),
        Some("Nghỉ hoán đổi dịp Tết Dương lịch (làm bù Thứ Bảy 10/01/2026)")
    );
    assert_eq!(name("2026-02-16"), Some("Tết Nguyên đán"));
    assert_eq!(name("2026-04-26"), Some("Giỗ Tổ Hùng Vương"));
    assert_eq!(name("2026-04-27"), Some("Nghỉ bù Giỗ Tổ Hùng Vương"));
    assert_eq!(name("2026-04-30"), Some("Ngày Chiến thắng"));
    assert_eq!(name("2026-05-01"), Some("Ngày Quốc tế Lao động"));
    assert_eq!(name("2026-09-01"), Some("Quốc khánh"));
    assert_eq!(name("2026-09-02"), Some("Quốc khánh"));
    // A make-up Saturday and an ordinary day have no holiday name.
    assert_eq!(name("2026-01-10"), None);
    assert_eq!(name("2026-03-10"), None);
}

#[test]
fn a_year_lists_its_named_days_off_in_order() {
    let calendar = WorkingCalendar::embedded();
    let days: Vec<String> = calendar
        .named_days_off(2024)
        .into_iter()
        .map(|(date, name)| format!("{date} {name}"))
        .collect();
    assert_eq!(
        days,
        [
            "2024-01-01 Tết Dương lịch",
            "2024-02-08 Tết Nguyên đán",
            "2024-02-09 Tết Nguyên đán",
            "2024-02-10 Tết Nguyên đán",
            "2024-02-11 Tết Nguyên đán",
            "2024-02-12 Tết Nguyên đán",
            "2024-02-13 Nghỉ bù Tết Nguyên đán",
            "2024-02-14 Nghỉ bù Tết Nguyên đán",
            "2024-04-18 Giỗ Tổ Hùng Vương",
            "2024-04-29 Nghỉ hoán đổi dịp 30/4 – 1/5 (làm bù Thứ Bảy 04/5/2024)",
            "2024-04-30 Ngày Chiến thắng",
            "2024-05-01 Ngày Quốc tế Lao động",
            "2024-09-02 Quốc khánh",
            "2024-09-03 Quốc khánh",
        ]
    );
}
