//! The push token the app was given, the registration of each profile, and what queued
//! (un)registrations carry. All in the device's sealed trees: a push token and a registration
//! secret are secrets of the device.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::DEVICE_TREE;
use super::error::DeviceError;
use crate::auth::Secret;
use crate::portal::wire::{DeviceRegistration, PushPlatform};
use crate::store::{Backend, Batch};

const TOKEN_KEY: &[u8] = b"push_token";
const REGISTRATION_PREFIX: &str = "registration/";

/// Where this installation receives pushes, as the app last said: the push service's token
/// and the language the app is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushToken {
    /// The push service.
    pub platform: PushPlatform,
    /// The service's token for this installation.
    pub token: Secret,
    /// The app's language (`vi` or `en`), for pushes the portal writes.
    pub language: String,
}

/// What the portal was (or is about to be) told for one profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The token and language registered.
    pub token: PushToken,
    /// The secret that removes it (kept across token changes of the same registration).
    pub secret: Secret,
}

impl Registration {
    /// A new registration of `token` with a fresh secret: 256 bits from the system's
    /// cryptographic generator, in hex (whoever guesses it can stop this phone's pushes).
    pub fn new(token: PushToken) -> Result<Registration, DeviceError> {
        let bytes = crate::profile::keys::random_bytes::<32>()?;
        let secret: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        Ok(Registration {
            token,
            secret: Secret::new(secret),
        })
    }

    /// The body of the `PUT`.
    pub fn to_wire(&self) -> DeviceRegistration {
        DeviceRegistration {
            platform: self.token.platform,
            token: self.token.token.expose().to_string(),
            language: self.token.language.clone(),
            registration_secret: self.secret.expose().to_string(),
        }
    }
}

/// A queued `PUT /v1/me/devices/{installation_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationPayload {
    /// The profile whose session registers it (only while it is the profile in use).
    pub profile: String,
    /// The installation.
    pub installation_id: String,
    /// What to register.
    pub registration: Registration,
}

/// A queued `DELETE /v1/devices/{installation_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnregistrationPayload {
    /// The installation.
    pub installation_id: String,
    /// The secret of the registration to remove (another registration is left alone).
    pub secret: Secret,
}

/// The payload's bytes for the outbox.
pub(crate) fn encode<T: Serialize>(payload: &T) -> Result<Vec<u8>, DeviceError> {
    serde_json::to_vec(payload).map_err(|error| DeviceError::Corrupt {
        reason: error.to_string(),
    })
}

fn read<T: DeserializeOwned>(device: &dyn Backend, key: &[u8]) -> Result<Option<T>, DeviceError> {
    match device.get(DEVICE_TREE, key)? {
        None => Ok(None),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| DeviceError::Corrupt {
                reason: "a push record cannot be read".into(),
            }),
    }
}

fn write<T: Serialize>(device: &dyn Backend, key: Vec<u8>, value: &T) -> Result<(), DeviceError> {
    let mut batch = Batch::new();
    batch.put(key, encode(value)?);
    Ok(device.apply(DEVICE_TREE, batch)?)
}

fn registration_key(profile: &str) -> Vec<u8> {
    format!("{REGISTRATION_PREFIX}{profile}").into_bytes()
}

/// The push token last given, if any.
pub fn load_push_token(device: &dyn Backend) -> Result<Option<PushToken>, DeviceError> {
    read(device, TOKEN_KEY)
}

/// Keeps the push token the app was given.
pub fn save_push_token(device: &dyn Backend, token: &PushToken) -> Result<(), DeviceError> {
    write(device, TOKEN_KEY.to_vec(), token)
}

/// The registration made for `profile`, if it has one.
pub fn load_registration(
    device: &dyn Backend,
    profile: &str,
) -> Result<Option<Registration>, DeviceError> {
    read(device, &registration_key(profile))
}

/// Keeps the registration made for `profile`.
pub fn save_registration(
    device: &dyn Backend,
    profile: &str,
    registration: &Registration,
) -> Result<(), DeviceError> {
    write(device, registration_key(profile), registration)
}

/// Forgets `profile`'s registration (its unregistration is queued).
pub fn forget_registration(device: &dyn Backend, profile: &str) -> Result<(), DeviceError> {
    let mut batch = Batch::new();
    batch.delete(registration_key(profile));
    Ok(device.apply(DEVICE_TREE, batch)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::wire::registration_problem;

    #[test]
    fn a_new_registration_has_a_random_secret_the_portal_accepts() {
        let token = PushToken {
            platform: PushPlatform::Fcm,
            token: Secret::new("fcm-token-1"),
            language: "vi".into(),
        };
        let first = Registration::new(token.clone()).unwrap();
        let second = Registration::new(token).unwrap();
        assert_ne!(first.secret, second.secret);
        assert_eq!(first.secret.expose().len(), 64);
        assert_eq!(registration_problem(&first.to_wire()), None);
    }

    #[test]
    fn a_registration_shows_neither_token_nor_secret_in_debug_output() {
        let registration = Registration::new(PushToken {
            platform: PushPlatform::Apns,
            token: Secret::new("apns-device-token"),
            language: "en".into(),
        })
        .unwrap();
        let shown = format!("{registration:?}");
        assert!(!shown.contains("apns-device-token"), "{shown}");
        assert!(!shown.contains(registration.secret.expose()), "{shown}");
    }
}
