//! The sled implementation of [`Backend`], with sled's known hazards contained: a small page
//! cache, a panic on a corrupt file turned into an error, an explicit flush before every
//! acknowledgement.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use super::backend::{Backend, Batch, Entries, Write};
use super::blob_files;
use super::error::{Area, StoreError};

/// sled's default page cache is 1 GB, which ran phones out of memory elsewhere.
pub const CACHE_CAPACITY_BYTES: u64 = 4 * 1024 * 1024;

/// One sled database.
pub struct SledBackend {
    db: sled::Db,
    area: Area,
    directory: std::path::PathBuf,
}

/// How long opening waits for a database that is still closing.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

impl SledBackend {
    /// Opens (creating if needed) the database at `path`. A panic inside sled while reading a
    /// damaged file becomes [`StoreError::Corrupt`].
    pub fn open(path: &Path, area: Area) -> Result<SledBackend, StoreError> {
        // sled finishes closing a database on background threads (log writes still in flight
        // hold its file lock for a moment after the last handle is dropped), so a reopen right
        // after a close can find the lock still taken. Only a lock still held after this long
        // counts as busy: another process, or an owner that did not close.
        let started = std::time::Instant::now();
        loop {
            match SledBackend::open_once(path, area) {
                Err(StoreError::Busy) if started.elapsed() < LOCK_PATIENCE => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path, area: Area) -> Result<SledBackend, StoreError> {
        let config = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_CAPACITY_BYTES)
            .mode(sled::Mode::LowSpace);
        let opened = catch_unwind(AssertUnwindSafe(|| config.open()));
        match opened {
            Ok(Ok(db)) => {
                // Only one opener per directory gets here, so leftovers are nobody's.
                blob_files::remove_leftovers(path);
                Ok(SledBackend {
                    db,
                    area,
                    directory: path.to_path_buf(),
                })
            }
            Ok(Err(error)) => Err(StoreError::from_sled(area, error)),
            Err(panic) => Err(StoreError::Corrupt {
                area,
                reason: panic_reason(&panic),
            }),
        }
    }

    fn tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        self.guard(|db| db.open_tree(name))
    }

    /// Runs a sled call, turning both its errors and its panics into [`StoreError`].
    fn guard<T>(&self, call: impl FnOnce(&sled::Db) -> sled::Result<T>) -> Result<T, StoreError> {
        match catch_unwind(AssertUnwindSafe(|| call(&self.db))) {
            Ok(result) => result.map_err(|error| StoreError::from_sled(self.area, error)),
            Err(panic) => Err(StoreError::Corrupt {
                area: self.area,
                reason: panic_reason(&panic),
            }),
        }
    }
}

fn panic_reason(panic: &Box<dyn std::any::Any + Send>) -> String {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into());
    format!("the storage engine failed while reading: {message}")
}

impl Backend for SledBackend {
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let tree = self.tree(tree)?;
        self.guard(|_| tree.get(key))
            .map(|found| found.map(|v| v.to_vec()))
    }

    fn apply(&self, tree: &str, batch: Batch) -> Result<(), StoreError> {
        let tree = self.tree(tree)?;
        let mut sled_batch = sled::Batch::default();
        for write in batch.into_writes() {
            match write {
                Write::Put(key, value) => sled_batch.insert(key, value),
                Write::Delete(key) => sled_batch.remove(key),
            }
        }
        self.guard(|db| {
            tree.apply_batch(sled_batch)?;
            db.flush()?;
            Ok(())
        })
    }

    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Entries, StoreError> {
        let tree = self.tree(tree)?;
        self.guard(|_| {
            tree.scan_prefix(prefix)
                .map(|entry| entry.map(|(k, v)| (k.to_vec(), v.to_vec())))
                .collect()
        })
    }

    fn clear(&self, tree: &str) -> Result<(), StoreError> {
        let tree = self.tree(tree)?;
        self.guard(|db| {
            tree.clear()?;
            db.flush()?;
            Ok(())
        })
    }

    fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.guard(|db| db.size_on_disk())? + blob_files::size(&self.directory))
    }

    fn read_blob(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        blob_files::read(&self.directory, name)
    }

    fn write_blob(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        blob_files::write(&self.directory, name, bytes)
    }
}
