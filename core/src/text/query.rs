//! Turning a raw query into what the search matches: codes pulled out, keystrokes decoded,
//! words keyed, synonyms expanded into alternative wordings.

use super::codes::{find_dossier_codes, find_procedure_codes};
use super::keystrokes::decode_keystrokes;
use std::borrow::Cow;
use std::sync::Arc;

use super::normalize::{WordKeys, display_cow, split_words, word_keys};
use super::synonyms::Synonyms;

/// At most this many alternative wordings are searched for one query.
const MAX_VARIANTS: usize = 12;

/// One word to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// Matching keys of the word (shared: wordings repeat the same words).
    pub keys: Arc<WordKeys>,
    /// The word is being typed: it may match the start of a longer word.
    pub prefix: bool,
}

/// A query taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnalyzedQuery {
    /// Procedure codes written in the query.
    pub procedure_codes: Vec<String>,
    /// Dossier codes written in the query.
    pub dossier_codes: Vec<String>,
    /// The query after Telex / VNI decoding, when that changed it.
    pub decoded: Option<String>,
    /// Alternative wordings (the query as typed first), each a list of terms.
    pub variants: Vec<Vec<QueryTerm>>,
}

impl AnalyzedQuery {
    /// True when there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.procedure_codes.is_empty() && self.variants.iter().all(Vec::is_empty)
    }
}

/// Analyses a raw query as typed (any normalisation, any case, Telex / VNI, codes inside).
pub fn analyze(raw: &str, synonyms: &Synonyms) -> AnalyzedQuery {
    let display = display_cow(raw);
    // Codes need a dot or a hyphen; most queries have neither and skip the scans.
    let procedure_found = if display.contains('.') {
        find_procedure_codes(&display)
    } else {
        Vec::new()
    };
    let dossier_found = if display.contains('-') {
        find_dossier_codes(&display)
    } else {
        Vec::new()
    };
    let rest: Cow<'_, str> = if procedure_found.is_empty() && dossier_found.is_empty() {
        display
    } else {
        // Cut the codes out from the last to the first so earlier byte ranges stay valid.
        let mut ranges: Vec<std::ops::Range<usize>> = procedure_found
            .iter()
            .chain(&dossier_found)
            .map(|found| found.range.clone())
            .collect();
        ranges.sort_by_key(|range| std::cmp::Reverse(range.start));
        let mut rest = display.into_owned();
        for range in ranges {
            if rest.is_char_boundary(range.start) && rest.is_char_boundary(range.end) {
                rest.replace_range(range, " ");
            }
        }
        Cow::Owned(rest)
    };
    let procedure_codes: Vec<String> = procedure_found.into_iter().map(|f| f.code).collect();
    let typing = !raw.ends_with(char::is_whitespace);
    let lowered: String = rest.chars().map(super::letters::lower).collect();
    let decoded = decode_keystrokes(&lowered);
    let text = decoded.as_deref().unwrap_or(&lowered);
    let keys: Vec<Arc<WordKeys>> = split_words(text).map(|w| Arc::new(word_keys(&w))).collect();
    AnalyzedQuery {
        procedure_codes,
        dossier_codes: dossier_found.into_iter().map(|f| f.code).collect(),
        decoded,
        variants: expand(&keys, typing, synonyms),
    }
}

