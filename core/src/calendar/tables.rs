//! The announced calendar data, read from CSV: which days the government picked where the law
//! leaves a choice (`holiday-choices.csv`), and the working days it moved to make bridges
//! (`adjustments.csv`). Both ship inside the library so the core works offline; a malformed
//! row is an error naming the file and line, never a silently skipped day.

use std::collections::{BTreeMap, HashSet};

use super::date::{DateError, LocalDate};
use super::lunar::lunar_new_year;

/// The shipped `data/calendar/adjustments.csv`.
pub const EMBEDDED_ADJUSTMENTS: &str = include_str!("../../../data/calendar/adjustments.csv");

/// The shipped `data/calendar/holiday-choices.csv`.
pub const EMBEDDED_HOLIDAY_CHOICES: &str =
    include_str!("../../../data/calendar/holiday-choices.csv");

pub(super) const ADJUSTMENTS_FILE: &str = "adjustments.csv";
const ADJUSTMENTS_HEADER: [&str; 3] = ["date", "kind", "note"];
const CHOICES_FILE: &str = "holiday-choices.csv";
const CHOICES_HEADER: [&str; 3] = ["date", "occasion", "source"];

/// A calendar table that cannot be used, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}: {problem}")]
pub struct CalendarDataError {
    /// File name, e.g. `adjustments.csv`.
    pub file: &'static str,
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub problem: DataProblem,
}

/// What is wrong with a row of a calendar table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataProblem {
    /// The CSV itself is broken (unbalanced quotes, invalid UTF-8).
    #[error("unreadable CSV: {0}")]
    Csv(String),
    /// The first row is not the expected header.
    #[error("expected the header `{0}`")]
    Header(String),
    /// Too many or too few fields.
    #[error("expected {expected} fields, found {found}")]
    FieldCount {
        /// Fields the table has.
        expected: usize,
        /// Fields the row has.
        found: usize,
    },
    /// The date field is not an existing ISO date.
    #[error(transparent)]
    Date(#[from] DateError),
    /// The kind or occasion field is not one of the known words.
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    /// The note or source field is empty.
    #[error("the {0} field is empty")]
    Empty(&'static str),
    /// A field runs over several lines, most likely from an unclosed quote.
    #[error("a field spans several lines (an unclosed quote?)")]
    MultiLine,
    /// The same date (or the same year's choice) appears twice.
    #[error("{0} is listed twice")]
    Duplicate(LocalDate),
    /// A `working_day` on a Monday–Friday, which is a working day anyway.
    #[error("{0} is a weekday: only a Saturday or Sunday can be made a working day")]
    WorkingDayOnWeekday(LocalDate),
    /// A `day_off` on a Saturday or Sunday, which is a day off anyway.
    #[error("{0} is a weekend day: only a weekday can be made a day off")]
    DayOffOnWeekend(LocalDate),
    /// An adjustment on a day that is already a statutory holiday or compensatory day.
    #[error("{0} is already a statutory day off")]
    AlreadyStatutory(LocalDate),
    /// Five Tết days starting on this date would not include lunar 1/1.
    #[error("five Tết days from {date} do not include lunar new year ({new_year})")]
    TetAwayFromNewYear {
        /// First day given.
        date: LocalDate,
        /// Lunar 1/1 of that year.
        new_year: LocalDate,
    },
    /// The second Quốc khánh day is not 1 or 3 September of a year from 2021.
    #[error("{0} is not 1 or 3 September of a year from 2021")]
    NationalDayNotBeside2September(LocalDate),
}

/// Whether an announcement removes or adds a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AdjustmentKind {
    /// A weekday made a day off (nghỉ hoán đổi, or an extra day off).
    DayOff,
    /// A Saturday or Sunday made a working day (làm bù).
    WorkingDay,
}

/// One row of `adjustments.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Adjustment {
    pub date: LocalDate,
    pub kind: AdjustmentKind,
    /// Vietnamese, shown to users as the name of a `day_off`.
    pub note: String,
    /// Where it is in the file, for errors found later against the statutory days.
    pub line: u64,
}

/// The government's per-year picks among what the law allows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct HolidayChoices {
    tet_first_days: BTreeMap<i32, LocalDate>,
    national_day_second_days: BTreeMap<i32, LocalDate>,
}

impl HolidayChoices {
    /// First of the five Tết days of `year`, when announced.
    pub fn tet_first_day(&self, year: i32) -> Option<LocalDate> {
        self.tet_first_days.get(&year).copied()
    }

    /// The Quốc khánh day beside 2 September of `year`, when announced.
    pub fn national_day_second_day(&self, year: i32) -> Option<LocalDate> {
        self.national_day_second_days.get(&year).copied()
    }

    #[cfg(test)]
    pub fn set_tet_first_day(&mut self, year: i32, date: LocalDate) {
        self.tet_first_days.insert(year, date);
    }
}

