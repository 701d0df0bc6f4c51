//! `Secret`: a string that never shows itself in logs or `Debug` output and is wiped from
//! memory when dropped (tokens, codes, PKCE verifiers).

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A secret string. Compare it, store it, send it; never print it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_redacts_itself_in_debug_output_and_in_nested_records() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            token: Secret,
        }
        let holder = Holder {
            token: Secret::new("eyJhbGciOi.secret-token"),
        };
        let shown = format!("{holder:?} {:?}", holder.token);
        assert!(!shown.contains("secret-token"), "{shown}");
        assert_eq!(holder.token.expose(), "eyJhbGciOi.secret-token");
    }

    #[test]
    fn a_secret_serializes_as_the_plain_string_for_the_secure_store() {
        let json = serde_json::to_string(&Secret::new("abc")).unwrap();
        assert_eq!(json, "\"abc\"");
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_eq!(back.expose(), "abc");
    }
}
