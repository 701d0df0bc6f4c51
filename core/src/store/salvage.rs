//! Moving what a damaged `state/` still holds into a fresh database.
//!
//! Once sled's files were found damaged (refused and reopened from the log, or acknowledged
//! writes missing), the database is not trusted with new writes: a damaged segment header, for
//! one, lets sled open and accept writes that its next recovery drops again. So every record
//! sled can still read is copied into a new database in [`STAGING`], and the directories are
//! swapped: the damaged one is kept as [`KEPT`] (replacing an older one), never deleted. A
//! `state/` sled cannot open at all is kept the same way, and an empty database takes its
//! place ([`start_empty`]).
//!
//! The swap survives a crash at any point: the copy is marked complete only once it is on
//! disk, an incomplete copy is discarded (the damaged `state/` is still in place, and the next
//! open salvages it again), and a complete one is swapped in by the next open if this one did
//! not get to it ([`finish_interrupted`]).

use std::fs;
use std::path::Path;

use super::acknowledged::SLOT_FILES;
use super::blob_files::BLOB_FOLDER;
use super::error::{Area, StoreError};
use super::sled_backend::SledBackend;

/// The folder of the database in use, inside the data directory.
const STATE: &str = "state";
/// Where the copy is written before it is swapped in.
pub const STAGING: &str = "state.salvage";
/// Where the damaged database is kept once the copy is in use.
pub const KEPT: &str = "state.damaged";
/// Written last into [`STAGING`]: the copy is whole.
const COMPLETE: &str = "longan-salvage-complete";
/// In a `state/` that started empty, until an open has reported why ([`started_empty`]):
/// a process killed between the swap and that report still gets it reported at the next open.
const STARTED_EMPTY: &str = "longan-started-empty";

fn io(error: std::io::Error) -> StoreError {
    StoreError::Io {
        reason: error.to_string(),
    }
}

fn sync_dir(path: &Path) -> Result<(), StoreError> {
    fs::File::open(path)
        .and_then(|dir| dir.sync_all())
        .map_err(io)
}

/// Copies what `damaged` (the open `state/` of `data_dir`) can still read into a fresh
/// database, swaps it in and opens it. Returns it with the trees that could not be read to
/// their end.
pub fn salvage(
    damaged: SledBackend,
    data_dir: &Path,
) -> Result<(SledBackend, Vec<String>), StoreError> {
    let state = data_dir.join(STATE);
    let staging = data_dir.join(STAGING);
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io)?;
    }
    let unreadable = damaged.copy_readable_into(&staging)?;
    drop(damaged);
    swap_in(data_dir)?;
    Ok((SledBackend::open(&state, Area::State)?, unreadable))
}

/// Sets aside a `state/` that sled cannot open at all (kept as [`KEPT`], like a salvaged one)
/// and opens a new empty database in its place. The record of acknowledged writes goes with
/// it, so the open counts every write the old database held as lost and says so.
pub fn start_empty(data_dir: &Path, reason: &str) -> Result<SledBackend, StoreError> {
    let staging = data_dir.join(STAGING);
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io)?;
    }
    fs::create_dir_all(&staging).map_err(io)?;
    let note = staging.join(STARTED_EMPTY);
    fs::write(&note, reason).map_err(io)?;
    fs::File::open(&note)
        .and_then(|file| file.sync_all())
        .map_err(io)?;
    swap_in(data_dir)?;
    SledBackend::open(&data_dir.join(STATE), Area::State)
}

/// Brings what lives beside sled's files into [`STAGING`] — the record of acknowledged writes
/// (already brought up to date by the open that found the damage) and the blobs — marks the
/// copy complete once it is on disk, and swaps it in.
fn swap_in(data_dir: &Path) -> Result<(), StoreError> {
    let state = data_dir.join(STATE);
    let staging = data_dir.join(STAGING);
    for name in SLOT_FILES {
        if state.join(name).exists() {
            fs::copy(state.join(name), staging.join(name)).map_err(io)?;
        }
    }
    copy_folder(&state.join(BLOB_FOLDER), &staging.join(BLOB_FOLDER))?;
    let marker = fs::File::create(staging.join(COMPLETE)).map_err(io)?;
    marker.sync_all().map_err(io)?;
    sync_dir(&staging)?;
    finish_interrupted(data_dir)
}

/// Why `state/` of `data_dir` started empty, if it did and no open has said so yet.
pub fn started_empty(data_dir: &Path) -> Result<Option<String>, StoreError> {
    match fs::read(data_dir.join(STATE).join(STARTED_EMPTY)) {
        Ok(reason) => Ok(Some(String::from_utf8_lossy(&reason).into_owned())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io(error)),
    }
}

