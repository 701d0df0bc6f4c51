//! The receipt QR parser on any payload (a scanner hands over whatever a QR code holds): it
//! must never panic, and a code it finds must parse to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use longan_core::dossier::code::DossierCode;
use longan_core::dossier::qr::from_qr_payload;

fuzz_target!(|payload: &str| {
    if let Ok(code) = from_qr_payload(payload) {
        assert_eq!(
            DossierCode::parse(code.as_str()).as_ref(),
            Ok(&code),
            "{payload:?} gave {code}, which does not parse to itself"
        );
    }
});
