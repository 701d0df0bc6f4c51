//! Unit names as people write them: with or without marks, any case, with a title (`xã`,
//! `huyện`, `TP.`, `H.`) or without, numbers with or without leading zeros.
//!
//! A name becomes two keys built from the core's word keys: `exact` keeps the marks (so Tân
//! Thành and Tân Thạnh, two different places, stay apart) and `folded` drops them (for names
//! typed without marks). Words are joined without spaces, so `TânTrụ` still matches.

use super::model::UnitKind;
use crate::text::letters::lower;
use crate::text::normalize::{WordKeys, is_word_char, word_keys, words};

/// Matching keys of a name without its title.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct NameKey {
    /// Marks kept, tone placement and case ignored.
    pub exact: String,
    /// Every mark dropped.
    pub folded: String,
}

/// How well a name matches a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchQuality {
    /// The same name, marks included (or neither has marks).
    Exact,
    /// The same letters; the marks differ or were left out.
    Folded,
    /// The query is the start of the name (marks ignored), as while typing.
    Prefix,
}

/// A name to look for: the title it was written with, if any, and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NameQuery {
    /// Kinds the title names (`thành phố` names two); empty without a title.
    pub kinds: &'static [UnitKind],
    /// Keys of the name after the title.
    pub key: NameKey,
    /// Keys of the whole text, for when the "title" was part of the name (`Tinh Bien`).
    pub whole: NameKey,
}

/// Titles as written before names (a query's first words), with the kinds they name.
const TITLES: &[(&[&str], &[UnitKind])] = &[
    (
        &["thành", "phố"],
        &[UnitKind::Municipality, UnitKind::ProvincialCity],
    ),
    (&["tp"], &[UnitKind::Municipality, UnitKind::ProvincialCity]),
    (&["thị", "trấn"], &[UnitKind::Township]),
    (&["tt"], &[UnitKind::Township]),
    (&["thị", "xã"], &[UnitKind::Town]),
    (&["tx"], &[UnitKind::Town]),
    (&["đặc", "khu"], &[UnitKind::SpecialZone]),
    (&["tỉnh"], &[UnitKind::Province]),
    (&["huyện"], &[UnitKind::RuralDistrict]),
    (&["quận"], &[UnitKind::UrbanDistrict]),
    (&["xã"], &[UnitKind::Commune]),
    (&["phường"], &[UnitKind::Ward]),
];

/// One-letter abbreviations, used only with their dot (`H. Tân Trụ`): without it a letter is
/// too likely to be part of something else.
const LETTER_TITLES: &[(char, &[UnitKind])] = &[
    ('t', &[UnitKind::Province]),
    ('h', &[UnitKind::RuralDistrict]),
    ('q', &[UnitKind::UrbanDistrict]),
    ('x', &[UnitKind::Commune]),
    ('p', &[UnitKind::Ward]),
];

impl NameKey {
    /// Keys of a name (no title expected).
    pub fn of(name: &str) -> NameKey {
        let keys: Vec<WordKeys> = words(name).map(|word| word_keys(&word)).collect();
        NameKey::of_words(&keys)
    }

    fn of_words(words: &[WordKeys]) -> NameKey {
        let mut key = NameKey::default();
        for word in words {
            key.exact.push_str(without_leading_zeros(&word.exact));
            key.folded.push_str(without_leading_zeros(&word.folded));
        }
        key
    }

    /// True when there is nothing to match.
    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// How well `query` matches this name; `prefix` allows matching the name's start (only
    /// from three letters on, or every name would match).
    pub fn matches(&self, query: &NameKey, prefix: bool) -> Option<MatchQuality> {
        if query.is_empty() {
            None
        } else if self.exact == query.exact {
            Some(MatchQuality::Exact)
        } else if self.folded == query.folded {
            Some(MatchQuality::Folded)
        } else if prefix && query.folded.len() >= 3 && self.folded.starts_with(&query.folded) {
            Some(MatchQuality::Prefix)
        } else {
            None
        }
    }
}

