//! Who is signed in on this device: OpenID Connect sessions with PKCE through the system
//! browser, their tokens in the app's `SecureStore`, and the demo's fake sign-in for volunteers.
//! The state machine and the flows are in `docs/auth.md`.

pub mod config;
pub mod discovery;
mod error;
pub mod http;
pub mod oidc;
pub mod pending;
pub mod revocation;
mod secret;
mod secure_store;
mod session;
pub mod tokens;

pub use config::LoginConfig;
pub use error::AuthError;
pub use secret::Secret;
pub use secure_store::{FileSecureStore, MemorySecureStore, SecureStore, SecureStoreError};
pub use session::{
    Account, DEMO_SUBJECT, DemoAccount, Session, clear_session, load_session, save_session,
};
