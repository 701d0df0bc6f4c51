//! `SealedBackend`: one profile's view of `state/`, encrypted. Every value is sealed with
//! ChaCha20-Poly1305 under the profile's key, bound to its tree; record names are replaced by a
//! keyed hash, so neither a dossier code nor a status ever reaches the database files in clear.
//! It implements [`Backend`], so the code above it (tracking, the outbox) does not change.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::keys::{DataKey, random_bytes};
use crate::store::{Area, Backend, Batch, Entries, StoreError, Write};

const FORMAT: u8 = 1;
const NONCE_BYTES: usize = 12;
/// Bytes of the keyed hash that names a record: collisions need ~2^64 records.
const NAME_BYTES: usize = 16;

/// A backend seen through one data key and namespace.
pub struct SealedBackend<B> {
    inner: B,
    namespace: String,
    cipher: ChaCha20Poly1305,
    names: [u8; 32],
}

impl<B: Backend> SealedBackend<B> {
    /// `inner`'s trees whose names start with `namespace`, sealed with `key`.
    pub fn new(inner: B, namespace: &str, key: &DataKey) -> SealedBackend<B> {
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&key.derive("longan/seal/v1")));
        SealedBackend {
            inner,
            namespace: namespace.to_string(),
            cipher,
            names: key.derive("longan/names/v1"),
        }
    }

    fn tree(&self, tree: &str) -> String {
        format!("{}{tree}", self.namespace)
    }

    fn name(&self, tree: &str, key: &[u8]) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.names).expect("any key length");
        mac.update(tree.as_bytes());
        mac.update(&[0]);
        mac.update(key);
        mac.finalize().into_bytes()[..NAME_BYTES].to_vec()
    }

    fn seal(&self, tree: &str, key: &[u8], value: &[u8]) -> Result<Vec<u8>, StoreError> {
        let length = u32::try_from(key.len()).map_err(|_| corrupt("a key is too long"))?;
        let mut plain = Vec::with_capacity(4 + key.len() + value.len());
        plain.extend_from_slice(&length.to_be_bytes());
        plain.extend_from_slice(key);
        plain.extend_from_slice(value);
        let nonce: [u8; NONCE_BYTES] =
            random_bytes().map_err(|error| corrupt(&error.to_string()))?;
        let aad = self.tree(tree);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| corrupt("encryption failed"))?;
        let mut out = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The record's key and value, or an error when the bytes were not sealed by this key for
    /// this tree (another profile's, damaged, or a destroyed key's).
    fn open(&self, tree: &str, sealed: &[u8]) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
        if sealed.len() < 1 + NONCE_BYTES || sealed[0] != FORMAT {
            return Err(corrupt("a sealed record has an unknown format"));
        }
        let aad = self.tree(tree);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(&sealed[1..1 + NONCE_BYTES]),
                Payload {
                    msg: &sealed[1 + NONCE_BYTES..],
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| corrupt("a sealed record does not open with this profile's key"))?;
        let length = plain
            .get(..4)
            .map(|b| u32::from_be_bytes(b.try_into().unwrap_or_default()) as usize)
            .ok_or_else(|| corrupt("a sealed record is cut short"))?;
        if plain.len() < 4 + length {
            return Err(corrupt("a sealed record is cut short"));
        }
        Ok((plain[4..4 + length].to_vec(), plain[4 + length..].to_vec()))
    }
}

fn corrupt(reason: &str) -> StoreError {
    StoreError::Corrupt {
        area: Area::State,
        reason: reason.to_string(),
    }
}

impl<B: Backend> Backend for SealedBackend<B> {
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(sealed) = self.inner.get(&self.tree(tree), &self.name(tree, key))? else {
            return Ok(None);
        };
        let (stored_key, value) = self.open(tree, &sealed)?;
        if stored_key != key {
            return Err(corrupt("a sealed record is filed under another name"));
        }
        Ok(Some(value))
    }

    fn apply(&self, tree: &str, batch: Batch) -> Result<(), StoreError> {
        let mut sealed = Batch::new();
        for write in batch.into_writes() {
            match write {
                Write::Put(key, value) => {
                    sealed.put(self.name(tree, &key), self.seal(tree, &key, &value)?);
                }
                Write::Delete(key) => {
                    sealed.delete(self.name(tree, &key));
                }
            }
        }
        self.inner.apply(&self.tree(tree), sealed)
    }

    /// Reads the whole tree and filters: personal trees hold tens of records, not thousands.
    /// A record this key cannot open is left out (and counted in the log), so one damaged
    /// record, or records sealed with a key the secure store lost, do not hide all the others;
    /// [`Backend::get`] of that record still fails.
    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Entries, StoreError> {
        let mut entries = Vec::new();
        let mut unreadable = 0usize;
        for (_, sealed) in self.inner.scan_prefix(&self.tree(tree), b"")? {
            let Ok((key, value)) = self.open(tree, &sealed) else {
                unreadable += 1;
                continue;
            };
            if key.starts_with(prefix) {
                entries.push((key, value));
            }
        }
        if unreadable > 0 {
            log::warn!(
                "{unreadable} sealed record(s) in {tree} cannot be opened with this key \
                 (damaged, or sealed with a key the secure store no longer holds); left out"
            );
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries)
    }

    fn clear(&self, tree: &str) -> Result<(), StoreError> {
        self.inner.clear(&self.tree(tree))
    }

    fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.inner.size_on_disk()
    }

    fn read_blob(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(sealed) = self.inner.read_blob(&self.blob_name(name)?)? else {
            return Ok(None);
        };
        let (stored_name, value) = self.open("blob", &sealed)?;
        if stored_name != name.as_bytes() {
            return Err(corrupt("a sealed blob is filed under another name"));
        }
        Ok(Some(value))
    }

    fn write_blob(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let sealed = self.seal("blob", name.as_bytes(), bytes)?;
        self.inner.write_blob(&self.blob_name(name)?, &sealed)
    }
}

