//! Vietnamese text as people really type it: NFC or NFD, with or without marks, either tone
//! placement, `i`/`y` variants, raw Telex / VNI keystrokes, abbreviations and everyday words.
//!
//! Every step is a plain function, tested on its own; `query::analyze` chains them for search.

pub mod codes;
pub mod collate;
pub mod keystrokes;
pub mod letters;
pub mod normalize;
pub mod query;
pub mod syllable;
pub mod synonyms;
pub mod tokens;

pub use codes::{find_dossier_codes, find_procedure_codes, is_dossier_code, is_procedure_code};
pub use keystrokes::decode_keystrokes;
pub use normalize::{WordKeys, display_form, fold_key, normalize, word_keys};
pub use query::{AnalyzedQuery, QueryTerm, analyze};
pub use synonyms::{SynonymError, Synonyms};
pub use tokens::{Token, tokenize};
