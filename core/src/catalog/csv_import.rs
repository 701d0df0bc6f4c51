//! Reading the national catalogue CSV (`Mã số, Tên, Cơ quan ban hành, Cơ quan thực hiện,
//! Lĩnh vực, URL`, UTF-8 with or without BOM). Every valid row is kept; every rejected row is
//! reported with its line and reason; one bad row never stops the import.

use std::collections::HashMap;

use serde::Serialize;

use super::classify::{infer_levels, scope_of};
use super::error::CatalogError;
use super::model::Procedure;
use crate::text::{display_form, fold_key, is_procedure_code};

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// 1-based line in the file where the row starts.
    pub line: u64,
    /// The row's code as written, when it has one.
    pub code: Option<String>,
    /// Why it was rejected.
    pub reason: String,
}

/// The rows of one CSV file.
#[derive(Debug, Clone, Default)]
pub struct ParsedCsv {
    /// Valid procedures, in file order.
    pub procedures: Vec<Procedure>,
    /// Rows that were not imported.
    pub rejected: Vec<RejectedRow>,
}

const COLUMNS: [&str; 6] = [
    "ma so",
    "ten",
    "co quan ban hanh",
    "co quan thuc hien",
    "linh vuc",
    "url",
];

/// Parses a catalogue CSV. Fails only when the header is not the catalogue's.
pub fn parse_catalog_csv(bytes: &[u8]) -> Result<ParsedCsv, CatalogError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|error| CatalogError::ImportFailed {
            reason: format!("unreadable header: {error}"),
        })?
        .clone();
    let columns = locate_columns(&header)?;
    let mut parsed = ParsedCsv::default();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                parsed.rejected.push(RejectedRow {
                    line,
                    code: None,
                    reason: format!("unreadable row: {error}"),
                });
                // A CSV syntax error can leave the reader mid-row; carry on with what follows.
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        match row_to_procedure(&record, &columns) {
            Ok(procedure) => {
                if let Some(first) = first_line_of.get(&procedure.code) {
                    parsed.rejected.push(RejectedRow {
                        line,
                        code: Some(procedure.code.clone()),
                        reason: format!("duplicate code, first seen on line {first}"),
                    });
                } else {
                    first_line_of.insert(procedure.code.clone(), line);
                    parsed.procedures.push(procedure);
                }
            }
            Err((code, reason)) => parsed.rejected.push(RejectedRow { line, code, reason }),
        }
    }
    Ok(parsed)
}

fn locate_columns(header: &csv::ByteRecord) -> Result<[usize; 6], CatalogError> {
    let names: Vec<String> = header
        .iter()
        .map(|field| fold_key(&String::from_utf8_lossy(field)))
        .collect();
    let mut columns = [0usize; 6];
    for (slot, wanted) in columns.iter_mut().zip(COLUMNS) {
        *slot = names
            .iter()
            .position(|name| name == wanted)
            .ok_or_else(|| CatalogError::ImportFailed {
                reason: format!(
                    "the header has no column like `{wanted}` (found: {})",
                    names.join(", ")
                ),
            })?;
    }
    Ok(columns)
}

