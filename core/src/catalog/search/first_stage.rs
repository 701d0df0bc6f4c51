//! The first stage of one wording: which documents cover enough of it, and the best of them.
//!
//! A wording's results are the documents covering at least [`MIN_COVERAGE`] of its weight and
//! no more than [`RELEVANCE_SPREAD`] less than the best-covered document: a query full of
//! common words should not drag in every procedure that shares one of them. Candidates come
//! only from the rarest terms (a document with none of them cannot reach the cut-off); the other
//! terms are read from bit sets, 64 documents per machine word.

use super::rank::{MAX_TERMS, PreparedTerm, Scored};
use crate::catalog::index::SearchIndex;

/// Share of the query's weight a document of three or more query words must cover.
const MIN_COVERAGE: f32 = 0.4;
/// Coverage bands used to pick the best candidates without sorting every match.
const BANDS: usize = 20;
/// Term combinations tried, best first, to find the best coverage.
const BEST_COMBINATIONS_TRIED: usize = 6;
/// How far below the best coverage a document may fall and still be a result.
const RELEVANCE_SPREAD: f32 = 0.35;
/// Wordings of up to this many terms have their best coverage sought.
const TABLE_TERMS: usize = 8;

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

/// Buffers of the first stage, reused from one wording and one search to the next.
#[derive(Default)]
pub struct StageBuffers {
    /// Coverage of every combination of terms, 8 terms at a time: entry `256 * c + m` is the
    /// share of the weight of the terms `8 * c + i` for each bit `i` of `m`.
    table: Vec<f32>,
    /// Documents and their term masks per coverage band.
    bands: Vec<Vec<(u32, u32)>>,
}

/// One wording's terms laid out for the first stage.
pub struct FirstStage<'a> {
    /// Index the documents belong to.
    pub index: &'a SearchIndex,
    /// The wording's terms.
    pub terms: &'a [PreparedTerm],
    /// Each term's allowed documents, 64 per word, the terms of one word side by side: word
    /// `w` of term `t` is at `w * terms.len() + t`.
    pub block: &'a [u64],
    /// The same layout for the documents holding each term with the diacritics typed.
    pub exact: &'a [u64],
}

