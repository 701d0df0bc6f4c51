//! The sled implementation of [`Backend`], with sled's known hazards contained: a small page
//! cache, a panic on a corrupt file turned into an error, an explicit flush before every
//! acknowledgement, and a count of acknowledged writes that shows when sled's recovery dropped
//! some ([`super::acknowledged`]).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use super::acknowledged::{Acknowledged, Check};
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
    /// Every write is counted, and what the open found missing. Lost cache writes only cost a
    /// re-sync, but a damaged segment header makes sled drop every later write at each reopen,
    /// so a cache that lost some is rebuilt rather than kept.
    acknowledged: (Acknowledged, Check),
}

/// How long opening waits for a database that is still closing.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

impl SledBackend {
    /// Opens (creating if needed) the database at `path`. A panic inside sled while reading a
    /// damaged file becomes [`StoreError::Corrupt`]. Also checks that the database still holds
    /// every write acknowledged before ([`SledBackend::lost_writes`]).
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
        let config = config(path);
        let opened = catch_unwind(AssertUnwindSafe(|| {
            let db = config.open()?;
            let acknowledged = Acknowledged::open(path, &db)?;
            Ok((db, acknowledged))
        }));
        match opened {
            Ok(Ok((db, acknowledged))) => {
                // Only one opener per directory gets here, so leftovers are nobody's.
                blob_files::remove_leftovers(path);
                Ok(SledBackend {
                    db,
                    area,
                    directory: path.to_path_buf(),
                    acknowledged,
                })
            }
            Ok(Err(error)) => Err(StoreError::from_sled(area, error)),
            Err(panic) => Err(StoreError::Corrupt {
                area,
                reason: panic_reason(&panic),
            }),
        }
    }

    /// What the open found missing of the writes acknowledged before.
    pub fn lost_writes(&self) -> Check {
        self.acknowledged.1.clone()
    }

    /// Copies every record this database can still read, tree by tree and as stored (the
    /// counts of acknowledged writes included, uncounted), into a new database at `path`.
    /// Returns the trees that could not be read to their end; what was read of them is copied.
    pub fn copy_readable_into(&self, path: &Path) -> Result<Vec<String>, StoreError> {
        let mut unreadable = Vec::new();
        let copied = catch_unwind(AssertUnwindSafe(|| -> sled::Result<()> {
            let fresh = config(path).open()?;
            for name in self.db.tree_names() {
                let mut batch = sled::Batch::default();
                let whole = catch_unwind(AssertUnwindSafe(|| -> sled::Result<()> {
                    for entry in self.db.open_tree(&name)?.iter() {
                        let (key, value) = entry?;
                        batch.insert(key, value);
                    }
                    Ok(())
                }));
                if !matches!(whole, Ok(Ok(()))) {
                    unreadable.push(String::from_utf8_lossy(&name).into_owned());
                }
                fresh.open_tree(&name)?.apply_batch(batch)?;
            }
            fresh.flush()?;
            Ok(())
        }));
        match copied {
            Ok(Ok(())) => Ok(unreadable),
            Ok(Err(error)) => Err(StoreError::from_sled(self.area, error)),
            Err(panic) => Err(StoreError::Corrupt {
                area: self.area,
                reason: panic_reason(&panic),
            }),
        }
    }

    /// Runs one write and flushes it, counted in the database (in the same flush) and then in
    /// the record beside it.
    fn write(
        &self,
        tree: &str,
        write: impl FnOnce(&sled::Db) -> sled::Result<()>,
    ) -> Result<(), StoreError> {
        let pending = self.acknowledged.0.begin(tree);
        self.guard(|db| {
            write(db)?;
            pending.count_in(db)?;
            db.flush()?;
            Ok(())
        })?;
        pending.acknowledged();
        Ok(())
    }

    fn tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        self.guard(|db| db.open_tree(name))
    }

    /// Runs a sled call, turning both its errors and its panics into [`StoreError`].
    /// Damage sled only meets when it reads the page (its recovery does not read old segments)
    /// is remembered, so the next open repairs the database.
    fn guard<T>(&self, call: impl FnOnce(&sled::Db) -> sled::Result<T>) -> Result<T, StoreError> {
        let result = match catch_unwind(AssertUnwindSafe(|| call(&self.db))) {
            Ok(result) => result.map_err(|error| StoreError::from_sled(self.area, error)),
            Err(panic) => Err(StoreError::Corrupt {
                area: self.area,
                reason: panic_reason(&panic),
            }),
        };
        if let Err(StoreError::Corrupt { reason, .. }) = &result {
            // Best effort: if this is lost, the next read finds the damage again.
            let _ = std::fs::write(self.directory.join(DAMAGE_SEEN), reason);
        }
        result
    }
}