/// An open has reported [`started_empty`]: it is said once.
pub fn forget_started_empty(data_dir: &Path) -> Result<(), StoreError> {
    let state = data_dir.join(STATE);
    match fs::remove_file(state.join(STARTED_EMPTY)) {
        Ok(()) => sync_dir(&state),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(io(error)),
    }
}

/// Completes a salvage a crash interrupted, or discards an incomplete copy. Called before
/// `state/` is opened.
pub fn finish_interrupted(data_dir: &Path) -> Result<(), StoreError> {
    let state = data_dir.join(STATE);
    let staging = data_dir.join(STAGING);
    let _ = fs::remove_file(state.join(COMPLETE));
    if !staging.exists() {
        return Ok(());
    }
    if !staging.join(COMPLETE).exists() {
        return fs::remove_dir_all(&staging).map_err(io);
    }
    if state.exists() {
        let kept = data_dir.join(KEPT);
        if kept.exists() {
            fs::remove_dir_all(&kept).map_err(io)?;
        }
        fs::rename(&state, &kept).map_err(io)?;
    }
    fs::rename(&staging, &state).map_err(io)?;
    sync_dir(data_dir)?;
    let _ = fs::remove_file(state.join(COMPLETE));
    Ok(())
}

fn copy_folder(from: &Path, to: &Path) -> Result<(), StoreError> {
    let entries = match fs::read_dir(from) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(io(error)),
    };
    fs::create_dir_all(to).map_err(io)?;
    for entry in entries {
        let path = entry.map_err(io)?.path();
        if let (true, Some(name)) = (path.is_file(), path.file_name()) {
            fs::copy(&path, to.join(name)).map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::backend::{Backend, Batch};

    fn put(backend: &dyn Backend, tree: &str, key: &str) {
        let mut batch = Batch::new();
        batch.put(key.as_bytes(), b"value".to_vec());
        backend.apply(tree, batch).unwrap();
    }

    #[test]
    fn a_salvaged_state_holds_every_record_and_the_damaged_one_is_kept_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = SledBackend::open(&dir.path().join(STATE), Area::State).unwrap();
        put(&state, "follows", "a");
        put(&state, "follows", "b");
        put(&state, "inbox", "c");
        state.write_blob("blob", b"kept").unwrap();

        let (fresh, unreadable) = salvage(state, dir.path()).unwrap();

        assert!(unreadable.is_empty());
        assert_eq!(fresh.scan_prefix("follows", b"").unwrap().len(), 2);
        assert_eq!(fresh.get("inbox", b"c").unwrap(), Some(b"value".to_vec()));
        assert_eq!(fresh.read_blob("blob").unwrap(), Some(b"kept".to_vec()));
        assert!(fresh.lost_writes().lost.is_empty());
        assert!(fresh.lost_writes().unverified_because.is_none());
        assert!(dir.path().join(KEPT).join("db").exists());
        assert!(!dir.path().join(STAGING).exists());
    }

    #[test]
    fn an_incomplete_copy_is_discarded_and_a_complete_one_swapped_in_after_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(STATE)).unwrap();
        fs::write(dir.path().join(STATE).join("db"), b"damaged").unwrap();
        fs::create_dir_all(dir.path().join(STAGING)).unwrap();
        fs::write(dir.path().join(STAGING).join("db"), b"half").unwrap();
        finish_interrupted(dir.path()).unwrap();
        assert!(!dir.path().join(STAGING).exists());
        assert_eq!(
            fs::read(dir.path().join(STATE).join("db")).unwrap(),
            b"damaged"
        );

        fs::create_dir_all(dir.path().join(STAGING)).unwrap();
        fs::write(dir.path().join(STAGING).join("db"), b"copy").unwrap();
        fs::write(dir.path().join(STAGING).join(COMPLETE), b"").unwrap();
        // The crash came after the damaged one was moved away.
        fs::rename(dir.path().join(STATE), dir.path().join(KEPT)).unwrap();
        finish_interrupted(dir.path()).unwrap();
        assert_eq!(
            fs::read(dir.path().join(STATE).join("db")).unwrap(),
            b"copy"
        );
        assert!(!dir.path().join(STATE).join(COMPLETE).exists());
        assert_eq!(
            fs::read(dir.path().join(KEPT).join("db")).unwrap(),
            b"damaged"
        );
    }
}
