//! Profiles: several people on one device (a family, or a volunteer helping many), each with
//! their own session and their own encrypted space in `state/`. See `docs/auth.md`.

mod error;
pub mod keys;
mod model;
mod registry;
pub mod sealed;

pub use error::ProfileError;
pub use model::{DEFAULT_PROFILE_NAME, MAX_NAME_CHARS, Profile, ProfileKind};
pub use registry::{DEVICE_NAMESPACE, PERSONAL_TREES, Registry, key_renewals, profile_namespace};
pub use sealed::SealedBackend;
