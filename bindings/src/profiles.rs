//! Profiles: several people on one device, each with their own session and encrypted data.

use longan_core::profile::{Profile, ProfileKind};

use crate::core_object::LonganCore;
use crate::error::LonganError;

/// A profile, for the profile switcher.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProfileView {
    /// Its id (random, stable).
    pub id: String,
    /// Its label.
    pub name: String,
    /// An assisted profile (someone a volunteer helps) is wiped at sign-out.
    pub assisted: bool,
    /// It is the profile in use.
    pub current: bool,
}

impl ProfileView {
    fn new(profile: Profile, current_id: &str) -> ProfileView {
        ProfileView {
            current: profile.id == current_id,
            assisted: profile.kind == ProfileKind::Assisted,
            id: profile.id,
            name: profile.name,
        }
    }
}

#[uniffi::export]
impl LonganCore {
    /// Every profile on the device, oldest first (a first one exists from the first call).
    /// Reads the device's data.
    pub async fn list_profiles(&self) -> Result<Vec<ProfileView>, LonganError> {
        self.call(move |core, language| {
            let failed = |error| LonganError::from_profile(error, language);
            let current = core.current_profile().map_err(failed)?;
            Ok(core
                .profiles()
                .map_err(failed)?
                .into_iter()
                .map(|profile| ProfileView::new(profile, &current.id))
                .collect())
        })
        .await
    }

    /// Adds a profile; `assisted` for a citizen a volunteer helps (wiped at sign-out). It does
    /// not become the one in use. Writes the device's data and the secure storage.
    pub async fn add_profile(
        &self,
        name: String,
        assisted: bool,
    ) -> Result<ProfileView, LonganError> {
        self.call(move |core, language| {
            let kind = if assisted {
                ProfileKind::Assisted
            } else {
                ProfileKind::Own
            };
            let profile = core
                .add_profile(&name, kind)
                .map_err(|error| LonganError::from_profile(error, language))?;
            Ok(ProfileView::new(profile, ""))
        })
        .await
    }

    /// Makes a profile the one in use (instant, no network).
    pub async fn switch_profile(&self, id: String) -> Result<ProfileView, LonganError> {
        self.call(move |core, language| {
            let profile = core
                .switch_profile(&id)
                .map_err(|error| LonganError::from_profile(error, language))?;
            let current = profile.id.clone();
            Ok(ProfileView::new(profile, &current))
        })
        .await
    }

    /// Removes a profile and everything it kept; its key is destroyed. Sign it out first to
    /// revoke its session at the provider. Writes the device's data and the secure storage.
    pub async fn remove_profile(&self, id: String) -> Result<(), LonganError> {
        self.call(move |core, language| {
            core.remove_profile(&id)
                .map_err(|error| LonganError::from_profile(error, language))
        })
        .await
    }
}
