//! The in-memory search index over procedure names.
//!
//! Built once per import from the procedures and persisted as a compact binary blob in
//! `cache/` (`codec.rs`), so opening the app loads it in a few milliseconds instead of
//! re-normalising 5,600 names. Lookup tables are derived on load.

pub mod codec;

use std::collections::HashMap;

use super::classify::is_served;
use super::model::{Level, Procedure};
use crate::text::{fold_key, tokenize};

/// Terms in at least this many documents get a precomputed bit set: walking their postings
/// on every query cost more than the rest of the search.
const DENSE_POSTINGS: usize = 128;

/// One word of a name, by vocabulary ids, with where it stands in the display name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocToken {
    /// Id in the folded vocabulary.
    pub term: u32,
    /// Id in the exact (diacritics kept) vocabulary.
    pub exact: u32,
    /// Offset of the first character in the display name, in Unicode scalar values.
    pub start: u32,
    /// Offset one past the last character.
    pub end: u32,
    /// Only white space separates this word from the next one (highlights of neighbouring
    /// words merge into one range).
    pub space_before_next: bool,
}

/// One indexed procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// Procedure code.
    pub code: String,
    /// Display name (NFC).
    pub name: String,
    /// Field id into [`SearchIndex::fields`].
    pub field: u32,
    /// Agency ids into [`SearchIndex::agencies`].
    pub agencies: Vec<u32>,
    /// Bit set of [`Level`]s (bit 0 commune, 1 province, 2 ministry).
    pub levels: u8,
    /// Shown without the all-provinces switch.
    pub served: bool,
    /// A full record is available.
    pub details: bool,
    /// Index of the first token that says what the procedure is: names that open with the
    /// generic `Thủ tục` start at 2.
    pub content_start: u32,
    /// The words of the name.
    pub tokens: Vec<DocToken>,
}

impl Doc {
    /// Words of the name after a generic leading `Thủ tục` (at least 1): what "short" means
    /// when ranking.
    pub fn content_len(&self) -> u32 {
        (self.tokens.len() as u32)
            .saturating_sub(self.content_start)
            .max(1)
    }
}

/// Bit of a level in [`Doc::levels`].
pub fn level_bit(level: Level) -> u8 {
    match level {
        Level::Commune => 1,
        Level::Province => 2,
        Level::Ministry => 4,
    }
}

/// The search index: documents, vocabularies and derived lookup tables.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Documents; a document id is a position here.
    pub docs: Vec<Doc>,
    /// Folded vocabulary, sorted, so a prefix is a contiguous range.
    pub terms: Vec<String>,
    /// Exact vocabulary.
    pub exacts: Vec<String>,
    /// Distinct field names (display form).
    pub fields: Vec<String>,
    /// Distinct agency names (display form).
    pub agencies: Vec<String>,
    // Derived on load.
    postings: Vec<Vec<u32>>,
    exact_postings: Vec<Vec<u32>>,
    served_bits: Vec<u64>,
    content_lens: Vec<u32>,
    dense_terms: DenseSets,
    dense_exacts: DenseSets,
    exact_ids: HashMap<String, u32>,
    code_ids: HashMap<String, u32>,
    fields_folded: Vec<String>,
    agencies_folded: Vec<String>,
}

/// Document bit sets of the frequent ids of one vocabulary, back to back.
#[derive(Debug, Clone, Default)]
struct DenseSets {
    bits: Vec<u64>,
    /// Where an id's set starts in `bits`, or `u32::MAX` for an id without one.
    start: Vec<u32>,
    words: usize,
}

impl DenseSets {
    fn of_frequent(postings: &[Vec<u32>], documents: usize) -> DenseSets {
        let words = documents.div_ceil(64);
        let mut sets = DenseSets {
            bits: Vec::new(),
            start: vec![u32::MAX; postings.len()],
            words,
        };
        for (id, list) in postings.iter().enumerate() {
            if list.len() >= DENSE_POSTINGS {
                let start = sets.bits.len();
                sets.bits.resize(start + words, 0);
                for &doc in list {
                    sets.bits[start + doc as usize / 64] |= 1 << (doc % 64);
                }
                sets.start[id] = start as u32;
            }
        }
        sets
    }

