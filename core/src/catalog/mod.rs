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
pub mod remote;
pub mod repository;
pub mod search;
pub mod sync;

use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;

pub use csv_import::RejectedRow;
pub use details::ProcedureDetails;
pub use error::CatalogError;
pub use import::ImportReport;
pub use model::{Level, Procedure, Scope};
pub use search::{SearchHit, SearchRequest, SearchResults};

use crate::cancel::Cancellation;
use crate::store::Backend;
use crate::text::{Synonyms, collate, is_procedure_code};
use import::Merge;
use index::SearchIndex;
use repository::Namespace;

/// Writes the index file for the records of `generation`. The file is a cache of the records:
/// if writing it fails (disk full), the next open finds its generation stale and rebuilds it,
/// so the failure does not fail the import or the open.
fn save_index_file(cache: &dyn Backend, ns: &Namespace, generation: u64, index: &SearchIndex) {
    let _ = repository::save_index(cache, ns, generation, &index::codec::encode(index));
}

/// The index of a namespace: the persisted one when it matches the records, else rebuilt from
/// them (and saved).
fn load_index(cache: &dyn Backend, namespace: &Namespace) -> Result<SearchIndex, CatalogError> {
    match repository::load_index_blob(cache, namespace)?.map(|blob| index::codec::decode(&blob)) {
        Some(Ok(index)) => Ok(index),
        _ => {
            let (procedures, _unreadable) = repository::load_all(cache, namespace)?;
            if procedures.is_empty() {
                return Ok(SearchIndex::default());
            }
            let index = SearchIndex::build(&procedures);
            let generation = repository::save_records(cache, namespace, &[])?;
            save_index_file(cache, namespace, generation, &index);
            Ok(index)
        }
    }
}

/// Where the catalogue a core shows comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogSource {
    /// The bundled seed (and whatever was imported).
    Bundled,
    /// A portal, by its source id (base URL): its synced records once a first full sync
    /// finished, the bundled seed until then.
    Portal(String),
}

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
    /// Where the records behind `index` are; changes when a full sync is swapped in.
    namespace: RwLock<Namespace>,
    source: CatalogSource,
    synonyms: Synonyms,
    /// Held across load → merge → save of an import (see `merge_and_commit`) and around each
    /// page a sync writes.
    imports: Mutex<()>,
    /// One sync at a time (held across its requests, so an async lock).
    syncing: tokio::sync::Mutex<()>,
}

impl Catalog {
    /// Loads the persisted index from `cache`; rebuilds it from the stored procedures when it
    /// is missing or unreadable (for instance after an app update changed its format).
    pub fn open(cache: &dyn Backend, synonyms: Synonyms) -> Result<Catalog, CatalogError> {
        Catalog::open_source(cache, synonyms, CatalogSource::Bundled)
    }

    /// [`Catalog::open`] for the catalogue of a given source.
    pub fn open_source(
        cache: &dyn Backend,
        synonyms: Synonyms,
        source: CatalogSource,
    ) -> Result<Catalog, CatalogError> {
        let namespace = match &source {
            CatalogSource::Bundled => Namespace::bundled(),
            CatalogSource::Portal(id) => sync::active_namespace(cache, id)?,
        };
        let index = load_index(cache, &namespace)?;
        Ok(Catalog {
            index: RwLock::new(Arc::new(index)),
            namespace: RwLock::new(namespace),
            source,
            synonyms,
            imports: Mutex::new(()),
            syncing: tokio::sync::Mutex::new(()),
        })
    }

    /// Where the records shown now are.
    pub fn namespace(&self) -> Namespace {
        self.namespace
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The source this catalogue shows.
    pub fn source(&self) -> &CatalogSource {
        &self.source
    }

    /// Shows the records of `namespace` from now on: reloads and rebuilds the index from them
    /// and saves it. Searches keep using the previous index until the new one is ready.
    pub(crate) fn show(
        &self,
        cache: &dyn Backend,
        namespace: Namespace,
    ) -> Result<(), CatalogError> {
        let (procedures, _unreadable) = repository::load_all(cache, &namespace)?;
        let index = SearchIndex::build(&procedures);
        let generation = repository::save_records(cache, &namespace, &[])?;
        save_index_file(cache, &namespace, generation, &index);
        *self.namespace.write().unwrap_or_else(|p| p.into_inner()) = namespace;
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(index);
        Ok(())
    }

    /// Held by whatever rewrites the stored catalogue (imports, syncs), one at a time.
    pub(crate) fn writing(&self) -> std::sync::MutexGuard<'_, ()> {
        self.imports
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
        cancel: &Cancellation,
    ) -> Result<ImportReport, CatalogError> {
        cancel.check()?;
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
        self.merge_and_commit(cache, cancel, |merge| {
            for procedure in parsed.procedures {
                merge.upsert(procedure, &mut report);
            }
        })?;
        Ok(report)
    }

