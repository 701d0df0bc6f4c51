//! Ranked, offline search over the index.
//!
//! Two stages. First every term's postings mark the documents it matches (folded equality, or
//! a prefix for the word being typed) and a cheap score — how much of the query's weight the
//! document covers, shorter names first — picks the few dozen worth a closer look. Those are
//! scored on the words themselves: same diacritics as typed, query words side by side in the
//! name, how much of the name the query covers, a match at the start. Synonym wordings are
//! scored the same way and a document keeps its best. See `docs/decisions/search.md`.

mod filter;
mod first_stage;
mod highlight;
mod rank;
mod rescore;
#[cfg(test)]
mod tests;

use serde::Serialize;

use super::error::CatalogError;
use super::index::SearchIndex;
use super::model::Level;
use crate::text::{Synonyms, analyze};
use filter::Filter;

/// Most hits one page may ask for.
pub const MAX_PAGE: usize = 100;
/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;

/// A search as a UI asks for it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    /// The query as typed. May be empty when a filter is given (browse a field).
    pub query: String,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return, 1 to [`MAX_PAGE`].
    pub limit: usize,
    /// Only this field (lĩnh vực), by name, any diacritics or case.
    pub field: Option<String>,
    /// Only procedures with an executing agency whose name contains this text.
    pub agency: Option<String>,
    /// Only procedures carried out at this level (where the data says).
    pub level: Option<Level>,
    /// Include other provinces' own variants.
    pub all_provinces: bool,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// Procedure code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Relevance; only the order matters.
    pub score: f32,
    /// Matched character ranges `[start, end)` in `name`, in Unicode scalar values.
    pub highlights: Vec<(u32, u32)>,
    /// A full record is available.
    pub details_available: bool,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Matching procedures in all pages.
    pub total: usize,
    /// This page, best first.
    pub hits: Vec<SearchHit>,
    /// The query after Telex / VNI decoding, when that changed it.
    pub decoded_query: Option<String>,
    /// Dossier codes found in the query (the UI can offer to track them).
    pub dossier_codes: Vec<String>,
}

fn invalid(reason: String) -> CatalogError {
    CatalogError::InvalidInput { reason }
}

/// Runs a search. Performs no I/O.
pub fn search(
    index: &SearchIndex,
    synonyms: &Synonyms,
    request: &SearchRequest,
) -> Result<SearchResults, CatalogError> {
    if request.limit == 0 || request.limit > MAX_PAGE {
        return Err(invalid(format!(
            "page size must be between 1 and {MAX_PAGE}"
        )));
    }
    if request.query.len() > MAX_QUERY_CHARS && request.query.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid(format!(
            "the query is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let filter = Filter::new(index, request)?;
    let analyzed = analyze(&request.query, synonyms);
    let wanted = request.offset.saturating_add(request.limit);
    let ranking = if !analyzed.is_empty() {
        rank::rank(index, &analyzed, &filter, wanted)
    } else if filter.narrows() {
        rank::browse(index, &filter, wanted)
    } else if request.query.trim().is_empty() {
        return Err(invalid("the query is empty".into()));
    } else {
        // Only punctuation or symbols: nothing to match, and nothing wrong either.
        rank::Ranking::default()
    };
    let hits = ranking
        .top
        .iter()
        .skip(request.offset)
        .map(|scored| {
            let doc = &index.docs[scored.doc as usize];
            let highlights = scored
                .variant
                .and_then(|v| ranking.wordings.get(v))
                .map(|terms| highlight::highlight(doc, terms))
                .unwrap_or_default();
            SearchHit {
                code: doc.code.clone(),
                name: doc.name.clone(),
                field: index
                    .fields
                    .get(doc.field as usize)
                    .cloned()
                    .unwrap_or_default(),
                score: (scored.score * 100.0).round() / 100.0,
                highlights,
                details_available: doc.details,
            }
        })
        .collect();
    Ok(SearchResults {
        query: request.query.clone(),
        total: ranking.total,
        hits,
        decoded_query: analyzed.decoded,
        dossier_codes: analyzed.dossier_codes,
    })
}
