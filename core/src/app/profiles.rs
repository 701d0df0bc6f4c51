//! Profiles: which one is in use, its sealed part of `state/`, adding, switching, removing.

use super::Core;
use crate::auth::tokens::delete_tokens;
use crate::events::Event;
use crate::profile::keys::DataKey;
use crate::profile::{Profile, ProfileError, ProfileKind, Registry, SealedBackend};
use crate::store::{Backend, Batch};

/// The profile in use and its key, kept between calls.
pub(super) struct CurrentProfile {
    profile: Profile,
    key: DataKey,
    /// [`crate::profile::key_renewals`] when the key was read: a key another call renewed
    /// since (the outbox delivering for this profile) must not go on sealing records.
    key_renewals: u64,
}

/// The tree where dossiers were kept before profiles existed (moved into the first profile).
const UNSEALED_DOSSIERS_TREE: &str = "dossiers";

impl Core {
    fn registry(&self) -> Registry<'_> {
        Registry::new(self.stores.state(), &*self.secure)
    }

    /// The profile in use (a first own profile is created on a new device). Reads `state/`
    /// and, once per switch, the secure store.
    pub fn current_profile(&self) -> Result<Profile, ProfileError> {
        Ok(self.current_profile_and_key()?.0)
    }

    fn current_profile_and_key(&self) -> Result<(Profile, DataKey), ProfileError> {
        let mut cached = self
            .current_profile
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let renewals = crate::profile::key_renewals();
        if let Some(current) = cached.as_ref().filter(|c| c.key_renewals == renewals) {
            return Ok((current.profile.clone(), current.key.clone()));
        }
        let registry = self.registry();
        let profile = registry.current(self.clock.now_ms())?;
        let key = registry.key_for(&profile.id)?;
        *cached = Some(CurrentProfile {
            profile: profile.clone(),
            key: key.clone(),
            key_renewals: renewals,
        });
        drop(cached);
        self.adopt_unsealed_dossiers(&profile)?;
        Ok((profile, key))
    }

    /// The sealed part of `state/` of the profile in use.
    pub(crate) fn personal(&self) -> Result<SealedBackend<&dyn Backend>, ProfileError> {
        let (profile, key) = self.current_profile_and_key()?;
        Ok(SealedBackend::new(
            self.stores.state(),
            &crate::profile::profile_namespace(&profile.id),
            &key,
        ))
    }

    /// The sealed part of `state/` of any profile (the outbox delivers every profile's items).
    pub(crate) fn personal_of(
        &self,
        profile_id: &str,
    ) -> Result<SealedBackend<&dyn Backend>, ProfileError> {
        self.registry().personal(profile_id)
    }

    /// The device's own sealed trees (queued token revocations, which outlive a profile).
    pub(crate) fn device_sealed(&self) -> Result<SealedBackend<&dyn Backend>, ProfileError> {
        Ok(SealedBackend::new(
            self.stores.state(),
            crate::profile::DEVICE_NAMESPACE,
            &self.registry().device_key()?,
        ))
    }

    /// Every profile on the device, oldest first.
    pub fn profiles(&self) -> Result<Vec<Profile>, ProfileError> {
        self.current_profile()?;
        self.registry().list()
    }

    /// Adds a profile (for a family member, or an assisted citizen who is wiped at sign-out).
    /// It does not become the current one.
    pub fn add_profile(&self, name: &str, kind: ProfileKind) -> Result<Profile, ProfileError> {
        self.current_profile()?;
        self.registry().add(name, kind, self.clock.now_ms())
    }

    /// Makes `id` the profile in use, and moves the push registration to it (queued). No
    /// network; instant.
    pub fn switch_profile(&self, id: &str) -> Result<Profile, ProfileError> {
        let before = self.current_profile()?;
        if before.id != id {
            // Refuses an unknown id before anything is queued.
            self.registry().get(id)?;
            self.unregister_profile(&before.id).map_err(profile_error)?;
        }
        let profile = self.registry().set_current(id)?;
        *self
            .current_profile
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = None;
        self.register_profile_in_use().map_err(profile_error)?;
        self.events.emit(Event::SessionChanged {
            signed_in: self.session().map(|s| s.is_signed_in()).unwrap_or(false),
        });
        Ok(profile)
    }

    /// Removes a profile and everything it kept: its key is destroyed (leftover bytes in the
    /// database files become unreadable), its tokens and records deleted. Its session is not
    /// revoked at the provider here: sign out first for that ([`Core::logout`]).
    pub fn remove_profile(&self, id: &str) -> Result<(), ProfileError> {
        let was_current = self.current_profile()?.id == id;
        self.unregister_profile(id).map_err(profile_error)?;
        delete_tokens(&*self.secure, id).map_err(|error| ProfileError::Corrupt {
            reason: error.to_string(),
        })?;
        self.registry().remove(id)?;
        if was_current {
            *self
                .current_profile
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = None;
            self.events.emit(Event::SessionChanged { signed_in: false });
        }
        Ok(())
    }

    /// Dossiers followed before profiles existed belong to the first profile: moved into its
    /// sealed trees once, then the unsealed tree is cleared.
    fn adopt_unsealed_dossiers(&self, profile: &Profile) -> Result<(), ProfileError> {
        let state = self.stores.state();
        let unsealed = state.scan_prefix(UNSEALED_DOSSIERS_TREE, b"")?;
        if unsealed.is_empty() {
            return Ok(());
        }
        let mut batch = Batch::new();
        for (key, value) in unsealed {
            batch.put(key, value);
        }
        self.personal_of(&profile.id)?
            .apply(UNSEALED_DOSSIERS_TREE, batch)?;
        state.clear(UNSEALED_DOSSIERS_TREE)?;
        log::info!("moved the dossiers kept before profiles into the first profile");
        Ok(())
    }
}

