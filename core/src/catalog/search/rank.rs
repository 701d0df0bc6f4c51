//! Scoring and ordering. Per-query buffers are reused across searches on the same thread, so a
//! search allocates little beyond its results.

use std::cell::RefCell;

use super::filter::Filter;
use super::first_stage::{FirstStage, StageBuffers};
use super::rescore::full_score;
use crate::catalog::index::SearchIndex;
use crate::text::{AnalyzedQuery, QueryTerm, collate};

/// Query words beyond this are ignored (the match masks are 32 bits).
pub const MAX_TERMS: usize = 32;
/// Documents per wording scored in full. The same number whatever the page, so that pages are
/// consecutive slices of one ranking; the rest keep their first-stage score.
const RESCORED: usize = 16;
/// Bonus of procedures carried out at commune or province level.
pub const LOCAL_BONUS: f32 = 1.0;
/// Score of a document whose code was typed in the query.
const CODE_SCORE: f32 = 1000.0;

/// A query term resolved against the vocabulary.
#[derive(Debug, Clone)]
pub struct PreparedTerm {
    pub(super) full: Option<u32>,
    pub(super) prefix: Option<std::ops::Range<u32>>,
    pub(super) exact: Option<u32>,
    pub(super) weight: f32,
}

impl PreparedTerm {
    /// The term matches this folded vocabulary id.
    pub(super) fn matches(&self, term: u32) -> bool {
        self.full == Some(term)
            || self
                .prefix
                .as_ref()
                .is_some_and(|range| range.contains(&term))
    }
}

fn prepare(index: &SearchIndex, terms: &[QueryTerm]) -> Vec<PreparedTerm> {
    let documents = index.len().max(1) as f32;
    terms
        .iter()
        .take(MAX_TERMS)
        .map(|term| {
            let full = index.term_id(&term.keys.folded);
            let prefix = term
                .prefix
                .then(|| index.prefix_range(&term.keys.folded))
                .filter(|r| !r.is_empty());
            let frequency: usize = match (&prefix, full) {
                (Some(range), _) => range.clone().map(|id| index.postings(id).len()).sum(),
                (None, Some(id)) => index.postings(id).len(),
                (None, None) => 0,
            };
            let frequency = (frequency as f32).min(documents);
            PreparedTerm {
                full,
                prefix,
                exact: index.exact_id(&term.keys.exact),
                weight: (1.0 + documents / (1.0 + frequency)).ln(),
            }
        })
        .collect()
}

/// One ranked document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// Document id.
    pub doc: u32,
    /// Final score.
    pub score: f32,
    /// Which wording it matched best, for highlights.
    pub variant: Option<usize>,
    pub(super) content_len: u32,
    /// First-stage coverage band (higher is better).
    pub(super) band: u8,
    /// 0: its code was typed; 1: scored in full; 2: first-stage score only.
    pub(super) tier: u8,
    /// The wording's terms the document holds (first stage), so rescoring skips the others.
    pub(super) mask: u32,
}

/// An empty slot of the per-document best scores.
const UNSEEN: Scored = Scored {
    doc: 0,
    score: 0.0,
    variant: None,
    content_len: 0,
    band: 0,
    tier: u8::MAX,
    mask: 0,
};

/// The best documents of a search, in order, and how many matched in all.
#[derive(Debug, Default)]
pub struct Ranking {
    /// Matching documents in all pages.
    pub total: usize,
    /// The best `wanted` documents, best first.
    pub top: Vec<Scored>,
    /// The prepared wordings the `variant` fields point into.
    pub wordings: Vec<Vec<PreparedTerm>>,
}