    /// Imports full detail records and attaches each to its procedure.
    pub fn import_details(
        &self,
        cache: &dyn Backend,
        sources: &[DetailSource],
        cancel: &Cancellation,
    ) -> Result<ImportReport, CatalogError> {
        let mut report = ImportReport {
            read: sources.len(),
            ..ImportReport::default()
        };
        let reject = |position: usize, reason: String, code: Option<String>| RejectedRow {
            line: position as u64 + 1,
            code,
            reason: format!("{}: {reason}", sources[position].name),
        };
        let mut records = Vec::with_capacity(sources.len());
        for (position, source) in sources.iter().enumerate() {
            cancel.check()?;
            match details::parse_detail_record(&source.text) {
                Ok(record) => records.push((position, record)),
                Err(error) => report
                    .rejected
                    .push(reject(position, error.to_string(), None)),
            }
        }
        self.merge_and_commit(cache, cancel, |merge| {
            for (position, record) in records {
                let code = record.code.clone();
                if let Err(reason) = merge.attach(record, &mut report) {
                    report.rejected.push(reject(position, reason, Some(code)));
                }
            }
        })?;
        Ok(report)
    }

    /// Loads the stored catalogue, applies `change` and saves the result, one import at a time:
    /// two imports at once would each merge into the same old catalogue and the last one would
    /// drop the other's rows.
    fn merge_and_commit(
        &self,
        cache: &dyn Backend,
        cancel: &Cancellation,
        change: impl FnOnce(&mut Merge),
    ) -> Result<(), CatalogError> {
        let _one_import_at_a_time = self.writing();
        let namespace = self.namespace();
        let (stored, _) = repository::load_all(cache, &namespace)?;
        let mut merge = Merge::new(stored);
        change(&mut merge);
        // The last point where stopping leaves the catalogue exactly as it was.
        cancel.check()?;
        self.commit(cache, &namespace, &merge)
    }

    fn commit(
        &self,
        cache: &dyn Backend,
        namespace: &Namespace,
        merge: &Merge,
    ) -> Result<(), CatalogError> {
        let changed = merge.changed();
        if changed.is_empty() && !self.is_empty() {
            return Ok(());
        }
        let procedures: Vec<Procedure> = merge.procedures.values().cloned().collect();
        let index = SearchIndex::build(&procedures);
        let generation = repository::save_records(cache, namespace, &changed)?;
        save_index_file(cache, namespace, generation, &index);
        // The records are the truth and are saved: search sees them now, whatever happened to
        // the index file.
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
        repository::load_procedure(cache, &self.namespace(), code)?.ok_or_else(|| {
            CatalogError::NotFound {
                code: code.to_string(),
            }
        })
    }

