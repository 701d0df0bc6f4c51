//! Catalogue sync with a portal. The first sync is a full snapshot, staged page by page in the
//! next generation of records and swapped in by one write, so deletions apply and a
//! half-finished snapshot is never shown; later syncs apply the change feed page by page, each
//! page atomic with the cursor that follows it, so an interrupted sync resumes where it stopped.
//! Searches keep using the previous index until a sync has finished.

mod state;

pub use state::{active_namespace, last_synced};

use serde::Serialize;

use super::error::CatalogError;
use super::repository::{self, Namespace, generation_prefix, synced_tree};
use super::{Catalog, CatalogSource};
use crate::cancel::Cancellation;
use crate::clock::Clock;
use crate::net::NetError;
use crate::portal::{FeedAnswer, Portal, PortalError};
use crate::store::{Backend, Batch};
use crate::text::is_procedure_code;
use state::{Staging, SyncState};

/// What a sync did, measured on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// HTTP requests made, retries included.
    pub requests: u32,
    /// The portal answered that nothing changed (304).
    pub not_modified: bool,
    /// Bytes received, compressed, headers included.
    pub bytes_received: u64,
    /// Procedures added or changed.
    pub upserts: usize,
    /// Procedures removed.
    pub deletes: usize,
    /// The sync was (or finished) a full snapshot.
    pub full_snapshot: bool,
    /// The portal had forgotten our position, so a full snapshot was taken.
    pub cursor_expired: bool,
}

/// Brings the catalogue up to date with `portal`, `page_size` procedures per request.
pub async fn sync_catalog<P: Portal>(
    catalog: &Catalog,
    cache: &dyn Backend,
    portal: &P,
    page_size: u32,
    cancel: &Cancellation,
    clock: &Clock,
) -> Result<SyncReport, CatalogError> {
    let CatalogSource::Portal(source_id) = catalog.source() else {
        return Err(CatalogError::InvalidInput {
            reason: "this catalogue is the bundled one; open the core with a portal to sync".into(),
        });
    };
    if *source_id != portal.source_id() {
        return Err(CatalogError::InvalidInput {
            reason: "the portal is not the one this catalogue was opened for".into(),
        });
    }
    let _one_sync_at_a_time = catalog.syncing.lock().await;
    let tree = synced_tree(source_id);
    let mut run = Run {
        catalog,
        cache,
        source_id,
        tree: &tree,
        state: state::load(cache, &tree)?,
        report: SyncReport::default(),
        applied: false,
    };
    let result = run.pages(portal, page_size, cancel).await;
    if result.is_ok() {
        run.mark_up_to_date(clock)?;
    }
    // Whatever was applied is shown, even when a later page failed.
    if run.applied {
        let namespace = state::active_namespace(cache, source_id)?;
        catalog.show(cache, namespace)?;
    }
    result.map(|()| run.report)
}

struct Run<'a> {
    catalog: &'a Catalog,
    cache: &'a dyn Backend,
    source_id: &'a str,
    tree: &'a str,
    state: SyncState,
    report: SyncReport,
    applied: bool,
}

