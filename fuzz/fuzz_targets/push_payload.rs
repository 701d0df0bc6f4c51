//! Push payloads as any sender could craft them: `parse_push` must never panic, a dossier
//! nudge must carry a canonical code, and a rejection's reason must never quote the payload
//! (it is logged).
#![no_main]

use libfuzzer_sys::fuzz_target;
use longan_core::dossier::code::DossierCode;
use longan_core::notify::{PushNudge, parse_push};

fuzz_target!(|payload: &str| {
    match parse_push(payload) {
        Ok(PushNudge::Dossier { code }) => {
            let reparsed = DossierCode::parse(&code).expect("a nudge's code parses");
            assert_eq!(reparsed.as_str(), code);
        }
        Ok(PushNudge::FeedChanged) => {}
        Err(rejected) => {
            // Reasons are fixed phrases; only a payload that is itself one of them (or a piece
            // of one) may appear in it.
            if payload.len() > 32 {
                assert!(!rejected.to_string().contains(payload));
            }
        }
    }
});
