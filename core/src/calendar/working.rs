//! Working days of Vietnam's public administration, the calendar on which processing times of
//! administrative procedures run: Monday to Friday, minus statutory holidays and their
//! compensatory days, minus announced extra days off, plus announced make-up Saturdays.

use std::collections::{HashMap, HashSet};

use super::date::LocalDate;
use super::holidays::{FIRST_MODELLED_YEAR, StatutoryDay, statutory_days};
use super::tables::{
    ADJUSTMENTS_FILE, AdjustmentKind, CalendarDataError, DataProblem, EMBEDDED_ADJUSTMENTS,
    EMBEDDED_HOLIDAY_CHOICES, parse_adjustments, parse_holiday_choices,
};

/// Why a weekday (or a weekend holiday) is not worked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DayOff {
    Statutory(StatutoryDay),
    /// An announced extra day off; the note is its user-facing name.
    Announced(String),
}

/// Vietnam's administrative working calendar, from the statutory rules and the announced
/// tables. Holidays are modelled for [`FIRST_YEAR`](Self::FIRST_YEAR) to
/// [`LAST_YEAR`](Self::LAST_YEAR); outside those years only weekends are days off.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    days_off: HashMap<LocalDate, DayOff>,
    make_up_days: HashSet<LocalDate>,
}

impl WorkingCalendar {
    /// First year with holidays: the Labour Code 2012 took effect in 2013.
    pub const FIRST_YEAR: i32 = FIRST_MODELLED_YEAR;
    /// Last year with holidays.
    pub const LAST_YEAR: i32 = 2099;

    /// The calendar built from the tables shipped in the library.
    #[must_use]
    pub fn embedded() -> WorkingCalendar {
        // The shipped tables are checked by a test; failing here means that test failed.
        WorkingCalendar::from_tables(EMBEDDED_ADJUSTMENTS, EMBEDDED_HOLIDAY_CHOICES)
            .expect("the embedded calendar tables are valid")
    }

    /// The calendar built from the text of `adjustments.csv` and `holiday-choices.csv`, e.g.
    /// newer copies than the shipped ones.
    pub fn from_tables(
        adjustments_csv: &str,
        holiday_choices_csv: &str,
    ) -> Result<WorkingCalendar, CalendarDataError> {
        let choices = parse_holiday_choices(holiday_choices_csv)?;
        let adjustments = parse_adjustments(adjustments_csv)?;
        let mut days_off = HashMap::new();
        for year in Self::FIRST_YEAR..=Self::LAST_YEAR {
            for (date, day) in statutory_days(year, &choices) {
                days_off.insert(date, DayOff::Statutory(day));
            }
        }
        let mut make_up_days = HashSet::new();
        for adjustment in adjustments {
            if days_off.contains_key(&adjustment.date) {
                return Err(CalendarDataError {
                    file: ADJUSTMENTS_FILE,
                    line: adjustment.line,
                    problem: DataProblem::AlreadyStatutory(adjustment.date),
                });
            }
            match adjustment.kind {
                AdjustmentKind::DayOff => {
                    days_off.insert(adjustment.date, DayOff::Announced(adjustment.note));
                }
                AdjustmentKind::WorkingDay => {
                    make_up_days.insert(adjustment.date);
                }
            }
        }
        Ok(WorkingCalendar {
            days_off,
            make_up_days,
        })
    }

    /// True when public offices work on `date`.
    #[must_use]
    pub fn is_working_day(&self, date: LocalDate) -> bool {
        if self.make_up_days.contains(&date) {
            return true;
        }
        !date.weekday().is_weekend() && !self.days_off.contains_key(&date)
    }

    /// The first working day strictly after `date` (`None` past year 9999).
    #[must_use]
    pub fn next_working_day(&self, date: LocalDate) -> Option<LocalDate> {
        let mut day = date.succ()?;
        while !self.is_working_day(day) {
            day = day.succ()?;
        }
        Some(day)
    }

    /// The due date of something received on `from` with `n` working days to process it: the
    /// `n`-th working day after the day of receipt. Something received on a non-working day is
    /// taken as received on the next working day, so counting starts after that day. With
    /// `n = 0` it is the day of receipt (or that next working day).
    #[must_use]
    pub fn add_working_days(&self, from: LocalDate, n: u32) -> Option<LocalDate> {
        let mut day = if self.is_working_day(from) {
            from
        } else {
            self.next_working_day(from)?
        };
        for _ in 0..n {
            day = self.next_working_day(day)?;
        }
        Some(day)
    }

    /// The number of working days `d` with `a < d ≤ b`, negated when `b` is before `a`; so
    /// for a working day `a`, `add_working_days(a, n) == b` gives `n`. No receipt rule applies.
    #[must_use]
    pub fn working_days_between(&self, a: LocalDate, b: LocalDate) -> i64 {
        let (from, to, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let count = (1..=from.days_until(to))
            .filter_map(|offset| from.add_days(offset))
            .filter(|&day| self.is_working_day(day))
            .count();
        sign * count as i64
    }

    /// Vietnamese name of the holiday, compensatory day or announced day off on `date`, if it
    /// is one. Weekend holidays are named too; make-up working days are not.
    #[must_use]
    pub fn holiday_name(&self, date: LocalDate) -> Option<&str> {
        match self.days_off.get(&date)? {
            DayOff::Statutory(StatutoryDay::Holiday(holiday)) => Some(holiday.name_vi()),
            DayOff::Statutory(StatutoryDay::Compensatory(holiday)) => {
                Some(holiday.compensatory_name_vi())
            }
            DayOff::Announced(note) => Some(note),
        }
    }

    /// Every named day off of `year` (holidays, also on weekends, compensatory and announced
    /// days off), in date order: a year's holiday list for display.
    #[must_use]
    pub fn named_days_off(&self, year: i32) -> Vec<(LocalDate, &str)> {
        let mut days: Vec<(LocalDate, &str)> = self
            .days_off
            .keys()
            .filter(|date| date.year() == year)
            .filter_map(|&date| Some((date, self.holiday_name(date)?)))
            .collect();
        days.sort_by_key(|(date, _)| *date);
        days
    }
}
