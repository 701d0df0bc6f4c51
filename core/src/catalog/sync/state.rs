//! What a portal's sync remembers between runs, in the portal's own tree: the active generation
//! of records, the cursor and validator to continue from, and a full snapshot being staged.

use serde::{Deserialize, Serialize};

use crate::catalog::error::CatalogError;
use crate::catalog::repository::Namespace;
use crate::store::{Backend, Batch};

const STATE_KEY: &[u8] = b"sync";

/// A sync's position, written in the same batch as the records of each page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The generation of records shown; `None` until a first full snapshot finished.
    pub active: Option<u64>,
    /// Where incremental sync continues.
    pub cursor: Option<String>,
    /// The validator of the last page, sent with `cursor`.
    pub etag: Option<String>,
    /// A full snapshot in progress.
    pub staging: Option<Staging>,
    /// When the catalogue was last known to be up to date (the end of a successful sync), in
    /// milliseconds since the Unix epoch, by the core's server-corrected clock.
    #[serde(default)]
    pub synced_at_ms: Option<u64>,
}

/// A full snapshot being written into the next generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staging {
    /// The generation its records go to.
    pub generation: u64,
    /// Where it continues; `None` before its first page.
    pub cursor: Option<String>,
}

/// The stored state; an unreadable one counts as none (the next sync is a full snapshot).
pub fn load(backend: &dyn Backend, tree: &str) -> Result<SyncState, CatalogError> {
    Ok(backend
        .get(tree, STATE_KEY)?
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default())
}

/// Adds the state to a page's batch.
pub fn put(batch: &mut Batch, state: &SyncState) -> Result<(), CatalogError> {
    let json = serde_json::to_vec(state).map_err(|error| CatalogError::Corrupt {
        reason: error.to_string(),
    })?;
    batch.put(STATE_KEY, json);
    Ok(())
}

/// Where a portal's catalogue is shown from: its active generation, or the bundled seed before
/// its first full snapshot.
pub fn active_namespace(backend: &dyn Backend, source_id: &str) -> Result<Namespace, CatalogError> {
    let tree = crate::catalog::repository::synced_tree(source_id);
    Ok(match load(backend, &tree)?.active {
        Some(generation) => Namespace::synced(source_id, generation),
        None => Namespace::bundled(),
    })
}

/// When a portal's catalogue was last known to be up to date.
pub fn last_synced(
    backend: &dyn Backend,
    source_id: &str,
) -> Result<Option<std::time::SystemTime>, CatalogError> {
    let tree = crate::catalog::repository::synced_tree(source_id);
    Ok(load(backend, &tree)?
        .synced_at_ms
        .map(|ms| std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms)))
}
