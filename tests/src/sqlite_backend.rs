//! The store API on SQLite: the peer the storage decision is measured against, and the proof
//! that the conformance suite is backend-neutral (it runs against both engines).

use std::path::Path;
use std::sync::Mutex;

use longan_core::store::{Backend, Batch, Entries, StoreError, Write, blob_files};
use rusqlite::{Connection, OptionalExtension};

/// One SQLite database file (WAL mode, synchronous = FULL so `apply` is durable on return).
pub struct SqliteBackend {
    connection: Mutex<Connection>,
    directory: std::path::PathBuf,
}

fn io(error: rusqlite::Error) -> StoreError {
    StoreError::Io {
        reason: error.to_string(),
    }
}

impl SqliteBackend {
    /// Opens (creating if needed) `store.sqlite` in `directory`.
    pub fn open(directory: &Path) -> Result<SqliteBackend, StoreError> {
        std::fs::create_dir_all(directory).map_err(|e| StoreError::Io {
            reason: e.to_string(),
        })?;
        let connection = Connection::open(directory.join("store.sqlite")).map_err(io)?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                 CREATE TABLE IF NOT EXISTS kv (tree TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,
                                                PRIMARY KEY (tree, key)) WITHOUT ROWID;",
            )
            .map_err(io)?;
        Ok(SqliteBackend {
            connection: Mutex::new(connection),
            directory: directory.to_path_buf(),
        })
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The smallest key greater than every key starting with `prefix`, if there is one.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

impl Backend for SqliteBackend {
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.connection()
            .query_row(
                "SELECT value FROM kv WHERE tree = ?1 AND key = ?2",
                (tree, key),
                |row| row.get(0),
            )
            .optional()
            .map_err(io)
    }

    fn apply(&self, tree: &str, batch: Batch) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let transaction = connection.transaction().map_err(io)?;
        for write in batch.into_writes() {
            match write {
                Write::Put(key, value) => transaction.execute(
                    "INSERT OR REPLACE INTO kv (tree, key, value) VALUES (?1, ?2, ?3)",
                    (tree, key, value),
                ),
                Write::Delete(key) => {
                    transaction.execute("DELETE FROM kv WHERE tree = ?1 AND key = ?2", (tree, key))
                }
            }
            .map_err(io)?;
        }
        transaction.commit().map_err(io)
    }

    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Entries, StoreError> {
        let connection = self.connection();
        let rows: Result<Entries, rusqlite::Error> = match prefix_end(prefix) {
            Some(end) => connection
                .prepare_cached("SELECT key, value FROM kv WHERE tree = ?1 AND key >= ?2 AND key < ?3 ORDER BY key")
                .and_then(|mut s| s.query_map((tree, prefix, end), |r| Ok((r.get(0)?, r.get(1)?)))?.collect()),
            None => connection
                .prepare_cached("SELECT key, value FROM kv WHERE tree = ?1 AND key >= ?2 ORDER BY key")
                .and_then(|mut s| s.query_map((tree, prefix), |r| Ok((r.get(0)?, r.get(1)?)))?.collect()),
        };
        rows.map_err(io)
    }

    fn clear(&self, tree: &str) -> Result<(), StoreError> {
        self.connection()
            .execute("DELETE FROM kv WHERE tree = ?1", [tree])
            .map(|_| ())
            .map_err(io)
    }

    fn size_on_disk(&self) -> Result<u64, StoreError> {
        let connection = self.connection();
        let path = connection
            .path()
            .map(std::path::PathBuf::from)
            .unwrap_or_default();
        let size = |p: std::path::PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let wal = path.with_extension("sqlite-wal");
        Ok(size(path) + size(wal) + blob_files::size(&self.directory))
    }

    fn read_blob(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        blob_files::read(&self.directory, name)
    }

    fn write_blob(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        blob_files::write(&self.directory, name, bytes)
    }
}
