//! The session record kept in `state/`, so a sign-in survives the app being killed.

use serde::{Deserialize, Serialize};

use super::error::AuthError;
use crate::store::{Backend, Batch};

const TREE: &str = "session";
const CURRENT_KEY: &[u8] = b"current";

/// The subject of the demo citizen, never a real account's.
pub const DEMO_SUBJECT: &str = "demo-citizen";

/// The fake citizen a volunteer signs in as in demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    /// A subject no real provider issues.
    pub subject: String,
    /// The demo citizen's name, masked like any applicant name the portal returns.
    pub display_name: String,
}

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Session {
    /// Nobody.
    #[default]
    SignedOut,
    /// The demo citizen: clearly not a real session, only in demo mode.
    Demo {
        /// The demo account.
        account: DemoAccount,
        /// When the volunteer signed in (milliseconds since the epoch).
        signed_in_at_ms: i64,
    },
}

impl Session {
    /// True for any signed-in state.
    pub fn is_signed_in(&self) -> bool {
        !matches!(self, Session::SignedOut)
    }
}

/// The stored session; [`Session::SignedOut`] when none was stored.
pub fn load_session(state: &dyn Backend) -> Result<Session, AuthError> {
    match state.get(TREE, CURRENT_KEY)? {
        None => Ok(Session::SignedOut),
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|error| AuthError::Corrupt {
            reason: error.to_string(),
        }),
    }
}

/// Stores `session` durably.
pub fn save_session(state: &dyn Backend, session: &Session) -> Result<(), AuthError> {
    let json = serde_json::to_vec(session).map_err(|error| AuthError::Corrupt {
        reason: error.to_string(),
    })?;
    let mut batch = Batch::new();
    batch.put(CURRENT_KEY, json);
    state.apply(TREE, batch)?;
    Ok(())
}

/// Forgets the stored session.
pub fn clear_session(state: &dyn Backend) -> Result<(), AuthError> {
    let mut batch = Batch::new();
    batch.delete(CURRENT_KEY);
    state.apply(TREE, batch)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Stores;

    #[test]
    fn a_stored_demo_session_is_read_back_after_reopening_and_forgotten_on_clear() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::Demo {
            account: DemoAccount {
                subject: DEMO_SUBJECT.to_string(),
                display_name: "Nguyễn V** M**".to_string(),
            },
            signed_in_at_ms: 1_764_000_000_000,
        };
        {
            let stores = Stores::open(dir.path()).unwrap();
            assert_eq!(load_session(stores.state()).unwrap(), Session::SignedOut);
            save_session(stores.state(), &session).unwrap();
        }
        let stores = Stores::open(dir.path()).unwrap();
        assert_eq!(load_session(stores.state()).unwrap(), session);
        clear_session(stores.state()).unwrap();
        assert_eq!(load_session(stores.state()).unwrap(), Session::SignedOut);
    }

    #[test]
    fn an_unreadable_session_record_is_a_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        let mut batch = Batch::new();
        batch.put(CURRENT_KEY, b"{not json".to_vec());
        stores.state().apply(TREE, batch).unwrap();
        assert!(matches!(
            load_session(stores.state()),
            Err(AuthError::Corrupt { .. })
        ));
    }
}
