//! How the core signs citizens in: the provider and the app's registration there.

use std::time::Duration;

/// The OpenID Connect settings of a deployment (a provincial Keycloak realm, or the test
/// provider). The realm settings they need are in `docs/auth.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginConfig {
    /// The issuer URL (discovery is `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    /// The app's public client id (no secret: a native app cannot keep one).
    pub client_id: String,
    /// Where the provider sends the browser back: the app's claimed `https` link or private
    /// scheme (`vn.gov.longanso:/oauth2redirect`), or a loopback URL for the CLI.
    pub redirect_uri: String,
    /// Where the provider sends the browser after signing out, if registered.
    pub post_logout_redirect_uri: Option<String>,
    /// How long the provider still accepts a refresh token it has just replaced (Keycloak's
    /// "refresh token max reuse"). With it, a refresh whose answer was lost is retried with
    /// the previous token; without it, that session needs a new sign-in (a retry would make
    /// the provider revoke the whole grant).
    pub refresh_reuse_grace: Option<Duration>,
}

/// Scopes asked for at sign-in: `offline_access` makes the refresh token outlive the
/// provider's browser session (a plain Keycloak refresh token dies with its 30-minute SSO idle
/// timeout).
pub const SCOPES: &[&str] = &["openid", "profile", "offline_access"];

/// An access token counts as expired this long before the provider's expiry, so a call made
/// just before expiry does not arrive just after it.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// A sign-in left waiting in the browser longer than this is abandoned.
pub const PENDING_LOGIN_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// How long a discovery document (and its keys) is reused before it is fetched again.
pub const DISCOVERY_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