/// `Phường 05` is `Phường 5`.
fn without_leading_zeros(word: &str) -> &str {
    if word.bytes().all(|b| b.is_ascii_digit()) && word.len() > 1 {
        let trimmed = word.trim_start_matches('0');
        if trimmed.is_empty() { "0" } else { trimmed }
    } else {
        word
    }
}

/// Reads a name as written: an optional title, then the name.
pub(super) fn read_query(text: &str) -> NameQuery {
    let text = text.trim();
    let whole_words: Vec<WordKeys> = words(text).map(|word| word_keys(&word)).collect();
    let whole = NameKey::of_words(&whole_words);
    if let Some((kinds, rest)) = letter_title(text) {
        let key = NameKey::of(rest);
        if !key.is_empty() {
            return NameQuery { kinds, key, whole };
        }
    }
    for (title, kinds) in TITLES {
        let written = whole_words.get(..title.len());
        let rest = whole_words.get(title.len()..).unwrap_or_default();
        if written.is_some_and(|written| is_title(written, title)) && !rest.is_empty() {
            return NameQuery {
                kinds,
                key: NameKey::of_words(rest),
                whole,
            };
        }
    }
    NameQuery {
        kinds: &[],
        key: whole.clone(),
        whole,
    }
}

/// True when `written` words are the `title` words: with the same marks, or typed without any
/// (a `Tịnh` is not a `tỉnh`, but a `tinh` may be).
fn is_title(written: &[WordKeys], title: &[&str]) -> bool {
    written.iter().zip(title).all(|(word, title_word)| {
        let title_keys = word_keys(&title_word.chars().collect::<Vec<_>>());
        word.exact == title_keys.exact
            || (word.exact == word.folded && word.folded == title_keys.folded)
    })
}

/// Byte offsets (after the first word) where a title written with its marks, or an
/// abbreviation such as `TP`, starts a new unit name: `Ấp 3 xã Bình Tịnh huyện Tân Trụ` has
/// two. Titles typed without marks do not count here: `tinh` in `binh tinh` is part of a name,
/// not `tỉnh`. (Words are split here rather than with `words`, which gives no byte offsets.)
pub(super) fn title_starts(text: &str) -> Vec<usize> {
    let mut spans: Vec<(usize, Vec<char>)> = Vec::new();
    let mut in_word = false;
    for (at, c) in text.char_indices() {
        match spans.last_mut() {
            Some((_, word)) if in_word && is_word_char(c) => word.push(lower(c)),
            _ if is_word_char(c) => spans.push((at, vec![lower(c)])),
            _ => {}
        }
        in_word = is_word_char(c);
    }
    let keys: Vec<WordKeys> = spans.iter().map(|(_, word)| word_keys(word)).collect();
    let mut starts = Vec::new();
    let mut i = 1;
    while i < keys.len() {
        let title_len = TITLES.iter().map(|(title, _)| *title).find(|title| {
            keys.get(i..i + title.len()).is_some_and(|written| {
                written.iter().zip(title.iter()).all(|(word, title_word)| {
                    word.exact == word_keys(&title_word.chars().collect::<Vec<_>>()).exact
                })
            })
        });
        match title_len {
            Some(title) => {
                starts.push(spans[i].0);
                i += title.len();
            }
            None => i += 1,
        }
    }
    starts
}