/// Written beside a database when a read or write in use met damage; holds what sled said.
pub const DAMAGE_SEEN: &str = "longan-damage-seen";

/// What a read or write met since the database was last repaired, if it met damage. The store
/// repairs such a database on open (rebuilds the cache, copies out what `state/` still holds).
pub fn damage_seen(path: &Path) -> Option<String> {
    std::fs::read(path.join(DAMAGE_SEEN))
        .ok()
        .map(|reason| String::from_utf8_lossy(&reason).into_owned())
}

/// Whether sled's own recovery refuses the database at `path` (without the store's check of
/// acknowledged writes on top): it panics, reports corruption, or finds a file cut short or
/// undecodable. A lock still held or any other I/O failure proves nothing, and is no refusal.
pub fn engine_refuses(path: &Path) -> bool {
    // A database this process just dropped may still be closing.
    wait_until_closed(path);
    match catch_unwind(AssertUnwindSafe(|| config(path).open())) {
        Err(_) => true,
        Ok(Ok(db)) => {
            drop(db);
            wait_until_closed(path);
            false
        }
        Ok(Err(sled::Error::Io(io))) => matches!(
            io.kind(),
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
        ),
        Ok(Err(_)) => true,
    }
}

/// Waits (up to [`LOCK_PATIENCE`]) until no handle holds sled's lock on the log at `path`.
fn wait_until_closed(path: &Path) {
    let Ok(log) = std::fs::File::open(path.join("db")) else {
        return;
    };
    let started = std::time::Instant::now();
    while log.try_lock().is_err() && started.elapsed() < LOCK_PATIENCE {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = log.unlock();
}

/// The one configuration every database of the store is opened with.
fn config(path: &Path) -> sled::Config {
    sled::Config::new()
        .path(path)
        .cache_capacity(CACHE_CAPACITY_BYTES)
        .mode(sled::Mode::LowSpace)
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

    fn apply(&self, name: &str, batch: Batch) -> Result<(), StoreError> {
        let tree = self.tree(name)?;
        let mut sled_batch = sled::Batch::default();
        for write in batch.into_writes() {
            match write {
                Write::Put(key, value) => sled_batch.insert(key, value),
                Write::Delete(key) => sled_batch.remove(key),
            }
        }
        self.write(name, |_| tree.apply_batch(sled_batch))
    }

    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Entries, StoreError> {
        let tree = self.tree(tree)?;
        self.guard(|_| {
            tree.scan_prefix(prefix)
                .map(|entry| entry.map(|(k, v)| (k.to_vec(), v.to_vec())))
                .collect()
        })
    }

    fn clear(&self, name: &str) -> Result<(), StoreError> {
        let tree = self.tree(name)?;
        self.write(name, |_| tree.clear())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_dropped_a_moment_ago_is_not_taken_for_one_sled_refuses() {
        let dir = tempfile::tempdir().unwrap();
        for round in 0..5 {
            let backend = SledBackend::open(dir.path(), Area::State).unwrap();
            let mut batch = Batch::new();
            batch.put(format!("k{round}").into_bytes(), b"v".to_vec());
            backend.apply("t", batch).unwrap();
            drop(backend);
            assert!(!engine_refuses(dir.path()), "round {round}");
        }
        let conf = dir.path().join("conf");
        let length = std::fs::metadata(&conf).unwrap().len() as usize;
        std::fs::write(&conf, vec![0xA5; length]).unwrap();
        assert!(engine_refuses(dir.path()), "a garbled conf is damage");
    }
}
