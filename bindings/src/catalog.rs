//! Catalogue records as the UIs get them, converted from the core's.

use longan_core::OpenOutcome;
use longan_core::catalog::{self as core_catalog, ImportReport, SearchRequest, SearchResults};

use crate::details::ProcedureLevel;
use crate::utf16::utf16_ranges;

/// A search as a UI asks for it. Only `text` is required.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SearchQuery {
    /// The query as typed: any diacritics or none, Telex or VNI keystrokes, abbreviations,
    /// procedure or dossier codes. May be empty when a filter is given (browse a field).
    pub text: String,
    /// Hits to skip (paging).
    #[uniffi(default = 0)]
    pub offset: u32,
    /// Hits per page, 1 to 100.
    #[uniffi(default = 20)]
    pub limit: u32,
    /// Only this field (lĩnh vực), by name, any diacritics or case.
    #[uniffi(default = None)]
    pub field: Option<String>,
    /// Only procedures with an executing agency whose name contains this text.
    #[uniffi(default = None)]
    pub agency: Option<String>,
    /// Only procedures carried out at this level.
    #[uniffi(default = None)]
    pub level: Option<ProcedureLevel>,
    /// Include other provinces' own procedures (normally only national ones and Tây Ninh's).
    #[uniffi(default = false)]
    pub all_provinces: bool,
}

/// A character range of a text, in UTF-16 code units (what Kotlin `String` and Swift
/// `NSString` index by), end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TextRange {
    /// First unit.
    pub start: u32,
    /// One past the last unit.
    pub end: u32,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SearchHit {
    /// Procedure code, e.g. `1.001193`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// The parts of `name` the query matched, to highlight.
    pub highlights: Vec<TextRange>,
    /// The full record (documents, fees, steps) is available offline.
    pub details_available: bool,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SearchPage {
    /// The query as given.
    pub query: String,
    /// Matching procedures in all pages.
    pub total: u64,
    /// This page, best first.
    pub hits: Vec<SearchHit>,
    /// The query after Telex / VNI decoding, when that changed it ("did you mean").
    pub decoded_query: Option<String>,
    /// Dossier codes found in the query (offer to track them).
    pub dossier_codes: Vec<String>,
}

/// A field with how many procedures it has.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldCount {
    /// Field name.
    pub name: String,
    /// Procedures in it.
    pub count: u64,
}

/// A row or record an import did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RejectedRow {
    /// 1-based line (CSV) or position (detail records).
    pub line: u64,
    /// The code as written, when there is one.
    pub code: Option<String>,
    /// Why it was rejected.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportSummary {
    /// Rows or records read.
    pub read: u64,
    /// Procedures new to the catalogue.
    pub added: u64,
    /// Procedures whose data changed.
    pub updated: u64,
    /// Procedures already stored exactly so.
    pub unchanged: u64,
    /// What was not imported.
    pub rejected: Vec<RejectedRow>,
}

/// What a seed import did: the catalogue, then the detail records when a folder was given.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SeedImportSummary {
    /// The catalogue CSV.
    pub catalog: ImportSummary,
    /// The detail records.
    pub details: Option<ImportSummary>,
}

/// What opening found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpenReport {
    /// Procedures in the catalogue; 0 on a first start, when the app imports its seed.
    pub procedures: u64,
    /// The cache was unreadable and was rebuilt empty (the catalogue must be imported again).
    pub cache_rebuilt: bool,
    /// Why the cache was rebuilt, when it was.
    pub cache_rebuilt_because: Option<String>,
    /// The data directory was new.
    pub new_directory: bool,
    /// Personal data in `state/` may be missing after damage on disk (a full disk, a failing
    /// card): the app should tell the citizen that recent changes may need to be made again.
    pub state_lost_anything: bool,
    /// Acknowledged writes the damage took, all kinds together.
    pub state_lost_writes: u64,
    /// What was wrong with `state/` and what was done, in English for logs and support; `None`
    /// when it opened as it was left.
    pub state_damage: Option<String>,
}

