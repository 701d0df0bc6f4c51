//! Canonical forms of Vietnamese text: the display form and the two matching keys.
//!
//! - `normalize`: NFC, lower case, `ƣ` → `ư`, tone mark in one canonical place, invisible
//!   format characters dropped. `hoá` and `hóa` normalise to the same string.
//! - exact key (per syllable): toneless letters with vowel quality, the `i`/`y` rule applied,
//!   then the tone as a digit. Equal exact keys mean "typed with the same diacritics".
//! - folded key: every mark removed, `đ` → `d`, the `i`/`y` rule applied. Equal folded keys mean
//!   "the same letters, whatever the marks".

use unicode_normalization::UnicodeNormalization;

use super::letters::{Tone, is_combining_mark, lower, split_tone, strip_marks};
use super::syllable::{place_tone, unify_final_y};

/// True for characters that are part of a word (letters, digits and combining marks).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// Invisible format characters seen in scraped data (left-to-right marks, zero-width spaces).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}' | '\u{feff}' | '\u{ad}')
}

/// NFC with invisible format characters removed and the legacy `ƣ` repaired; case and tone
/// placement are kept. This is the display form of names.
pub fn display_form(text: &str) -> String {
    display_cow(text).into_owned()
}

/// [`display_form`] without a copy when the text already is in display form (the usual case).
pub(crate) fn display_cow(text: &str) -> std::borrow::Cow<'_, str> {
    let needs_repair = |c: char| is_invisible(c) || c.is_control() || matches!(c, 'ƣ' | 'Ƣ');
    let already = !text.chars().any(needs_repair)
        && (text.is_ascii()
            || unicode_normalization::is_nfc_quick(text.chars())
                == unicode_normalization::IsNormalized::Yes);
    if already {
        return std::borrow::Cow::Borrowed(text);
    }
    // Repairs first, composition last: `ƣ` followed by a combining tone mark only composes
    // once it is `ư` (`sƣ̉` → `sử`), and a mark separated from its letter by an invisible
    // character only composes once that character is gone. Composing first left such text
    // in NFD, so its tone was lost by the keys and a second pass changed it.
    std::borrow::Cow::Owned(
        text.chars()
            .filter(|c| !is_invisible(*c))
            .map(|c| match c {
                'ƣ' => 'ư',
                'Ƣ' => 'Ư',
                // Line breaks and terminal escapes have no place in a name or a query.
                _ if c.is_control() => ' ',
                _ => c,
            })
            .nfc()
            .collect(),
    )
}

/// The canonical form of any input: NFC, lower case, legacy letters repaired, tone marks placed
/// canonically (`hóa` → `hoá`, `thủy` → `thuỷ`), invisible characters dropped.
pub fn normalize(text: &str) -> String {
    let display = display_form(text);
    let mut out = String::with_capacity(display.len());
    let mut word: Vec<char> = Vec::new();
    for c in display.chars() {
        if is_word_char(c) {
            word.push(lower(c));
        } else {
            push_canonical_word(&mut out, &word);
            word.clear();
            out.push(c);
        }
    }
    push_canonical_word(&mut out, &word);
    out
}

fn push_canonical_word(out: &mut String, word: &[char]) {
    if word.is_empty() {
        return;
    }
    match toneless(word) {
        Some((letters, tone)) => out.extend(place_tone(&letters, tone)),
        // Lower-casing can make a letter composable with the mark after it (`İ̀` → `ì`):
        // compose again so the canonical form stays NFC.
        None => out.extend(word.iter().copied().nfc()),
    }
}

/// Splits a lower-case word into toneless letters and its single tone; `None` when the word has
/// more than one tone mark (not a syllable, leave it alone).
pub fn toneless(word: &[char]) -> Option<(Vec<char>, Tone)> {
    let mut letters = Vec::with_capacity(word.len());
    let mut tone = Tone::Level;
    for &c in word {
        if is_combining_mark(c) {
            continue;
        }
        let (letter, letter_tone) = split_tone(c);
        if letter_tone != Tone::Level {
            if tone != Tone::Level {
                return None;
            }
            tone = letter_tone;
        }
        letters.push(letter);
    }
    Some((letters, tone))
}

/// Matching keys of one word (already lower-case, NFC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordKeys {
    /// Diacritics kept: toneless letters + tone digit, `i`/`y` unified.
    pub exact: String,
    /// Accent-free: no marks, `đ` → `d`, `i`/`y` unified.
    pub folded: String,
}

