//! A sign-in waiting for the browser: its PKCE verifier, `state` and `nonce`, kept in the
//! profile's sealed part of `state/`, so the flow survives the app being killed while the
//! browser is open.

use serde::{Deserialize, Serialize};

use super::error::AuthError;
use super::secret::Secret;
use crate::store::{Backend, Batch};

const TREE: &str = "login";
const KEY: &[u8] = b"pending";

/// The secrets of a sign-in in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    /// The issuer it was started with.
    pub issuer: String,
    /// The redirect URI the provider was given.
    pub redirect_uri: String,
    /// The CSRF `state` the redirect must carry back.
    pub state: Secret,
    /// The nonce the ID token must carry.
    pub nonce: Secret,
    /// The PKCE verifier of the code challenge sent.
    pub pkce_verifier: Secret,
    /// When it started (milliseconds since the epoch).
    pub started_at_ms: i64,
}

/// The sign-in in progress on this profile, if any.
pub fn load_pending(personal: &dyn Backend) -> Result<Option<PendingLogin>, AuthError> {
    personal
        .get(TREE, KEY)?
        .map(|bytes| {
            serde_json::from_slice(&bytes).map_err(|_| AuthError::Corrupt {
                reason: "the sign-in in progress is unreadable".into(),
            })
        })
        .transpose()
}

/// Keeps the sign-in in progress (replacing an earlier one).
pub fn save_pending(personal: &dyn Backend, pending: &PendingLogin) -> Result<(), AuthError> {
    let json = zeroize::Zeroizing::new(serde_json::to_vec(pending).map_err(|error| {
        AuthError::Corrupt {
            reason: error.to_string(),
        }
    })?);
    let mut batch = Batch::new();
    batch.put(KEY, json.to_vec());
    personal.apply(TREE, batch)?;
    Ok(())
}

/// Forgets the sign-in in progress.
pub fn clear_pending(personal: &dyn Backend) -> Result<(), AuthError> {
    let mut batch = Batch::new();
    batch.delete(KEY);
    personal.apply(TREE, batch)?;
    Ok(())
}