impl<B: Backend> SealedBackend<B> {
    /// A blob is filed under its hashed name in hex (the inner store's rules hold for both).
    fn blob_name(&self, name: &str) -> Result<String, StoreError> {
        if !crate::store::blob_files::is_valid_blob_name(name) {
            return Err(StoreError::Io {
                reason: format!("not a valid blob name: {name:?}"),
            });
        }
        let hashed: String = self
            .name("blob", name.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let namespace: String = self
            .namespace
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .take(24)
            .collect();
        Ok(format!("{namespace}_{hashed}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::conformance;
    use crate::store::sled_backend::SledBackend;

    fn key(byte: u8) -> DataKey {
        DataKey::from_bytes(&[byte; 32]).unwrap()
    }

    #[test]
    fn a_sealed_backend_keeps_every_promise_of_the_store_contract() {
        conformance::run_all(&|path| {
            let inner = SledBackend::open(path, Area::State).unwrap();
            Box::new(SealedBackend::new(inner, "p.test.", &key(7)))
        });
    }

    #[test]
    fn nothing_written_through_a_sealed_backend_reaches_the_files_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        {
            let inner = SledBackend::open(dir.path(), Area::State).unwrap();
            let sealed = SealedBackend::new(inner, "p.a.", &key(1));
            let mut batch = Batch::new();
            batch.put(
                b"000.00.12.H39-250315-0042".to_vec(),
                "Nguyễn Văn Mẫu đang xử lý".as_bytes().to_vec(),
            );
            sealed.apply("dossiers", batch).unwrap();
        }
        let mut everything = Vec::new();
        for entry in walk(dir.path()) {
            everything.extend(std::fs::read(entry).unwrap());
        }
        for needle in [
            "000.00.12.H39".as_bytes(),
            "Nguyễn".as_bytes(),
            "đang xử lý".as_bytes(),
        ] {
            assert!(
                !everything.windows(needle.len()).any(|w| w == needle),
                "{:?} is in the files",
                String::from_utf8_lossy(needle)
            );
        }
    }

    #[test]
    fn another_key_cannot_read_a_profiles_records_and_a_scan_leaves_them_out() {
        let dir = tempfile::tempdir().unwrap();
        let inner = SledBackend::open(dir.path(), Area::State).unwrap();
        let mine = SealedBackend::new(&inner, "p.a.", &key(1));
        let mut batch = Batch::new();
        batch.put(b"code".to_vec(), b"status".to_vec());
        mine.apply("dossiers", batch).unwrap();
        // Same namespace, another key (a destroyed and recreated key, or an attacker's guess).
        let other = SealedBackend::new(&inner, "p.a.", &key(2));
        assert_eq!(other.get("dossiers", b"code").unwrap(), None);
        assert!(other.scan_prefix("dossiers", b"").unwrap().is_empty());
        // Filed under the name this key gives it, but sealed by another: refused, not read.
        let sealed = inner.scan_prefix("p.a.dossiers", b"").unwrap();
        let mut batch = Batch::new();
        batch.put(other.name("dossiers", b"code"), sealed[0].1.clone());
        inner.apply("p.a.dossiers", batch).unwrap();
        assert!(matches!(
            other.get("dossiers", b"code"),
            Err(StoreError::Corrupt { .. })
        ));
        assert!(other.scan_prefix("dossiers", b"").unwrap().is_empty());
        // Another namespace sees nothing at all.
        let elsewhere = SealedBackend::new(&inner, "p.b.", &key(1));
        assert!(elsewhere.scan_prefix("dossiers", b"").unwrap().is_empty());
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }
}
