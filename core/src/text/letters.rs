//! Vietnamese letters split into base letter, vowel quality and tone, and put back together.
//!
//! Working on (base, tone) pairs instead of precomposed characters is what makes tone placement
//! (`hoá` / `hóa`) and NFC / NFD differences disappear.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{compose, decompose_canonical};

/// The six Vietnamese tones; `Level` is the unmarked one (thanh ngang).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// No mark (ngang).
    Level,
    /// Acute (sắc).
    Acute,
    /// Grave (huyền).
    Grave,
    /// Hook above (hỏi).
    Hook,
    /// Tilde (ngã).
    Tilde,
    /// Dot below (nặng).
    Dot,
}

impl Tone {
    /// The combining mark that writes this tone, if any.
    pub fn combining_mark(self) -> Option<char> {
        match self {
            Tone::Level => None,
            Tone::Acute => Some('\u{301}'),
            Tone::Grave => Some('\u{300}'),
            Tone::Hook => Some('\u{309}'),
            Tone::Tilde => Some('\u{303}'),
            Tone::Dot => Some('\u{323}'),
        }
    }

    fn from_combining_mark(mark: char) -> Option<Tone> {
        match mark {
            '\u{301}' | '\u{341}' => Some(Tone::Acute),
            '\u{300}' | '\u{340}' => Some(Tone::Grave),
            '\u{309}' => Some(Tone::Hook),
            '\u{303}' => Some(Tone::Tilde),
            '\u{323}' => Some(Tone::Dot),
            _ => None,
        }
    }

    /// A digit for the tone, as used in exact matching keys (`0` for no mark).
    pub fn digit(self) -> char {
        match self {
            Tone::Level => '0',
            Tone::Acute => '1',
            Tone::Grave => '2',
            Tone::Hook => '3',
            Tone::Tilde => '4',
            Tone::Dot => '5',
        }
    }
}

/// Lower-cases one character without changing the character count (offsets must survive).
pub fn lower(c: char) -> char {
    match c {
        // The legacy letter ƣ (U+01A3, "oi") stood in for ư in old fonts and data.
        'ƣ' | 'Ƣ' => 'ư',
        _ if c.is_ascii() => c.to_ascii_lowercase(),
        _ => {
            // `İ` is the one letter whose lower case is two characters (`i` and a combining
            // dot). Keeping the upper-case letter left it upper case in every key, so a word
            // folded twice changed; its lower-case letter without the dot is what matching
            // wants (the dot is a mark, and marks are folded away anyway).
            c.to_lowercase().next().unwrap_or(c)
        }
    }
}

/// The Latin letters with marks live in two blocks; their splits are computed once into a
/// table, because decomposing on every character dominated query analysis.
const LATIN_RANGES: [(u32, u32); 2] = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)];

struct LetterInfo {
    toneless: char,
    tone: Tone,
    bare: char,
}

fn letter_table() -> &'static [Vec<LetterInfo>; 2] {
    static TABLE: std::sync::OnceLock<[Vec<LetterInfo>; 2]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        LATIN_RANGES.map(|(first, last)| {
            (first..=last)
                .map(|code| {
                    let c = char::from_u32(code).unwrap_or(' ');
                    let (toneless, tone) = split_tone_slow(c);
                    LetterInfo {
                        toneless,
                        tone,
                        bare: strip_marks_slow(c),
                    }
                })
                .collect()
        })
    })
}

fn table_entry(c: char) -> Option<&'static LetterInfo> {
    let code = c as u32;
    LATIN_RANGES
        .iter()
        .zip(letter_table())
        .find(|((first, last), _)| (*first..=*last).contains(&code))
        .and_then(|((first, _), table)| table.get((code - first) as usize))
}

/// Splits a lower-case letter into its toneless letter (keeping ă â ê ô ơ ư đ) and its tone.
pub fn split_tone(c: char) -> (char, Tone) {
    if c.is_ascii() {
        return (c, Tone::Level);
    }
    match table_entry(c) {
        Some(info) => (info.toneless, info.tone),
        None => split_tone_slow(c),
    }
}