/// Buffers sized to the index, reused from one search to the next.
#[derive(Default)]
struct Scratch {
    /// One bit set per distinct query term, `words` u64 each, back to back.
    term_bits: Vec<u64>,
    /// Best result per document so far (`UNSEEN` when none).
    best: Vec<Scored>,
    seen: Vec<u32>,
    candidates: Vec<Scored>,
    /// Every document matching some wording, for the total.
    matching: Vec<u64>,
    /// The wording being ranked, laid out for [`FirstStage::block`].
    block: Vec<u64>,
    /// The same for [`FirstStage::exact`].
    exact: Vec<u64>,
    stage: StageBuffers,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Best first. Typed codes, then documents scored in full, then the rest by coverage band and
/// cheap score: the band comes first there because deeper pages pull in lower bands, and a page
/// must stay a slice of the same order. Ties go to the shorter name, then the lower code
/// (document ids follow codes).
fn order(a: &Scored, b: &Scored) -> std::cmp::Ordering {
    let band = |s: &Scored| if s.tier == 2 { s.band } else { 0 };
    a.tier
        .cmp(&b.tier)
        .then(band(b).cmp(&band(a)))
        .then(b.score.total_cmp(&a.score))
        .then(a.content_len.cmp(&b.content_len))
        .then(a.doc.cmp(&b.doc))
}

/// Sorts the best `wanted` of `all` to the front and drops the rest.
fn keep_best(all: &mut Vec<Scored>, wanted: usize) {
    if all.len() > wanted && wanted > 0 {
        all.select_nth_unstable_by(wanted - 1, order);
        all.truncate(wanted);
    }
    all.sort_unstable_by(order);
}

/// Which vocabulary a term covers; terms that cover the same share one bit set.
fn same_coverage(a: &PreparedTerm, b: &PreparedTerm) -> bool {
    a.full == b.full && a.prefix == b.prefix
}

/// Ranks the documents matching an analysed query.
pub fn rank(
    index: &SearchIndex,
    analyzed: &AnalyzedQuery,
    filter: &Filter,
    wanted: usize,
) -> Ranking {
    let wordings: Vec<Vec<PreparedTerm>> = analyzed
        .variants
        .iter()
        .map(|terms| prepare(index, terms))
        .collect();
    // Every wording's terms point into one list of distinct terms, so a word shared by several
    // wordings is looked up once.
    let mut distinct: Vec<&PreparedTerm> = Vec::new();
    let slots: Vec<Vec<usize>> = wordings
        .iter()
        .map(|terms| {
            terms
                .iter()
                .map(
                    |term| match distinct.iter().position(|d| same_coverage(d, term)) {
                        Some(slot) => slot,
                        None => {
                            distinct.push(term);
                            distinct.len() - 1
                        }
                    },
                )
                .collect()
        })
        .collect();
    let allowed = filter.allowed_bits(index);
    let words = allowed.len();
    let (total, top) = SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        let scratch = &mut *scratch;
        if scratch.best.len() != index.len() {
            *scratch = Scratch {
                best: vec![UNSEEN; index.len()],
                ..Scratch::default()
            };
        }
        scratch.term_bits.clear();
        scratch.term_bits.resize(distinct.len() * words, 0);
        scratch.matching.clear();
        scratch.matching.resize(words, 0);
        for (slot, term) in distinct.iter().enumerate() {
            let bits = &mut scratch.term_bits[slot * words..(slot + 1) * words];
            for id in term_ids(term) {
                match index.dense_bits(id) {
                    Some(dense) => bits
                        .iter_mut()
                        .zip(dense)
                        .for_each(|(bit, dense)| *bit |= dense),
                    None => {
                        for &doc in index.postings(id) {
                            bits[doc as usize / 64] |= 1 << (doc % 64);
                        }
                    }
                }
            }
        }
        let keep = |scratch: &mut Scratch, scored: Scored| {
            let slot = scored.doc as usize;
            if scratch.best[slot].tier == UNSEEN.tier {
                scratch.seen.push(scored.doc);
            }
            if order(&scored, &scratch.best[slot]).is_lt() {
                scratch.best[slot] = scored;
            }
        };
        for code in &analyzed.procedure_codes {
            if let Some(doc) = index
                .doc_id(code)
                .filter(|d| allowed[*d as usize / 64] & (1 << (d % 64)) != 0)
            {
                let content_len = index.content_len(doc);
                keep(
                    scratch,
                    Scored {
                        doc,
                        score: CODE_SCORE,
                        variant: None,
                        content_len,
                        band: 0,
                        tier: 0,
                        mask: u32::MAX,
                    },
                );
                scratch.matching[doc as usize / 64] |= 1 << (doc % 64);
            }
        }
        // A wording with a word no name contains (`cccd` as typed) only matters when no
        // wording is free of such words (a typo the synonyms cannot fix).
        let known =
            |terms: &[PreparedTerm]| terms.iter().all(|t| t.full.is_some() || t.prefix.is_some());
        let some_wording_known = wordings
            .iter()
            .any(|terms| !terms.is_empty() && known(terms));
        for (variant, (terms, term_slots)) in wordings.iter().zip(&slots).enumerate() {
            if terms.is_empty() || (some_wording_known && !known(terms)) {
                continue;
            }
            let mut candidates = std::mem::take(&mut scratch.candidates);
            lay_out(index, terms, term_slots, &allowed, scratch);
            let stage = FirstStage {
                index,
                terms,
                block: &scratch.block,
                exact: &scratch.exact,
            };
            stage.run(
                RESCORED.max(wanted),
                &mut candidates,
                &mut scratch.matching,
                &mut scratch.stage,
            );
            if candidates.len() > RESCORED {
                // Whole bands come first, so the rescored set does not depend on how many
                // lower bands a deeper page pulled in.
                candidates.select_nth_unstable_by(RESCORED - 1, |a, b| {
                    b.band
                        .cmp(&a.band)
                        .then(b.score.total_cmp(&a.score))
                        .then(a.doc.cmp(&b.doc))
                });
            }
            for (position, scored) in candidates.iter().enumerate() {
                let rescored = if position < RESCORED {
                    full_score(&index.docs[scored.doc as usize], terms, scored.mask).map(|score| {
                        Scored {
                            score,
                            tier: 1,
                            ..*scored
                        }
                    })
                } else {
                    None
                };
                keep(
                    scratch,
                    Scored {
                        variant: Some(variant),
                        ..rescored.unwrap_or(*scored)
                    },
                );
            }
            candidates.clear();
            scratch.candidates = candidates;
        }
        let total = scratch
            .matching
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum();
        let mut top: Vec<Scored> = Vec::with_capacity(scratch.seen.len());
        for &doc in &scratch.seen {
            let slot = doc as usize;
            top.push(scratch.best[slot]);
            scratch.best[slot] = UNSEEN;
        }
        scratch.seen.clear();
        keep_best(&mut top, wanted);
        (total, top)
    });
    Ranking {
        total,
        top,
        wordings,
    }
}

