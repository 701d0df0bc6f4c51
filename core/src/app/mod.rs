//! The `Core` facade: one open data directory, its stores, and the capabilities wired to them.
//! Native shells (the FFI crate, the CLI) talk to this and nothing deeper.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::auth::{FileSecureStore, LoginConfig, SecureStore};
use crate::calendar::WorkingCalendar;
use crate::cancel::Cancellation;
use crate::catalog::sync::{SyncReport, sync_catalog};
use crate::catalog::{
    Catalog, CatalogError, CatalogSource, DetailSource, FieldCount, ImportReport, Procedure,
    SearchRequest, SearchResults,
};
use crate::clock::Clock;
use crate::events::{Event, EventSink, nowhere};
use crate::net::HttpClient;
use crate::outbox::{Outbox, RetryPolicy};
use crate::portal::Portal;
use crate::store::{OpenReport, Stores};
use crate::text::Synonyms;
use profiles::CurrentProfile;

mod demo;
mod dossiers;
mod feed;
mod inbox;
mod login;
mod outbox;
mod profiles;
mod push;
mod refresh;
mod session;

pub use refresh::{PushOutcome, RefreshReport};
pub use session::MyDossiersError;

/// The synonym dictionary shipped with the core (`data/text/synonyms.tsv`). It is a few
/// kilobytes of data that search needs to behave the same on every platform, unlike the
/// multi-megabyte seed catalogue, which the app ships as an asset.
pub const DEFAULT_SYNONYMS: &str = include_str!("../../../data/text/synonyms.tsv");

/// Where the seed catalogue is, for the first open of an empty data directory and for
/// rebuilding a cache that had to be thrown away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedFiles {
    /// The national catalogue CSV.
    pub catalog_csv: PathBuf,
    /// A folder of full procedure records (`*.md`), if shipped.
    pub details_dir: Option<PathBuf>,
}

/// What opening did besides opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOutcome {
    /// The store's own report (cache rebuilt, new directory).
    pub store: OpenReport,
    /// The seed import, when the catalogue was empty and a seed was given.
    pub seeded: Option<(ImportReport, ImportReport)>,
}

/// Until the app gives its keystore ([`Core::with_secure_store`]), keys and tokens go to
/// owner-only files beside the databases: data survives restarts, though anyone who copies the
/// whole directory can read it (see `docs/auth.md`).
fn default_secure_store(data_dir: &Path) -> Result<Arc<dyn SecureStore>, CatalogError> {
    let store = FileSecureStore::open(data_dir.join("secrets")).map_err(|error| {
        CatalogError::Store(crate::store::StoreError::Io {
            reason: error.to_string(),
        })
    })?;
    Ok(Arc::new(store))
}

/// The provider a core signs citizens in with.
struct LoginSetup {
    config: LoginConfig,
    client: HttpClient,
}

/// The opened core.
pub struct Core {
    stores: Stores,
    /// Where tokens and data keys live (the app's keystore; in memory until the app gives one).
    secure: Arc<dyn SecureStore>,
    /// The sign-in provider and the client to reach it, when the app configured one.
    login: Option<LoginSetup>,
    /// The profile in use and its data key, read once per switch.
    current_profile: std::sync::Mutex<Option<CurrentProfile>>,
    /// One token refresh at a time, however many calls find the token expired.
    refresh_lock: tokio::sync::Mutex<()>,
    /// True while a refresh is in flight (the `Refreshing` state).
    refreshing: std::sync::atomic::AtomicBool,
    /// The outbox's rules and locks; its records live in each profile's sealed trees.
    outbox: Outbox,
    /// One outbox delivery run at a time.
    delivery_lock: tokio::sync::Mutex<()>,
    catalog: Catalog,
    outcome: OpenOutcome,
    events: Arc<dyn EventSink>,
    clock: Clock,
    calendar: std::sync::OnceLock<WorkingCalendar>,
}

/// Where the demo keeps the start of its story, in `state/`.
impl Core {
    /// Opens the data directory, and imports the seed if the catalogue is empty.
    pub fn open(data_dir: &Path, seed: Option<&SeedFiles>) -> Result<Core, CatalogError> {
        Core::open_source(data_dir, seed, CatalogSource::Bundled)
    }

