//! Which documents a request may return: province scope, field, agency, level.

use super::{SearchRequest, invalid};
use crate::catalog::error::CatalogError;
use crate::catalog::index::{Doc, SearchIndex, level_bit};
use crate::text::fold_key;

/// The request's restrictions, resolved against the index once per search.
pub struct Filter {
    all_provinces: bool,
    /// Field ids allowed: every spelling of the field asked for (`Thi đua – Khen thưởng` and
    /// `Thi đua, khen thưởng` are one field published under several names).
    fields: Option<Vec<bool>>,
    agencies: Option<Vec<bool>>,
    level: Option<u8>,
}

impl Filter {
    /// Resolves names to ids; unknown names are invalid input, not "no results".
    pub fn new(index: &SearchIndex, request: &SearchRequest) -> Result<Filter, CatalogError> {
        let fields = match &request.field {
            None => None,
            Some(name) => {
                let wanted = fold_key(name);
                let matching: Vec<bool> =
                    index.fields_folded().iter().map(|f| *f == wanted).collect();
                if !matching.contains(&true) {
                    return Err(invalid(format!("no field named “{}”", name.trim())));
                }
                Some(matching)
            }
        };
        let agencies = match &request.agency {
            None => None,
            Some(text) => {
                let wanted = fold_key(text);
                let matching: Vec<bool> = index
                    .agencies_folded()
                    .iter()
                    .map(|a| a.contains(&wanted))
                    .collect();
                if wanted.is_empty() || !matching.contains(&true) {
                    return Err(invalid(format!("no agency matching “{}”", text.trim())));
                }
                Some(matching)
            }
        };
        Ok(Filter {
            all_provinces: request.all_provinces,
            fields,
            agencies,
            level: request.level.map(level_bit),
        })
    }

    /// True when something beyond province scope restricts the results.
    pub fn narrows(&self) -> bool {
        self.fields.is_some() || self.agencies.is_some() || self.level.is_some()
    }

    /// The documents that may be returned, as a bit set over document ids.
    pub fn allowed_bits(&self, index: &SearchIndex) -> Vec<u64> {
        let words = index.len().div_ceil(64);
        if !self.narrows() {
            if !self.all_provinces {
                return index.served_bits().to_vec();
            }
            let mut all = vec![u64::MAX; words];
            let spare = words * 64 - index.len();
            if let Some(last) = all.last_mut().filter(|_| spare > 0) {
                *last >>= spare;
            }
            return all;
        }
        let mut bits = vec![0u64; words];
        for (id, doc) in index.docs.iter().enumerate() {
            if self.allows(doc) {
                bits[id / 64] |= 1 << (id % 64);
            }
        }
        bits
    }

    /// True when the document may be returned.
    pub fn allows(&self, doc: &Doc) -> bool {
        (self.all_provinces || doc.served)
            && self
                .fields
                .as_ref()
                .is_none_or(|ok| ok.get(doc.field as usize) == Some(&true))
            && self.level.is_none_or(|bit| doc.levels & bit != 0)
            && self.agencies.as_ref().is_none_or(|ok| {
                doc.agencies
                    .iter()
                    .any(|a| ok.get(*a as usize) == Some(&true))
            })
    }
}
