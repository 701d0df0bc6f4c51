//! Reopening a `state/` that sled refuses, from its log alone.
//!
//! sled refuses a whole database when its small `conf` file or its newest `snap.*` file is
//! damaged, although both are derived: `conf` from the configuration the store always gives,
//! the snapshot from the log (`db`), which sled replays from the start when there is none. So
//! before giving up on `state/`, the store sets those two aside and opens again. Nothing is
//! thrown away: the set-aside files and a copy of the log, as they were, go to
//! [`DAMAGED_FOLDER`] first, and they are put back if the second open fails too, so the
//! directory is then exactly as damaged as before (the caller gets the first error).
//!
//! A replay stops at the first damaged spot of the log, like any sled recovery; what it could
//! not bring back shows up in the count of acknowledged writes ([`super::acknowledged`]).
//! The store has only ever written sled 0.34's format with one configuration, so a `conf` that
//! names another version or layout is damage, not an older database to be read differently.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::StoreError;

/// Folder, inside the database's directory, that keeps the files as they were before the last
/// repair (it replaces the one before).
pub const DAMAGED_FOLDER: &str = "longan-damaged";
/// The log: copied, never moved, since the reopening reads it.
const LOG_FILE: &str = "db";
/// In [`DAMAGED_FOLDER`] from the moment it holds a whole copy until the repair is concluded
/// or undone: an open that finds it was killed mid-repair, and puts the files back first.
const PENDING: &str = "longan-repair-pending";

fn io(error: std::io::Error) -> StoreError {
    StoreError::Io {
        reason: error.to_string(),
    }
}

/// sled's derived files in `directory`: its configuration and its snapshots.
fn derived_files(directory: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(directory).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_file() && (name == "conf" || name.starts_with("snap.")) {
            found.push(path);
        }
    }
    Ok(found)
}

/// Keeps the database's files as they are in [`DAMAGED_FOLDER`] and removes the derived ones,
/// so that the next open rebuilds them from the log.
pub fn set_aside(directory: &Path) -> Result<(), StoreError> {
    let kept = directory.join(DAMAGED_FOLDER);
    // Only a concluded repair's folder gets here ([`finish_interrupted`] ran first).
    if kept.exists() {
        fs::remove_dir_all(&kept).map_err(io)?;
    }
    fs::create_dir_all(&kept).map_err(io)?;
    let derived = derived_files(directory)?;
    let log = directory.join(LOG_FILE);
    for path in derived.iter().chain(log.exists().then_some(&log)) {
        if let Some(name) = path.file_name() {
            copy_synced(path, &kept.join(name))?;
        }
    }
    // Nothing is removed before every copy is whole and the folder says so.
    let pending = fs::File::create(kept.join(PENDING)).map_err(io)?;
    pending.sync_all().map_err(io)?;
    sync(&kept)?;
    for path in derived {
        fs::remove_file(path).map_err(io)?;
    }
    sync(directory)
}

fn copy_synced(from: &Path, to: &Path) -> Result<(), StoreError> {
    fs::copy(from, to).map_err(io)?;
    fs::File::open(to)
        .and_then(|copy| copy.sync_all())
        .map_err(io)
}

/// Puts back what [`set_aside`] kept, over whatever the failed reopening wrote, and concludes
/// the repair.
pub fn restore(directory: &Path) -> Result<(), StoreError> {
    let kept = directory.join(DAMAGED_FOLDER);
    for path in derived_files(directory)? {
        fs::remove_file(path).map_err(io)?;
    }
    for entry in fs::read_dir(&kept).map_err(io)? {
        let path = entry.map_err(io)?.path();
        match path.file_name() {
            Some(name) if name != PENDING => copy_synced(&path, &directory.join(name))?,
            _ => {}
        }
    }
    sync(directory)?;
    conclude(directory)
}

/// The repair is over (the reopening worked, or the files were put back): the kept folder is
/// only a record now.
pub fn conclude(directory: &Path) -> Result<(), StoreError> {
    let kept = directory.join(DAMAGED_FOLDER);
    match fs::remove_file(kept.join(PENDING)) {
        Ok(()) => sync(&kept),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(io(error)),
    }
}

/// Puts the files back when a repair was interrupted (the process killed after [`set_aside`]
/// and before the repair concluded), so the open starts from the directory as it was.
pub fn finish_interrupted(directory: &Path) -> Result<(), StoreError> {
    if directory.join(DAMAGED_FOLDER).join(PENDING).exists() {
        log::warn!("a repair of the database was interrupted; its files are put back first");
        restore(directory)?;
    }
    Ok(())
}

fn sync(directory: &Path) -> Result<(), StoreError> {
    fs::File::open(directory)
        .and_then(|dir| dir.sync_all())
        .map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(directory: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(directory)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn setting_aside_keeps_every_file_and_restoring_brings_the_directory_back() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("db"), b"log").unwrap();
        fs::write(dir.path().join("conf"), b"damaged conf").unwrap();
        fs::write(dir.path().join("snap.00000000000022F9"), b"snapshot").unwrap();
        fs::write(dir.path().join("longan-acknowledged.0"), b"counts").unwrap();

        set_aside(dir.path()).unwrap();
        assert_eq!(
            names(dir.path()),
            ["db", "longan-acknowledged.0", "longan-damaged"]
        );
        assert_eq!(
            names(&dir.path().join(DAMAGED_FOLDER)),
            ["conf", "db", PENDING, "snap.00000000000022F9"]
        );

        // A failed reopening wrote a new configuration and touched the log.
        fs::write(dir.path().join("conf"), b"new conf").unwrap();
        fs::write(dir.path().join("db"), b"shredded").unwrap();
        restore(dir.path()).unwrap();
        assert_eq!(fs::read(dir.path().join("db")).unwrap(), b"log");
        assert_eq!(fs::read(dir.path().join("conf")).unwrap(), b"damaged conf");
        assert_eq!(
            fs::read(dir.path().join("snap.00000000000022F9")).unwrap(),
            b"snapshot"
        );
        assert!(!dir.path().join(PENDING).exists());
        assert!(!dir.path().join(DAMAGED_FOLDER).join(PENDING).exists());
    }

    #[test]
    fn a_repair_killed_before_it_concluded_is_undone_by_the_next_open_and_never_set_aside_twice() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("db"), b"log").unwrap();
        fs::write(dir.path().join("conf"), b"damaged conf").unwrap();
        set_aside(dir.path()).unwrap();
        // Killed while the reopening rewrote the log and made a new configuration.
        fs::write(dir.path().join("db"), b"half-recovered").unwrap();
        fs::write(dir.path().join("conf"), b"new conf").unwrap();

        finish_interrupted(dir.path()).unwrap();

        assert_eq!(fs::read(dir.path().join("db")).unwrap(), b"log");
        assert_eq!(fs::read(dir.path().join("conf")).unwrap(), b"damaged conf");
        // Concluded: the next repair may replace the folder, the one after that finds nothing.
        finish_interrupted(dir.path()).unwrap();
        set_aside(dir.path()).unwrap();
        conclude(dir.path()).unwrap();
        fs::write(dir.path().join("db"), b"log, repaired").unwrap();
        finish_interrupted(dir.path()).unwrap();
        assert_eq!(fs::read(dir.path().join("db")).unwrap(), b"log, repaired");
    }
}
