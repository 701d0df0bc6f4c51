//! The detail-record importer on any text: it must never panic, a record it accepts has a name
//! and a procedure code, and it can be stored as JSON and read back unchanged (the cache keeps
//! records as JSON; one that cannot be read back is lost).
#![no_main]

use libfuzzer_sys::fuzz_target;
use longan_core::catalog::ProcedureDetails;
use longan_core::catalog::details::parse_detail_record;
use longan_core::text::is_procedure_code;

fuzz_target!(|text: &str| {
    let Ok(details) = parse_detail_record(text) else {
        return;
    };
    assert!(is_procedure_code(&details.code), "{:?}", details.code);
    assert!(!details.name.is_empty());
    let json = serde_json::to_string(&details).expect("a record serialises");
    let back: ProcedureDetails = serde_json::from_str(&json)
        .unwrap_or_else(|error| panic!("a parsed record does not read back: {error}\n{json}"));
    assert_eq!(back, details);
});
