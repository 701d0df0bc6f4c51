//! Decoding of raw Telex and VNI keystrokes typed with the Vietnamese keyboard switched off
//! (`ddawng kys` and `d9a8ng ky1` both mean `đăng ký`).
//!
//! A word is decoded only when it is not already a Vietnamese syllable and its decoding is one,
//! so ordinary words (`khai`, `sinh`), abbreviations (`cccd`, `kt3`) and foreign words stay as
//! typed.

use super::letters::Tone;
use super::syllable::{is_syllable, place_tone};

/// Decodes each word of a lower-case query that is Telex or VNI; `None` when nothing changed.
pub fn decode_keystrokes(query: &str) -> Option<String> {
    // Most queries have nothing to decode: find that out without building a new string.
    let mut word: Vec<char> = Vec::new();
    let any = query
        .split(|c: char| !c.is_alphanumeric() && !super::letters::is_combining_mark(c))
        .any(|part| {
            word.clear();
            part.is_ascii() && {
                word.extend(part.chars().map(|c| c.to_ascii_lowercase()));
                decode_word(&word).is_some()
            }
        });
    if !any {
        return None;
    }
    let mut changed = false;
    let mut out = String::with_capacity(query.len() + 8);
    let mut word: Vec<char> = Vec::new();
    // A word with any non-ASCII letter was typed with the Vietnamese keyboard on: leave it.
    let mut typed_with_marks = false;
    let mut flush = |word: &mut Vec<char>, out: &mut String, typed_with_marks: &mut bool| {
        let decoded = if *typed_with_marks {
            None
        } else {
            decode_word(word)
        };
        match decoded {
            Some(decoded) => {
                out.extend(decoded);
                changed = true;
            }
            None => out.extend(word.iter()),
        }
        word.clear();
        *typed_with_marks = false;
    };
    for c in query.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() || super::letters::is_combining_mark(c) {
            word.push(c);
            typed_with_marks = true;
        } else {
            flush(&mut word, &mut out, &mut typed_with_marks);
            out.push(c);
        }
    }
    flush(&mut word, &mut out, &mut typed_with_marks);
    changed.then_some(out)
}

/// Decodes one ASCII word, or `None` when it should be left as typed.
pub fn decode_word(word: &[char]) -> Option<Vec<char>> {
    if word.is_empty() || is_syllable(word) || !word.iter().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let (letters, tone) = if word.iter().any(|c| c.is_ascii_digit()) {
        decode_vni(word)?
    } else {
        decode_telex(word)?
    };
    // A single letter with one key (`a1`, `b2`, `as`) is more often a class, a grade or an
    // abbreviation (driving licence classes A1, B2) than a typed one-letter word.
    let single_letter = letters.len() == 1 && word.len() == 2;
    (is_syllable(&letters) && !single_letter).then(|| place_tone(&letters, tone))
}

fn has_vowel(letters: &[char]) -> bool {
    letters.iter().any(|&c| super::letters::is_vowel(c))
}

/// Index of the last plain vowel among `targets`, searching back only through the vowels and
/// final consonants (a modifier never reaches back into the onset).
fn last_of(letters: &[char], targets: &[char]) -> Option<usize> {
    letters.iter().rposition(|c| targets.contains(c))
}

/// Adds the horn: `uo` → `ươ` together, else the last `o` or `u`.
fn add_horn(letters: &mut [char]) -> bool {
    if let Some(u) = letters.windows(2).rposition(|pair| pair == ['u', 'o']) {
        letters[u] = 'ư';
        letters[u + 1] = 'ơ';
        return true;
    }
    match last_of(letters, &['o', 'u']) {
        Some(i) => {
            letters[i] = if letters[i] == 'o' { 'ơ' } else { 'ư' };
            true
        }
        None => false,
    }
}

fn add_circumflex(letters: &mut [char]) -> bool {
    match last_of(letters, &['a', 'e', 'o']) {
        Some(i) => {
            letters[i] = match letters[i] {
                'a' => 'â',
                'e' => 'ê',
                _ => 'ô',
            };
            true
        }
        None => false,
    }
}

fn telex_tone(key: char) -> Option<Tone> {
    match key {
        's' => Some(Tone::Acute),
        'f' => Some(Tone::Grave),
        'r' => Some(Tone::Hook),
        'x' => Some(Tone::Tilde),
        'j' => Some(Tone::Dot),
        'z' => Some(Tone::Level),
        _ => None,
    }
}

/// Telex: `dd` đ, `aa ee oo` â ê ô, `aw ow uw` ă ơ ư (`uow` ươ, a lone `w` ư), and a tone key
/// (`s f r x j`, `z` clears) after the vowel with only final consonants after it.
fn decode_telex(word: &[char]) -> Option<(Vec<char>, Tone)> {
    let mut letters: Vec<char> = Vec::with_capacity(word.len());
    let mut tone = Tone::Level;
    // A tone key before the last vowel (`khaaru`) only counts when the word shows other Telex
    // keys; otherwise `visa` would become `vía`.
    let has_modifier = word.contains(&'w')
        || word
            .windows(2)
            .any(|pair| matches!(pair, ['d', 'd'] | ['a', 'a'] | ['e', 'e'] | ['o', 'o']));
    for (i, &key) in word.iter().enumerate() {
        let rest_is_final = has_modifier
            || word[i + 1..]
                .iter()
                .all(|c| !super::letters::is_vowel(*c) && *c != 'w');
        match key {
            'd' if letters.last() == Some(&'d') => *letters.last_mut()? = 'đ',
            'a' | 'e' | 'o' if letters.last() == Some(&key) => {
                add_circumflex(&mut letters);
            }
            'w' => {
                // Right after an `a` the key is a breve (`hoawjc` hoặc, `quawng` quăng);
                // otherwise it is a horn (`thuowng` thương).
                if letters.last() == Some(&'a') {
                    if let Some(last) = letters.last_mut() {
                        *last = 'ă';
                    }
                } else if let Some(i) = last_of(&letters, &['a'])
                    .filter(|_| !letters.contains(&'o') && !letters.contains(&'u'))
                {
                    letters[i] = 'ă';
                } else if !add_horn(&mut letters) {
                    if has_vowel(&letters) {
                        return None;
                    }
                    letters.push('ư');
                }
            }
            _ if has_vowel(&letters) && rest_is_final && telex_tone(key).is_some() => {
                tone = telex_tone(key)?;
            }
            _ => letters.push(key),
        }
    }
    Some((letters, tone))
}

