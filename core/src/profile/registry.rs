//! The device's list of profiles and which one is in use, kept in `state/` sealed with the
//! device key (the labels may be people's names).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::ProfileError;
use super::keys::{self, DEVICE_KEY_NAME, DataKey};
use super::model::{DEFAULT_PROFILE_NAME, MAX_NAME_CHARS, Profile, ProfileKind};
use super::sealed::SealedBackend;
use crate::auth::SecureStore;
use crate::store::{Backend, Batch};

const PROFILES_TREE: &str = "profiles";
const CURRENT_TREE: &str = "profiles.current";
const CURRENT_KEY: &[u8] = b"current";
/// The namespace of the device's own sealed trees.
pub const DEVICE_NAMESPACE: &str = "device.";
/// Which generation of the device key seals the device's records (unsealed: a number).
const DEVICE_KEY_GENERATION_TREE: &str = "device-key.generation";
const GENERATION_KEY: &[u8] = b"generation";

/// Held while a lost key is replaced or a profile removed, so two calls never create two keys
/// for one name, nor a key for a profile being removed.
static KEY_RENEWAL: Mutex<()> = Mutex::new(());
/// Keys replaced in this process so far; a cached key older than the last one is read again.
static KEY_RENEWALS: AtomicU64 = AtomicU64::new(0);

/// How many lost keys this process has replaced (see [`Registry::key_for`]).
pub fn key_renewals() -> u64 {
    KEY_RENEWALS.load(Ordering::SeqCst)
}

/// Every tree a profile keeps its personal data in. Removing a profile clears them all; a
/// capability that adds a personal tree adds its name here.
pub const PERSONAL_TREES: &[&str] = &["dossiers", "session", "login", "outbox", "inbox"];

/// The namespace of a profile's sealed trees.
pub fn profile_namespace(profile_id: &str) -> String {
    format!("p.{profile_id}.")
}

/// The device's profiles over `state`.
pub struct Registry<'a> {
    state: &'a dyn Backend,
    secure: &'a dyn SecureStore,
}

