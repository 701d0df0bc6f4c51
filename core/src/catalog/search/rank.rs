//! Scoring and ordering. Per-query buffers are reused across searches on the same thread, so a
//! search allocates little beyond its results.

use std::cell::RefCell;

use super::filter::Filter;
use crate::catalog::index::{Doc, SearchIndex, level_bit};
use crate::catalog::model::Level;
use crate::text::{AnalyzedQuery, QueryTerm, collate};

/// Query words beyond this are ignored (the match masks are 32 bits).
const MAX_TERMS: usize = 32;
/// Documents per wording scored in full. The same number whatever the page, so that pages are
/// consecutive slices of one ranking; the rest keep their first-stage score.
const RESCORED: usize = 16;
/// Share of the query's weight a document of three or more query words must cover.
const MIN_COVERAGE: f32 = 0.4;
/// Bonus of procedures carried out at commune or province level.
const LOCAL_BONUS: f32 = 1.0;
/// Score of a document whose code was typed in the query.
const CODE_SCORE: f32 = 1000.0;

/// A query term resolved against the vocabulary.
#[derive(Debug, Clone)]
pub struct PreparedTerm {
    full: Option<u32>,
    prefix: Option<std::ops::Range<u32>>,
    exact: Option<u32>,
    weight: f32,
}

impl PreparedTerm {
    fn matches(&self, term: u32) -> bool {
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
    content_len: u32,
    /// First-stage coverage band (higher is better).
    band: u8,
    /// 0: its code was typed; 1: scored in full; 2: first-stage score only.
    tier: u8,
    /// The wording's terms the document holds (first stage), so rescoring skips the others.
    mask: u32,
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
    /// Documents per coverage band of the wording being ranked.
    bands: Vec<Vec<u32>>,
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
    SCRATCH.with(|cell| {
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
        scratch.bands.resize_with(BANDS + 1, Vec::new);
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
            let stage = FirstStage {
                index,
                terms,
                slots: term_slots,
                term_bits: &scratch.term_bits,
                allowed: &allowed,
            };
            stage.run(
                RESCORED.max(wanted),
                &mut candidates,
                &mut scratch.matching,
                &mut scratch.bands,
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
        Ranking {
            total,
            top,
            wordings: wordings.clone(),
        }
    })
}

/// The first stage of one wording: which documents cover enough of it, and the best of them.
///
/// A wording's results are the documents covering at least [`MIN_COVERAGE`] of its weight and
/// no more than [`RELEVANCE_SPREAD`] less than the best-covered document: a query full of
/// common words should not drag in every procedure that shares one of them. Candidates come
/// only from the rarest terms (a document with none of them cannot reach the cut-off); the other
/// terms are read from their bit sets, 64 documents per machine word.
struct FirstStage<'a> {
    index: &'a SearchIndex,
    terms: &'a [PreparedTerm],
    slots: &'a [usize],
    term_bits: &'a [u64],
    allowed: &'a [u64],
}

/// `SPREAD_BITS[b]` has bit `i` of `b` moved to bit `8 * i`: one bit per byte.
const SPREAD_BITS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut bit = 0;
        while bit < 8 {
            if byte & (1 << bit) != 0 {
                table[byte] |= 1 << (8 * bit);
            }
            bit += 1;
        }
        byte += 1;
    }
    table
};

/// Coverage bands used to pick the best candidates without sorting every match.
const BANDS: usize = 20;
/// Term combinations tried, best first, to find the best coverage.
const BEST_COMBINATIONS_TRIED: usize = 6;
/// How far below the best coverage a document may fall and still be a result.
const RELEVANCE_SPREAD: f32 = 0.35;