fn split_tone_slow(c: char) -> (char, Tone) {
    if c.is_ascii() {
        return (c, Tone::Level);
    }
    let mut base: Option<char> = None;
    let mut marks: [Option<char>; 3] = [None; 3];
    let mut tone = Tone::Level;
    let mut mark_count = 0;
    decompose_canonical(c, |part| {
        if base.is_none() {
            base = Some(part);
        } else if let Some(found) = Tone::from_combining_mark(part) {
            tone = found;
        } else if mark_count < marks.len() {
            marks[mark_count] = Some(part);
            mark_count += 1;
        }
    });
    let Some(mut letter) = base else {
        return (c, Tone::Level);
    };
    for mark in marks.iter().flatten() {
        letter = compose(letter, *mark).unwrap_or(letter);
    }
    (letter, tone)
}

/// Adds a tone to a toneless letter; letters that cannot carry it come back unchanged.
pub fn with_tone(letter: char, tone: Tone) -> char {
    let Some(mark) = tone.combining_mark() else {
        return letter;
    };
    if let Some(composed) = compose(letter, mark) {
        return composed;
    }
    // `ộ` is `ọ` + circumflex canonically, so `ô` + dot needs a full normalisation pass.
    let mut buffer = [0u8; 8];
    let mut composed = letter
        .encode_utf8(&mut buffer)
        .chars()
        .chain(std::iter::once(mark))
        .nfc();
    match (composed.next(), composed.next()) {
        (Some(single), None) => single,
        _ => letter,
    }
}

/// Removes every mark: tone, vowel quality and the stroke of `đ`, which Unicode does not
/// decompose and so has to be folded by hand.
pub fn strip_marks(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    match table_entry(c) {
        Some(info) => info.bare,
        None => strip_marks_slow(c),
    }
}

fn strip_marks_slow(c: char) -> char {
    match c {
        'đ' => 'd',
        'Đ' => 'D',
        'ƣ' => 'u',
        'Ƣ' => 'U',
        _ => {
            let mut base = c;
            let mut first = true;
            decompose_canonical(c, |part| {
                if first {
                    base = part;
                    first = false;
                }
            });
            base
        }
    }
}

/// True for the letters that can be the nucleus of a Vietnamese syllable, with or without marks.
pub fn is_vowel(c: char) -> bool {
    matches!(strip_marks(lower(c)), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// True when a character is a combining mark (what NFD produces after a base letter).
pub fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_tone_keeps_vowel_quality_and_returns_the_tone() {
        assert_eq!(split_tone('ẩ'), ('â', Tone::Hook));
        assert_eq!(split_tone('ự'), ('ư', Tone::Dot));
        assert_eq!(split_tone('ý'), ('y', Tone::Acute));
        assert_eq!(split_tone('ơ'), ('ơ', Tone::Level));
        assert_eq!(split_tone('đ'), ('đ', Tone::Level));
    }

    #[test]
    fn with_tone_undoes_split_tone_for_every_vietnamese_vowel() {
        for c in "aăâeêioôơuưy".chars() {
            for tone in [Tone::Acute, Tone::Grave, Tone::Hook, Tone::Tilde, Tone::Dot] {
                let marked = with_tone(c, tone);
                assert_ne!(marked, c);
                assert_eq!(split_tone(marked), (c, tone));
            }
        }
    }

    #[test]
    fn the_table_agrees_with_decomposition_for_every_latin_letter() {
        for (first, last) in LATIN_RANGES {
            for c in (first..=last).filter_map(char::from_u32) {
                assert_eq!(split_tone(c), split_tone_slow(c), "{c}");
                assert_eq!(strip_marks(c), strip_marks_slow(c), "{c}");
            }
        }
    }

    #[test]
    fn strip_marks_folds_d_with_stroke_and_all_vowels() {
        let folded: String = "đĐăâêôơưỹịƣ".chars().map(strip_marks).collect();
        assert_eq!(folded, "dDaaeoouyiu");
    }

    #[test]
    fn lower_maps_legacy_letter_to_u_horn_and_keeps_one_char() {
        assert_eq!(lower('Ƣ'), 'ư');
        assert_eq!(lower('Đ'), 'đ');
        assert_eq!(lower('Ẫ'), 'ẫ');
    }

    #[test]
    fn lower_maps_the_capital_i_with_a_dot_to_a_plain_lower_case_i() {
        // Found by the folding property in normalize.rs: `İ` used to stay upper case.
        assert_eq!(lower('İ'), 'i');
        assert!(is_vowel('İ'));
    }
}