/// Computes both matching keys for one lower-case word.
pub fn word_keys(word: &[char]) -> WordKeys {
    // Plain ASCII words (no marks at all) are the common case in typed queries: both keys are
    // the word itself after the i/y rule.
    if word.iter().all(char::is_ascii) {
        let mut letters = word.to_vec();
        unify_final_y(&mut letters);
        let folded: String = letters.iter().collect();
        return WordKeys {
            exact: folded.clone(),
            folded,
        };
    }
    let (mut letters, tone) = toneless(word).unwrap_or_else(|| {
        let stripped = word
            .iter()
            .filter(|c| !is_combining_mark(**c))
            .map(|&c| split_tone(c).0)
            .collect();
        (stripped, Tone::Level)
    });
    unify_final_y(&mut letters);
    // The rule again on the bare letters: a word that is a syllable only once its marks are
    // gone (`ĉy`, a letter from outside Vietnamese) must fold as the bare word does, or the
    // folded key of a folded key would differ.
    let mut bare: Vec<char> = letters.iter().map(|&c| strip_marks(c)).collect();
    unify_final_y(&mut bare);
    let folded: String = bare.into_iter().collect();
    let mut exact: String = letters.iter().collect();
    if tone != Tone::Level {
        exact.push(tone.digit());
    }
    WordKeys { exact, folded }
}