    /// [`Core::open`] showing the catalogue of `source`: a portal's synced records, or the
    /// bundled seed until its first sync finished.
    pub fn open_source(
        data_dir: &Path,
        seed: Option<&SeedFiles>,
        source: CatalogSource,
    ) -> Result<Core, CatalogError> {
        let started = Instant::now();
        let synonyms =
            Synonyms::parse(DEFAULT_SYNONYMS).map_err(|error| CatalogError::Corrupt {
                reason: error.to_string(),
            })?;
        let stores = Stores::open(data_dir)?;
        let catalog = Catalog::open_source(stores.cache(), synonyms, source)?;
        let mut core = Core {
            outcome: OpenOutcome {
                store: stores.report().clone(),
                seeded: None,
            },
            stores,
            catalog,
            events: nowhere(),
            clock: Clock::default(),
            secure: default_secure_store(data_dir)?,
            login: None,
            current_profile: std::sync::Mutex::new(None),
            refresh_lock: tokio::sync::Mutex::new(()),
            refreshing: std::sync::atomic::AtomicBool::new(false),
            outbox: Outbox::new(RetryPolicy::default()),
            delivery_lock: tokio::sync::Mutex::new(()),
            calendar: std::sync::OnceLock::new(),
        };
        log::info!(
            "opened the data directory in {} ms: {} procedures, cache rebuilt: {}",
            started.elapsed().as_millis(),
            core.catalog.len(),
            core.outcome.store.cache_rebuilt_because.is_some(),
        );
        if let (true, Some(seed)) = (core.catalog.is_empty(), seed) {
            core.outcome.seeded = Some(core.import_seed(seed, &Cancellation::new())?);
        }
        Ok(core)
    }

    /// The core's clock: every time-dependent part asks it, and network clients built for this
    /// core teach it the server's time.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Uses `clock` from now on (tests move time with a [`crate::clock::TestClock`]).
    pub fn with_clock(mut self, clock: Clock) -> Core {
        self.clock = clock;
        self
    }

    /// Keeps tokens and data keys in `store` (the app's keystore) from now on, instead of the
    /// owner-only files in `<data dir>/secrets`. Set it before the first call that touches a
    /// profile, and always the same store for a data directory.
    pub fn with_secure_store(mut self, store: Arc<dyn SecureStore>) -> Core {
        self.secure = store;
        *self
            .current_profile
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
        self
    }

    /// Signs citizens in with this provider, reached through `client`.
    pub fn with_login(mut self, config: LoginConfig, client: HttpClient) -> Core {
        self.login = Some(LoginSetup { config, client });
        self
    }

    /// Sends this core's events to `sink` from now on.
    pub fn with_events(mut self, sink: Arc<dyn EventSink>) -> Core {
        self.events = sink;
        self
    }

    /// Imports the seed catalogue and its detail records from files. Alters persisted state.
    pub fn import_seed(
        &self,
        seed: &SeedFiles,
        cancel: &Cancellation,
    ) -> Result<(ImportReport, ImportReport), CatalogError> {
        let bytes =
            std::fs::read(&seed.catalog_csv).map_err(|error| CatalogError::ImportFailed {
                reason: format!("cannot read {}: {error}", seed.catalog_csv.display()),
            })?;
        let catalog = self.import_catalog_csv(&bytes, cancel)?;
        let details = match &seed.details_dir {
            Some(dir) => self.import_details(&read_detail_dir(dir)?, cancel)?,
            None => ImportReport::default(),
        };
        Ok((catalog, details))
    }

    /// What opening did.
    pub fn open_outcome(&self) -> &OpenOutcome {
        &self.outcome
    }

    /// Imports a catalogue CSV given as bytes. Alters persisted state, all or nothing: a
    /// cancelled import writes nothing.
    pub fn import_catalog_csv(
        &self,
        bytes: &[u8],
        cancel: &Cancellation,
    ) -> Result<ImportReport, CatalogError> {
        let started = Instant::now();
        let report = self
            .catalog
            .import_csv(self.stores.cache(), bytes, cancel)?;
        self.imported("catalogue rows", &report, started);
        Ok(report)
    }

    /// Imports full procedure records. Alters persisted state, all or nothing.
    pub fn import_details(
        &self,
        sources: &[DetailSource],
        cancel: &Cancellation,
    ) -> Result<ImportReport, CatalogError> {
        let started = Instant::now();
        let report = self
            .catalog
            .import_details(self.stores.cache(), sources, cancel)?;
        self.imported("detail records", &report, started);
        Ok(report)
    }

