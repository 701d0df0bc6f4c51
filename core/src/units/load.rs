//! Reading the three CSV tables of `data/admin-units/` into typed rows. The facts stay in the
//! files (see `data/admin-units/README.md`); this only checks that every row is usable.

use super::error::{RowProblem, UnitsError};
use crate::text::normalize;

/// The text of the three tables.
#[derive(Debug, Clone, Copy)]
pub struct UnitSources<'a> {
    /// `915_CTK-CSCL.csv`: the 34 current provinces.
    pub current_provinces: &'a str,
    /// `provinces_old_to_new.csv`: each of the 63 old provinces and the current one it joined.
    pub old_provinces: &'a str,
    /// `long_an_units_old_to_new.csv`: each old Long An commune with its district and the
    /// current commune(s) covering it, one row per (old commune, current commune) pair.
    pub communes: &'a str,
}

impl UnitSources<'static> {
    /// The tables shipped in the library.
    pub const BUNDLED: UnitSources<'static> = UnitSources {
        current_provinces: include_str!("../../../data/admin-units/915_CTK-CSCL.csv"),
        old_provinces: include_str!("../../../data/admin-units/provinces_old_to_new.csv"),
        communes: include_str!("../../../data/admin-units/long_an_units_old_to_new.csv"),
    };
}

const CURRENT_PROVINCES: &str = "915_CTK-CSCL.csv";
const OLD_PROVINCES: &str = "provinces_old_to_new.csv";
const COMMUNES: &str = "long_an_units_old_to_new.csv";

/// A code and the name written beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named {
    pub code: String,
    pub name: String,
}

/// An old province and the code of the current province it is part of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OldProvinceRow {
    pub line: u64,
    pub old: Named,
    pub current_code: String,
}

/// One (old commune, current commune) pair with the units above them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CommuneRow {
    pub line: u64,
    pub old_province: Named,
    pub old_district: Named,
    pub old_commune: Named,
    pub current_province: Named,
    pub current_commune: Named,
}

/// The current provinces (`Stt`, `Mã số`, `Tên 34 tỉnh sau sáp nhập`), with their lines.
pub(super) fn current_provinces(text: &str) -> Result<Vec<(u64, Named)>, UnitsError> {
    let columns = ["Stt", "Mã số", "Tên 34 tỉnh sau sáp nhập"];
    let table = Table::read(CURRENT_PROVINCES, text, &columns)?;
    table
        .rows
        .iter()
        .map(|row| Ok((row.line, table.named(row, 1, 2)?)))
        .collect()
}

/// The old provinces and where each went.
pub(super) fn old_provinces(text: &str) -> Result<Vec<OldProvinceRow>, UnitsError> {
    let columns = [
        "old_province_code",
        "old_province_name",
        "new_province_code",
    ];
    let table = Table::read(OLD_PROVINCES, text, &columns)?;
    table
        .rows
        .iter()
        .map(|row| {
            Ok(OldProvinceRow {
                line: row.line,
                old: table.named(row, 0, 1)?,
                current_code: table.code(row, 2)?,
            })
        })
        .collect()
}

/// The old Long An communes and the current communes covering them.
pub(super) fn communes(text: &str) -> Result<Vec<CommuneRow>, UnitsError> {
    let columns = [
        "old_province_code",
        "old_province_name",
        "old_district_code",
        "old_district_name",
        "old_ward_code",
        "old_ward_name",
        "new_province_code",
        "new_province_name",
        "new_ward_code",
        "new_ward_name",
    ];
    let table = Table::read(COMMUNES, text, &columns)?;
    table
        .rows
        .iter()
        .map(|row| {
            Ok(CommuneRow {
                line: row.line,
                old_province: table.named(row, 0, 1)?,
                old_district: table.named(row, 2, 3)?,
                old_commune: table.named(row, 4, 5)?,
                current_province: table.named(row, 6, 7)?,
                current_commune: table.named(row, 8, 9)?,
            })
        })
        .collect()
}

/// A CSV table whose rows all have the header's number of fields.
struct Table<'a> {
    file: &'static str,
    columns: &'a [&'a str],
    rows: Vec<Row>,
}

struct Row {
    line: u64,
    fields: Vec<String>,
}