fn row_to_procedure(
    record: &csv::ByteRecord,
    columns: &[usize; 6],
) -> Result<Procedure, (Option<String>, String)> {
    let mut values: Vec<String> = Vec::with_capacity(6);
    let raw_code = record
        .get(columns[0])
        .map(|c| String::from_utf8_lossy(c).trim().to_string());
    for (index, &column) in columns.iter().enumerate() {
        let Some(field) = record.get(column) else {
            return Err((
                raw_code,
                format!(
                    "the row has {} columns, expected at least {}",
                    record.len(),
                    column + 1
                ),
            ));
        };
        let text = std::str::from_utf8(field).map_err(|_| {
            (
                raw_code.clone(),
                format!("column {} is not valid UTF-8", index + 1),
            )
        })?;
        values.push(display_form(text).trim().to_string());
    }
    let [code, name, publisher, agencies, field, url]: [String; 6] = values
        .try_into()
        .map_err(|_| (raw_code.clone(), "wrong number of columns".to_string()))?;
    if !is_procedure_code(&code) {
        return Err((
            Some(code),
            "malformed code (expected one digit, a dot and six digits)".into(),
        ));
    }
    if name.is_empty() {
        return Err((Some(code), "empty name".into()));
    }
    let agencies: Vec<String> = agencies
        .split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(String::from)
        .collect();
    Ok(Procedure {
        levels: infer_levels(&agencies),
        scope: scope_of(&publisher),
        code,
        name,
        field,
        publisher,
        agencies,
        source_url: url,
        details: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::Scope;
    use proptest::prelude::*;

    const HEADER: &str = "\u{feff}Mã số,Tên,Cơ quan ban hành,Cơ quan thực hiện,Lĩnh vực,URL\n";

    #[test]
    fn valid_rows_are_imported_and_bad_rows_reported_with_their_lines() {
        let csv = format!(
            "{HEADER}1.001193,Thủ tục đăng ký khai sinh,Bộ Tư pháp,Ủy ban nhân dân cấp xã,Hộ tịch,https://x/1\n\
             1.0133611,Mã hỏng,Bộ Tư pháp,,Hộ tịch,https://x/2\n\
             \"1.000001\",\"Tên có dấu phẩy, và\nxuống dòng\",UBND tỉnh Lạng Sơn,Sở A; Sở B,Đất đai,https://x/3\n\
             1.001193,Trùng mã,Bộ Tư pháp,,Hộ tịch,https://x/4\n\
             1.000002,,Bộ Tư pháp,,Hộ tịch,https://x/5\n"
        );
        let parsed = parse_catalog_csv(csv.as_bytes()).unwrap();
        let codes: Vec<&str> = parsed.procedures.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["1.001193", "1.000001"]);
        assert_eq!(parsed.procedures[1].agencies, ["Sở A", "Sở B"]);
        assert_eq!(
            parsed.procedures[1].scope,
            Scope::Province("Lạng Sơn".into())
        );
        let rejected: Vec<(u64, &str)> = parsed
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(rejected.len(), 3);
        assert_eq!(rejected[0].0, 3);
        assert!(rejected[0].1.contains("malformed code"));
        assert_eq!(rejected[1], (6, "duplicate code, first seen on line 2"));
        assert_eq!(rejected[2], (7, "empty name"));
    }

    #[test]
    fn names_are_stored_in_nfc_with_the_legacy_letter_repaired() {
        let csv = format!("{HEADER}1.000003,Ngƣời có công cu\u{300},Bộ Nội vụ,,Người có công,u\n");
        let parsed = parse_catalog_csv(csv.as_bytes()).unwrap();
        assert_eq!(parsed.procedures[0].name, "Người có công cù");
    }

    #[test]
    fn a_file_that_is_not_the_catalogue_is_refused() {
        assert!(matches!(
            parse_catalog_csv(b"a,b,c\n1,2,3\n"),
            Err(CatalogError::ImportFailed { .. })
        ));
        assert!(matches!(
            parse_catalog_csv(b""),
            Err(CatalogError::ImportFailed { .. })
        ));
    }

    #[test]
    fn invalid_utf8_and_short_rows_are_rejected_not_fatal() {
        let mut csv = HEADER.as_bytes().to_vec();
        csv.extend_from_slice(
            b"1.000004,\xff\xfe,B\xe1\xbb\x99,,X,u\n1.000005,short\n1.000006,Ok,,,X,u\n",
        );
        let parsed = parse_catalog_csv(&csv).unwrap();
        assert_eq!(parsed.procedures.len(), 1);
        assert_eq!(parsed.rejected.len(), 2);
    }

    /// A CSV field: a procedure code, text with quotes, separators and line breaks, or any
    /// bytes at all (invalid UTF-8 included).
    fn field() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::sample::select(vec![
                "1.001193",
                "2.000042",
                "1.0133611",
                "",
                "Đăng ký khai sinh",
                "\"a, b\"",
                "\"x\ny\"",
                "\"",
                "Sở A; Sở B",
                "UBND tỉnh Lạng Sơn",
                "\u{feff}",
                "\r\n",
            ])
            .prop_map(|text| text.as_bytes().to_vec()),
            proptest::collection::vec(any::<u8>(), 0..12),
        ]
    }

    /// A catalogue file: its header (or none), then rows of any number of fields.
    fn catalogue_file() -> impl Strategy<Value = Vec<u8>> {
        let row =
            proptest::collection::vec(field(), 0..8).prop_map(|fields| fields.join(&b","[..]));
        (any::<bool>(), proptest::collection::vec(row, 0..8)).prop_map(|(header, rows)| {
            let mut bytes = if header {
                HEADER.as_bytes().to_vec()
            } else {
                Vec::new()
            };
            bytes.extend(rows.join(&b"\n"[..]));
            bytes
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn importing_any_bytes_never_panics_and_keeps_only_valid_unique_codes(
            bytes in prop_oneof![catalogue_file(), proptest::collection::vec(any::<u8>(), 0..256)]
        ) {
            if let Ok(parsed) = parse_catalog_csv(&bytes) {
                let mut seen = std::collections::HashSet::new();
                for procedure in &parsed.procedures {
                    prop_assert!(is_procedure_code(&procedure.code), "{:?}", procedure.code);
                    prop_assert!(!procedure.name.is_empty());
                    prop_assert!(seen.insert(procedure.code.clone()), "{:?}", procedure.code);
                }
                prop_assert!(parsed.rejected.iter().all(|row| row.line >= 1));
            }
        }
    }

    #[test]
    fn the_real_national_catalogue_imports_all_but_its_three_malformed_codes() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/tthc/national-catalog.csv"
        ))
        .unwrap();
        let parsed = parse_catalog_csv(&bytes).unwrap();
        assert_eq!(parsed.procedures.len(), 5605);
        let mut codes: Vec<&str> = parsed
            .rejected
            .iter()
            .filter_map(|r| r.code.as_deref())
            .collect();
        codes.sort();
        assert_eq!(codes, ["1.0133611", "1.014955-Xoa", "2.009182739"]);
    }
}
