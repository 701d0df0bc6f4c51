//! The shape of a Vietnamese syllable: onset, vowel nucleus, final consonant.
//!
//! Used to tell real syllables from keystroke soup (Telex / VNI decoding), to place the tone mark
//! canonically, and to apply the `i` / `y` spelling rule only where it is a spelling variant.

use super::letters::Tone;

/// Onsets, longest first so `ngh` wins over `ng` and `n`.
const ONSETS: &[&str] = &[
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];

/// Final consonants, longest first.
const CODAS: &[&str] = &["ch", "ng", "nh", "c", "m", "n", "p", "t"];

/// Vowel nuclei (glides included), written with vowel-quality marks and no tone.
const NUCLEI: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "ua", "uâ", "uê", "ui", "uy", "ưa",
    "ưi", "ưu", "iê", "yê", "uô", "ươ", "uơ", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "yêu",
    "iêu", "uyê", "uya", "uyu", "ya",
];

/// A syllable split into letter ranges of its toneless, lower-case letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyllableShape {
    /// Number of onset letters.
    pub onset_len: usize,
    /// Number of nucleus letters, following the onset.
    pub nucleus_len: usize,
    /// Number of final-consonant letters, following the nucleus.
    pub coda_len: usize,
}

fn starts_with(letters: &[char], pattern: &str) -> bool {
    let mut rest = letters.iter();
    pattern.chars().all(|p| rest.next() == Some(&p))
}

fn equals(letters: &[char], pattern: &str) -> bool {
    letters.len() == pattern.chars().count() && starts_with(letters, pattern)
}

/// Parses toneless lower-case letters as one syllable; `None` when they cannot be one.
pub fn parse_shape(letters: &[char]) -> Option<SyllableShape> {
    if letters.is_empty() || letters.len() > 7 {
        return None;
    }
    let mut onset_len = ONSETS
        .iter()
        .find(|onset| starts_with(letters, onset))
        .map_or(0, |onset| onset.chars().count());
    // `gì`, `gìn`: the i of `gi` is the vowel when nothing else is.
    if onset_len == 2 && letters[0] == 'g' && letters[1] == 'i' {
        let rest_has_vowel = letters[2..].iter().any(|&c| super::letters::is_vowel(c));
        if !rest_has_vowel {
            onset_len = 1;
        }
    }
    let rest = &letters[onset_len..];
    let coda_len = CODAS
        .iter()
        .find(|coda| rest.ends_with(&coda.chars().collect::<Vec<_>>()))
        .map_or(0, |coda| coda.chars().count());
    if coda_len >= rest.len() {
        return None;
    }
    let nucleus = &rest[..rest.len() - coda_len];
    if !NUCLEI.iter().any(|candidate| equals(nucleus, candidate)) {
        return None;
    }
    Some(SyllableShape {
        onset_len,
        nucleus_len: nucleus.len(),
        coda_len,
    })
}

/// True when the letters form a well-formed Vietnamese syllable.
pub fn is_syllable(letters: &[char]) -> bool {
    parse_shape(letters).is_some()
}

/// Index (into `letters`) of the vowel that carries the tone, in the modern placement
/// (`hoá`, `thuỷ`, `khoẻ`, `quý`, `người`). `None` for non-syllables.
pub fn tone_position(letters: &[char]) -> Option<usize> {
    let shape = parse_shape(letters)?;
    let start = shape.onset_len;
    let nucleus = &letters[start..start + shape.nucleus_len];
    // The last vowel with a quality mark takes the tone: `ươ` → ơ, `ưu` → ư, `uyê` → ê.
    let offset = if let Some(marked) = nucleus
        .iter()
        .rposition(|c| matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư'))
    {
        marked
    } else if equals(nucleus, "oa") || equals(nucleus, "oe") || equals(nucleus, "uy") {
        1
    } else if shape.coda_len > 0 {
        nucleus.len() - 1
    } else {
        match nucleus.len() {
            1 => 0,
            2 => 0,
            _ => 1,
        }
    };
    Some(start + offset)
}

/// Applies the `i` / `y` spelling rule: a lone final `y` after a consonant is written `i`
/// (`ký` → `kí`, `lý` → `lí`, `quý` → `quí`), while `uy` after a vowel stays (`thủy` ≠ `thui`).
pub fn unify_final_y(letters: &mut [char]) {
    let Some(shape) = parse_shape(letters) else {
        return;
    };
    let lone_y = shape.nucleus_len == 1 && shape.coda_len == 0 && shape.onset_len > 0;
    if lone_y && letters[shape.onset_len] == 'y' {
        letters[shape.onset_len] = 'i';
    }
}

/// Writes toneless letters with the tone placed canonically (or left off for non-syllables).
pub fn place_tone(letters: &[char], tone: Tone) -> Vec<char> {
    let mut out = letters.to_vec();
    if tone == Tone::Level {
        return out;
    }
    let position = tone_position(letters).or_else(|| {
        letters
            .iter()
            .rposition(|&c| super::letters::is_vowel(c))
    });
    if let Some(position) = position {
        out[position] = super::letters::with_tone(out[position], tone);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn real_syllables_parse_and_keystroke_soup_does_not() {
        for ok in ["khai", "sinh", "đăng", "nghiêng", "quyết", "giữ", "gì", "người", "khuya", "y"] {
            let toneless: Vec<char> = ok.chars().map(|c| super::super::letters::split_tone(c).0).collect();
            assert!(is_syllable(&toneless), "{ok} should be a syllable");
        }
        for bad in ["ddawng", "kys", "cccd", "gplx", "hooj", "khaar", "d9a8ng", "bhyt"] {
            assert!(!is_syllable(&chars(bad)), "{bad} should not be a syllable");
        }
    }

    #[test]
    fn tone_goes_on_the_modern_position() {
        let cases = [
            ("hoa", Tone::Acute, "hoá"),
            ("thuy", Tone::Hook, "thuỷ"),
            ("khoe", Tone::Hook, "khoẻ"),
            ("mua", Tone::Acute, "múa"),
            ("toan", Tone::Grave, "toàn"),
            ("ngươi", Tone::Grave, "người"),
            ("quy", Tone::Acute, "quý"),
            ("gia", Tone::Acute, "giá"),
        ];
        for (letters, tone, expected) in cases {
            let placed: String = place_tone(&chars(letters), tone).into_iter().collect();
            assert_eq!(placed, expected);
        }
        let placed: String = place_tone(&chars("đăng"), Tone::Acute).into_iter().collect();
        assert_eq!(placed, "đắng");
    }

    #[test]
    fn final_y_after_a_consonant_becomes_i_but_not_after_a_vowel() {
        for (input, expected) in [("ky", "ki"), ("ly", "li"), ("my", "mi"), ("quy", "qui"), ("thuy", "thuy"), ("y", "y"), ("tuy", "tuy")] {
            let mut letters = chars(input);
            unify_final_y(&mut letters);
            assert_eq!(letters.into_iter().collect::<String>(), expected, "{input}");
        }
    }
}