    fn get(&self, id: u32) -> Option<&[u64]> {
        let start = *self.start.get(id as usize)? as usize;
        self.bits.get(start..start + self.words)
    }
}

/// For each id of a vocabulary, the sorted ids of the documents with a word of that id.
fn postings_by(docs: &[Doc], vocabulary: usize, id: impl Fn(&DocToken) -> u32) -> Vec<Vec<u32>> {
    let mut postings = vec![Vec::new(); vocabulary];
    for (doc_id, doc) in docs.iter().enumerate() {
        for token in &doc.tokens {
            if let Some(list) = postings.get_mut(id(token) as usize)
                && list.last() != Some(&(doc_id as u32))
            {
                list.push(doc_id as u32);
            }
        }
    }
    postings
}

fn intern(vocabulary: &mut Vec<String>, ids: &mut HashMap<String, u32>, value: &str) -> u32 {
    if let Some(&id) = ids.get(value) {
        return id;
    }
    let id = vocabulary.len() as u32;
    vocabulary.push(value.to_string());
    ids.insert(value.to_string(), id);
    id
}

impl SearchIndex {
    /// Indexes procedures (any order; documents are sorted by code for stable ids).
    pub fn build(procedures: &[Procedure]) -> SearchIndex {
        let mut sorted: Vec<&Procedure> = procedures.iter().collect();
        sorted.sort_by(|a, b| a.code.cmp(&b.code));
        // Words are first collected with provisional ids, then the folded vocabulary is sorted
        // and the ids remapped, so prefixes become ranges.
        let mut raw_terms = Vec::new();
        let mut raw_term_ids = HashMap::new();
        let mut exacts = Vec::new();
        let mut exact_ids = HashMap::new();
        let mut fields = Vec::new();
        let mut field_ids = HashMap::new();
        let mut agencies = Vec::new();
        let mut agency_ids = HashMap::new();
        let mut docs = Vec::with_capacity(sorted.len());
        for procedure in sorted {
            let words = tokenize(&procedure.name);
            let chars: Vec<char> = procedure.name.chars().collect();
            let tokens: Vec<DocToken> = words
                .iter()
                .enumerate()
                .map(|(i, token)| DocToken {
                    term: intern(&mut raw_terms, &mut raw_term_ids, &token.keys.folded),
                    exact: intern(&mut exacts, &mut exact_ids, &token.keys.exact),
                    start: token.start,
                    end: token.end,
                    space_before_next: words.get(i + 1).is_some_and(|next| {
                        let gap = chars
                            .get(token.end as usize..next.start as usize)
                            .unwrap_or(&[]);
                        gap.iter().all(|c| c.is_whitespace())
                    }),
                })
                .collect();
            let opens_with_generic = tokens.len() > 2
                && raw_terms[tokens[0].term as usize] == "thu"
                && raw_terms[tokens[1].term as usize] == "tuc";
            docs.push(Doc {
                code: procedure.code.clone(),
                name: procedure.name.clone(),
                field: intern(&mut fields, &mut field_ids, &procedure.field),
                agencies: procedure
                    .agencies
                    .iter()
                    .map(|a| intern(&mut agencies, &mut agency_ids, a))
                    .collect(),
                levels: procedure
                    .levels
                    .iter()
                    .fold(0, |bits, level| bits | level_bit(*level)),
                served: is_served(&procedure.scope),
                details: procedure.details_available(),
                content_start: if opens_with_generic { 2 } else { 0 },
                tokens,
            });
        }
        let mut order: Vec<u32> = (0..raw_terms.len() as u32).collect();
        order.sort_by(|a, b| raw_terms[*a as usize].cmp(&raw_terms[*b as usize]));
        let mut remap = vec![0u32; raw_terms.len()];
        for (new_id, old_id) in order.iter().enumerate() {
            remap[*old_id as usize] = new_id as u32;
        }
        for doc in &mut docs {
            for token in &mut doc.tokens {
                token.term = remap[token.term as usize];
            }
        }
        let terms = order
            .iter()
            .map(|old| raw_terms[*old as usize].clone())
            .collect();
        SearchIndex::from_parts(docs, terms, exacts, fields, agencies)
    }