impl<'a> Registry<'a> {
    /// The registry of this device.
    pub fn new(state: &'a dyn Backend, secure: &'a dyn SecureStore) -> Registry<'a> {
        Registry { state, secure }
    }

    /// The device key, created on first use. When the secure store no longer gives it back
    /// while records sealed with it exist, a new one replaces it under the next generation's
    /// name: the old records (the profile list) stay unreadable and are left out, and the
    /// device goes on with a new first profile rather than failing every call.
    pub fn device_key(&self) -> Result<DataKey, ProfileError> {
        let name = |generation| keys::generation_name(DEVICE_KEY_NAME, generation);
        if let Some(key) = keys::load(self.secure, &name(self.device_key_generation()?))? {
            return Ok(key);
        }
        let _renewal = KEY_RENEWAL.lock().unwrap_or_else(|p| p.into_inner());
        let generation = self.device_key_generation()?;
        if let Some(key) = keys::load(self.secure, &name(generation))? {
            return Ok(key);
        }
        let sealed_trees = [PROFILES_TREE, CURRENT_TREE].map(|t| format!("{DEVICE_NAMESPACE}{t}"));
        let mut sealed_before = false;
        for tree in &sealed_trees {
            sealed_before |= !self.state.scan_prefix(tree, b"")?.is_empty();
        }
        if !sealed_before {
            return keys::load_or_create(self.secure, &name(generation));
        }
        let next = generation + 1;
        let key = keys::load_or_create(self.secure, &name(next))?;
        let mut batch = Batch::new();
        batch.put(GENERATION_KEY, next.to_be_bytes().to_vec());
        self.state.apply(DEVICE_KEY_GENERATION_TREE, batch)?;
        KEY_RENEWALS.fetch_add(1, Ordering::SeqCst);
        log::warn!(
            "the device key is missing from the secure store; the profile list sealed with it \
             is unreadable and the device starts afresh with key generation {next}"
        );
        Ok(key)
    }

    fn device_key_generation(&self) -> Result<u32, ProfileError> {
        let stored = self.state.get(DEVICE_KEY_GENERATION_TREE, GENERATION_KEY)?;
        match stored.as_deref().map(<[u8; 4]>::try_from) {
            None => Ok(0),
            Some(Ok(bytes)) => Ok(u32::from_be_bytes(bytes)),
            Some(Err(_)) => Err(ProfileError::Corrupt {
                reason: "the device key's generation is not a number".into(),
            }),
        }
    }

    fn sealed(&self) -> Result<SealedBackend<&'a dyn Backend>, ProfileError> {
        Ok(SealedBackend::new(
            self.state,
            DEVICE_NAMESPACE,
            &self.device_key()?,
        ))
    }

    /// Every profile, oldest first. Entries sealed with a device key the secure store no longer
    /// holds (a backup restored without the keystore) cannot be read and are left out, so the
    /// device goes on with a new first profile rather than failing every call.
    pub fn list(&self) -> Result<Vec<Profile>, ProfileError> {
        let mut profiles = self
            .sealed()?
            .scan_prefix(PROFILES_TREE, b"")?
            .into_iter()
            .map(|(_, json)| {
                serde_json::from_slice::<Profile>(&json).map_err(|error| ProfileError::Corrupt {
                    reason: error.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        profiles.sort_by(|a, b| (a.created_at_ms, &a.id).cmp(&(b.created_at_ms, &b.id)));
        Ok(profiles)
    }

    /// One profile.
    pub fn get(&self, id: &str) -> Result<Profile, ProfileError> {
        read_profile(&self.sealed()?, id)
    }

    /// Adds a profile with a fresh key. It does not become the current one.
    pub fn add(&self, name: &str, kind: ProfileKind, now_ms: i64) -> Result<Profile, ProfileError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(ProfileError::BadName {
                max: MAX_NAME_CHARS,
            });
        }
        let id: String = keys::random_bytes::<8>()?
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let profile = Profile {
            id,
            name: name.to_string(),
            kind,
            created_at_ms: now_ms,
            key_generation: 0,
        };
        keys::load_or_create(self.secure, &profile.key_name())?;
        self.put(&profile)?;
        Ok(profile)
    }

    fn put(&self, profile: &Profile) -> Result<(), ProfileError> {
        write_profile(&self.sealed()?, profile)
    }

    /// The profile in use; on a device with none, a first own profile is created.
    pub fn current(&self, now_ms: i64) -> Result<Profile, ProfileError> {
        let stored = self.sealed()?.get(CURRENT_TREE, CURRENT_KEY)?;
        if let Some(id) = stored {
            let id = String::from_utf8_lossy(&id).into_owned();
            match self.get(&id) {
                Ok(profile) => return Ok(profile),
                Err(ProfileError::NotFound { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        let profile = match self.list()?.into_iter().next() {
            Some(first) => first,
            None => self.add(DEFAULT_PROFILE_NAME, ProfileKind::Own, now_ms)?,
        };
        self.set_current(&profile.id)?;
        Ok(profile)
    }

    /// Makes `id` the profile in use.
    pub fn set_current(&self, id: &str) -> Result<Profile, ProfileError> {
        let profile = self.get(id)?;
        let mut batch = Batch::new();
        batch.put(CURRENT_KEY, id.as_bytes().to_vec());
        self.sealed()?.apply(CURRENT_TREE, batch)?;
        Ok(profile)
    }

    /// The key of a profile. When the secure store no longer gives it back (the keystore was
    /// reset or not restored with the files), the records sealed with it cannot be read: a new
    /// key replaces it under the next generation's name, and the profile starts its records
    /// afresh rather than failing every call (scans leave the old records out).
    pub fn key_for(&self, id: &str) -> Result<DataKey, ProfileError> {
        // The device key first: it may need renewing itself, which takes the same lock.
        let device = self.sealed()?;
        if let Some(key) = keys::load(self.secure, &read_profile(&device, id)?.key_name())? {
            return Ok(key);
        }
        let _renewal = KEY_RENEWAL.lock().unwrap_or_else(|p| p.into_inner());
        let mut profile = read_profile(&device, id)?;
        if let Some(key) = keys::load(self.secure, &profile.key_name())? {
            return Ok(key);
        }
        profile.key_generation += 1;
        let key = keys::load_or_create(self.secure, &profile.key_name())?;
        write_profile(&device, &profile)?;
        KEY_RENEWALS.fetch_add(1, Ordering::SeqCst);
        log::warn!(
            "a profile's key is missing from the secure store; its sealed records are \
             unreadable and it starts afresh with key generation {}",
            profile.key_generation
        );
        Ok(key)
    }

    /// The sealed view of one profile's personal trees.
    pub fn personal(&self, id: &str) -> Result<SealedBackend<&'a dyn Backend>, ProfileError> {
        let key = self.key_for(id)?;
        Ok(SealedBackend::new(self.state, &profile_namespace(id), &key))
    }

    /// Removes a profile: its key is destroyed first (so anything left in the files can no
    /// longer be read), then its records and its entry. When it was the current one, the next
    /// call to [`Registry::current`] picks another.
    pub fn remove(&self, id: &str) -> Result<(), ProfileError> {
        // The device key first, as in key_for; then no renewal can give it a key midway.
        let device = self.sealed()?;
        let _renewal = KEY_RENEWAL.lock().unwrap_or_else(|p| p.into_inner());
        let profile = read_profile(&device, id)?;
        for generation in 0..=profile.key_generation {
            let first = keys::profile_key_name(id);
            self.secure
                .delete(&keys::generation_name(&first, generation))?;
        }
        let namespace = profile_namespace(id);
        for tree in PERSONAL_TREES {
            self.state.clear(&format!("{namespace}{tree}"))?;
        }
        let mut batch = Batch::new();
        batch.delete(id.as_bytes().to_vec());
        device.apply(PROFILES_TREE, batch)?;
        Ok(())
    }
}

fn read_profile(device: &dyn Backend, id: &str) -> Result<Profile, ProfileError> {
    let json = device
        .get(PROFILES_TREE, id.as_bytes())?
        .ok_or_else(|| ProfileError::NotFound { id: id.to_string() })?;
    serde_json::from_slice(&json).map_err(|error| ProfileError::Corrupt {
        reason: error.to_string(),
    })
}

fn write_profile(device: &dyn Backend, profile: &Profile) -> Result<(), ProfileError> {
    let json = serde_json::to_vec(profile).map_err(|error| ProfileError::Corrupt {
        reason: error.to_string(),
    })?;
    let mut batch = Batch::new();
    batch.put(profile.id.as_bytes().to_vec(), json);
    device.apply(PROFILES_TREE, batch)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{MemorySecureStore, SecureStoreError};
    use crate::store::Stores;

    #[test]
    fn a_new_device_gets_one_own_profile_and_keeps_using_it() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        let secure = MemorySecureStore::new();
        let registry = Registry::new(stores.state(), &secure);
        let first = registry.current(1).unwrap();
        assert_eq!(first.kind, ProfileKind::Own);
        assert_eq!(first.name, DEFAULT_PROFILE_NAME);
        assert_eq!(registry.current(2).unwrap(), first);
        assert_eq!(registry.list().unwrap(), vec![first]);
    }

    #[test]
    fn switching_and_removing_profiles_moves_the_current_one() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        let secure = MemorySecureStore::new();
        let registry = Registry::new(stores.state(), &secure);
        let own = registry.current(1).unwrap();
        let helped = registry.add("Bà Tư", ProfileKind::Assisted, 2).unwrap();
        registry.set_current(&helped.id).unwrap();
        assert_eq!(registry.current(3).unwrap().id, helped.id);
        registry.remove(&helped.id).unwrap();
        assert_eq!(secure.get(&helped.key_name()).unwrap(), None);
        assert_eq!(registry.current(4).unwrap().id, own.id);
        assert!(matches!(
            registry.remove(&helped.id),
            Err(ProfileError::NotFound { .. })
        ));
        assert!(matches!(
            registry.add("  ", ProfileKind::Own, 5),
            Err(ProfileError::BadName { .. })
        ));
        assert!(matches!(
            registry.personal(&helped.id),
            Err(ProfileError::NotFound { .. })
        ));
    }

    fn follow(personal: &dyn Backend, code: &str) {
        let mut batch = Batch::new();
        batch.put(code.as_bytes().to_vec(), b"followed".to_vec());
        personal.apply("dossiers", batch).unwrap();
    }

    /// A secure store that answers "absent" for some names it still holds, as a keystore
    /// read while locked, or one whose entries did not survive a restore, does.
    #[derive(Default)]
    struct Forgetful {
        held: MemorySecureStore,
        hidden: std::sync::Mutex<Vec<String>>,
    }

    impl Forgetful {
        fn hide(&self, name: &str) {
            self.hidden.lock().unwrap().push(name.to_string());
        }
    }

    impl SecureStore for Forgetful {
        fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecureStoreError> {
            if self
                .hidden
                .lock()
                .unwrap()
                .iter()
                .any(|hidden| hidden == name)
            {
                return Ok(None);
            }
            self.held.get(name)
        }

        fn put(&self, name: &str, value: &[u8]) -> Result<(), SecureStoreError> {
            self.held.put(name, value)
        }

        fn delete(&self, name: &str) -> Result<(), SecureStoreError> {
            self.held.delete(name)
        }
    }

    #[test]
    fn a_lost_device_key_gives_a_new_first_profile_and_never_overwrites_the_old_key() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        let secure = Forgetful::default();
        let registry = Registry::new(stores.state(), &secure);
        let old = registry.current(1).unwrap();
        follow(
            &registry.personal(&old.id).unwrap(),
            "000.00.00.H49-250101-0001",
        );
        let old_device_key = secure.held.get(DEVICE_KEY_NAME).unwrap().unwrap();

        secure.hide(DEVICE_KEY_NAME);
        let fresh = registry.current(2).unwrap();

        assert_ne!(fresh.id, old.id);
        assert_eq!(registry.list().unwrap(), vec![fresh.clone()]);
        let personal = registry.personal(&fresh.id).unwrap();
        assert!(personal.scan_prefix("dossiers", b"").unwrap().is_empty());
        follow(&personal, "000.00.00.H49-250101-0002");
        assert_eq!(personal.scan_prefix("dossiers", b"").unwrap().len(), 1);
        let kept = secure.held.get(DEVICE_KEY_NAME).unwrap();
        assert_eq!(kept, Some(old_device_key), "the old key was written over");
        // A restart finds the new generation and the new profile.
        let again = Registry::new(stores.state(), &secure);
        assert_eq!(again.current(3).unwrap(), fresh);
    }

    #[test]
    fn a_lost_profile_key_starts_its_records_afresh_and_never_overwrites_the_old_key() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        let secure = Forgetful::default();
        let registry = Registry::new(stores.state(), &secure);
        let own = registry.current(1).unwrap();
        follow(
            &registry.personal(&own.id).unwrap(),
            "000.00.00.H49-250101-0001",
        );
        let old_key = secure.held.get(&own.key_name()).unwrap().unwrap();

        secure.hide(&own.key_name());
        let personal = registry.personal(&own.id).unwrap();

        assert!(personal.scan_prefix("dossiers", b"").unwrap().is_empty());
        let renewed = registry.current(2).unwrap();
        assert_eq!(
            (renewed.id.as_str(), renewed.key_generation),
            (own.id.as_str(), 1)
        );
        assert_eq!(secure.held.get(&own.key_name()).unwrap(), Some(old_key));
        follow(&personal, "000.00.00.H49-250101-0002");
        let again = Registry::new(stores.state(), &secure);
        let personal = again.personal(&own.id).unwrap();
        assert_eq!(personal.scan_prefix("dossiers", b"").unwrap().len(), 1);
        // Removing the profile destroys every generation of its key.
        again.remove(&own.id).unwrap();
        assert_eq!(secure.held.get(&own.key_name()).unwrap(), None);
        assert_eq!(secure.held.get(&renewed.key_name()).unwrap(), None);
    }

    #[test]
    fn calls_that_find_a_key_lost_at_the_same_time_all_get_the_one_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        let secure = Forgetful::default();
        let registry = Registry::new(stores.state(), &secure);
        let own = registry.current(1).unwrap();
        secure.hide(&own.key_name());

        let keys: Vec<[u8; 32]> = std::thread::scope(|scope| {
            let calls: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| registry.key_for(&own.id).unwrap().derive("t")))
                .collect();
            calls.into_iter().map(|call| call.join().unwrap()).collect()
        });

        assert!(keys.iter().all(|key| *key == keys[0]));
        assert_eq!(registry.current(2).unwrap().key_generation, 1);
    }
}
