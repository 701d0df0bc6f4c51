//! The device's list of profiles and which one is in use, kept in `state/` sealed with the
//! device key (the labels may be people's names).

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

    /// The device key, created on first use.
    pub fn device_key(&self) -> Result<DataKey, ProfileError> {
        keys::load_or_create(self.secure, DEVICE_KEY_NAME)
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
        let json = self
            .sealed()?
            .get(PROFILES_TREE, id.as_bytes())?
            .ok_or_else(|| ProfileError::NotFound { id: id.to_string() })?;
        serde_json::from_slice(&json).map_err(|error| ProfileError::Corrupt {
            reason: error.to_string(),
        })
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
        keys::load_or_create(self.secure, &keys::profile_key_name(&id))?;
        let profile = Profile {
            id,
            name: name.to_string(),
            kind,
            created_at_ms: now_ms,
        };
        let json = serde_json::to_vec(&profile).map_err(|error| ProfileError::Corrupt {
            reason: error.to_string(),
        })?;
        let mut batch = Batch::new();
        batch.put(profile.id.as_bytes().to_vec(), json);
        self.sealed()?.apply(PROFILES_TREE, batch)?;
        Ok(profile)
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

    /// The key of a profile (`None` once destroyed).
    pub fn key_of(&self, id: &str) -> Result<Option<DataKey>, ProfileError> {
        keys::load(self.secure, &keys::profile_key_name(id))
    }

    /// The key of a profile that exists. When the secure store lost it (the keystore was
    /// reset or not restored with the files, or a removal was interrupted), the records sealed
    /// with it can never be read again: the profile gets a new key and starts them afresh,
    /// rather than failing every call (scans leave the old records out).
    pub fn key_for(&self, id: &str) -> Result<DataKey, ProfileError> {
        if let Some(key) = self.key_of(id)? {
            return Ok(key);
        }
        self.get(id)?;
        log::warn!(
            "a profile's key is missing from the secure store; its sealed records are \
             unreadable and it starts afresh with a new key"
        );
        keys::load_or_create(self.secure, &keys::profile_key_name(id))
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
        self.get(id)?;
        self.secure.delete(&keys::profile_key_name(id))?;
        let namespace = profile_namespace(id);
        for tree in PERSONAL_TREES {
            self.state.clear(&format!("{namespace}{tree}"))?;
        }
        let mut batch = Batch::new();
        batch.delete(id.as_bytes().to_vec());
        self.sealed()?.apply(PROFILES_TREE, batch)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::MemorySecureStore;
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
        assert!(registry.key_of(&helped.id).unwrap().is_none());
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

    #[test]
    fn files_restored_without_their_keys_give_a_new_first_profile_instead_of_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        let secure = MemorySecureStore::new();
        let registry = Registry::new(stores.state(), &secure);
        let old = registry.current(1).unwrap();
        follow(
            &registry.personal(&old.id).unwrap(),
            "000.00.00.H49-250101-0001",
        );

        // A backup restored onto a new phone: the files came back, the keystore did not.
        let restored = MemorySecureStore::new();
        let registry = Registry::new(stores.state(), &restored);
        let fresh = registry.current(2).unwrap();

        assert_ne!(fresh.id, old.id);
        assert_eq!(registry.list().unwrap(), vec![fresh.clone()]);
        let personal = registry.personal(&fresh.id).unwrap();
        assert!(personal.scan_prefix("dossiers", b"").unwrap().is_empty());
        follow(&personal, "000.00.00.H49-250101-0002");
        assert_eq!(personal.scan_prefix("dossiers", b"").unwrap().len(), 1);
    }

    #[test]
    fn a_profile_whose_key_was_lost_starts_its_records_afresh_under_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        let secure = MemorySecureStore::new();
        let registry = Registry::new(stores.state(), &secure);
        let own = registry.current(1).unwrap();
        follow(
            &registry.personal(&own.id).unwrap(),
            "000.00.00.H49-250101-0001",
        );
        let lost = registry.key_of(&own.id).unwrap().unwrap();
        secure.delete(&keys::profile_key_name(&own.id)).unwrap();

        let personal = registry.personal(&own.id).unwrap();

        assert!(personal.scan_prefix("dossiers", b"").unwrap().is_empty());
        let renewed = registry.key_of(&own.id).unwrap().unwrap();
        assert_ne!(renewed.derive("t"), lost.derive("t"));
        assert_eq!(registry.current(2).unwrap(), own);
        follow(&personal, "000.00.00.H49-250101-0002");
        assert_eq!(personal.scan_prefix("dossiers", b"").unwrap().len(), 1);
    }
}
