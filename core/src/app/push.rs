//! The installation's push registration at the core's level: following the profile in use,
//! queued in the device's outbox, delivered with the rest of the outbox.

use super::Core;
use crate::auth::{AuthError, Secret};
use crate::cancel::Cancellation;
use crate::device::{
    DeviceError, PushToken, Registration, RegistrationPayload, UnregistrationPayload,
    forget_registration, installation_id, load_push_token, load_registration, save_push_token,
    save_registration,
};
use crate::net::NetError;
use crate::outbox::{ItemKind, OutboxItem, SendError, Sender};
use crate::portal::wire::{MAX_PUSH_TOKEN_BYTES, PushPlatform};
use crate::portal::{HttpPortal, PortalError};

/// The outbox line of a profile's push (un)registrations: apart from its token revocations,
/// so neither waits for the other, and in order among themselves.
fn push_line(profile: &str) -> String {
    format!("push:{profile}")
}

impl Core {
    /// This installation's id (random, made once per data directory; names it to the portal
    /// and spreads background refresh). Reads, and the first time writes, `state/`.
    pub fn installation_id(&self) -> Result<String, DeviceError> {
        installation_id(&self.device_sealed()?)
    }

    /// Keeps the push service's `token` (FCM on Android, APNs on iOS; call on every start and
    /// whenever the service rotates it) and registers the installation for the profile in use
    /// when it is signed in, unless the portal has that token already. `language` (`vi` or
    /// `en`) is the app's. Writes `state/`; the registration is delivered by
    /// [`Core::deliver_outbox`].
    pub fn register_push_token(
        &self,
        platform: PushPlatform,
        token: &str,
        language: &str,
    ) -> Result<bool, DeviceError> {
        let visible = token.bytes().all(|b| (0x21..=0x7e).contains(&b));
        if token.is_empty() || token.len() > MAX_PUSH_TOKEN_BYTES || !visible {
            return Err(DeviceError::InvalidToken {
                reason: "a push token is 1 to 4096 visible ASCII characters",
            });
        }
        let language = if language == "en" { "en" } else { "vi" };
        let token = PushToken {
            platform,
            token: Secret::new(token),
            language: language.to_string(),
        };
        save_push_token(&self.device_sealed()?, &token)?;
        self.register_profile_in_use()
    }

    /// Queues the registration of the profile in use when it is signed in and the portal does
    /// not have the current token from it yet. `true` when one was queued.
    pub(super) fn register_profile_in_use(&self) -> Result<bool, DeviceError> {
        let device = self.device_sealed()?;
        let Some(token) = load_push_token(&device)? else {
            return Ok(false);
        };
        let signed_in = self
            .session()
            .map(|session| session.is_signed_in())
            .unwrap_or(false);
        if !signed_in {
            return Ok(false);
        }
        let profile = self.current_profile()?;
        let registration = match load_registration(&device, &profile.id)? {
            Some(existing) if existing.token == token => return Ok(false),
            // A rotated token or another language: the same registration, told again.
            Some(existing) => Registration {
                token,
                secret: existing.secret,
            },
            None => Registration::new(token)?,
        };
        let payload = RegistrationPayload {
            profile: profile.id.clone(),
            installation_id: installation_id(&device)?,
            registration: registration.clone(),
        };
        save_registration(&device, &profile.id, &registration)?;
        self.outbox.enqueue(
            &device,
            &push_line(&profile.id),
            ItemKind::PushRegistration,
            crate::device::encode(&payload)?,
            self.clock.now_ms(),
        )?;
        log::info!("push registration queued");
        Ok(true)
    }

    /// Queues the removal of `profile`'s registration, if it has one (signing out, switching
    /// away, removing the profile). `true` when one was queued.
    pub(super) fn unregister_profile(&self, profile: &str) -> Result<bool, DeviceError> {
        let device = self.device_sealed()?;
        let Some(registration) = load_registration(&device, profile)? else {
            return Ok(false);
        };
        let payload = UnregistrationPayload {
            installation_id: installation_id(&device)?,
            secret: registration.secret,
        };
        self.outbox.enqueue(
            &device,
            &push_line(profile),
            ItemKind::PushUnregistration,
            crate::device::encode(&payload)?,
            self.clock.now_ms(),
        )?;
        forget_registration(&device, profile)?;
        log::info!("push unregistration queued");
        Ok(true)
    }
}

/// The outbox's sender of push (un)registrations.
pub(super) struct PushSender<'a> {
    core: &'a Core,
    portal: &'a HttpPortal,
}

impl<'a> PushSender<'a> {
    pub(super) fn new(core: &'a Core, portal: &'a HttpPortal) -> PushSender<'a> {
        PushSender { core, portal }
    }

    async fn register(
        &self,
        item: &OutboxItem,
        cancel: &Cancellation,
    ) -> Result<String, SendError> {
        let payload: RegistrationPayload = serde_json::from_slice(&item.payload)
            .map_err(|_| SendError::permanent("undecodable_payload"))?;
        let storage = |_| SendError::transient("storage");
        let current = self.core.current_profile().map_err(storage)?;
        let device = self.core.device_sealed().map_err(storage)?;
        let still_wanted = load_registration(&device, &payload.profile)
            .map_err(|_| SendError::transient("storage"))?
            .is_some_and(|kept| kept.secret == payload.registration.secret);
        if current.id != payload.profile || !still_wanted {
            // Switched away, signed out or registered anew since: its unregistration (if
            // any) follows in the same line.
            return Ok("superseded".into());
        }
        let wire = payload.registration.to_wire();
        let key = item.idempotency_key.as_str();
        let outcome = self
            .core
            .with_access_token(cancel, |token| {
                let wire = &wire;
                let installation = payload.installation_id.as_str();
                async move {
                    self.portal
                        .register_device(&token, installation, wire, key, cancel)
                        .await
                        .map_err(net_error)
                }
            })
            .await;
        match outcome {
            Ok(_) => Ok(String::new()),
            // The next sign-in registers again.
            Err(AuthError::NotSignedIn | AuthError::ReauthRequired | AuthError::Refused { .. }) => {
                Ok("not_signed_in".into())
            }
            Err(AuthError::Network(error)) => Err(SendError::from(error)),
            Err(_) => Err(SendError::transient("sign_in")),
        }
    }

    async fn unregister(
        &self,
        item: &OutboxItem,
        cancel: &Cancellation,
    ) -> Result<String, SendError> {
        let payload: UnregistrationPayload = serde_json::from_slice(&item.payload)
            .map_err(|_| SendError::permanent("undecodable_payload"))?;
        match self
            .portal
            .unregister_device(&payload.installation_id, &payload.secret, cancel)
            .await
        {
            Ok(true) => Ok(String::new()),
            Ok(false) => Ok("already_gone".into()),
            Err(error) => Err(SendError::from(net_error(error))),
        }
    }
}

fn net_error(error: PortalError) -> NetError {
    match error {
        PortalError::Net(error) => error,
        other => NetError::InvalidResponse {
            reason: other.to_string(),
        },
    }
}

impl Sender for PushSender<'_> {
    fn handles(&self, kind: ItemKind) -> bool {
        matches!(
            kind,
            ItemKind::PushRegistration | ItemKind::PushUnregistration
        )
    }

    async fn send(&self, item: &OutboxItem, cancel: &Cancellation) -> Result<String, SendError> {
        match item.kind {
            ItemKind::PushRegistration => self.register(item, cancel).await,
            ItemKind::PushUnregistration => self.unregister(item, cancel).await,
            _ => Err(SendError::permanent("not_a_push_item")),
        }
    }
}
