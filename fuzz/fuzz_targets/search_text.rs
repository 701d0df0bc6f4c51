//! The search text pipeline on any query: normalisation, folding and query analysis (codes,
//! keystrokes, synonyms with the shipped dictionary) must never panic, and the canonical and
//! folded forms are fixed points (normalising twice changes nothing).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use longan_core::text::{Synonyms, analyze, fold_key, normalize};

static SYNONYMS: LazyLock<Synonyms> = LazyLock::new(|| {
    Synonyms::parse(include_str!("../../data/text/synonyms.tsv")).expect("the shipped dictionary")
});

fuzz_target!(|query: &str| {
    let canonical = normalize(query);
    assert_eq!(normalize(&canonical), canonical, "normalize({query:?})");
    let folded = fold_key(query);
    assert_eq!(fold_key(&folded), folded, "fold_key({query:?})");
    let _ = analyze(query, &SYNONYMS);
});