/// The accent-free key of a whole text: words folded one by one, separated by single spaces,
/// punctuation dropped. Used for field names, filters and dictionary entries.
pub fn fold_key(text: &str) -> String {
    words(text)
        .map(|word| word_keys(&word).folded)
        // A "word" of stray combining marks folds to nothing; it must not leave a space.
        .filter(|folded| !folded.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lower-case words of a text (NFC, invisible characters dropped), as character vectors.
pub fn words(text: &str) -> impl Iterator<Item = Vec<char>> {
    split_words(&display_cow(text))
}

/// The lower-case words of a text already in display form (no normalisation pass).
pub(crate) fn split_words(display: &str) -> std::vec::IntoIter<Vec<char>> {
    let mut all = Vec::new();
    let mut word = Vec::new();
    for c in display.chars() {
        if is_word_char(c) {
            word.push(lower(c));
        } else if !word.is_empty() {
            all.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        all.push(word);
    }
    all.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys(word: &str) -> WordKeys {
        word_keys(&word.chars().collect::<Vec<_>>())
    }

    #[test]
    fn normalize_makes_nfd_and_nfc_input_identical() {
        let nfc = "Đăng ký khai sinh";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(normalize(nfc), normalize(&nfd));
        assert_eq!(normalize(nfc), "đăng ký khai sinh");
    }

    #[test]
    fn normalize_repairs_the_legacy_u_horn_letter() {
        assert_eq!(normalize("Ngƣời"), "người");
        assert_eq!(display_form("Ngƣời Ƣu"), "Người Ưu");
    }

    #[test]
    fn a_tone_mark_after_the_legacy_u_horn_letter_is_kept() {
        // Found by the NFC and idempotence properties below: the mark stayed apart from `ư`.
        assert_eq!(display_form("Sƣ\u{309} dụng"), "Sử dụng");
        assert_eq!(normalize("sƣ\u{309} dụng"), "sử dụng");
        assert_eq!(normalize("ƣ\u{300}ềò"), "ừềò");
        assert_eq!(fold_key("sƣ\u{309}"), fold_key("sử"));
    }

    #[test]
    fn a_mark_separated_from_its_letter_by_an_invisible_character_joins_it() {
        assert_eq!(display_form("e\u{200b}\u{301}"), "é");
        assert_eq!(normalize("Đa\u{feff}\u{306}ng"), "đăng");
    }

    #[test]
    fn the_capital_i_with_a_dot_folds_like_any_i() {
        // Found by the folding property below: the key kept an upper-case `I`.
        assert_eq!(fold_key("İ"), "i");
        assert_eq!(fold_key(&fold_key("İ")), fold_key("İ"));
    }

    #[test]
    fn a_stray_mark_after_a_space_leaves_no_empty_word_in_the_folded_key() {
        // Found by the folding property below: `a ̀` folded to `a ` and then to `a`.
        assert_eq!(fold_key("Hộ tịch \u{300}"), "ho tich");
        assert_eq!(fold_key("\u{301}"), "");
    }

    #[test]
    fn a_word_that_is_a_syllable_only_without_its_marks_folds_like_the_bare_word() {
        // Found by the search_text fuzz target: `ĉy` folded to `cy`, and `cy` to `ci`.
        assert_eq!(fold_key("ĉy"), "ci");
        assert_eq!(fold_key("ĉy"), fold_key("cy"));
        assert_eq!(keys("thủy").folded, "thuy");
    }

    #[test]
    fn a_word_lowered_into_a_composable_letter_is_composed_again() {
        // Found by the NFC property below: `İ̀` lowered to `i` and a loose grave accent.
        let canonical = normalize("İ\u{300}àò");
        assert_eq!(canonical, "ìàò");
        assert!(unicode_normalization::is_nfc(&canonical));
    }

    #[test]
    fn normalize_puts_tone_marks_in_one_place() {
        assert_eq!(normalize("hóa"), normalize("hoá"));
        assert_eq!(normalize("thủy"), normalize("thuỷ"));
        assert_eq!(normalize("khỏe"), normalize("khoẻ"));
        assert_eq!(normalize("Hòa"), "hoà");
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(display_form("Cấp\nphép\u{1b}[31m"), "Cấp phép [31m");
    }

    #[test]
    fn normalize_drops_invisible_marks_and_keeps_punctuation() {
        assert_eq!(normalize("k\u{200e}ý, (1)"), "ký, (1)");
    }

    #[test]
    fn exact_key_ignores_tone_placement_but_not_tone() {
        assert_eq!(keys("hoá"), keys("hóa"));
        assert_ne!(keys("hoà").exact, keys("hoá").exact);
        assert_eq!(keys("hoà").folded, "hoa");
    }

    #[test]
    fn folded_key_removes_every_mark_and_folds_d_with_stroke() {
        assert_eq!(
            fold_key("Đăng ký Quyền sử dụng đất"),
            "dang ki quyen su dung dat"
        );
        assert_eq!(fold_key("ĐƯỜNG"), "duong");
    }

    #[test]
    fn i_and_y_variants_share_both_keys_but_ui_and_uy_do_not() {
        assert_eq!(keys("kí"), keys("ký"));
        assert_eq!(keys("lí"), keys("lý"));
        assert_eq!(keys("mĩ"), keys("mỹ"));
        assert_ne!(keys("thủy").folded, keys("thủi").folded);
        assert_eq!(keys("thủy").folded, "thuy");
    }

    /// Lower-case Vietnamese letters in NFC, every vowel with every tone.
    const VIETNAMESE_LETTERS: &str = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộ\
                                      ơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ";

    /// Text as people and scrapers produce it: Vietnamese letters in both cases, the legacy
    /// `ƣ`, loose combining marks, invisible and control characters, punctuation, and now and
    /// then any character at all.
    fn vietnamese_text() -> impl Strategy<Value = String> {
        let letters: Vec<char> = VIETNAMESE_LETTERS.chars().collect();
        let upper: Vec<char> = letters
            .iter()
            .map(|c| c.to_uppercase().next().unwrap_or(*c))
            .collect();
        let others = vec![
            ' ', ' ', ',', '.', '-', '(', '1', '9', 'ƣ', 'Ƣ', '\u{300}', '\u{301}', '\u{303}',
            '\u{309}', '\u{323}', '\u{302}', '\u{306}', '\u{31b}', '\u{200b}', '\u{200e}',
            '\u{feff}', '\u{ad}', '\n', '\u{1b}', 'İ', 'ß', 'ǅ', 'Ω', 'K',
        ];
        let character = prop_oneof![
            4 => proptest::sample::select(letters),
            2 => proptest::sample::select(upper),
            2 => proptest::sample::select(others),
            1 => any::<char>(),
        ];
        proptest::collection::vec(character, 0..40).prop_map(String::from_iter)
    }

    fn config() -> ProptestConfig {
        // 256 cases (proptest's default; PROPTEST_CASES=N for a deeper run). A failure becomes
        // a named regression test rather than a file beside the code.
        ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn normalising_twice_gives_the_same_text_as_normalising_once(text in vietnamese_text()) {
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn folding_twice_gives_the_same_key_as_folding_once(text in vietnamese_text()) {
            let once = fold_key(&text);
            prop_assert_eq!(fold_key(&once), once);
        }

        #[test]
        fn nfc_and_nfd_input_give_the_same_canonical_form_and_keys(text in vietnamese_text()) {
            let nfc: String = text.nfc().collect();
            let nfd: String = text.nfd().collect();
            prop_assert_eq!(normalize(&nfc), normalize(&nfd));
            prop_assert_eq!(fold_key(&nfc), fold_key(&nfd));
            let keys = |text: &str| words(text).map(|word| word_keys(&word)).collect::<Vec<_>>();
            prop_assert_eq!(keys(&nfc), keys(&nfd));
        }

        #[test]
        fn the_display_form_and_the_canonical_form_are_nfc(text in vietnamese_text()) {
            let display = display_form(&text);
            prop_assert!(unicode_normalization::is_nfc(&display), "{:?} → {:?}", text, display);
            let canonical = normalize(&text);
            prop_assert!(unicode_normalization::is_nfc(&canonical), "{:?} → {:?}", text, canonical);
        }
    }

    #[test]
    fn words_split_on_punctuation_and_keep_digits() {
        let split: Vec<String> = words("KT3, hộ-khẩu")
            .map(|w| w.into_iter().collect())
            .collect();
        assert_eq!(split, ["kt3", "hộ", "khẩu"]);
    }
}
