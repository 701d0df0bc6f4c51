//! The tokens of a profile's session, kept only in the app's `SecureStore`.

use serde::{Deserialize, Serialize};

use super::config::EXPIRY_MARGIN;
use super::error::AuthError;
use super::secret::Secret;
use super::secure_store::SecureStore;

/// A profile's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    /// Sent on `/v1/me/*` calls.
    pub access_token: Secret,
    /// When the access token expires, in server time (milliseconds since the Unix epoch);
    /// `None` when the provider did not say.
    pub access_expires_at_ms: Option<i64>,
    /// Renews the access token; replaced at every refresh (rotation).
    pub refresh_token: Option<Secret>,
    /// The refresh token just replaced, kept for one retry when a refresh answer was lost and
    /// the provider allows a reuse grace.
    #[serde(default)]
    pub previous_refresh_token: Option<Secret>,
    /// The last ID token, the hint of the end-session URL.
    pub id_token: Option<Secret>,
}

impl TokenSet {
    /// True when the access token should be renewed before use at `now_ms` (server time).
    pub fn access_expired(&self, now_ms: i64) -> bool {
        self.access_expires_at_ms
            .is_some_and(|expiry| now_ms + EXPIRY_MARGIN.as_millis() as i64 >= expiry)
    }
}

/// The secure-store name of a profile's tokens.
pub fn tokens_name(profile_id: &str) -> String {
    format!("tokens.{profile_id}")
}

/// The stored tokens of a profile.
pub fn load_tokens(
    store: &dyn SecureStore,
    profile_id: &str,
) -> Result<Option<TokenSet>, AuthError> {
    match store.get(&tokens_name(profile_id))? {
        None => Ok(None),
        Some(bytes) => {
            serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|error| AuthError::Corrupt {
                    reason: format!("stored tokens: {}", error.classify_name()),
                })
        }
    }
}

/// Stores a profile's tokens.
pub fn save_tokens(
    store: &dyn SecureStore,
    profile_id: &str,
    tokens: &TokenSet,
) -> Result<(), AuthError> {
    let json = zeroize::Zeroizing::new(serde_json::to_vec(tokens).map_err(|error| {
        AuthError::Corrupt {
            reason: error.to_string(),
        }
    })?);
    store.put(&tokens_name(profile_id), &json)?;
    Ok(())
}

/// Forgets a profile's tokens.
pub fn delete_tokens(store: &dyn SecureStore, profile_id: &str) -> Result<(), AuthError> {
    store.delete(&tokens_name(profile_id))?;
    Ok(())
}

/// The category of a JSON error, without the text around it (which could hold a token).
trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "unexpected fields",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}