    fn imported(&self, what: &str, report: &ImportReport, started: Instant) {
        log::info!(
            "imported {what} in {} ms: {} read, {} added, {} updated, {} rejected",
            started.elapsed().as_millis(),
            report.read,
            report.added,
            report.updated,
            report.rejected.len(),
        );
        if report.added + report.updated > 0 {
            self.events.emit(Event::CatalogChanged {
                procedures: self.catalog.len(),
                added: report.added,
                updated: report.updated,
            });
        }
    }

    /// Brings the catalogue up to date with `portal` (the one the core was opened for),
    /// `page_size` procedures per request. Alters persisted state page by page; a sync cut short
    /// resumes where it stopped. Searches keep working on the previous data meanwhile.
    pub async fn sync_catalog<P: Portal>(
        &self,
        portal: &P,
        page_size: u32,
        cancel: &Cancellation,
    ) -> Result<SyncReport, CatalogError> {
        let started = Instant::now();
        let report = sync_catalog(
            &self.catalog,
            self.stores.cache(),
            portal,
            page_size,
            cancel,
            &self.clock,
        )
        .await;
        match &report {
            Ok(report) => {
                log::info!(
                    "catalogue sync in {} ms: {} requests, {} bytes, {} upserts, {} deletes{}",
                    started.elapsed().as_millis(),
                    report.requests,
                    report.bytes_received,
                    report.upserts,
                    report.deletes,
                    if report.not_modified {
                        ", not modified"
                    } else {
                        ""
                    },
                );
                if report.upserts + report.deletes > 0 {
                    self.events.emit(Event::CatalogChanged {
                        procedures: self.catalog.len(),
                        // The feed does not say which upserts are new.
                        added: 0,
                        updated: report.upserts + report.deletes,
                    });
                }
            }
            Err(error) => log::warn!("catalogue sync failed: {error}"),
        }
        report
    }

    /// Fetches a procedure's full record from `portal` and stores it (a small 304 when the
    /// stored one is current). Alters persisted state.
    pub async fn refresh_procedure<P: Portal>(
        &self,
        portal: &P,
        code: &str,
        cancel: &Cancellation,
    ) -> Result<Procedure, CatalogError> {
        crate::catalog::remote::refresh_procedure(
            &self.catalog,
            self.stores.cache(),
            portal,
            code,
            cancel,
        )
        .await
    }

    /// The working calendar (built once).
    pub fn calendar(&self) -> &WorkingCalendar {
        self.calendar.get_or_init(WorkingCalendar::embedded)
    }

    /// When the catalogue was last known to be up to date with its portal (`None` for the
    /// bundled catalogue, or before a first sync). Reads the cache.
    pub fn last_synced(&self) -> Result<Option<std::time::SystemTime>, CatalogError> {
        match self.catalog.source() {
            CatalogSource::Portal(id) => crate::catalog::sync::last_synced(self.stores.cache(), id),
            CatalogSource::Bundled => Ok(None),
        }
    }

    /// Searches the catalogue. Performs no I/O.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, CatalogError> {
        self.catalog.search(request)
    }

    /// A procedure's full stored record. Reads the cache.
    pub fn procedure(&self, code: &str) -> Result<Procedure, CatalogError> {
        self.catalog.procedure(self.stores.cache(), code)
    }

    /// Fields with counts, in Vietnamese alphabetical order. Performs no I/O.
    pub fn fields(&self, all_provinces: bool) -> Vec<FieldCount> {
        self.catalog.fields(all_provinces)
    }

    /// Number of procedures in the catalogue.
    pub fn catalog_len(&self) -> usize {
        self.catalog.len()
    }

    /// Bytes the data directory's databases occupy.
    pub fn size_on_disk(&self) -> Result<u64, CatalogError> {
        Ok(self.stores.size_on_disk()?)
    }
}

/// Reads every `*.md` file of a folder as detail records, in file-name order.
pub fn read_detail_dir(dir: &Path) -> Result<Vec<DetailSource>, CatalogError> {
    let unreadable = |error: std::io::Error| CatalogError::ImportFailed {
        reason: format!("cannot read {}: {error}", dir.display()),
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read(&path).map_err(unreadable)?;
            Ok(DetailSource {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                text: String::from_utf8_lossy(&text).into_owned(),
            })
        })
        .collect()
}