    /// Code and name of every procedure shown without the all-provinces switch, in code order
    /// (what sample dossiers are filed for).
    pub fn served_procedures(&self) -> Vec<(String, String)> {
        self.index()
            .docs
            .iter()
            .filter(|doc| doc.served)
            .map(|doc| (doc.code.clone(), doc.name.clone()))
            .collect()
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
        // Spellings of one field (same folded name) are merged under the most used spelling,
        // which is also what the field filter accepts.
        let mut merged: std::collections::HashMap<&str, (usize, usize)> =
            std::collections::HashMap::new();
        for (id, folded) in index.fields_folded().iter().enumerate() {
            let entry = merged.entry(folded.as_str()).or_insert((id, 0));
            if counts[id] > counts[entry.0] {
                entry.0 = id;
            }
            entry.1 += counts[id];
        }
        let mut fields: Vec<FieldCount> = merged
            .into_values()
            .filter(|(_, count)| *count > 0)
            .map(|(id, count)| FieldCount {
                name: index.fields[id].clone(),
                count,
            })
            .collect();
        fields.sort_by_cached_key(|field| collate::sort_key(&field.name));
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sled_backend::SledBackend;
    use crate::store::{Area, Batch, Entries, StoreError};

    fn csv(rows: std::ops::Range<u32>) -> String {
        let mut text = String::from("Mã số,Tên,Cơ quan ban hành,Cơ quan thực hiện,Lĩnh vực,URL\n");
        for n in rows {
            text.push_str(&format!(
                "1.{n:06},Cấp giấy phép lái xe số {n},Bộ Công an,,Giao thông,u\n"
            ));
        }
        text
    }

    fn search_total(catalog: &Catalog, query: &str) -> usize {
        let request = SearchRequest {
            query: query.into(),
            limit: 10,
            ..SearchRequest::default()
        };
        catalog.search(&request).unwrap().total
    }

    #[test]
    fn imports_at_the_same_time_keep_each_others_rows() {
        let dir = tempfile::tempdir().unwrap();
        let backend = SledBackend::open(dir.path(), Area::Cache).unwrap();
        let catalog = Catalog::open(&backend, Synonyms::default()).unwrap();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                catalog
                    .import_csv(&backend, csv(0..500).as_bytes(), &Cancellation::new())
                    .unwrap()
            });
            scope.spawn(|| {
                catalog
                    .import_csv(&backend, csv(500..1000).as_bytes(), &Cancellation::new())
                    .unwrap()
            });
        });
        assert_eq!(catalog.len(), 1000);
        drop(catalog);
        let reopened = Catalog::open(&backend, Synonyms::default()).unwrap();
        assert_eq!(reopened.len(), 1000);
    }

    /// Sled underneath, but the index file cannot be written (a full disk, say).
    struct NoBlobs(SledBackend);

    impl Backend for NoBlobs {
        fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
            self.0.get(tree, key)
        }
        fn apply(&self, tree: &str, batch: Batch) -> Result<(), StoreError> {
            self.0.apply(tree, batch)
        }
        fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Entries, StoreError> {
            self.0.scan_prefix(tree, prefix)
        }
        fn clear(&self, tree: &str) -> Result<(), StoreError> {
            self.0.clear(tree)
        }
        fn size_on_disk(&self) -> Result<u64, StoreError> {
            self.0.size_on_disk()
        }
        fn read_blob(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
            self.0.read_blob(name)
        }
        fn write_blob(&self, _: &str, _: &[u8]) -> Result<(), StoreError> {
            Err(StoreError::Io {
                reason: "No space left on device".into(),
            })
        }
    }

    #[test]
    fn an_index_file_that_cannot_be_written_does_not_hide_imported_rows() {
        let dir = tempfile::tempdir().unwrap();
        let backend = SledBackend::open(dir.path(), Area::Cache).unwrap();
        let catalog = Catalog::open(&backend, Synonyms::default()).unwrap();
        catalog
            .import_csv(&backend, csv(0..10).as_bytes(), &Cancellation::new())
            .unwrap();
        let failing = NoBlobs(backend);
        catalog
            .import_csv(&failing, csv(0..20).as_bytes(), &Cancellation::new())
            .unwrap();
        assert_eq!(catalog.len(), 20);
        assert_eq!(search_total(&catalog, "lái xe số 15"), 1);
        // Reopened, the stale index file is noticed and rebuilt from the records.
        let reopened = Catalog::open(&failing.0, Synonyms::default()).unwrap();
        assert_eq!(reopened.len(), 20);
    }

    #[test]
    fn a_cancelled_import_changes_nothing_on_disk_or_in_search() {
        let dir = tempfile::tempdir().unwrap();
        let backend = SledBackend::open(dir.path(), Area::Cache).unwrap();
        let catalog = Catalog::open(&backend, Synonyms::default()).unwrap();
        let none = Cancellation::new();
        catalog
            .import_csv(&backend, csv(0..10).as_bytes(), &none)
            .unwrap();
        let cancelled = Cancellation::new();
        cancelled.cancel();
        let error = catalog
            .import_csv(&backend, csv(0..30).as_bytes(), &cancelled)
            .unwrap_err();
        assert!(matches!(error, CatalogError::Cancelled(_)), "{error:?}");
        assert_eq!(catalog.len(), 10);
        assert_eq!(
            Catalog::open(&backend, Synonyms::default()).unwrap().len(),
            10
        );
        let sources = [DetailSource {
            name: "x.md".into(),
            text: String::new(),
        }];
        let error = catalog
            .import_details(&backend, &sources, &cancelled)
            .unwrap_err();
        assert!(matches!(error, CatalogError::Cancelled(_)), "{error:?}");
    }
}
