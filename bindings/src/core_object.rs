//! `LonganCore`, the object an app holds: built from a config without I/O, opened once, then
//! called. Every call converts its arguments, runs the core on the runtime, and converts back.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use longan_core::catalog::CatalogSource;
use longan_core::net::HttpClient;
use longan_core::portal::{DossierSource, HttpPortal};
use longan_core::{Cancellation, Core, SeedFiles, app::read_detail_dir};

use crate::cancel::{CallCancellation, CancelHandle};
use crate::catalog::{
    CatalogInfo, FieldCount, ImportSummary, OpenReport, SearchPage, SearchQuery, SeedImportSummary,
    SyncSummary,
};
use crate::config::{CoreConfig, Language, LoginSettings};
use crate::details::ProcedureDetail;
use crate::dossier::{DemoDossier, DossierView};
use crate::error::LonganError;
use crate::events::{EventListener, ToListener};
use crate::logging::{self, Logger};
use crate::runtime::{run_async, run_blocking};
use crate::secure_storage::{FromApp, SecureStorage};

/// Procedures per sync request: about 30 kB compressed, under two seconds on 2G.
const SYNC_PAGE_SIZE: u32 = 500;
/// How long `shutdown` waits for the calls in flight.
const SHUTDOWN_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// The Long An Số core for one data directory. Create it anywhere (no I/O), call
/// [`LonganCore::open`], then use it from any thread; calls may overlap.
#[derive(uniffi::Object)]
pub struct LonganCore {
    config: CoreConfig,
    listener: Option<Arc<dyn EventListener>>,
    secure_storage: Option<Arc<dyn SecureStorage>>,
    /// `None` until opened and after closing. Shared with the calls running on the runtime.
    opened: Arc<Mutex<Option<Arc<Core>>>>,
    /// Held through an open or a shutdown, so they never interleave.
    lifecycle: Arc<Mutex<()>>,
}

#[uniffi::export]
impl LonganCore {
    /// A core for `config.data_dir`. Performs no I/O; safe on the main thread. A `logger`
    /// receives the records at `config.log_level` and above (process-wide: the latest core
    /// given a logger wins); a `listener` receives this core's background events; a
    /// `secureStorage` (the platform keystore) keeps tokens and data keys — without one they
    /// go to owner-only files in `dataDir/secrets`, which protects nothing from someone who
    /// copies the app's files: apps must pass one.
    #[uniffi::constructor(default(logger = None, listener = None, secure_storage = None))]
    pub fn new(
        config: CoreConfig,
        logger: Option<Arc<dyn Logger>>,
        listener: Option<Arc<dyn EventListener>>,
        secure_storage: Option<Arc<dyn SecureStorage>>,
    ) -> LonganCore {
        if let Some(logger) = logger {
            logging::install(logger, config.log_level());
        }
        LonganCore {
            config,
            listener,
            secure_storage,
            opened: Arc::default(),
            lifecycle: Arc::default(),
        }
    }

