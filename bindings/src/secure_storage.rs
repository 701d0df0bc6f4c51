//! The app's keystore, as the core's `SecureStore`.

use std::sync::Arc;

use longan_core::auth::{SecureStore, SecureStoreError};

use crate::error::LonganError;

/// Where the core keeps tokens and the profiles' data keys: implement it with the iOS
/// Keychain (`kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`) or, on Android, values
/// encrypted with an Android Keystore key in private preferences. Names are `[a-z0-9._-]`;
/// values are a few hundred bytes. Called on Rust threads; must not block for long.
#[uniffi::export(with_foreign)]
pub trait SecureStorage: Send + Sync {
    /// The value stored under `name`, or `None` when there is none. Throw when the store
    /// cannot be read right now (a keychain before the first unlock): `None` for a key the
    /// core wrote means the key is lost, and the data sealed with it starts afresh.
    fn get(&self, name: String) -> Result<Option<Vec<u8>>, LonganError>;
    /// Stores `value` under `name`, replacing what was there.
    fn put(&self, name: String, value: Vec<u8>) -> Result<(), LonganError>;
    /// Forgets `name` (no error when it was not there).
    fn delete(&self, name: String) -> Result<(), LonganError>;
}

/// The app's storage seen by the core.
pub(crate) struct FromApp(pub(crate) Arc<dyn SecureStorage>);

fn failed(error: LonganError) -> SecureStoreError {
    SecureStoreError {
        reason: error.to_string(),
    }
}

impl SecureStore for FromApp {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecureStoreError> {
        self.0.get(name.to_string()).map_err(failed)
    }

    fn put(&self, name: &str, value: &[u8]) -> Result<(), SecureStoreError> {
        self.0.put(name.to_string(), value.to_vec()).map_err(failed)
    }

    fn delete(&self, name: &str) -> Result<(), SecureStoreError> {
        self.0.delete(name.to_string()).map_err(failed)
    }
}
