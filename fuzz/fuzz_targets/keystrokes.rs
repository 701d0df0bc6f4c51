//! The Telex / VNI decoder on any text (a search box takes anything): it must never panic,
//! and once decoded a query has nothing left to decode (every word it changed became a
//! Vietnamese syllable, which is left alone).
#![no_main]

use libfuzzer_sys::fuzz_target;
use longan_core::text::decode_keystrokes;
use longan_core::text::keystrokes::decode_word;

fuzz_target!(|query: &str| {
    // Search lowers the query first; the raw text must not panic either.
    let _ = decode_keystrokes(query);
    let lowered = query.to_lowercase();
    if let Some(decoded) = decode_keystrokes(&lowered) {
        assert_ne!(
            decoded, lowered,
            "a change was reported where there was none"
        );
        assert_eq!(
            decode_keystrokes(&decoded),
            None,
            "{lowered:?} decoded to {decoded:?}, which decodes again"
        );
    }
    let word: Vec<char> = query.chars().take(64).collect();
    let _ = decode_word(&word);
});
