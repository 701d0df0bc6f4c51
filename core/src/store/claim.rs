//! One open store per data directory per process. sled's own file lock already stops a second
//! process; this registry gives a second opener in the same process the same typed answer
//! instead of an I/O error from deep inside the engine.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use super::error::StoreError;

fn claimed() -> &'static Mutex<HashSet<PathBuf>> {
    static CLAIMED: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    CLAIMED.get_or_init(Default::default)
}

/// Holds a data directory for this process until dropped.
#[derive(Debug)]
pub struct DirectoryClaim {
    path: PathBuf,
}

impl DirectoryClaim {
    /// Claims an existing directory, or answers [`StoreError::Busy`] if it is already held.
    pub fn claim(directory: &Path) -> Result<DirectoryClaim, StoreError> {
        let path = directory.canonicalize().map_err(|error| StoreError::Io {
            reason: error.to_string(),
        })?;
        let mut held = claimed()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !held.insert(path.clone()) {
            return Err(StoreError::Busy);
        }
        Ok(DirectoryClaim { path })
    }
}

impl Drop for DirectoryClaim {
    fn drop(&mut self) {
        let mut held = claimed()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        held.remove(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_can_be_claimed_once_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirectoryClaim::claim(dir.path()).unwrap();
        assert_eq!(
            DirectoryClaim::claim(dir.path()).unwrap_err(),
            StoreError::Busy
        );
        drop(first);
        assert!(DirectoryClaim::claim(dir.path()).is_ok());
    }
}