impl FirstStage<'_> {
    fn row<'b>(&self, rows: &'b [u64], word: usize) -> &'b [u64] {
        let width = self.terms.len();
        &rows[word * width..(word + 1) * width]
    }

    fn words(&self) -> usize {
        self.block.len() / self.terms.len().max(1)
    }

    /// The best coverage a document reaches, found by trying the best term combinations;
    /// `None` when none of those occurs.
    fn best_coverage(&self, table: &[f32]) -> Option<f32> {
        let terms = self.terms.len();
        let all = (1u32 << terms) - 1;
        // The best combinations lack at most two terms; the best few of those are enough.
        let mut masks = [0u32; 1 + TABLE_TERMS + TABLE_TERMS * (TABLE_TERMS - 1) / 2];
        let mut count = 0;
        let mut offer = |mask: u32| {
            if (terms <= 2 || mask.count_ones() >= 2) && table[mask as usize] >= MIN_COVERAGE {
                masks[count] = mask;
                count += 1;
            }
        };
        offer(all);
        if terms > 2 {
            for first in 0..terms {
                offer(all & !(1 << first));
                for second in first + 1..terms {
                    offer(all & !(1 << first) & !(1 << second));
                }
            }
        }
        let masks = &mut masks[..count];
        masks.sort_unstable_by(|a, b| table[*b as usize].total_cmp(&table[*a as usize]));
        masks
            .iter()
            .take(BEST_COMBINATIONS_TRIED)
            .find(|&&mask| {
                (0..self.words()).any(|word| {
                    let row = self.row(self.block, word);
                    let mut all = u64::MAX;
                    let mut rest = mask;
                    while rest != 0 && all != 0 {
                        all &= row[rest.trailing_zeros() as usize];
                        rest &= rest - 1;
                    }
                    all != 0
                })
            })
            .map(|&mask| table[mask as usize])
    }

    /// Share of the matched terms found with the diacritics they were typed with, so that
    /// `nhà thuốc` picks names with `thuốc` over the many with `thuộc` for rescoring.
    fn same_marks(&self, doc: u32, mask: u32) -> f32 {
        let row = self.row(self.exact, doc as usize / 64);
        let bit = doc % 64;
        let same = (0..self.terms.len())
            .filter(|&term| mask & (1 << term) != 0 && (row[term] >> bit) & 1 == 1)
            .count();
        match mask.count_ones() {
            0 => 0.0,
            matched => same as f32 / matched as f32,
        }
    }

    /// The mask of every document of `found` (bits of one word), in bit order.
    ///
    /// The masks of 8 documents are built at once, 8 terms at a time: each term's 8 bits for
    /// those documents are spread one per byte and shifted to the term's place, so byte i of
    /// a chunk's `spread` ends up as document i's mask for those 8 terms.
    fn masks(&self, row: &[u64], found: u64, mut each: impl FnMut(u32, u32)) {
        // Monomorphised twice: the common short wordings keep one spread and no loop.
        if row.len() <= 8 {
            masks_of::<1>(row, found, &mut each);
        } else {
            masks_of::<{ MAX_TERMS / 8 }>(row, found, &mut each);
        }
    }

    /// Marks every result in `matching` and pushes at least `needed` of the best (all of them
    /// when fewer match) into `candidates` with their cheap score.
    pub fn run(
        &self,
        needed: usize,
        candidates: &mut Vec<Scored>,
        matching: &mut [u64],
        buffers: &mut StageBuffers,
    ) {
        let terms = self.terms;
        let used = terms.len().min(MAX_TERMS);
        let total_weight: f32 = terms
            .iter()
            .map(|t| t.weight)
            .sum::<f32>()
            .max(f32::EPSILON);
        let table = &mut buffers.table;
        table.clear();
        for chunk in terms.chunks(8) {
            // Each combination is a smaller one plus its lowest term.
            let start = table.len();
            table.push(0.0);
            for mask in 1usize..1 << chunk.len() {
                let lowest = mask.trailing_zeros() as usize;
                table
                    .push(table[start + (mask & (mask - 1))] + chunk[lowest].weight / total_weight);
            }
        }
        let table: &[f32] = table;
        let coverage_of = |mask: u32| {
            if used <= 8 {
                table[mask as usize]
            } else {
                (0..used.div_ceil(8))
                    .map(|chunk| table[chunk * 256 + ((mask >> (chunk * 8)) & 0xff) as usize])
                    .sum::<f32>()
            }
        };
        // Wordings of more than 8 terms are long sentences; their best coverage is not sought.
        let cutoff = if used > TABLE_TERMS {
            MIN_COVERAGE
        } else {
            self.best_coverage(table).map_or(MIN_COVERAGE, |best| {
                (best - RELEVANCE_SPREAD).max(MIN_COVERAGE)
            })
        };
        let all_bits = if used >= 32 {
            u32::MAX
        } else {
            (1u32 << used) - 1
        };
        // The rarest terms a result must hold at least one of.
        let mut by_weight = [0usize; MAX_TERMS];
        let by_weight = &mut by_weight[..used];
        by_weight
            .iter_mut()
            .enumerate()
            .for_each(|(i, slot)| *slot = i);
        by_weight.sort_by(|a, b| terms[*b].weight.total_cmp(&terms[*a].weight));
        let essential = if used <= 2 {
            1
        } else {
            let mut rest = total_weight;
            let mut count = 0;
            while count < used && rest >= cutoff * total_weight {
                rest -= terms[by_weight[count]].weight;
                count += 1;
            }
            count.max(1)
        };
        let bands = &mut buffers.bands;
        bands.resize_with(BANDS + 1, Vec::new);
        bands.iter_mut().for_each(Vec::clear);
        for (word, matching) in matching.iter_mut().enumerate().take(self.words()) {
            let row = self.row(self.block, word);
            let found = by_weight[..essential]
                .iter()
                .fold(0u64, |found, &term| found | row[term]);
            if found == 0 {
                continue;
            }
            self.masks(row, found, |bit, mask| {
                let coverage = coverage_of(mask);
                let qualifies = if used <= 2 {
                    mask == all_bits
                } else {
                    mask.count_ones() >= 2 && coverage >= cutoff
                };
                if qualifies {
                    *matching |= 1 << bit;
                    let band = ((coverage * BANDS as f32) as usize).min(BANDS);
                    bands[band].push(((word * 64) as u32 + bit, mask));
                }
            });
        }
        let mut kept = 0;
        for (band_index, band) in bands.iter().enumerate().rev() {
            if kept >= needed {
                break;
            }
            kept += band.len();
            for &(doc, mask) in band {
                let coverage = coverage_of(mask);
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

/// [`FirstStage::masks`] for wordings of at most `8 * CHUNKS` terms.
fn masks_of<const CHUNKS: usize>(row: &[u64], mut found: u64, each: &mut impl FnMut(u32, u32)) {
    let mut spread = [0u64; CHUNKS];
    while found != 0 {
        let group = found.trailing_zeros() / 8;
        for (spread, terms) in spread.iter_mut().zip(row.chunks(8)) {
            *spread = spread_group(terms, group);
        }
        let mut in_group = (found >> (group * 8)) & 0xff;
        found &= !(0xff << (group * 8));
        while in_group != 0 {
            let offset = in_group.trailing_zeros();
            in_group &= in_group - 1;
            let mask = spread.iter().enumerate().fold(0, |mask, (chunk, spread)| {
                mask | (((spread >> (offset * 8)) & 0xff) as u32) << (chunk * 8)
            });
            each(group * 8 + offset, mask);
        }
    }
}

/// Byte `i` of the result holds, in bit `t`, whether term `t` of `terms` (at most 8) holds
/// document `8 * group + i` of the word.
fn spread_group(terms: &[u64], group: u32) -> u64 {
    terms.iter().enumerate().fold(0u64, |acc, (term, bits)| {
        acc | (SPREAD_BITS[((bits >> (group * 8)) & 0xff) as usize] << term)
    })
}
