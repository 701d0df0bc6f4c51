//! What a profile is.

use serde::{Deserialize, Serialize};

/// Whose profile it is, which decides what signing out does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// A member of the household: signing out keeps the followed dossiers.
    Own,
    /// Someone a volunteer is helping on the volunteer's phone: signing out wipes the profile,
    /// so nothing of that citizen stays on the device.
    Assisted,
}

/// One person's space on the device: their session, follows and cached data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// A random id, stable for the profile's life.
    pub id: String,
    /// The label shown in the profile switcher.
    pub name: String,
    /// Own or assisted.
    pub kind: ProfileKind,
    /// When it was created (milliseconds since the Unix epoch).
    pub created_at_ms: i64,
    /// Which generation of its key seals its records: 0 until the secure store lost a key
    /// (see [`super::keys::generation_name`]).
    #[serde(default, skip_serializing_if = "is_first")]
    pub key_generation: u32,
}

fn is_first(generation: &u32) -> bool {
    *generation == 0
}

impl Profile {
    /// The secure-store name of the key that seals its records now.
    pub fn key_name(&self) -> String {
        super::keys::generation_name(
            &super::keys::profile_key_name(&self.id),
            self.key_generation,
        )
    }
}

/// The label of the profile a device starts with.
pub const DEFAULT_PROFILE_NAME: &str = "Tôi";
/// The longest profile label, in characters.
pub const MAX_NAME_CHARS: usize = 60;
