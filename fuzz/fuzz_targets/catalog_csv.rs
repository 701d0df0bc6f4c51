//! The catalogue CSV importer on any bytes. Half the inputs get the catalogue's header first,
//! so the fuzzer spends its time on rows rather than on finding the six column names. The
//! importer must never panic, and what it keeps must be valid, unique procedures.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use longan_core::catalog::csv_import::parse_catalog_csv;
use longan_core::text::is_procedure_code;

const HEADER: &[u8] = "Mã số,Tên,Cơ quan ban hành,Cơ quan thực hiện,Lĩnh vực,URL\n".as_bytes();

fuzz_target!(|data: &[u8]| {
    let Some((&switch, rest)) = data.split_first() else {
        return;
    };
    let bytes = if switch & 1 == 0 {
        [HEADER, rest].concat()
    } else {
        rest.to_vec()
    };
    let Ok(parsed) = parse_catalog_csv(&bytes) else {
        return;
    };
    let mut codes = HashSet::new();
    for procedure in &parsed.procedures {
        assert!(is_procedure_code(&procedure.code), "{:?}", procedure.code);
        assert!(!procedure.name.is_empty());
        assert!(
            codes.insert(procedure.code.as_str()),
            "duplicate {}",
            procedure.code
        );
    }
    for row in &parsed.rejected {
        assert!(row.line >= 1, "lines are 1-based: {row:?}");
        assert!(!row.reason.is_empty());
    }
});