impl<'a> Table<'a> {
    fn read(
        file: &'static str,
        text: &str,
        columns: &'a [&'a str],
    ) -> Result<Table<'a>, UnitsError> {
        let csv_error = |error: csv::Error| UnitsError::Csv {
            file,
            reason: error.to_string(),
        };
        // The csv reader miscounts lines of CRLF files (the commune table is one), and lines
        // are what error messages point at.
        let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let found: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let same = |a: &str, b: &str| normalize(a) == normalize(b);
        if found.len() != columns.len() || !found.iter().zip(columns).all(|(f, c)| same(f, c)) {
            return Err(UnitsError::Header {
                file,
                expected: columns.iter().map(|c| c.to_string()).collect(),
                found,
            });
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, |p| p.line());
            // A blank line at the end of a hand-edited file is not a row.
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            if record.len() != columns.len() {
                return Err(UnitsError::Row {
                    file,
                    line,
                    problem: RowProblem::FieldCount {
                        expected: columns.len(),
                        found: record.len(),
                    },
                });
            }
            let fields = record
                .iter()
                .map(|field| field.trim().to_string())
                .collect();
            rows.push(Row { line, fields });
        }
        Ok(Table {
            file,
            columns,
            rows,
        })
    }

    fn problem(&self, row: &Row, problem: RowProblem) -> UnitsError {
        UnitsError::Row {
            file: self.file,
            line: row.line,
            problem,
        }
    }

    /// A non-empty field.
    fn text(&self, row: &Row, column: usize) -> Result<String, UnitsError> {
        let value = &row.fields[column];
        if value.is_empty() {
            return Err(self.problem(
                row,
                RowProblem::Empty {
                    column: self.columns[column].to_string(),
                },
            ));
        }
        Ok(value.clone())
    }

    /// A non-empty field of digits.
    fn code(&self, row: &Row, column: usize) -> Result<String, UnitsError> {
        let value = self.text(row, column)?;
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.problem(
                row,
                RowProblem::Code {
                    column: self.columns[column].to_string(),
                    value,
                },
            ));
        }
        Ok(value)
    }

    fn named(&self, row: &Row, code: usize, name: usize) -> Result<Named, UnitsError> {
        Ok(Named {
            code: self.code(row, code)?,
            name: self.text(row, name)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tables_parse_with_their_known_row_counts() {
        let sources = UnitSources::BUNDLED;
        assert_eq!(
            current_provinces(sources.current_provinces).unwrap().len(),
            34
        );
        assert_eq!(old_provinces(sources.old_provinces).unwrap().len(), 63);
        let communes = communes(sources.communes).unwrap();
        // 186 old communes; the 11 that were split appear once per current commune.
        assert_eq!(communes.len(), 198);
        assert_eq!(communes[0].line, 2);
        assert_eq!(communes[0].old_commune.name, "Phường 5");
    }

    #[test]
    fn a_different_header_is_rejected() {
        let error = old_provinces("code,name,new\n80,Tỉnh Long An,80\n").unwrap_err();
        assert!(
            matches!(
                error,
                UnitsError::Header {
                    file: OLD_PROVINCES,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let header = "old_province_code,old_province_name,new_province_code\n";
        for (body, line, problem) in [
            (
                "80,Tỉnh Long An\n",
                2,
                RowProblem::FieldCount {
                    expected: 3,
                    found: 2,
                },
            ),
            (
                "72,Tỉnh Tây Ninh,80\n80,,80\n",
                3,
                RowProblem::Empty {
                    column: "old_province_name".into(),
                },
            ),
            (
                "8O,Tỉnh Long An,80\n",
                2,
                RowProblem::Code {
                    column: "old_province_code".into(),
                    value: "8O".into(),
                },
            ),
        ] {
            let error = old_provinces(&format!("{header}{body}")).unwrap_err();
            assert_eq!(
                error,
                UnitsError::Row {
                    file: OLD_PROVINCES,
                    line,
                    problem
                },
                "{body:?}"
            );
        }
    }

    #[test]
    fn a_byte_order_mark_and_a_trailing_blank_line_are_accepted() {
        let text = "\u{feff}Stt,Mã số,Tên 34 tỉnh sau sáp nhập\n29,80,Tây Ninh\n\n";
        let rows = current_provinces(text).unwrap();
        assert_eq!(
            rows,
            [(
                2,
                Named {
                    code: "80".into(),
                    name: "Tây Ninh".into()
                }
            )]
        );
    }

    #[test]
    fn lines_are_counted_the_same_with_crlf_line_ends() {
        let text = "old_province_code,old_province_name,new_province_code\r\n\
                    72,Tỉnh Tây Ninh,80\r\n80,Tỉnh Long An\r\n";
        let error = old_provinces(text).unwrap_err();
        assert!(matches!(error, UnitsError::Row { line: 3, .. }), "{error}");
    }

    #[test]
    fn broken_quoting_is_a_csv_error_not_a_panic() {
        let text = "Stt,Mã số,Tên 34 tỉnh sau sáp nhập\n1,\"01,Hà Nội\n";
        assert!(current_provinces(text).is_err());
    }
}