/// VNI: digits after the letters — `1`–`5` tones, `6` circumflex, `7` horn, `8` breve, `9` đ,
/// `0` clears the tone.
fn decode_vni(word: &[char]) -> Option<(Vec<char>, Tone)> {
    let mut letters: Vec<char> = Vec::with_capacity(word.len());
    let mut tone = Tone::Level;
    for &key in word {
        let applied = match key {
            '1'..='5' | '0' if has_vowel(&letters) => {
                tone = match key {
                    '1' => Tone::Acute,
                    '2' => Tone::Grave,
                    '3' => Tone::Hook,
                    '4' => Tone::Tilde,
                    '5' => Tone::Dot,
                    _ => Tone::Level,
                };
                true
            }
            '6' => add_circumflex(&mut letters),
            '7' => add_horn(&mut letters),
            '8' => match last_of(&letters, &['a']) {
                Some(i) => {
                    letters[i] = 'ă';
                    true
                }
                None => false,
            },
            '9' => match last_of(&letters, &['d']) {
                Some(i) => {
                    letters[i] = 'đ';
                    true
                }
                None => false,
            },
            c if c.is_ascii_alphabetic() => {
                letters.push(c);
                true
            }
            _ => false,
        };
        if !applied {
            return None;
        }
    }
    Some((letters, tone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decoded(query: &str) -> String {
        decode_keystrokes(query).unwrap_or_else(|| query.to_string())
    }

    #[test]
    fn telex_keystrokes_decode_to_vietnamese() {
        assert_eq!(decoded("ddawng kys khai sinh"), "đăng ký khai sinh");
        assert_eq!(decoded("hooj khaaur"), "hộ khẩu");
        assert_eq!(decoded("hooj khaaru"), "hộ khẩu");
        assert_eq!(decoded("thuowng binh"), "thương binh");
        assert_eq!(decoded("nhaapj hooj khaaur"), "nhập hộ khẩu");
        assert_eq!(decoded("giaays pheps lais xe"), "giấy phép lái xe");
        assert_eq!(decoded("chuwngs thuwcj"), "chứng thực");
        assert_eq!(decoded("ddaats ddai"), "đất đai");
        assert_eq!(decoded("hoaf"), "hoà");
        assert_eq!(decoded("hoawjc"), "hoặc");
        assert_eq!(decoded("quawng"), "quăng");
    }

    #[test]
    fn vni_keystrokes_decode_to_vietnamese() {
        assert_eq!(decoded("d9a8ng ky1 khai sinh"), "đăng ký khai sinh");
        assert_eq!(decoded("ho65 kha63u"), "hộ khẩu");
        assert_eq!(decoded("chu7ng1 thu7c5"), "chứng thực");
        assert_eq!(decoded("d9a61t d9ai"), "đất đai");
        assert_eq!(decoded("thu7o7ng binh"), "thương binh");
    }

    #[test]
    fn words_typed_with_marks_are_never_decoded() {
        assert_eq!(decode_keystrokes("đas khai sinh"), None);
        assert_eq!(decode_keystrokes("hóas"), None);
    }

    #[test]
    fn ordinary_words_abbreviations_and_codes_stay_as_typed() {
        for query in [
            "dang ky khai sinh",
            "cccd",
            "kt3",
            "gplx",
            "bhyt",
            "1.001193",
            "visa",
            "taxi",
            "email",
            "lltp",
        ] {
            assert_eq!(decode_keystrokes(query), None, "{query}");
        }
    }

    /// Queries as typed with the Vietnamese keyboard off (Telex and VNI keys, digits, spaces),
    /// now and then with any character at all.
    fn typed_query() -> impl Strategy<Value = String> {
        let keys: Vec<char> = "aaeeoouuwwiyddsfrxjzhnkgtcmplqvb0123456789 "
            .chars()
            .collect();
        let character = prop_oneof![
            8 => proptest::sample::select(keys),
            1 => proptest::sample::select(vec!['A', 'D', 'W', 'ó', 'đ', '\u{301}', '-', '.']),
            1 => any::<char>(),
        ];
        proptest::collection::vec(character, 0..32).prop_map(String::from_iter)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn decoding_any_query_never_panics_and_leaves_nothing_to_decode_again(
            query in typed_query()
        ) {
            let lowered = query.to_lowercase();
            if let Some(decoded) = decode_keystrokes(&lowered) {
                prop_assert_ne!(&decoded, &lowered);
                prop_assert_eq!(decode_keystrokes(&decoded), None, "{:?} → {:?}", lowered, decoded);
            }
            let _ = decode_keystrokes(&query);
        }
    }
}