/// Fills the scratch's `block` and `exact` with a wording's bit sets, the terms of each word
/// of 64 documents side by side.
fn lay_out(
    index: &SearchIndex,
    terms: &[PreparedTerm],
    slots: &[usize],
    allowed: &[u64],
    scratch: &mut Scratch,
) {
    let width = terms.len();
    let words = allowed.len();
    scratch.block.clear();
    scratch.block.resize(words * width, 0);
    scratch.exact.clear();
    scratch.exact.resize(words * width, 0);
    for (term, &slot) in slots.iter().enumerate() {
        let bits = &scratch.term_bits[slot * words..(slot + 1) * words];
        for (word, (bits, allowed)) in bits.iter().zip(allowed).enumerate() {
            scratch.block[word * width + term] = bits & allowed;
        }
    }
    for (term, prepared) in terms.iter().enumerate() {
        let Some(exact) = prepared.exact else {
            continue;
        };
        match index.dense_exact_bits(exact) {
            Some(dense) => {
                for (word, bits) in dense.iter().enumerate() {
                    scratch.exact[word * width + term] = *bits;
                }
            }
            None => {
                for &doc in index.exact_postings(exact) {
                    scratch.exact[doc as usize / 64 * width + term] |= 1 << (doc % 64);
                }
            }
        }
    }
}

/// Vocabulary ids a term matches: its own word and, while typing, every word it begins.
fn term_ids(term: &PreparedTerm) -> impl Iterator<Item = u32> + '_ {
    let full = term
        .full
        .filter(|id| !term.prefix.as_ref().is_some_and(|r| r.contains(id)));
    full.into_iter().chain(term.prefix.clone().unwrap_or(0..0))
}

/// Every allowed document in Vietnamese alphabetical order of its name.
pub fn browse(index: &SearchIndex, filter: &Filter, wanted: usize) -> Ranking {
    let mut allowed: Vec<(collate::SortKey, u32)> = index
        .docs
        .iter()
        .enumerate()
        .filter(|(_, doc)| filter.allows(doc))
        .map(|(id, doc)| (collate::sort_key(&doc.name), id as u32))
        .collect();
    allowed.sort();
    let total = allowed.len();
    let top = allowed
        .into_iter()
        .take(wanted)
        .map(|(_, doc)| Scored {
            doc,
            score: 0.0,
            variant: None,
            content_len: index.content_len(doc),
            band: 0,
            tier: 2,
            mask: u32::MAX,
        })
        .collect();
    Ranking {
        total,
        top,
        wordings: Vec::new(),
    }
}
