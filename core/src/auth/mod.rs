//! Who is signed in on this device. For now the demo's fake sign-in, so volunteers can show
//! the signed-in screens with no account; OpenID Connect sessions join the same state machine
//! with the login issue (see `docs/auth.md`).

mod error;
mod session;

pub use error::AuthError;
pub use session::{DEMO_SUBJECT, DemoAccount, Session, clear_session, load_session, save_session};