    /// Assembles an index from its persisted parts (what `build` makes and the codec reads)
    /// and derives the lookup tables, so no index exists without them.
    pub fn from_parts(
        docs: Vec<Doc>,
        terms: Vec<String>,
        exacts: Vec<String>,
        fields: Vec<String>,
        agencies: Vec<String>,
    ) -> SearchIndex {
        let mut index = SearchIndex {
            docs,
            terms,
            exacts,
            fields,
            agencies,
            ..SearchIndex::default()
        };
        index.derive_lookups();
        index
    }

    fn derive_lookups(&mut self) {
        self.postings = postings_by(&self.docs, self.terms.len(), |token| token.term);
        self.exact_postings = postings_by(&self.docs, self.exacts.len(), |token| token.exact);
        self.served_bits = vec![0; self.docs.len().div_ceil(64)];
        for (doc_id, doc) in self.docs.iter().enumerate() {
            if doc.served {
                self.served_bits[doc_id / 64] |= 1 << (doc_id % 64);
            }
        }
        self.content_lens = self.docs.iter().map(Doc::content_len).collect();
        self.dense_terms = DenseSets::of_frequent(&self.postings, self.docs.len());
        self.dense_exacts = DenseSets::of_frequent(&self.exact_postings, self.docs.len());
        self.exact_ids = self
            .exacts
            .iter()
            .enumerate()
            .map(|(i, e)| (e.clone(), i as u32))
            .collect();
        self.code_ids = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.clone(), i as u32))
            .collect();
        self.fields_folded = self.fields.iter().map(|f| fold_key(f)).collect();
        self.agencies_folded = self.agencies.iter().map(|a| fold_key(a)).collect();
    }

    /// Documents containing a folded term id (sorted ids).
    pub fn postings(&self, term: u32) -> &[u32] {
        self.postings.get(term as usize).map_or(&[], Vec::as_slice)
    }

    /// Documents containing an exact term (same diacritics), sorted ids.
    pub fn exact_postings(&self, exact: u32) -> &[u32] {
        self.exact_postings
            .get(exact as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// The documents containing a frequent term as a precomputed bit set (`None` for rarer
    /// terms, whose postings are short enough to walk).
    pub fn dense_bits(&self, term: u32) -> Option<&[u64]> {
        self.dense_terms.get(term)
    }

    /// The documents containing a frequent exact term as a precomputed bit set (`None` for
    /// rarer ones).
    pub fn dense_exact_bits(&self, exact: u32) -> Option<&[u64]> {
        self.dense_exacts.get(exact)
    }

    /// Bit set of the documents shown without the all-provinces switch.
    pub fn served_bits(&self) -> &[u64] {
        &self.served_bits
    }

    /// Words of a document's name after a generic leading `Thủ tục` (at least 1).
    pub fn content_len(&self, doc: u32) -> u32 {
        self.content_lens.get(doc as usize).copied().unwrap_or(1)
    }

    /// Id of a folded term.
    pub fn term_id(&self, folded: &str) -> Option<u32> {
        self.terms
            .binary_search_by(|t| t.as_str().cmp(folded))
            .ok()
            .map(|i| i as u32)
    }

    /// Ids of every folded term starting with `prefix` (a contiguous range).
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<u32> {
        let start = self.terms.partition_point(|t| t.as_str() < prefix);
        let end = start + self.terms[start..].partition_point(|t| t.starts_with(prefix));
        start as u32..end as u32
    }

    /// Id of an exact term.
    pub fn exact_id(&self, exact: &str) -> Option<u32> {
        self.exact_ids.get(exact).copied()
    }

    /// Document id of a code.
    pub fn doc_id(&self, code: &str) -> Option<u32> {
        self.code_ids.get(code).copied()
    }

    /// Folded field names, parallel to [`SearchIndex::fields`].
    pub fn fields_folded(&self) -> &[String] {
        &self.fields_folded
    }

    /// Folded agency names, parallel to [`SearchIndex::agencies`].
    pub fn agencies_folded(&self) -> &[String] {
        &self.agencies_folded
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}