/// Reads `adjustments.csv`: `date,kind,note`, kind `day_off` or `working_day`.
pub(super) fn parse_adjustments(text: &str) -> Result<Vec<Adjustment>, CalendarDataError> {
    let mut seen = HashSet::new();
    let mut adjustments = Vec::new();
    for row in rows(text, ADJUSTMENTS_FILE, ADJUSTMENTS_HEADER)? {
        let (line, [date, kind, note]) = row?;
        let fail = |problem| CalendarDataError {
            file: ADJUSTMENTS_FILE,
            line,
            problem,
        };
        let date: LocalDate = date.parse().map_err(|e| fail(DataProblem::Date(e)))?;
        let kind = match kind.as_str() {
            "day_off" => AdjustmentKind::DayOff,
            "working_day" => AdjustmentKind::WorkingDay,
            _ => return Err(fail(DataProblem::UnknownKind(kind))),
        };
        let weekend = date.weekday().is_weekend();
        match kind {
            AdjustmentKind::DayOff if weekend => {
                return Err(fail(DataProblem::DayOffOnWeekend(date)));
            }
            AdjustmentKind::WorkingDay if !weekend => {
                return Err(fail(DataProblem::WorkingDayOnWeekday(date)));
            }
            _ => {}
        }
        if note.is_empty() {
            return Err(fail(DataProblem::Empty("note")));
        }
        if !seen.insert(date) {
            return Err(fail(DataProblem::Duplicate(date)));
        }
        adjustments.push(Adjustment {
            date,
            kind,
            note,
            line,
        });
    }
    Ok(adjustments)
}

/// Reads `holiday-choices.csv`: `date,occasion,source`, occasion `tet` (the first of the five
/// Tết days) or `national_day` (the day beside 2 September).
pub(super) fn parse_holiday_choices(text: &str) -> Result<HolidayChoices, CalendarDataError> {
    let mut choices = HolidayChoices::default();
    for row in rows(text, CHOICES_FILE, CHOICES_HEADER)? {
        let (line, [date, occasion, source]) = row?;
        let fail = |problem| CalendarDataError {
            file: CHOICES_FILE,
            line,
            problem,
        };
        let date: LocalDate = date.parse().map_err(|e| fail(DataProblem::Date(e)))?;
        if source.is_empty() {
            return Err(fail(DataProblem::Empty("source")));
        }
        let year = date.year();
        let table = match occasion.as_str() {
            "tet" => {
                // Every year 1–9999 has a Tết, and the date parsed is in those years.
                let new_year = lunar_new_year(year).ok_or_else(|| {
                    fail(DataProblem::Date(DateError::NoSuchDate {
                        year,
                        month: 1,
                        day: 1,
                    }))
                })?;
                let lead = date.days_until(new_year);
                if !(0..5).contains(&lead) {
                    return Err(fail(DataProblem::TetAwayFromNewYear { date, new_year }));
                }
                &mut choices.tet_first_days
            }
            "national_day" => {
                if year < 2021 || date.month() != 9 || ![1, 3].contains(&date.day()) {
                    return Err(fail(DataProblem::NationalDayNotBeside2September(date)));
                }
                &mut choices.national_day_second_days
            }
            _ => return Err(fail(DataProblem::UnknownKind(occasion))),
        };
        if table.insert(year, date).is_some() {
            return Err(fail(DataProblem::Duplicate(date)));
        }
    }
    Ok(choices)
}

type Row<const N: usize> = Result<(u64, [String; N]), CalendarDataError>;

/// The data rows of a table after checking its header: `#` lines are comments, fields are
/// trimmed. Each row comes with its line number.
fn rows<const N: usize>(
    text: &str,
    file: &'static str,
    header: [&'static str; N],
) -> Result<impl Iterator<Item = Row<N>>, CalendarDataError> {
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let fail = move |line, problem| CalendarDataError {
        file,
        line,
        problem,
    };
    let mut records = reader.into_records();
    let expected_header = header.join(",");
    match records.next() {
        Some(Ok(record)) if record.iter().eq(header.iter().copied()) => {}
        Some(Err(error)) => {
            let line = error.position().map_or(1, csv::Position::line);
            return Err(fail(line, DataProblem::Csv(error.to_string())));
        }
        Some(Ok(record)) => {
            let line = record.position().map_or(1, csv::Position::line);
            return Err(fail(line, DataProblem::Header(expected_header)));
        }
        None => return Err(fail(1, DataProblem::Header(expected_header))),
    }
    Ok(records.map(move |record| {
        let record = record.map_err(|error| {
            let line = error.position().map_or(0, csv::Position::line);
            fail(line, DataProblem::Csv(error.to_string()))
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().any(|field| field.contains(['\n', '\r'])) {
            return Err(fail(line, DataProblem::MultiLine));
        }
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        let found = fields.len();
        let fields: [String; N] = fields
            .try_into()
            .map_err(|_| fail(line, DataProblem::FieldCount { expected: N, found }))?;
        Ok((line, fields))
    }))
}