/// `H. Tân Trụ`, `x.Bình Tịnh`: a title letter, its dot, the name.
fn letter_title(text: &str) -> Option<(&'static [UnitKind], &str)> {
    let mut chars = text.chars();
    let letter = chars.next()?.to_ascii_lowercase();
    let rest = chars.as_str().strip_prefix('.')?;
    LETTER_TITLES
        .iter()
        .find(|(title, _)| *title == letter)
        .map(|(_, kinds)| (*kinds, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_case_spacing_and_tone_placement_do_not_change_the_exact_key() {
        let key = NameKey::of("Bình Hòa");
        assert_eq!(NameKey::of("BÌNH HOÀ"), key);
        assert_eq!(NameKey::of("  bình   hòa "), key);
        // Two syllables typed as one word lose their tones but keep their letters.
        assert_eq!(NameKey::of("BìnhHòa").folded, key.folded);
        assert_eq!(key.folded, "binhhoa");
    }

    #[test]
    fn thanh_and_thanh_with_other_marks_share_only_the_folded_key() {
        let grave = NameKey::of("Tân Thành");
        let dot = NameKey::of("Tân Thạnh");
        assert_ne!(grave.exact, dot.exact);
        assert_eq!(grave.folded, dot.folded);
        assert_eq!(grave.matches(&dot, false), Some(MatchQuality::Folded));
        assert_eq!(
            grave.matches(&NameKey::of("tan thanh"), false),
            Some(MatchQuality::Folded)
        );
    }

    #[test]
    fn numbers_match_with_or_without_leading_zeros() {
        assert_eq!(NameKey::of("05"), NameKey::of("5"));
        assert_eq!(NameKey::of("0"), NameKey::of("00"));
    }

    #[test]
    fn a_prefix_matches_from_three_letters() {
        let name = NameKey::of("Tân Trụ");
        assert_eq!(
            name.matches(&NameKey::of("tân tr"), true),
            Some(MatchQuality::Prefix)
        );
        assert_eq!(name.matches(&NameKey::of("tân tr"), false), None);
        assert_eq!(name.matches(&NameKey::of("ta"), true), None);
    }

    #[test]
    fn titles_are_read_in_full_abbreviated_and_without_marks() {
        for (text, kinds, name) in [
            ("xã Bình Tịnh", &[UnitKind::Commune][..], "Bình Tịnh"),
            ("Xa Binh Tinh", &[UnitKind::Commune], "Bình Tịnh"),
            ("huyện Tân Trụ", &[UnitKind::RuralDistrict], "Tân Trụ"),
            ("H. Tân Trụ", &[UnitKind::RuralDistrict], "Tân Trụ"),
            ("h.Tân Trụ", &[UnitKind::RuralDistrict], "Tân Trụ"),
            ("Thị trấn Tân Trụ", &[UnitKind::Township], "Tân Trụ"),
            ("TT Tân Trụ", &[UnitKind::Township], "Tân Trụ"),
            ("thi xa Kien Tuong", &[UnitKind::Town], "Kiến Tường"),
            (
                "TP. Tân An",
                &[UnitKind::Municipality, UnitKind::ProvincialCity],
                "Tân An",
            ),
            (
                "Thành phố Tân An",
                &[UnitKind::Municipality, UnitKind::ProvincialCity],
                "Tân An",
            ),
            ("tỉnh Long An", &[UnitKind::Province], "Long An"),
            ("P.05", &[UnitKind::Ward], "5"),
            ("Phường 5", &[UnitKind::Ward], "5"),
        ] {
            let query = read_query(text);
            assert_eq!(query.kinds, kinds, "{text}");
            assert_eq!(query.key.folded, NameKey::of(name).folded, "{text}");
        }
    }

    #[test]
    fn a_word_with_other_marks_is_not_a_title() {
        let query = read_query("Tịnh Biên");
        assert!(query.kinds.is_empty());
        assert_eq!(query.key, NameKey::of("Tịnh Biên"));
        // Without marks it may be either: the whole text is kept for a second try.
        let query = read_query("Tinh Bien");
        assert_eq!(query.kinds, &[UnitKind::Province]);
        assert_eq!(query.whole.folded, "tinhbien");
    }

    #[test]
    fn titles_written_with_marks_start_new_names() {
        let text = "Ấp 3 xã Bình Tịnh huyện Tân Trụ thị xã Kiến Tường TP Tân An";
        let starts: Vec<String> = title_starts(text)
            .into_iter()
            .map(|at| text[at..].chars().take(3).collect())
            .collect();
        assert_eq!(starts, ["xã ", "huy", "thị", "TP "]);
        assert!(title_starts("ap 3 xa binh tinh huyen tan tru").is_empty());
        assert!(title_starts("xã Bình Tịnh").is_empty());
    }

    #[test]
    fn a_title_alone_is_a_name() {
        let query = read_query("Xã");
        assert!(query.kinds.is_empty());
        assert_eq!(query.key.folded, "xa");
    }
}
