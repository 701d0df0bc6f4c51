//! The shipped tables parse, and malformed rows are refused with where and why.

use super::date;
use crate::calendar::tables::{AdjustmentKind, parse_adjustments, parse_holiday_choices};
use crate::calendar::{
    CalendarDataError, DataProblem, EMBEDDED_ADJUSTMENTS, EMBEDDED_HOLIDAY_CHOICES, WorkingCalendar,
};

const ADJUSTMENTS_HEADER: &str = "date,kind,note\n";
const CHOICES_HEADER: &str = "date,occasion,source\n";

fn adjustment_problem(rows: &str) -> (u64, DataProblem) {
    let error = parse_adjustments(&format!("# comment\n{ADJUSTMENTS_HEADER}{rows}")).unwrap_err();
    assert_eq!(error.file, "adjustments.csv");
    (error.line, error.problem)
}

fn choice_problem(rows: &str) -> DataProblem {
    parse_holiday_choices(&format!("{CHOICES_HEADER}{rows}"))
        .unwrap_err()
        .problem
}

#[test]
fn the_shipped_tables_parse_and_build_a_calendar() {
    let adjustments = parse_adjustments(EMBEDDED_ADJUSTMENTS).unwrap();
    assert!(adjustments.len() >= 8);
    for year in 2024..=2026 {
        assert!(
            adjustments
                .iter()
                .any(|a| a.date.year() == year && a.kind == AdjustmentKind::DayOff),
            "{year}"
        );
    }
    let choices = parse_holiday_choices(EMBEDDED_HOLIDAY_CHOICES).unwrap();
    assert_eq!(choices.tet_first_day(2026), Some(date("2026-02-16")));
    WorkingCalendar::from_tables(EMBEDDED_ADJUSTMENTS, EMBEDDED_HOLIDAY_CHOICES).unwrap();
}

#[test]
fn malformed_adjustment_rows_are_refused_with_their_line() {
    assert!(matches!(
        adjustment_problem("2025-02-30,day_off,x\n"),
        (3, DataProblem::Date(_))
    ));
    assert!(matches!(
        adjustment_problem("2025/05/02,day_off,x\n"),
        (3, DataProblem::Date(_))
    ));
    assert_eq!(
        adjustment_problem("2025-05-02,holiday,x\n"),
        (3, DataProblem::UnknownKind("holiday".into()))
    );
    assert_eq!(
        adjustment_problem("2025-05-02,day_off\n"),
        (
            3,
            DataProblem::FieldCount {
                expected: 3,
                found: 2
            }
        )
    );
    assert_eq!(
        adjustment_problem("2025-05-02,day_off,x,y\n"),
        (
            3,
            DataProblem::FieldCount {
                expected: 3,
                found: 4
            }
        )
    );
    assert_eq!(
        adjustment_problem("2025-05-02,day_off, \n"),
        (3, DataProblem::Empty("note"))
    );
    assert_eq!(
        adjustment_problem("2025-05-03,day_off,x\n"),
        (3, DataProblem::DayOffOnWeekend(date("2025-05-03")))
    );
    assert_eq!(
        adjustment_problem("2025-05-02,working_day,x\n"),
        (3, DataProblem::WorkingDayOnWeekday(date("2025-05-02")))
    );
    assert_eq!(
        adjustment_problem("2025-05-02,day_off,x\n2025-05-02,day_off,y\n"),
        (4, DataProblem::Duplicate(date("2025-05-02")))
    );
    assert_eq!(
        adjustment_problem("2025-05-02,day_off,\"x\n2025-05-05,day_off,y\n"),
        (3, DataProblem::MultiLine)
    );
}

#[test]
fn a_table_without_its_header_is_refused() {
    let error = parse_adjustments("2025-05-02,day_off,x\n").unwrap_err();
    assert_eq!(
        error,
        CalendarDataError {
            file: "adjustments.csv",
            line: 1,
            problem: DataProblem::Header("date,kind,note".into()),
        }
    );
    assert_eq!(
        parse_adjustments("").unwrap_err().problem,
        DataProblem::Header("date,kind,note".into())
    );
}

#[test]
fn an_adjustment_on_a_statutory_day_off_is_refused() {
    let adjustments = format!("{ADJUSTMENTS_HEADER}2026-04-27,day_off,x\n");
    let error = WorkingCalendar::from_tables(&adjustments, CHOICES_HEADER).unwrap_err();
    assert_eq!(error.line, 2);
    assert_eq!(
        error.problem,
        DataProblem::AlreadyStatutory(date("2026-04-27"))
    );
}

#[test]
fn malformed_holiday_choices_are_refused() {
    assert_eq!(
        choice_problem("2026-02-10,tet,x\n"),
        DataProblem::TetAwayFromNewYear {
            date: date("2026-02-10"),
            new_year: date("2026-02-17"),
        }
    );
    assert_eq!(
        choice_problem("2026-02-18,tet,x\n"),
        DataProblem::TetAwayFromNewYear {
            date: date("2026-02-18"),
            new_year: date("2026-02-17"),
        }
    );
    assert_eq!(
        choice_problem("2026-09-04,national_day,x\n"),
        DataProblem::NationalDayNotBeside2September(date("2026-09-04"))
    );
    assert_eq!(
        choice_problem("2020-09-01,national_day,x\n"),
        DataProblem::NationalDayNotBeside2September(date("2020-09-01"))
    );
    assert_eq!(
        choice_problem("2026-09-01,christmas,x\n"),
        DataProblem::UnknownKind("christmas".into())
    );
    assert_eq!(
        choice_problem("2026-09-01,national_day,\n"),
        DataProblem::Empty("source")
    );
    assert_eq!(
        choice_problem("2026-09-01,national_day,x\n2026-09-03,national_day,y\n"),
        DataProblem::Duplicate(date("2026-09-03"))
    );
}
