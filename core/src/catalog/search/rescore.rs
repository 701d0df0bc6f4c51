//! The second stage: a few candidates scored on the words of their names.

use super::rank::{LOCAL_BONUS, MAX_TERMS, PreparedTerm};
use crate::catalog::index::{Doc, level_bit};
use crate::catalog::model::Level;

/// Where each query term matched in a document's name (`None` if it did not), preferring the
/// word right after the previous term's match.
/// Only terms whose bit is set in `held` are looked for (the others are known to be absent).
pub fn positions(doc: &Doc, terms: &[PreparedTerm], held: u32) -> [Option<u16>; MAX_TERMS] {
    let mut found = [None; MAX_TERMS];
    let mut previous: Option<usize> = None;
    for (bit, (slot, term)) in found.iter_mut().zip(terms).enumerate() {
        if held & (1 << bit) == 0 {
            previous = None;
            continue;
        }
        let following = previous
            .map(|p| p + 1)
            .filter(|&next| doc.tokens.get(next).is_some_and(|t| term.matches(t.term)));
        let position = following.or_else(|| doc.tokens.iter().position(|t| term.matches(t.term)));
        *slot = position.and_then(|p| u16::try_from(p).ok());
        previous = position;
    }
    found
}

/// The second-stage score; `None` when the words do not match after all.
pub fn full_score(doc: &Doc, terms: &[PreparedTerm], held: u32) -> Option<f32> {
    let found = positions(doc, terms, held);
    let mut matched_weight = 0.0;
    let mut matched = 0usize;
    let mut same_marks = 0usize;
    let mut content_hits: u64 = 0;
    let mut content_extra = 0usize;
    let content_start = doc.content_start as usize;
    for (term, position) in terms.iter().zip(&found) {
        let Some(p) = position.map(usize::from) else {
            continue;
        };
        matched += 1;
        matched_weight += term.weight;
        if term.exact.is_some() && term.exact == Some(doc.tokens[p].exact) {
            same_marks += 1;
        }
        if p >= content_start {
            let offset = p - content_start;
            if offset < 64 {
                content_hits |= 1 << offset;
            } else {
                content_extra += 1;
            }
        }
    }
    if matched == 0 {
        return None;
    }
    let total_weight: f32 = terms
        .iter()
        .map(|t| t.weight)
        .sum::<f32>()
        .max(f32::EPSILON);
    let coverage = matched_weight / total_weight;
    let same_marks = same_marks as f32 / matched as f32;
    let side_by_side = found[..terms.len().min(MAX_TERMS)]
        .windows(2)
        .filter(|pair| matches!(pair, [Some(a), Some(b)] if *b == a + 1))
        .count() as f32
        / (terms.len().saturating_sub(1).max(1)) as f32;
    let length = doc.content_len() as f32;
    let name_covered = (content_hits.count_ones() as usize + content_extra) as f32 / length;
    let starts_name = if content_hits & 1 == 1 { 1.0 } else { 0.0 };
    // The app serves residents of one province: what their commune or province office does
    // comes before what a ministry or an embassy does, other things equal.
    let local = if doc.levels & (level_bit(Level::Commune) | level_bit(Level::Province)) != 0 {
        LOCAL_BONUS
    } else {
        0.0
    };
    Some(
        10.0 * coverage
            + 2.0 * same_marks
            + 3.0 * side_by_side
            + 3.0 * name_covered
            + starts_name
            + local
            - 0.01 * length,
    )
}