/// The catalogue at a glance.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CatalogInfo {
    /// Procedures in the catalogue.
    pub procedures: u64,
    /// Bytes the data directory occupies on disk.
    pub bytes_on_disk: u64,
    /// When the catalogue was last known to be up to date with its portal, by the server's
    /// clock (`None` for the bundled catalogue or before a first sync): for "updated 3 days ago".
    pub last_synced_at: Option<std::time::SystemTime>,
}

impl SearchQuery {
    pub(crate) fn into_core(self) -> SearchRequest {
        SearchRequest {
            query: self.text,
            offset: self.offset as usize,
            limit: self.limit as usize,
            field: self.field,
            agency: self.agency,
            level: self.level.map(ProcedureLevel::into_core),
            all_provinces: self.all_provinces,
        }
    }
}

impl From<SearchResults> for SearchPage {
    fn from(results: SearchResults) -> SearchPage {
        SearchPage {
            query: results.query,
            total: results.total as u64,
            hits: results
                .hits
                .into_iter()
                .map(|hit| SearchHit {
                    highlights: utf16_ranges(&hit.name, &hit.highlights)
                        .into_iter()
                        .map(|(start, end)| TextRange { start, end })
                        .collect(),
                    code: hit.code,
                    name: hit.name,
                    field: hit.field,
                    details_available: hit.details_available,
                })
                .collect(),
            decoded_query: results.decoded_query,
            dossier_codes: results.dossier_codes,
        }
    }
}

impl From<core_catalog::FieldCount> for FieldCount {
    fn from(field: core_catalog::FieldCount) -> FieldCount {
        FieldCount {
            name: field.name,
            count: field.count as u64,
        }
    }
}

impl From<ImportReport> for ImportSummary {
    fn from(report: ImportReport) -> ImportSummary {
        ImportSummary {
            read: report.read as u64,
            added: report.added as u64,
            updated: report.updated as u64,
            unchanged: report.unchanged as u64,
            rejected: report
                .rejected
                .into_iter()
                .map(|row| RejectedRow {
                    line: row.line,
                    code: row.code,
                    reason: row.reason,
                })
                .collect(),
        }
    }
}

impl OpenReport {
    pub(crate) fn new(outcome: &OpenOutcome, procedures: usize) -> OpenReport {
        let damage = outcome.store.state_damage.as_ref();
        OpenReport {
            procedures: procedures as u64,
            cache_rebuilt: outcome.store.cache_rebuilt_because.is_some(),
            cache_rebuilt_because: outcome.store.cache_rebuilt_because.clone(),
            new_directory: outcome.store.state_created,
            state_lost_anything: damage.is_some_and(|damage| damage.lost_anything()),
            state_lost_writes: damage.map_or(0, |damage| damage.lost_write_count()),
            state_damage: damage.map(|damage| damage.describe()),
        }
    }
}

/// What a catalogue sync did, measured on the wire.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncSummary {
    /// HTTP requests made, retries included.
    pub requests: u32,
    /// The portal said nothing changed.
    pub not_modified: bool,
    /// Bytes received, compressed, headers included.
    pub bytes_received: u64,
    /// Procedures added or changed.
    pub upserts: u64,
    /// Procedures removed.
    pub deletes: u64,
    /// The sync took (or finished) a full snapshot.
    pub full_snapshot: bool,
}

impl From<longan_core::catalog::sync::SyncReport> for SyncSummary {
    fn from(report: longan_core::catalog::sync::SyncReport) -> SyncSummary {
        SyncSummary {
            requests: report.requests,
            not_modified: report.not_modified,
            bytes_received: report.bytes_received,
            upserts: report.upserts as u64,
            deletes: report.deletes as u64,
            full_snapshot: report.full_snapshot,
        }
    }
}
