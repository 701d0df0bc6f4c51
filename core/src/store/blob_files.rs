//! Whole-value blobs kept as plain files beside a database, for large rebuildable values that
//! change as a whole (the search index). Inside sled such a value is copied every time the
//! tree node holding it is rewritten, and the copies stay until sled's cleaner runs: a fresh
//! catalogue import left eleven 2 MB copies of the index behind. A file replaced atomically
//! leaves exactly one.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::error::StoreError;

/// Folder, inside a database's directory, that holds its blob files.
pub const BLOB_FOLDER: &str = "longan-blobs";

fn io(error: std::io::Error) -> StoreError {
    StoreError::Io {
        reason: error.to_string(),
    }
}

/// True for a name a blob may have: 1 to 64 of `[a-z0-9_-]`, so it can never leave its folder.
pub fn is_valid_blob_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The path of a blob.
fn blob_path(directory: &Path, name: &str) -> Result<PathBuf, StoreError> {
    if !is_valid_blob_name(name) {
        return Err(StoreError::Io {
            reason: format!("invalid blob name {name:?}"),
        });
    }
    Ok(directory.join(BLOB_FOLDER).join(name))
}

/// Reads a blob; `None` when it was never written.
pub fn read(directory: &Path, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
    match fs::read(blob_path(directory, name)?) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io(error)),
    }
}

/// Replaces a blob atomically and durably: write a temporary file, flush it, rename it over
/// the old one, flush the folder. A reader (or a crash) sees the old blob or the new one.
pub fn write(directory: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let path = blob_path(directory, name)?;
    let folder = directory.join(BLOB_FOLDER);
    fs::create_dir_all(&folder).map_err(io)?;
    // A name of its own per write, so two writers never share a temporary file.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let sequence = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = folder.join(format!("{name}.{}.{sequence}.tmp", std::process::id()));
    let mut file = fs::File::create(&temporary).map_err(io)?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(io)?;
    drop(file);
    if let Err(error) = fs::rename(&temporary, &path) {
        let _ = fs::remove_file(&temporary);
        return Err(io(error));
    }
    // The rename itself must reach the disk before the write is acknowledged.
    fs::File::open(&folder)
        .and_then(|dir| dir.sync_all())
        .map_err(io)
}

/// Removes temporary files a crash left behind (called when a database is opened).
pub fn remove_leftovers(directory: &Path) {
    if let Ok(entries) = fs::read_dir(directory.join(BLOB_FOLDER)) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|ext| ext == "tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Bytes the blob files occupy.
pub fn size(directory: &Path) -> u64 {
    fs::read_dir(directory.join(BLOB_FOLDER))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