impl FirstStage<'_> {
    fn bits(&self, term: usize, word: usize) -> u64 {
        self.term_bits[self.slots[term] * self.allowed.len() + word]
    }

    /// The best coverage an allowed document reaches, found by trying the best term
    /// combinations; `None` when none of those occurs.
    fn best_coverage(&self, table: &[f32]) -> Option<f32> {
        let terms = self.terms.len();
        let all = (1u32 << terms) - 1;
        // The best combinations lack at most two terms; the best few of those are enough.
        let mut masks: Vec<u32> = vec![all];
        if terms > 2 {
            for first in 0..terms {
                masks.push(all & !(1 << first));
                for second in first + 1..terms {
                    masks.push(all & !(1 << first) & !(1 << second));
                }
            }
        }
        masks.retain(|m| (terms <= 2 || m.count_ones() >= 2) && table[*m as usize] >= MIN_COVERAGE);
        masks.sort_unstable_by(|a, b| table[*b as usize].total_cmp(&table[*a as usize]));
        masks.truncate(BEST_COMBINATIONS_TRIED);
        masks
            .into_iter()
            .find(|&mask| {
                (0..self.allowed.len()).any(|word| {
                    let mut all = self.allowed[word];
                    let mut rest = mask;
                    while rest != 0 && all != 0 {
                        all &= self.bits(rest.trailing_zeros() as usize, word);
                        rest &= rest - 1;
                    }
                    all != 0
                })
            })
            .map(|mask| table[mask as usize])
    }

    /// Share of the matched terms found with the diacritics they were typed with, so that
    /// `nhà thuốc` picks names with `thuốc` over the many with `thuộc` for rescoring.
    fn same_marks(&self, doc: u32, mask: u32) -> f32 {
        let mut matched = 0u32;
        let mut same = 0u32;
        let mut rest = mask;
        while rest != 0 {
            let term = &self.terms[rest.trailing_zeros() as usize];
            rest &= rest - 1;
            matched += 1;
            if term
                .exact
                .is_some_and(|exact| self.index.exact_postings(exact).binary_search(&doc).is_ok())
            {
                same += 1;
            }
        }
        if matched == 0 {
            0.0
        } else {
            same as f32 / matched as f32
        }
    }

    /// Marks every result in `matching` and pushes at least `needed` of the best (all of them
    /// when fewer match) into `candidates` with their cheap score.
    fn run(
        &self,
        needed: usize,
        candidates: &mut Vec<Scored>,
        matching: &mut [u64],
        bands: &mut [Vec<u32>],
    ) {
        let terms = self.terms;
        let total_weight: f32 = terms
            .iter()
            .map(|t| t.weight)
            .sum::<f32>()
            .max(f32::EPSILON);
        // Coverage of every combination of matched terms, when there are few enough terms.
        let table: Vec<f32> = if terms.len() <= 8 {
            (0u32..1 << terms.len())
                .map(|mask| covered_weight(terms, mask) / total_weight)
                .collect()
        } else {
            Vec::new()
        };
        let cutoff = if table.is_empty() {
            MIN_COVERAGE
        } else {
            self.best_coverage(&table).map_or(MIN_COVERAGE, |best| {
                (best - RELEVANCE_SPREAD).max(MIN_COVERAGE)
            })
        };
        let all_bits = if terms.len() >= 32 {
            u32::MAX
        } else {
            (1u32 << terms.len()) - 1
        };
        // The rarest terms a result must hold at least one of.
        let mut by_weight: Vec<usize> = (0..terms.len()).collect();
        by_weight.sort_by(|a, b| terms[*b].weight.total_cmp(&terms[*a].weight));
        let essential = if terms.len() <= 2 {
            1
        } else {
            let mut rest = total_weight;
            let mut count = 0;
            while count < by_weight.len() && rest >= cutoff * total_weight {
                rest -= terms[by_weight[count]].weight;
                count += 1;
            }
            count.max(1)
        };
        bands.iter_mut().for_each(Vec::clear);
        let mut block = [0u64; MAX_TERMS];
        let used = terms.len().min(MAX_TERMS);
        for (word, (allowed, matching)) in self.allowed.iter().zip(matching.iter_mut()).enumerate()
        {
            let mut found = 0u64;
            for &term in &by_weight[..essential] {
                found |= self.bits(term, word);
            }
            found &= allowed;
            if found == 0 {
                continue;
            }
            for (term, bits) in block[..used].iter_mut().enumerate() {
                *bits = self.bits(term, word);
            }
            // With at most 8 terms, the masks of 8 documents are built at once: each term's
            // 8 bits for those documents are spread one per byte and shifted to the term's
            // place, so byte i of `spread` ends up as document i's mask.
            let mut spread_group = usize::MAX;
            let mut spread = 0u64;
            while found != 0 {
                let bit = found.trailing_zeros();
                found &= found - 1;
                let mask = if used <= 8 {
                    let group = bit as usize / 8;
                    if group != spread_group {
                        spread_group = group;
                        spread =
                            block[..used]
                                .iter()
                                .enumerate()
                                .fold(0u64, |acc, (term, bits)| {
                                    acc | (SPREAD_BITS[((bits >> (group * 8)) & 0xff) as usize]
                                        << term)
                                });
                    }
                    ((spread >> ((bit as usize % 8) * 8)) & 0xff) as u32
                } else {
                    block[..used]
                        .iter()
                        .enumerate()
                        .fold(0u32, |mask, (term, bits)| {
                            mask | ((((bits >> bit) & 1) as u32) << term)
                        })
                };
                let coverage = table
                    .get(mask as usize)
                    .copied()
                    .unwrap_or_else(|| covered_weight(terms, mask) / total_weight);
                let qualifies = if terms.len() <= 2 {
                    mask == all_bits
                } else {
                    mask.count_ones() >= 2 && coverage >= cutoff
                };
                if qualifies {
                    *matching |= 1 << bit;
                    let band = ((coverage * BANDS as f32) as usize).min(BANDS);
                    bands[band].push((word * 64) as u32 + bit);
                }
            }
        }
        let mut kept = 0;
        for (band_index, band) in bands.iter().enumerate().rev() {
            if kept >= needed {
                break;
            }
            kept += band.len();
            for &doc in band {
                let mask = (0..used).fold(0u32, |mask, term| {
                    mask | ((((self.bits(term, doc as usize / 64)) >> (doc % 64)) & 1) as u32)
                        << term
                });
                let coverage = table
                    .get(mask as usize)
                    .copied()
                    .unwrap_or_else(|| covered_weight(terms, mask) / total_weight);
                let length = self.index.content_len(doc);
                candidates.push(Scored {
                    doc,
                    score: 10.0 * coverage + 2.0 * self.same_marks(doc, mask)
                        - 0.01 * length as f32,
                    variant: None,
                    content_len: length,
                    band: band_index as u8,
                    tier: 2,
                    mask,
                });
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

fn covered_weight(terms: &[PreparedTerm], mut mask: u32) -> f32 {
    let mut sum = 0.0;
    while mask != 0 {
        let bit = mask.trailing_zeros() as usize;
        sum += terms.get(bit).map_or(0.0, |t| t.weight);
        mask &= mask - 1;
    }
    sum
}

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
fn full_score(doc: &Doc, terms: &[PreparedTerm], held: u32) -> Option<f32> {
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
