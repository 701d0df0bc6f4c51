//! `SecureStore`: where tokens and the profiles' data keys live. The app implements it with the
//! platform's keystore (iOS Keychain, Android Keystore-wrapped preferences); the CLI with files
//! only their owner can read; tests in memory.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// A secure store failed (locked keychain, unreadable file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the secure store failed: {reason}")]
pub struct SecureStoreError {
    /// What the platform reported (never the value).
    pub reason: String,
}

/// Small secret values by name. Names are ASCII (`[a-z0-9._-]`); values are a few hundred bytes.
pub trait SecureStore: Send + Sync {
    /// The value stored under `name`, if any.
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecureStoreError>;
    /// Stores `value` under `name`, replacing what was there, durably.
    fn put(&self, name: &str, value: &[u8]) -> Result<(), SecureStoreError>;
    /// Forgets `name` (nothing happens when it was not there).
    fn delete(&self, name: &str) -> Result<(), SecureStoreError>;
}

/// A store in memory: for tests, and for a core opened without one (nothing survives a
/// restart, so nobody stays signed in).
#[derive(Default)]
pub struct MemorySecureStore {
    values: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemorySecureStore {
    /// An empty store.
    pub fn new() -> MemorySecureStore {
        MemorySecureStore::default()
    }
}

impl SecureStore for MemorySecureStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecureStoreError> {
        Ok(self
            .values
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned())
    }

    fn put(&self, name: &str, value: &[u8]) -> Result<(), SecureStoreError> {
        self.values
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), value.to_vec());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), SecureStoreError> {
        self.values
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
        Ok(())
    }
}

/// One file per value in a folder only its owner can open (mode 0700, files 0600), for the CLI
/// on a desktop. Writes go through a temporary file and a rename, so a crash leaves the old
/// value or the new one.
pub struct FileSecureStore {
    dir: PathBuf,
}

impl FileSecureStore {
    /// A store in `dir`, created owner-only if missing.
    pub fn open(dir: impl Into<PathBuf>) -> Result<FileSecureStore, SecureStoreError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(failed)?;
        restrict(&dir, 0o700)?;
        Ok(FileSecureStore { dir })
    }

    fn path(&self, name: &str) -> Result<PathBuf, SecureStoreError> {
        let valid = !name.is_empty()
            && name.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && !name.starts_with('.');
        if !valid {
            return Err(SecureStoreError {
                reason: format!("not a valid secret name: {name:?}"),
            });
        }
        Ok(self.dir.join(name))
    }
}

fn failed(error: std::io::Error) -> SecureStoreError {
    SecureStoreError {
        reason: error.to_string(),
    }
}

#[cfg(unix)]
fn restrict(path: &std::path::Path, mode: u32) -> Result<(), SecureStoreError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(failed)
}

#[cfg(not(unix))]
fn restrict(_path: &std::path::Path, _mode: u32) -> Result<(), SecureStoreError> {
    Ok(())
}

impl SecureStore for FileSecureStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecureStoreError> {
        match std::fs::read(self.path(name)?) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(failed(error)),
        }
    }

    fn put(&self, name: &str, value: &[u8]) -> Result<(), SecureStoreError> {
        use std::io::Write;
        let path = self.path(name)?;
        let temporary = self.dir.join(format!(".{name}.tmp"));
        {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temporary).map_err(failed)?;
            file.write_all(value).map_err(failed)?;
            file.sync_all().map_err(failed)?;
        }
        restrict(&temporary, 0o600)?;
        std::fs::rename(&temporary, &path).map_err(failed)
    }

    fn delete(&self, name: &str) -> Result<(), SecureStoreError> {
        match std::fs::remove_file(self.path(name)?) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(failed(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_store_keeps_values_across_reopening_in_owner_only_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets");
        {
            let store = FileSecureStore::open(&path).unwrap();
            store.put("tokens.default", b"value").unwrap();
            assert_eq!(store.get("missing").unwrap(), None);
        }
        let store = FileSecureStore::open(&path).unwrap();
        assert_eq!(store.get("tokens.default").unwrap().unwrap(), b"value");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path.join("tokens.default"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        store.delete("tokens.default").unwrap();
        store.delete("tokens.default").unwrap();
        assert_eq!(store.get("tokens.default").unwrap(), None);
    }

    #[test]
    fn a_file_store_refuses_names_that_could_escape_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileSecureStore::open(dir.path()).unwrap();
        for name in ["../x", "a/b", "", ".hidden", "Tokens"] {
            assert!(store.put(name, b"v").is_err(), "{name}");
        }
    }
}
