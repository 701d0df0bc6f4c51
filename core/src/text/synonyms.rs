//! The synonym and abbreviation dictionary: how people name procedures (`sổ đỏ`, `CCCD`,
//! `giấy độc thân`) mapped to the wording of the official names. The entries are data
//! (`data/text/synonyms.tsv`), loaded at run time; this file only reads and applies them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::normalize::{WordKeys, word_keys, words};

/// A line of the dictionary file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("synonym dictionary line {line}: {reason}")]
pub struct SynonymError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// Alias phrases (folded word sequences) with the official wordings they stand for, and filler
/// phrases to drop.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// Keyed by the folded alias words joined with single spaces.
    phrases: HashMap<String, Vec<Vec<Arc<WordKeys>>>>,
    fillers: HashSet<String>,
    /// First words of every alias and filler: most query words are not, and skip the lookups.
    first_words: HashSet<String>,
    longest_alias: usize,
}

fn phrase_keys(text: &str) -> Vec<WordKeys> {
    words(text).map(|w| word_keys(&w)).collect()
}

impl Synonyms {
    /// Reads the dictionary: `alias<TAB>replacement|replacement…`, `-` for filler, `#` comments.
    pub fn parse(text: &str) -> Result<Synonyms, SynonymError> {
        let mut synonyms = Synonyms::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let Some((alias, replacements)) = content.split_once('\t') else {
                return Err(SynonymError {
                    line,
                    reason: "expected alias<TAB>replacements".into(),
                });
            };
            let alias: Vec<String> = phrase_keys(alias).into_iter().map(|k| k.folded).collect();
            if alias.is_empty() {
                return Err(SynonymError {
                    line,
                    reason: "empty alias".into(),
                });
            }
            synonyms.longest_alias = synonyms.longest_alias.max(alias.len());
            synonyms.first_words.insert(alias[0].clone());
            let alias = alias.join(" ");
            if replacements.trim() == "-" {
                synonyms.fillers.insert(alias);
                continue;
            }
            let mut parsed = Vec::new();
            for replacement in replacements.split('|').map(str::trim) {
                let keys = phrase_keys(replacement);
                if keys.is_empty() {
                    return Err(SynonymError {
                        line,
                        reason: "empty replacement".into(),
                    });
                }
                parsed.push(keys.into_iter().map(Arc::new).collect::<Vec<_>>());
            }
            let entry = synonyms.phrases.entry(alias).or_default();
            for replacement in parsed {
                if !entry.contains(&replacement) {
                    entry.push(replacement);
                }
            }
        }
        Ok(synonyms)
    }

    /// Number of distinct aliases and fillers.
    pub fn len(&self) -> usize {
        self.phrases.len() + self.fillers.len()
    }

    /// True when the dictionary has no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Candidate keys starting at `folded[start]`, longest first (none when no alias starts
    /// with that word).
    fn lengths_at(&self, folded: &[&str], start: usize) -> impl Iterator<Item = (usize, String)> {
        let starts_alias = folded
            .get(start)
            .is_some_and(|word| self.first_words.contains(*word));
        let available = if starts_alias {
            folded.len().saturating_sub(start).min(self.longest_alias)
        } else {
            0
        };
        (1..=available)
            .rev()
            .map(move |len| (len, folded[start..start + len].join(" ")))
    }

    /// The longest alias starting at `folded[start]`: its length in words and the official
    /// wordings it stands for.
    pub fn longest_phrase(
        &self,
        folded: &[&str],
        start: usize,
    ) -> Option<(usize, &[Vec<Arc<WordKeys>>])> {
        self.lengths_at(folded, start)
            .find_map(|(len, key)| self.phrases.get(&key).map(|found| (len, found.as_slice())))
    }

    /// The length of the longest filler phrase starting at `folded[start]`.
    pub fn longest_filler(&self, folded: &[&str], start: usize) -> Option<usize> {
        self.lengths_at(folded, start)
            .find(|(_, key)| self.fillers.contains(key))
            .map(|(len, _)| len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_match_whatever_the_diacritics_and_case() {
        let synonyms = Synonyms::parse("# comment\nsổ đỏ\tgiấy chứng nhận quyền sử dụng đất\nCCCD\tcăn cước|căn cước công dân\nlàm giấy\t-\n").unwrap();
        assert_eq!(synonyms.len(), 3);
        let (len, found) = synonyms.longest_phrase(&["xin", "so", "do"], 1).unwrap();
        assert_eq!(len, 2);
        assert_eq!(found[0].len(), 7);
        assert_eq!(synonyms.longest_phrase(&["cccd"], 0).unwrap().1.len(), 2);
        assert_eq!(synonyms.longest_filler(&["lam", "giay"], 0), Some(2));
        assert!(synonyms.longest_phrase(&["lam", "giay"], 0).is_none());
        assert!(synonyms.longest_phrase(&["khai", "sinh"], 0).is_none());
    }

    #[test]
    fn a_line_without_a_tab_is_reported_with_its_number() {
        let error = Synonyms::parse("cccd\tcăn cước\nbroken line\n").unwrap_err();
        assert_eq!(error.line, 2);
    }
}