fn profile_error(error: crate::device::DeviceError) -> ProfileError {
    match error {
        crate::device::DeviceError::Profile(error) => error,
        other => ProfileError::Corrupt {
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::auth::{MemorySecureStore, SecureStore};
    use crate::feedback::{Feedback, FeedbackCategory};

    #[test]
    fn a_core_whose_keystore_came_back_empty_opens_and_goes_on_with_a_new_profile() {
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open(dir.path(), None)
            .unwrap()
            .with_secure_store(Arc::new(MemorySecureStore::new()));
        let before = core.current_profile().unwrap();
        core.queue_feedback(&Feedback::new(FeedbackCategory::Other, "Góp ý trước"))
            .unwrap();
        drop(core);

        // The files restored onto a new phone; the keystore's entries were not.
        let core = Core::open(dir.path(), None)
            .unwrap()
            .with_secure_store(Arc::new(MemorySecureStore::new()));

        let after = core.current_profile().unwrap();
        assert_ne!(after.id, before.id);
        assert!(core.feedback_list().unwrap().is_empty());
        let id = core
            .queue_feedback(&Feedback::new(FeedbackCategory::Other, "Góp ý sau"))
            .unwrap();
        assert_eq!(core.feedback_list().unwrap()[0].id, id);
    }

    #[test]
    fn a_key_renewed_by_another_call_is_the_one_the_profile_in_use_seals_with_next() {
        let dir = tempfile::tempdir().unwrap();
        let secure = Arc::new(MemorySecureStore::new());
        let core = Core::open(dir.path(), None)
            .unwrap()
            .with_secure_store(secure.clone());
        let own = core.current_profile().unwrap();
        // The key goes missing while the core holds it; the outbox's delivery renews it.
        secure.delete(&own.key_name()).unwrap();
        core.personal_of(&own.id).unwrap();

        let id = core
            .queue_feedback(&Feedback::new(FeedbackCategory::Other, "Sau khi đổi khoá"))
            .unwrap();
        drop(core);

        let core = Core::open(dir.path(), None)
            .unwrap()
            .with_secure_store(secure);
        assert_eq!(core.current_profile().unwrap().key_generation, 1);
        let kept: Vec<_> = core
            .feedback_list()
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(kept, vec![id]);
    }
}
