//! How an app configures a core.

use crate::logging::LogLevel;

/// Everything a core needs to know before it opens. Building one performs no I/O.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CoreConfig {
    /// Directory that holds the core's databases (created when missing). On Android the app's
    /// `filesDir`, on iOS a folder in Application Support; never shared storage.
    pub data_dir: String,
    /// Storage engine; `None` means sled.
    #[uniffi(default = None)]
    pub backend: Option<StorageBackend>,
    /// Language of error messages and other texts made for people; `None` means Vietnamese.
    #[uniffi(default = None)]
    pub language: Option<Language>,
    /// The portal to sync the catalogue with (its base URL, HTTPS; plain HTTP only to this
    /// device). `None`: the bundled catalogue only.
    #[uniffi(default = None)]
    pub portal_url: Option<String>,
    /// Least severe log records sent to the app's [`crate::Logger`]; more verbose ones are
    /// dropped inside Rust and never cross into Kotlin or Swift. `None` means `Info`.
    #[uniffi(default = None)]
    pub log_level: Option<LogLevel>,
    /// The OpenID Connect provider citizens sign in with. `None`: no real sign-in (the demo's
    /// still works in demo mode).
    #[uniffi(default = None)]
    pub login: Option<LoginSettings>,
    /// Key pins for the portal and the sign-in provider: SHA-256 of a certificate's
    /// SubjectPublicKeyInfo, as 64 hex digits (`openssl x509 -pubkey -noout | openssl pkey
    /// -pubin -outform DER | sha256sum`). `None` or empty: the Mozilla roots only. With pins,
    /// a server whose chain holds none of these keys is refused (`Untrusted`); pin the current
    /// and the next key, so a rotation does not lock phones out.
    #[uniffi(default = None)]
    pub pinned_keys: Option<Vec<String>>,
}

/// The app's registration at the sign-in provider (see `docs/auth.md` for the realm settings).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LoginSettings {
    /// The issuer URL (HTTPS; plain HTTP only to this device).
    pub issuer: String,
    /// The app's public client id.
    pub client_id: String,
    /// Where the provider sends the browser back (`vn.gov.longanso:/oauth2redirect`).
    pub redirect_uri: String,
    /// Where the provider sends the browser after its own sign-out, if registered.
    #[uniffi(default = None)]
    pub post_logout_redirect_uri: Option<String>,
    /// Seconds the provider still accepts a just-replaced refresh token (Keycloak's
    /// "refresh token max reuse" window). `None`: a refresh whose answer was lost asks the
    /// citizen to sign in again.
    #[uniffi(default = None)]
    pub refresh_reuse_grace_secs: Option<u32>,
}

impl LoginSettings {
    pub(crate) fn to_core(&self) -> longan_core::auth::LoginConfig {
        longan_core::auth::LoginConfig {
            issuer: self.issuer.trim_end_matches('/').to_string(),
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            post_logout_redirect_uri: self.post_logout_redirect_uri.clone(),
            refresh_reuse_grace: self
                .refresh_reuse_grace_secs
                .map(|secs| std::time::Duration::from_secs(u64::from(secs))),
        }
    }
}

impl CoreConfig {
    pub(crate) fn language(&self) -> Language {
        self.language.unwrap_or(Language::Vi)
    }

    pub(crate) fn log_level(&self) -> LogLevel {
        self.log_level.unwrap_or(LogLevel::Info)
    }

    /// The network settings of a phone, with the configured pins; `Err` names a malformed pin.
    pub(crate) fn net_config(&self) -> Result<longan_core::net::NetConfig, String> {
        let mut config = longan_core::net::NetConfig::production();
        for pin in self.pinned_keys.iter().flatten() {
            config.pinned_spki_sha256.push(parse_pin(pin)?);
        }
        Ok(config)
    }
}

/// A pin written as 64 hex digits (spaces and colons allowed between them).
fn parse_pin(text: &str) -> Result<[u8; 32], String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !matches!(b, b' ' | b':')).collect();
    let malformed = || {
        format!(
            "a key pin must be 64 hex digits, got {} characters",
            text.len()
        )
    };
    if digits.len() != 64 {
        return Err(malformed());
    }
    let mut pin = [0u8; 32];
    for (index, pair) in digits.chunks(2).enumerate() {
        let pair = std::str::from_utf8(pair).map_err(|_| malformed())?;
        pin[index] = u8::from_str_radix(pair, 16).map_err(|_| malformed())?;
    }
    Ok(pin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_read_from_hex_with_or_without_separators_and_garbage_is_refused() {
        let hex = "16e850a6b14d27c7a2761bcaba4ff07d6d1d251cca143b7c6ab25bfcfffd0cc7";
        let pin = parse_pin(hex).unwrap();
        assert_eq!(pin[0], 0x16);
        assert_eq!(pin[31], 0xc7);
        let spaced: String = hex
            .as_bytes()
            .chunks(2)
            .map(|pair| std::str::from_utf8(pair).unwrap())
            .collect::<Vec<_>>()
            .join(":");
        assert_eq!(parse_pin(&spaced).unwrap(), pin);
        assert!(parse_pin("abc").is_err());
        assert!(parse_pin(&"zz".repeat(32)).is_err());
        assert!(parse_pin(&"é".repeat(32)).is_err());
    }
}

/// The storage engine under the data directory (see `docs/decisions/storage.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StorageBackend {
    /// sled, the only engine shipped.
    Sled,
}

/// Language of texts made for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Language {
    /// Vietnamese (the default).
    Vi,
    /// English.
    En,
}