    /// Opens the data directory (creating it when missing). Only one open core per data
    /// directory: a second one gets `StoreBusy` until the first is closed. Opening an open core
    /// does nothing. Reads the disk; a damaged cache is rebuilt empty and reported.
    pub async fn open(&self) -> Result<OpenReport, LonganError> {
        let language = self.config.language();
        let data_dir = PathBuf::from(&self.config.data_dir);
        let listener = self.listener.clone();
        let opened = self.opened.clone();
        let lifecycle = self.lifecycle.clone();
        let portal_url = self.config.portal_url.clone();
        let login = self.config.login.as_ref().map(LoginSettings::to_core);
        let secure_storage = self.secure_storage.clone();
        let net = self
            .config
            .net_config()
            .map_err(|user_message| LonganError::InvalidInput { user_message })?;
        run_blocking(language, move || {
            // Opening takes a while; the slot's lock is only held to read or fill it, so calls
            // made meanwhile never wait on the open (they fail fast with StorageUnavailable).
            let _one_open_or_shutdown = lifecycle.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(core) = opened.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
                return Ok(OpenReport::new(core.open_outcome(), core.catalog_len()));
            }
            let source = match portal_url {
                Some(url) => CatalogSource::Portal(url.trim_end_matches('/').to_string()),
                None => CatalogSource::Bundled,
            };
            let mut core = Core::open_source(&data_dir, None, source)
                .map_err(|error| LonganError::from_catalog(error, language))?;
            if let Some(listener) = listener {
                core = core.with_events(Arc::new(ToListener(listener)));
            }
            let secure: Arc<dyn longan_core::auth::SecureStore> = match secure_storage {
                Some(storage) => Arc::new(FromApp(storage)),
                None => Arc::new(
                    longan_core::auth::FileSecureStore::open(data_dir.join("secrets"))
                        .map_err(|error| LonganError::storage(language, &error.to_string()))?,
                ),
            };
            core = core.with_secure_store(secure);
            if let Some(login) = login {
                let client = HttpClient::new(net.clone(), core.clock().clone())
                    .map_err(|error| LonganError::from_net(error, language))?;
                core = core.with_login(login, client);
            }
            let report = OpenReport::new(core.open_outcome(), core.catalog_len());
            *opened.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(core));
            Ok(report)
        })
        .await
    }

    /// Closes the data directory once the calls in flight have finished, so another core may
    /// open it. Later calls fail with `StorageUnavailable` until `open` is called again.
    pub async fn shutdown(&self) -> Result<(), LonganError> {
        let opened = self.opened.clone();
        let lifecycle = self.lifecycle.clone();
        run_blocking(self.config.language(), move || {
            let _one_open_or_shutdown = lifecycle.lock().unwrap_or_else(|p| p.into_inner());
            let Some(core) = opened.lock().unwrap_or_else(|p| p.into_inner()).take() else {
                return Ok(());
            };
            // New calls fail from here on; the ones in flight hold the other references.
            let started = std::time::Instant::now();
            while Arc::strong_count(&core) > 1 && started.elapsed() < SHUTDOWN_PATIENCE {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            if Arc::strong_count(&core) > 1 {
                log::warn!("shutting down with calls still running; the last one closes the store");
            }
            drop(core);
            Ok(())
        })
        .await
    }

    /// One page of catalogue search results. Performs no I/O (the index is in memory).
    pub async fn search(&self, query: SearchQuery) -> Result<SearchPage, LonganError> {
        self.call(move |core, language| {
            core.search(&query.into_core())
                .map(SearchPage::from)
                .map_err(|error| LonganError::from_catalog(error, language))
        })
        .await
    }

    /// Fields (lĩnh vực) with their number of procedures, in Vietnamese alphabetical order.
    /// Performs no I/O.
    pub async fn fields(&self, all_provinces: bool) -> Result<Vec<FieldCount>, LonganError> {
        self.call(move |core, _| {
            Ok(core
                .fields(all_provinces)
                .into_iter()
                .map(FieldCount::from)
                .collect())
        })
        .await
    }

    /// Brings the catalogue up to date with the portal of `config.portal_url`: a full snapshot
    /// the first time, then only the changes (a few hundred bytes when nothing changed).
    /// Alters persisted state page by page; a sync cut short resumes where it stopped, and
    /// searches keep working on the previous data meanwhile. Fails with `InvalidInput` when no
    /// portal is configured.
    #[uniffi::method(default(cancel = None))]
    pub async fn sync_catalog(
        &self,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<SyncSummary, LonganError> {
        let language = self.config.language();
        let core = self.opened_core()?;
        let portal = self.portal(&core)?;
        self.network_call(cancel, move |flag| async move {
            core.sync_catalog(&portal, SYNC_PAGE_SIZE, &flag)
                .await
                .map(SyncSummary::from)
                .map_err(|error| LonganError::from_catalog(error, language))
        })
        .await
    }

    /// Fetches a procedure's full record (documents, fees, steps) from the portal and keeps it
    /// for offline use; asking again for an unchanged record costs one small 304. Needs
    /// `config.portal_url`. Network; alters persisted state.
    #[uniffi::method(default(cancel = None))]
    pub async fn refresh_procedure(
        &self,
        code: String,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<ProcedureDetail, LonganError> {
        let language = self.config.language();
        let core = self.opened_core()?;
        let portal = self.portal(&core)?;
        self.network_call(cancel, move |flag| async move {
            core.refresh_procedure(&portal, &code, &flag)
                .await
                .map(ProcedureDetail::from)
                .map_err(|error| LonganError::from_catalog(error, language))
        })
        .await
    }

    /// Looks a dossier up by the code on its receipt (typed any way) and the verifier (the last
    /// four digits of the applicant's phone or ID number), on the configured portal or, without
    /// one, on the offline demo; keeps it readable offline. An unknown code and a wrong verifier
    /// are the same `NotFound`. Network (or the demo); writes the device's data.
    #[uniffi::method(default(cancel = None))]
    pub async fn look_up_dossier(
        &self,
        code: String,
        verifier: String,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<DossierView, LonganError> {
        let language = self.config.language();
        let core = self.opened_core()?;
        let source = self.dossier_source(&core)?;
        self.network_call(cancel, move |flag| async move {
            let tracked = core
                .look_up_dossier(&source, &code, &verifier, &flag)
                .await
                .map_err(|error| LonganError::from_dossier(error, language))?;
            let due = core.dossier_due(&tracked.dossier);
            Ok(DossierView::new(tracked, due))
        })
        .await
    }

    /// Follows (or stops following) a dossier looked up on this device before. Writes the
    /// device's data; no network.
    pub async fn set_dossier_followed(
        &self,
        code: String,
        followed: bool,
    ) -> Result<DossierView, LonganError> {
        self.call(move |core, language| {
            let tracked = core
                .set_dossier_followed(&code, followed)
                .map_err(|error| LonganError::from_dossier(error, language))?;
            let due = core.dossier_due(&tracked.dossier);
            Ok(DossierView::new(tracked, due))
        })
        .await
    }

    /// The followed dossiers as last confirmed, newest first, with no network.
    pub async fn followed_dossiers(&self) -> Result<Vec<DossierView>, LonganError> {
        self.call(move |core, language| {
            let followed = core
                .followed_dossiers()
                .map_err(|error| LonganError::from_dossier(error, language))?;
            Ok(followed
                .into_iter()
                .map(|tracked| {
                    let due = core.dossier_due(&tracked.dossier);
                    DossierView::new(tracked, due)
                })
                .collect())
        })
        .await
    }

    /// The offline demo's sample dossiers, with the verifiers a volunteer types.
    pub async fn demo_dossiers(&self) -> Result<Vec<DemoDossier>, LonganError> {
        self.call(move |core, language| {
            let demo = core
                .demo_portal()
                .map_err(|error| LonganError::from_catalog(error, language))?;
            Ok(demo
                .demo_codes()
                .into_iter()
                .map(|(code, verifier)| DemoDossier { code, verifier })
                .collect())
        })
        .await
    }

    /// Moves the demo's story forward by `minutes`, as if they had passed: a volunteer shows
    /// the next step of a dossier without waiting. Writes the device's data.
    pub async fn advance_demo(&self, minutes: u32) -> Result<(), LonganError> {
        self.call(move |core, language| {
            core.advance_demo(std::time::Duration::from_secs(u64::from(minutes) * 60))
                .map_err(|error| LonganError::from_catalog(error, language))
        })
        .await
    }

    /// Starts the demo's story again: its dossiers are new and move again from now.
    pub async fn reset_demo(&self) -> Result<(), LonganError> {
        self.call(move |core, language| {
            core.reset_demo()
                .map_err(|error| LonganError::from_catalog(error, language))
        })
        .await
    }

    /// Everything stored about one procedure, by code (any province). Reads the disk.
    pub async fn procedure(&self, code: String) -> Result<ProcedureDetail, LonganError> {
        self.call(move |core, language| {
            let procedure = core
                .procedure(&code)
                .map_err(|error| LonganError::from_catalog(error, language))?;
            let dues = core.due_if_filed_today(&procedure);
            Ok(ProcedureDetail::new(procedure, dues))
        })
        .await
    }

    /// How big the catalogue is and how much disk the data directory takes. Reads the disk.
    pub async fn catalog_info(&self) -> Result<CatalogInfo, LonganError> {
        self.call(move |core, language| {
            let failed = |error| LonganError::from_catalog(error, language);
            Ok(CatalogInfo {
                procedures: core.catalog_len() as u64,
                bytes_on_disk: core.size_on_disk().map_err(failed)?,
                last_synced_at: core.last_synced().map_err(failed)?,
            })
        })
        .await
    }

    /// Imports the seed catalogue from a CSV file and, when `details_dir` is given, the full
    /// records (`*.md`) in it. Alters persisted state, all or nothing per file; takes about a
    /// second on a phone. Cancel with `cancel`; a cancelled import writes nothing.
    #[uniffi::method(default(details_dir = None, cancel = None))]
    pub async fn import_seed_file(
        &self,
        catalog_csv_path: String,
        details_dir: Option<String>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<SeedImportSummary, LonganError> {
        self.call_cancellable(cancel, move |core, language, flag| {
            let seed = SeedFiles {
                catalog_csv: PathBuf::from(catalog_csv_path),
                details_dir: details_dir.map(PathBuf::from),
            };
            let has_details = seed.details_dir.is_some();
            let (catalog, details) = core
                .import_seed(&seed, flag)
                .map_err(|error| LonganError::from_catalog(error, language))?;
            Ok(SeedImportSummary {
                catalog: catalog.into(),
                details: has_details.then(|| details.into()),
            })
        })
        .await
    }

    /// Imports a catalogue CSV given as bytes (an app asset read into memory). Alters persisted
    /// state, all or nothing. Cancel with `cancel`; a cancelled import writes nothing.
    #[uniffi::method(default(cancel = None))]
    pub async fn import_catalog_bytes(
        &self,
        csv: Vec<u8>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<ImportSummary, LonganError> {
        self.call_cancellable(cancel, move |core, language, flag| {
            core.import_catalog_csv(&csv, flag)
                .map(ImportSummary::from)
                .map_err(|error| LonganError::from_catalog(error, language))
        })
        .await
    }

    /// Imports the full records (`*.md`) of a folder. Alters persisted state, all or nothing.
    #[uniffi::method(default(cancel = None))]
    pub async fn import_details_dir(
        &self,
        dir: String,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<ImportSummary, LonganError> {
        self.call_cancellable(cancel, move |core, language, flag| {
            let sources = read_detail_dir(&PathBuf::from(dir))
                .map_err(|error| LonganError::from_catalog(error, language))?;
            core.import_details(&sources, flag)
                .map(ImportSummary::from)
                .map_err(|error| LonganError::from_catalog(error, language))
        })
        .await
    }
}

impl LonganCore {
    /// Runs async (network) work on the runtime with a cancellation of its own: set by the
    /// app's handle, or when this call's future is dropped.
    pub(crate) async fn network_call<T, F, Fut>(
        &self,
        cancel: Option<Arc<CancelHandle>>,
        work: F,
    ) -> Result<T, LonganError>
    where
        T: Send + 'static,
        F: FnOnce(Cancellation) -> Fut,
        Fut: std::future::Future<Output = Result<T, LonganError>> + Send + 'static,
    {
        let call = CallCancellation::new(cancel.as_deref());
        let result = run_async(self.config.language(), work(call.flag())).await;
        drop(call);
        result
    }

    /// [`LonganCore::call`] for work that can be cancelled: by the app's handle, or by dropping
    /// the call's future.
    async fn call_cancellable<T, F>(
        &self,
        cancel: Option<Arc<CancelHandle>>,
        work: F,
    ) -> Result<T, LonganError>
    where
        T: Send + 'static,
        F: FnOnce(&Core, Language, &Cancellation) -> Result<T, LonganError> + Send + 'static,
    {
        let call = CallCancellation::new(cancel.as_deref());
        let flag = call.flag();
        let result = self
            .call(move |core, language| work(core, language, &flag))
            .await;
        drop(call);
        result
    }

    /// Runs `work` on the open core, on the runtime's blocking pool.
    pub(crate) async fn call<T, F>(&self, work: F) -> Result<T, LonganError>
    where
        T: Send + 'static,
        F: FnOnce(&Core, Language) -> Result<T, LonganError> + Send + 'static,
    {
        let language = self.config.language();
        let core = self.opened_core()?;
        run_blocking(language, move || work(&core, language)).await
    }

    /// The language user messages are written in.
    pub(crate) fn language(&self) -> Language {
        self.config.language()
    }

    /// The configured portal's client, or `None` in demo mode.
    pub(crate) fn configured_portal(&self, core: &Core) -> Result<Option<HttpPortal>, LonganError> {
        match &self.config.portal_url {
            Some(_) => self.portal(core).map(Some),
            None => Ok(None),
        }
    }

    /// Where dossiers come from: the configured portal, or the embedded demo without one.
    pub(crate) fn dossier_source(&self, core: &Core) -> Result<DossierSource, LonganError> {
        let portal = self.configured_portal(core)?;
        core.dossier_source(portal)
            .map_err(|error| LonganError::from_catalog(error, self.language()))
    }

    /// The configured portal's client, on the core's clock.
    pub(crate) fn portal(&self, core: &Core) -> Result<HttpPortal, LonganError> {
        let language = self.config.language();
        let Some(url) = &self.config.portal_url else {
            return Err(LonganError::InvalidInput {
                user_message: match language {
                    Language::Vi => "Chưa cấu hình cổng dịch vụ công (portal_url).".into(),
                    Language::En => "No portal is configured (CoreConfig.portal_url).".into(),
                },
            });
        };
        let net = self
            .config
            .net_config()
            .map_err(|user_message| LonganError::InvalidInput { user_message })?;
        let client = HttpClient::new(net, core.clock().clone())
            .map_err(|error| LonganError::from_net(error, language))?;
        Ok(HttpPortal::new(url, client))
    }

    pub(crate) fn opened_core(&self) -> Result<Arc<Core>, LonganError> {
        self.opened
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| LonganError::not_open(self.config.language()))
    }
}