/// Builds the alternative wordings: each alias optionally replaced by its official wording,
/// then filler dropped from what no alias covers.
fn expand(keys: &[Arc<WordKeys>], typing: bool, synonyms: &Synonyms) -> Vec<Vec<QueryTerm>> {
    let folded: Vec<&str> = keys.iter().map(|k| k.folded.as_str()).collect();
    let last = keys.len().saturating_sub(1);
    let term = |i: usize| QueryTerm {
        keys: keys[i].clone(),
        prefix: typing && i == last,
    };
    // Aliases starting at each word, looked up once.
    let phrases: Vec<_> = (0..keys.len())
        .map(|i| synonyms.longest_phrase(&folded, i))
        .collect();
    // Each segment is a list of options; a variant picks one option per segment.
    let mut segments: Vec<Vec<Vec<QueryTerm>>> = Vec::new();
    let mut filler_words = 0;
    let mut i = 0;
    while i < keys.len() {
        if let Some((len, wordings)) = phrases[i] {
            let mut options = vec![(i..i + len).map(term).collect::<Vec<_>>()];
            for wording in wordings {
                options.push(
                    wording
                        .iter()
                        .map(|k| QueryTerm {
                            keys: Arc::clone(k),
                            prefix: false,
                        })
                        .collect(),
                );
            }
            segments.push(options);
            i += len;
        } else if let Some(len) = {
            // A filler must not swallow the start of an alias (`làm giấy độc thân`).
            let next_alias = (i + 1..keys.len())
                .find(|&j| phrases[j].is_some())
                .unwrap_or(keys.len());
            synonyms.longest_filler(&folded[..next_alias], i)
        } {
            filler_words += len;
            i += len;
        } else {
            segments.push(vec![vec![term(i)]]);
            i += 1;
        }
    }
    if filler_words == keys.len() {
        // Only filler words: search for them as typed rather than for nothing.
        return vec![(0..keys.len()).map(term).collect()];
    }
    let mut variants: Vec<Vec<QueryTerm>> = vec![Vec::new()];
    for options in segments {
        let mut next = Vec::with_capacity(variants.len() * options.len());
        for variant in &variants {
            for option in &options {
                if next.len() == MAX_VARIANTS {
                    break;
                }
                let mut extended = variant.clone();
                extended.extend(option.iter().cloned());
                next.push(extended);
            }
        }
        variants = next;
    }
    variants.retain(|v| !v.is_empty());
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synonyms() -> Synonyms {
        Synonyms::parse(
            "giấy độc thân\txác nhận tình trạng hôn nhân\nlàm giấy\t-\nlàm\t-\ncccd\tcăn cước\n",
        )
        .unwrap()
    }

    fn folded(variant: &[QueryTerm]) -> String {
        variant
            .iter()
            .map(|t| t.keys.folded.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn codes_are_pulled_out_of_the_words() {
        let query = analyze(
            "thủ tục 1.001193 hồ sơ 000.00.53.H48-220921-0099",
            &Synonyms::default(),
        );
        assert_eq!(query.procedure_codes, ["1.001193"]);
        assert_eq!(query.dossier_codes, ["000.00.53.H48-220921-0099"]);
        assert_eq!(folded(&query.variants[0]), "thu tuc ho so");
    }

    #[test]
    fn synonyms_add_wordings_and_fillers_are_dropped() {
        let query = analyze("làm giấy độc thân", &synonyms());
        let all: Vec<String> = query.variants.iter().map(|v| folded(v)).collect();
        assert_eq!(all, ["giay doc than", "xac nhan tinh trang hon nhan"]);
    }

    #[test]
    fn a_query_of_only_filler_is_searched_as_typed() {
        let query = analyze("làm giấy", &synonyms());
        assert_eq!(folded(&query.variants[0]), "lam giay");
    }

    #[test]
    fn the_last_word_is_a_prefix_while_typing() {
        let query = analyze("dang ky ket h", &Synonyms::default());
        let flags: Vec<bool> = query.variants[0].iter().map(|t| t.prefix).collect();
        assert_eq!(flags, [false, false, false, true]);
        let finished = analyze("dang ky ", &Synonyms::default());
        assert!(finished.variants[0].iter().all(|t| !t.prefix));
    }

    #[test]
    fn keystrokes_are_decoded_before_matching() {
        let query = analyze("DDAWNG KYS khai sinh", &Synonyms::default());
        assert_eq!(query.decoded.as_deref(), Some("đăng ký khai sinh"));
        assert_eq!(query.variants[0][0].keys.exact, "đăng");
    }
}
