//! This installation: its id, and where the portal sends its pushes.
//!
//! The push registration follows the **profile in use**: a phone shows one person's
//! notifications at a time, so signing in, switching profile or a new push token registers
//! the installation for the profile in use, and signing out, switching away, removing a
//! profile or wiping an assisted one unregisters it. Both go through the device's outbox, so
//! they happen also when the phone is offline at that moment, and in order.
//!
//! The unregistration is authenticated by a random secret of the registration, not by the
//! profile's session: the session is what is being ended (its tokens are deleted at once and
//! revoked at the provider), and a volunteer's phone must stop receiving a citizen's
//! notifications even when the unregistration is delivered days later.

mod error;
mod installation;
mod registration;

pub use error::DeviceError;
pub use installation::installation_id;
pub(crate) use registration::encode;
pub use registration::{
    PushToken, Registration, RegistrationPayload, UnregistrationPayload, forget_registration,
    load_push_token, load_registration, save_push_token, save_registration,
};

/// The device's sealed tree holding the installation id, the push token and registrations.
pub const DEVICE_TREE: &str = "device";
