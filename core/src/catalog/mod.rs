//! The catalogue of administrative procedures: import, storage, offline search, details.
//!
//! The seed catalogue is imported from a file or bytes the app ships as an asset (never
//! compiled into the library). The search index lives in memory and is persisted next to the
//! procedures so a cold open only decodes it.

pub mod classify;
pub mod csv_import;
pub mod details;
pub mod error;
pub mod import;
pub mod index;
pub mod model;
pub mod repository;
pub mod search;

use std::sync::{Arc, RwLock};

use serde::Serialize;

pub use csv_import::RejectedRow;
pub use details::ProcedureDetails;
pub use error::CatalogError;
pub use import::ImportReport;
pub use model::{Level, Procedure, Scope};
pub use search::{SearchHit, SearchRequest, SearchResults};

use crate::store::Backend;
use crate::text::{Synonyms, collate, is_procedure_code};
use import::Merge;
use index::SearchIndex;

/// A field (lĩnh vực) and how many procedures it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldCount {
    /// Field name.
    pub name: String,
    /// Procedures in it (in the scope asked for).
    pub count: usize,
}

/// A detail record file to import: where it came from (for error reports) and its text.
#[derive(Debug, Clone)]
pub struct DetailSource {
    /// File name or other label.
    pub name: String,
    /// Markdown text of the record.
    pub text: String,
}

/// The catalogue service: the in-memory index plus the stored procedures it was built from.
pub struct Catalog {
    index: RwLock<Arc<SearchIndex>>,
    synonyms: Synonyms,
}

impl Catalog {
    /// Loads the persisted index from `cache`; rebuilds it from the stored procedures when it
    /// is missing or unreadable (for instance after an app update changed its format).
    pub fn open(cache: &dyn Backend, synonyms: Synonyms) -> Result<Catalog, CatalogError> {
        let index =
            match repository::load_index_blob(cache)?.map(|blob| index::codec::decode(&blob)) {
                Some(Ok(index)) => index,
                _ => {
                    let (procedures, _unreadable) = repository::load_all(cache)?;
                    if procedures.is_empty() {
                        SearchIndex::default()
                    } else {
                        let index = SearchIndex::build(&procedures);
                        repository::save(cache, &[], &index::codec::encode(&index))?;
                        index
                    }
                }
            };
        Ok(Catalog {
            index: RwLock::new(Arc::new(index)),
            synonyms,
        })
    }

    fn index(&self) -> Arc<SearchIndex> {
        self.index
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Number of procedures in the catalogue (all provinces).
    pub fn len(&self) -> usize {
        self.index().len()
    }

    /// True before the first import.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Imports a catalogue CSV: every valid row upserted, every bad row reported.
    pub fn import_csv(
        &self,
        cache: &dyn Backend,
        bytes: &[u8],
    ) -> Result<ImportReport, CatalogError> {
        let parsed = csv_import::parse_catalog_csv(bytes)?;
        let mut report = ImportReport {
            read: parsed.procedures.len() + parsed.rejected.len(),
            rejected: parsed.rejected,
            ..ImportReport::default()
        };
        if parsed.procedures.is_empty() {
            return Err(CatalogError::ImportFailed {
                reason: format!("no valid row among {} rows", report.read),
            });
        }
        let (stored, _) = repository::load_all(cache)?;
        let mut merge = Merge::new(stored);
        for procedure in parsed.procedures {
            merge.upsert(procedure, &mut report);
        }
        self.commit(cache, &merge)?;
        Ok(report)
    }

    /// Imports full detail records and attaches each to its procedure.
    pub fn import_details(
        &self,
        cache: &dyn Backend,
        sources: &[DetailSource],
    ) -> Result<ImportReport, CatalogError> {
        let (stored, _) = repository::load_all(cache)?;
        let mut merge = Merge::new(stored);
        let mut report = ImportReport {
            read: sources.len(),
            ..ImportReport::default()
        };
        for (position, source) in sources.iter().enumerate() {
            let reject = |reason: String, code: Option<String>| RejectedRow {
                line: position as u64 + 1,
                code,
                reason: format!("{}: {reason}", source.name),
            };
            match details::parse_detail_record(&source.text) {
                Ok(record) => {
                    let code = record.code.clone();
                    if let Err(reason) = merge.attach(record, &mut report) {
                        report.rejected.push(reject(reason, Some(code)));
                    }
                }
                Err(error) => report.rejected.push(reject(error.to_string(), None)),
            }
        }
        self.commit(cache, &merge)?;
        Ok(report)
    }

    fn commit(&self, cache: &dyn Backend, merge: &Merge) -> Result<(), CatalogError> {
        let changed = merge.changed();
        if changed.is_empty() && !self.is_empty() {
            return Ok(());
        }
        let procedures: Vec<Procedure> = merge.procedures.values().cloned().collect();
        let index = SearchIndex::build(&procedures);
        repository::save(cache, &changed, &index::codec::encode(&index))?;
        *self
            .index
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(index);
        Ok(())
    }

    /// Searches the catalogue. Performs no I/O.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, CatalogError> {
        search::search(&self.index(), &self.synonyms, request)
    }

    /// The full stored record of a procedure, whatever its province.
    pub fn procedure(&self, cache: &dyn Backend, code: &str) -> Result<Procedure, CatalogError> {
        let code = code.trim();
        if !is_procedure_code(code) {
            return Err(CatalogError::InvalidInput {
                reason: format!(
                    "“{code}” is not a procedure code (expected one digit, a dot and six digits, like 1.001193)"
                ),
            });
        }
        repository::load_procedure(cache, code)?.ok_or_else(|| CatalogError::NotFound {
            code: code.to_string(),
        })
    }

    /// Fields with their procedure counts, in Vietnamese alphabetical order. Performs no I/O.
    pub fn fields(&self, all_provinces: bool) -> Vec<FieldCount> {
        let index = self.index();
        let mut counts = vec![0usize; index.fields.len()];
        for doc in index.docs.iter().filter(|doc| all_provinces || doc.served) {
            if let Some(count) = counts.get_mut(doc.field as usize) {
                *count += 1;
            }
        }
        let mut fields: Vec<FieldCount> = index
            .fields
            .iter()
            .zip(counts)
            .filter(|(_, count)| *count > 0)
            .map(|(name, count)| FieldCount {
                name: name.clone(),
                count,
            })
            .collect();
        fields.sort_by_cached_key(|field| collate::sort_key(&field.name));
        fields
    }
}
