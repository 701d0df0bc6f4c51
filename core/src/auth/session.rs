//! The session record kept in the profile's sealed part of `state/`, so a sign-in survives the
//! app being killed. Tokens are not here: they live in the `SecureStore`.

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

/// A citizen known to the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The provider's subject identifier.
    pub subject: String,
    /// The name to greet, from the ID token's `name` claim.
    pub display_name: Option<String>,
}

/// Who is signed in. The transitions are drawn in `docs/auth.md`.
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
    /// The system browser is showing the provider's sign-in page.
    AwaitingRedirect {
        /// When the sign-in started (milliseconds since the epoch).
        started_at_ms: i64,
    },
    /// A citizen is signed in; the tokens are in the secure store.
    SignedIn {
        /// Who.
        account: Account,
        /// When (milliseconds since the epoch).
        signed_in_at_ms: i64,
    },
    /// The sign-in can no longer be renewed without the citizen (a lost refresh answer without
    /// a reuse grace): cached data stays readable, `/v1/me/*` needs a new sign-in.
    ReauthRequired {
        /// Who was signed in.
        account: Account,
    },
}

impl Session {
    /// True when someone is signed in (even if the sign-in needs renewing).
    pub fn is_signed_in(&self) -> bool {
        matches!(
            self,
            Session::Demo { .. } | Session::SignedIn { .. } | Session::ReauthRequired { .. }
        )
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
