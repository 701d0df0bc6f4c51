//! The shape of a Vietnamese syllable: onset, vowel nucleus, final consonant.
//!
//! Used to tell real syllables from keystroke soup (Telex / VNI decoding), to place the tone mark
//! canonically, and to apply the `i` / `y` spelling rule only where it is a spelling variant.

use super::letters::Tone;

/// Length of the onset at the start of `letters`, longest match first (`ngh` over `ng`).
fn onset_len(letters: &[char]) -> usize {
    match letters {
        ['n', 'g', 'h', ..] => 3,
        ['n', 'g' | 'h', ..]
        | ['c' | 'k' | 'p' | 't', 'h', ..]
        | ['g', 'h' | 'i', ..]
        | ['q', 'u', ..]
        | ['t', 'r', ..] => 2,
        [
            'b' | 'c' | 'd' | 'đ' | 'g' | 'h' | 'k' | 'l' | 'm' | 'n' | 'p' | 'r' | 's' | 't' | 'v'
            | 'x',
            ..,
        ] => 1,
        _ => 0,
    }
}

/// Length of the final consonant at the end of `letters`.
fn coda_len(letters: &[char]) -> usize {
    match letters {
        [.., 'c' | 'n', 'h'] | [.., 'n', 'g'] => 2,
        [.., 'c' | 'm' | 'n' | 'p' | 't'] => 1,
        _ => 0,
    }
}

/// True for a vowel nucleus (glides included), written with vowel-quality marks and no tone.
fn is_nucleus(letters: &[char]) -> bool {
    matches!(
        letters,
        ['a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y']
            | ['a', 'i' | 'o' | 'u' | 'y']
            | ['â', 'u' | 'y']
            | ['e', 'o']
            | ['ê', 'u']
            | ['i', 'a' | 'u' | 'ê']
            | ['o', 'a' | 'ă' | 'e' | 'i']
            | ['ô' | 'ơ', 'i']
            | ['u', 'a' | 'â' | 'ê' | 'i' | 'y' | 'ô' | 'ơ']
            | ['ư', 'a' | 'i' | 'u' | 'ơ']
            | ['y', 'ê' | 'a']
            | ['o', 'a', 'i' | 'y']
            | ['o', 'e', 'o']
            | ['u', 'â', 'y']
            | ['u', 'ô', 'i']
            | ['ư', 'ơ', 'i' | 'u']
            | ['y', 'ê', 'u']
            | ['i', 'ê', 'u']
            | ['u', 'y', 'ê' | 'a' | 'u']
    )
}

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

/// Parses toneless lower-case letters as one syllable; `None` when they cannot be one.
pub fn parse_shape(letters: &[char]) -> Option<SyllableShape> {
    if letters.is_empty() || letters.len() > 7 {
        return None;
    }
    let mut onset = onset_len(letters);
    // `gì`, `gìn`: the i of `gi` is the vowel when nothing else is.
    if onset == 2 && letters[0] == 'g' && letters[1] == 'i' {
        let rest_has_vowel = letters[2..].iter().any(|&c| super::letters::is_vowel(c));
        if !rest_has_vowel {
            onset = 1;
        }
    }
    let rest = &letters[onset..];
    let coda = coda_len(rest);
    if coda >= rest.len() {
        return None;
    }
    let nucleus = &rest[..rest.len() - coda];
    if !is_nucleus(nucleus) {
        return None;
    }
    Some(SyllableShape {
        onset_len: onset,
        nucleus_len: nucleus.len(),
        coda_len: coda,
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
    } else if matches!(nucleus, ['o', 'a' | 'e'] | ['u', 'y']) {
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
    let position = tone_position(letters)
        .or_else(|| letters.iter().rposition(|&c| super::letters::is_vowel(c)));
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
        for ok in [
            "khai", "sinh", "đăng", "nghiêng", "quyết", "giữ", "gì", "người", "khuya", "y",
        ] {
            let toneless: Vec<char> = ok
                .chars()
                .map(|c| super::super::letters::split_tone(c).0)
                .collect();
            assert!(is_syllable(&toneless), "{ok} should be a syllable");
        }
        for bad in [
            "ddawng", "kys", "cccd", "gplx", "hooj", "khaar", "d9a8ng", "bhyt",
        ] {
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
        let placed: String = place_tone(&chars("đăng"), Tone::Acute)
            .into_iter()
            .collect();
        assert_eq!(placed, "đắng");
    }

    #[test]
    fn final_y_after_a_consonant_becomes_i_but_not_after_a_vowel() {
        for (input, expected) in [
            ("ky", "ki"),
            ("ly", "li"),
            ("my", "mi"),
            ("quy", "qui"),
            ("thuy", "thuy"),
            ("y", "y"),
            ("tuy", "tuy"),
        ] {
            let mut letters = chars(input);
            unify_final_y(&mut letters);
            assert_eq!(letters.into_iter().collect::<String>(), expected, "{input}");
        }
    }
}
