//! Vietnamese alphabetical order: `a ă â b c d đ e ê … o ô ơ … u ư v x y`, letters first, then
//! tones in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng). Plain code-point order would
//! put `Đất đai` after `Y tế`.

use std::cmp::Ordering;

use super::letters::{Tone, lower, split_tone};

const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";

fn letter_rank(c: char) -> u32 {
    if c == ' ' {
        return 1;
    }
    if let Some(digit) = c.to_digit(10) {
        return 10 + digit;
    }
    match ALPHABET.chars().position(|letter| letter == c) {
        Some(position) => 100 + position as u32,
        None => 1000 + c as u32,
    }
}

fn tone_rank(tone: Tone) -> u8 {
    match tone {
        Tone::Level => 0,
        Tone::Grave => 1,
        Tone::Hook => 2,
        Tone::Tilde => 3,
        Tone::Acute => 4,
        Tone::Dot => 5,
    }
}

/// A key whose ordering is Vietnamese alphabetical order of `text` (NFC expected).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey {
    letters: Vec<u32>,
    tones: Vec<u8>,
    original: String,
}

/// Builds the sort key of a text.
pub fn sort_key(text: &str) -> SortKey {
    let mut letters = Vec::with_capacity(text.len());
    let mut tones = Vec::with_capacity(text.len());
    for c in text.chars() {
        let (letter, tone) = split_tone(lower(c));
        letters.push(letter_rank(letter));
        tones.push(tone_rank(tone));
    }
    SortKey {
        letters,
        tones,
        original: text.to_string(),
    }
}

/// Compares two texts in Vietnamese alphabetical order.
pub fn compare(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_letters_sort_in_alphabet_order() {
        let mut fields = vec![
            "Y tế",
            "Đất đai",
            "Dân tộc",
            "Ăn uống",
            "An toàn",
            "Ô tô",
            "Ơn",
            "Bảo hiểm",
            "Ưu đãi",
            "Uống",
        ];
        fields.sort_by(|a, b| compare(a, b));
        assert_eq!(
            fields,
            [
                "An toàn",
                "Ăn uống",
                "Bảo hiểm",
                "Dân tộc",
                "Đất đai",
                "Ô tô",
                "Ơn",
                "Uống",
                "Ưu đãi",
                "Y tế"
            ]
        );
    }

    #[test]
    fn tones_break_ties_in_dictionary_order() {
        let mut words = vec!["má", "mạ", "mà", "ma", "mã", "mả"];
        words.sort_by(|a, b| compare(a, b));
        assert_eq!(words, ["ma", "mà", "mả", "mã", "má", "mạ"]);
    }
}
