//! Highlight ranges for the hits of a page.

use super::rank::PreparedTerm;
use super::rescore::positions;
use crate::catalog::index::Doc;

/// Character ranges of the matched words, neighbours separated only by spaces merged.
pub fn highlight(doc: &Doc, terms: &[PreparedTerm]) -> Vec<(u32, u32)> {
    let mut matched: Vec<usize> = positions(doc, terms, u32::MAX)
        .into_iter()
        .flatten()
        .map(usize::from)
        .collect();
    matched.sort_unstable();
    matched.dedup();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(matched.len());
    let mut previous: Option<usize> = None;
    for position in matched {
        let Some(token) = doc.tokens.get(position) else {
            continue;
        };
        let joins = previous.is_some_and(|p| p + 1 == position && doc.tokens[p].space_before_next);
        match merged.last_mut() {
            Some(last) if joins => last.1 = token.end,
            _ => merged.push((token.start, token.end)),
        }
        previous = Some(position);
    }
    merged
}
