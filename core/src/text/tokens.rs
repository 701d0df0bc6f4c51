//! Syllable tokenisation with character offsets, so matches can be highlighted in the name.

use super::normalize::{WordKeys, is_word_char, word_keys};

/// One word of a text with its matching keys and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Offset of the first character, in Unicode scalar values of the tokenised text.
    pub start: u32,
    /// Offset one past the last character.
    pub end: u32,
    /// Matching keys.
    pub keys: WordKeys,
}

/// Splits an NFC text into word tokens; offsets count Unicode scalar values of `text` itself.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<char> = Vec::new();
    let mut start = 0u32;
    let mut position = 0u32;
    for c in text.chars() {
        if is_word_char(c) {
            if word.is_empty() {
                start = position;
            }
            word.push(super::letters::lower(c));
        } else if !word.is_empty() {
            tokens.push(Token {
                start,
                end: position,
                keys: word_keys(&word),
            });
            word.clear();
        }
        position += 1;
    }
    if !word.is_empty() {
        tokens.push(Token {
            start,
            end: position,
            keys: word_keys(&word),
        });
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_offsets_into_the_original_text() {
        let tokens = tokenize("Thủ tục đăng ký (khai sinh)");
        let spans: Vec<(u32, u32)> = tokens.iter().map(|t| (t.start, t.end)).collect();
        assert_eq!(
            spans,
            [(0, 3), (4, 7), (8, 12), (13, 15), (17, 21), (22, 26)]
        );
        assert_eq!(tokens[2].keys.folded, "dang");
        assert_eq!(tokens[3].keys.folded, "ki");
    }

    #[test]
    fn empty_and_punctuation_only_text_has_no_tokens() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" - ; , ").is_empty());
    }
}
