//! The two databases of a data directory: `cache/` (rebuildable) and `state/` (precious).
//!
//! They are separate sled databases so that damage to one never costs the other, and so the
//! cache can simply be thrown away and rebuilt when it cannot be read.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::backend::Backend;
use super::claim::DirectoryClaim;
use super::error::{Area, StoreError};
use super::format::{CACHE_FORMAT, CACHE_MIGRATIONS, STATE_FORMAT, STATE_MIGRATIONS, upgrade};
use super::sled_backend::SledBackend;

/// What happened while opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    /// Why `cache/` was thrown away and recreated empty, if it was.
    pub cache_rebuilt_because: Option<String>,
    /// `state/` was created by this open (a new data directory).
    pub state_created: bool,
    /// Wall time of the open.
    pub elapsed: Duration,
}

/// Both databases of one data directory, held exclusively by this process.
pub struct Stores {
    cache: SledBackend,
    state: SledBackend,
    directory: PathBuf,
    report: OpenReport,
    // Dropped last, after both databases are closed.
    _claim: DirectoryClaim,
}

impl Stores {
    /// Opens (creating if needed) the stores in `directory`.
    ///
    /// A second open of the same directory gets [`StoreError::Busy`]; an unreadable `cache/` is
    /// recreated empty (see [`OpenReport`]); an unreadable `state/` is an error and is never
    /// deleted.
    pub fn open(directory: &Path) -> Result<Stores, StoreError> {
        let started = Instant::now();
        std::fs::create_dir_all(directory).map_err(|error| StoreError::Io {
            reason: error.to_string(),
        })?;
        let claim = DirectoryClaim::claim(directory)?;
        let state = SledBackend::open(&directory.join("state"), Area::State)?;
        let state_created = upgrade(&state, Area::State, STATE_FORMAT, STATE_MIGRATIONS)?.is_none();
        let (cache, cache_rebuilt_because) = open_cache(&directory.join("cache"))?;
        Ok(Stores {
            cache,
            state,
            directory: directory.to_path_buf(),
            report: OpenReport {
                cache_rebuilt_because,
                state_created,
                elapsed: started.elapsed(),
            },
            _claim: claim,
        })
    }

    /// The rebuildable database.
    pub fn cache(&self) -> &dyn Backend {
        &self.cache
    }

    /// The database of what cannot be rebuilt.
    pub fn state(&self) -> &dyn Backend {
        &self.state
    }

    /// What happened while opening.
    pub fn report(&self) -> &OpenReport {
        &self.report
    }

    /// The data directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// Bytes both databases occupy on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.cache.size_on_disk()? + self.state.size_on_disk()?)
    }
}

fn open_and_upgrade_cache(path: &Path) -> Result<SledBackend, StoreError> {
    let cache = SledBackend::open(path, Area::Cache)?;
    upgrade(&cache, Area::Cache, CACHE_FORMAT, CACHE_MIGRATIONS)?;
    Ok(cache)
}

fn open_cache(path: &Path) -> Result<(SledBackend, Option<String>), StoreError> {
    match open_and_upgrade_cache(path) {
        Ok(cache) => Ok((cache, None)),
        Err(error @ (StoreError::Busy | StoreError::Io { .. })) => Err(error),
        Err(unreadable) => {
            std::fs::remove_dir_all(path).map_err(|error| StoreError::Io {
                reason: error.to_string(),
            })?;
            let cache = open_and_upgrade_cache(path)?;
            Ok((cache, Some(unreadable.to_string())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::backend::Batch;

    fn put(backend: &dyn Backend, tree: &str, key: &str, value: &str) {
        let mut batch = Batch::new();
        batch.put(key.as_bytes(), value.as_bytes());
        backend.apply(tree, batch).unwrap();
    }

    #[test]
    fn a_second_open_of_the_same_directory_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let first = Stores::open(dir.path()).unwrap();
        assert!(matches!(Stores::open(dir.path()), Err(StoreError::Busy)));
        drop(first);
        assert!(Stores::open(dir.path()).is_ok());
    }

    #[test]
    fn cache_and_state_are_separate_databases() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        assert!(stores.report().state_created);
        put(stores.cache(), "t", "k", "cache");
        put(stores.state(), "t", "k", "state");
        drop(stores);
        let stores = Stores::open(dir.path()).unwrap();
        assert!(!stores.report().state_created);
        assert_eq!(
            stores.cache().get("t", b"k").unwrap(),
            Some(b"cache".to_vec())
        );
        assert_eq!(
            stores.state().get("t", b"k").unwrap(),
            Some(b"state".to_vec())
        );
    }

    #[test]
    fn an_unreadable_cache_is_rebuilt_and_state_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        {
            let stores = Stores::open(dir.path()).unwrap();
            put(stores.cache(), "t", "k", "old");
            put(stores.state(), "t", "k", "precious");
        }
        // Overwrite every cache file with garbage.
        for entry in walk(&dir.path().join("cache")) {
            std::fs::write(entry, vec![0xA5; 4096]).unwrap();
        }
        let stores = Stores::open(dir.path()).unwrap();
        assert!(stores.report().cache_rebuilt_because.is_some());
        assert_eq!(stores.cache().get("t", b"k").unwrap(), None);
        assert_eq!(
            stores.state().get("t", b"k").unwrap(),
            Some(b"precious".to_vec())
        );
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }
}