impl Run<'_> {
    async fn pages<P: Portal>(
        &mut self,
        portal: &P,
        page_size: u32,
        cancel: &Cancellation,
    ) -> Result<(), CatalogError> {
        self.remove_old_generation()?;
        let mut first = true;
        loop {
            cancel.check()?;
            let (cursor, etag) = match (&self.state.staging, &self.state.cursor) {
                (Some(staging), _) => (staging.cursor.clone(), None),
                (None, Some(cursor)) => (
                    Some(cursor.clone()),
                    first.then(|| self.state.etag.clone()).flatten(),
                ),
                (None, None) => {
                    self.state.staging = Some(Staging {
                        generation: self.state.active.unwrap_or(0) + 1,
                        cursor: None,
                    });
                    continue;
                }
            };
            first = false;
            let answer = match portal
                .catalog_changes(cursor.as_deref(), page_size, etag.as_deref(), cancel)
                .await
            {
                Err(PortalError::CursorExpired) if self.state.staging.is_none() => {
                    log::info!("the portal forgot our sync position: taking a full snapshot");
                    self.report.requests += 1;
                    self.report.cursor_expired = true;
                    self.state.cursor = None;
                    self.state.etag = None;
                    continue;
                }
                Err(PortalError::CursorExpired) => {
                    // The portal restarted during our snapshot: start it again from the first
                    // page, into a clean generation.
                    log::info!("the portal forgot our snapshot position: starting it again");
                    self.report.requests += 1;
                    self.report.cursor_expired = true;
                    if let Some(staging) = self.state.staging.take() {
                        self.remove_generation(staging.generation)?;
                    }
                    continue;
                }
                Err(PortalError::Net(error)) => return Err(CatalogError::Network(error)),
                Ok(answer) => answer,
            };
            match answer {
                FeedAnswer::NotModified { wire_bytes } => {
                    self.report.requests += 1;
                    self.report.bytes_received += wire_bytes;
                    self.report.not_modified = true;
                    return Ok(());
                }
                FeedAnswer::Page {
                    page,
                    etag,
                    wire_bytes,
                    attempts,
                } => {
                    self.report.requests += attempts;
                    self.report.bytes_received += wire_bytes;
                    let more = page.has_more;
                    self.apply(page, etag)?;
                    if !more {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Writes one page and the position after it in one atomic batch.
    fn apply(
        &mut self,
        page: crate::portal::wire::ChangesPage,
        etag: Option<String>,
    ) -> Result<(), CatalogError> {
        let shown = self.catalog.namespace();
        let (target, snapshot) = match &self.state.staging {
            Some(staging) => (Namespace::synced(self.source_id, staging.generation), true),
            None => match self.state.active {
                Some(generation) => (Namespace::synced(self.source_id, generation), false),
                None => {
                    return Err(CatalogError::Corrupt {
                        reason: "a sync position without synced records".into(),
                    });
                }
            },
        };
        let malformed = page
            .upserts
            .iter()
            .map(|upsert| upsert.code.as_str())
            .chain(page.deletes.iter().map(String::as_str))
            .find(|code| !is_procedure_code(code));
        if let Some(code) = malformed {
            return Err(CatalogError::Network(NetError::InvalidResponse {
                reason: format!(
                    "the change feed holds a malformed code ({} characters)",
                    code.len()
                ),
            }));
        }
        let mut batch = Batch::new();
        for upsert in page.upserts {
            let mut procedure = upsert.into_procedure();
            // The feed carries summaries; a full record already here stays with its procedure.
            if let Some(known) = repository::load_procedure(self.cache, &shown, &procedure.code)? {
                procedure.details = known.details;
            }
            batch.put(
                target.procedure_key(&procedure.code),
                repository::encode(&procedure)?,
            );
            self.report.upserts += 1;
        }
        if !snapshot {
            for code in page.deletes {
                batch.delete(target.procedure_key(&code));
                self.report.deletes += 1;
            }
        }
        let mut swapped_out = None;
        if let Some(staging) = &mut self.state.staging {
            self.report.full_snapshot = true;
            if page.has_more {
                staging.cursor = Some(page.next_cursor);
            } else {
                swapped_out = self.state.active;
                self.state.active = Some(staging.generation);
                self.state.staging = None;
                self.state.cursor = Some(page.next_cursor);
                self.state.etag = etag;
            }
        } else {
            self.state.cursor = Some(page.next_cursor);
            // A validator says "nothing changed since this page", which is only true of the
            // last one: kept from a middle page, it would answer a resumed sync with a 304.
            self.state.etag = if page.has_more { None } else { etag };
        }
        state::put(&mut batch, &self.state)?;
        {
            // A new generation stamp with the records, so an index saved before them is never
            // taken for theirs after a crash.
            let _writing = self.catalog.writing();
            repository::apply_with_new_generation(self.cache, &target, batch)?;
        }
        self.applied |= !snapshot || self.state.staging.is_none();
        if let Some(old) = swapped_out {
            self.remove_generation(old)?;
        }
        Ok(())
    }

    /// Records when the catalogue was last known to be up to date (what "updated 3 days ago"
    /// in the app is computed from).
    fn mark_up_to_date(&mut self, clock: &Clock) -> Result<(), CatalogError> {
        let now = clock
            .now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        self.state.synced_at_ms = Some(now.as_millis() as u64);
        let mut batch = Batch::new();
        state::put(&mut batch, &self.state)?;
        let _writing = self.catalog.writing();
        self.cache.apply(self.tree, batch)?;
        Ok(())
    }

    fn remove_old_generation(&self) -> Result<(), CatalogError> {
        match self.state.active {
            Some(active) if active > 1 => self.remove_generation(active - 1),
            _ => Ok(()),
        }
    }

    /// Deletes the records of a generation no longer shown.
    fn remove_generation(&self, generation: u64) -> Result<(), CatalogError> {
        let prefix = generation_prefix(generation);
        let stale = self.cache.scan_prefix(self.tree, prefix.as_bytes())?;
        if stale.is_empty() {
            return Ok(());
        }
        let mut batch = Batch::new();
        for (key, _) in stale {
            batch.delete(key);
        }
        let _writing = self.catalog.writing();
        self.cache.apply(self.tree, batch)?;
        Ok(())
    }
}
