//! Data keys: one random 256-bit key per profile (and one for the device's own records), kept
//! in the app's `SecureStore`, never in `state/`. Destroying a key makes whatever the profile
//! left in the database files unreadable.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::error::ProfileError;
use crate::auth::SecureStore;

/// The secure-store name of the device key (registry of profiles, queued revocations).
pub const DEVICE_KEY_NAME: &str = "device-key";

/// A 256-bit data key.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(redacted)")
    }
}

impl DataKey {
    /// A fresh key from the operating system's generator.
    pub fn generate() -> Result<DataKey, ProfileError> {
        Ok(DataKey(random_bytes()?))
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<DataKey> {
        bytes.try_into().ok().map(DataKey)
    }

    /// A key for one purpose, derived so the cipher key and the key that hides record names
    /// are never the same bytes.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// `N` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], ProfileError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|error| ProfileError::Random {
        reason: error.to_string(),
    })?;
    Ok(bytes)
}

/// The secure-store name of a profile's first key.
pub fn profile_key_name(profile_id: &str) -> String {
    format!("profile-key.{profile_id}")
}

/// The secure-store name of generation `generation` of the key first named `first`. A key the
/// store no longer gives back is replaced under the next generation's name, never written over:
/// a store that answered "absent" by mistake (read while locked, a decryption that failed once)
/// still holds the real key.
pub fn generation_name(first: &str, generation: u32) -> String {
    match generation {
        0 => first.to_string(),
        n => format!("{first}.g{n}"),
    }
}

/// The key stored under `name`, created and stored if there is none yet.
pub fn load_or_create(store: &dyn SecureStore, name: &str) -> Result<DataKey, ProfileError> {
    if let Some(key) = load(store, name)? {
        return Ok(key);
    }
    let key = DataKey::generate()?;
    store.put(name, key.bytes())?;
    Ok(key)
}

/// The key stored under `name`, if there is one.
pub fn load(store: &dyn SecureStore, name: &str) -> Result<Option<DataKey>, ProfileError> {
    match store.get(name)? {
        None => Ok(None),
        Some(bytes) => DataKey::from_bytes(&bytes)
            .map(Some)
            .ok_or_else(|| ProfileError::Corrupt {
                reason: format!("the key {name} has {} bytes, not 32", bytes.len()),
            }),
    }
}
