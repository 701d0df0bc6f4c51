//! The dossier-code parser on any text (what a citizen types or pastes): it must never panic,
//! and whatever it accepts must be a canonical spelling of 8 to 40 characters that parses to
//! itself, so a stored code always finds the same dossier again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use longan_core::dossier::code::{DossierCode, MAX_CODE_CHARS, MIN_CODE_CHARS};

fuzz_target!(|input: &str| {
    let Ok(code) = DossierCode::parse(input) else {
        return;
    };
    let spelling = code.as_str();
    assert!(
        (MIN_CODE_CHARS..=MAX_CODE_CHARS).contains(&spelling.len()),
        "{input:?} gave {spelling:?}"
    );
    assert_eq!(
        DossierCode::parse(spelling).as_ref(),
        Ok(&code),
        "{input:?} gave {spelling:?}, which does not parse to itself"
    );
    if let Some(igate) = code.as_igate() {
        // The parts are slices of the spelling: reading them must not panic either.
        let rebuilt = format!(
            "{}-{}-{}",
            igate.agency_id(),
            &spelling[igate.agency_id().len() + 1..igate.agency_id().len() + 7],
            igate.sequence()
        );
        assert_eq!(rebuilt, spelling);
    }
});
