//! How a portal is started.

use std::fmt;
use std::path::PathBuf;

/// The portal's client id at the OpenID provider when none is given.
pub const DEFAULT_OIDC_CLIENT_ID: &str = "longan-portal";
/// The client secret assumed with test control on when none is given: the test provider's
/// (`tests/oidc`).
pub const TEST_OIDC_CLIENT_SECRET: &str = "portal-secret";

/// Settings of one portal. Its `Debug` never shows the client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PortalConfig {
    /// The seed data: `tthc/national-catalog.csv` and `tthc/details/*.md` under it.
    pub data_dir: PathBuf,
    /// Port on 127.0.0.1; 0 picks a free one (see [`crate::RunningPortal::addr`]).
    pub port: u16,
    /// Mounts the `/test/…` endpoints that change the catalogue (else they answer 404).
    pub test_control: bool,
    /// Oldest `X-Client-Version` served (`major.minor.patch`); older clients get 426.
    pub min_client_version: String,
    /// One line per request through the `log` facade, at info level, target
    /// [`crate::ACCESS_LOG_TARGET`] ([`crate::run_forever`] installs a logger printing to stderr).
    pub log_requests: bool,
    /// Dossier lookups (`GET /v1/dossiers/{code}`) a client may make per minute, on average
    /// (at least 1). Clients are told apart by `X-Client-Id`, else by IP address.
    pub dossier_lookups_per_minute: u32,
    /// Dossier lookups a client may make at once (at least 1).
    pub dossier_lookup_burst: u32,
    /// The OpenID provider whose access tokens `/v1/me/*` accept, checked by token
    /// introspection (RFC 7662; the endpoint comes from `{issuer}/.well-known/openid-configuration`).
    /// `https://`, or `http://` on this machine. `None`: `/v1/me/*` answer 401 to everyone.
    pub oidc_issuer: Option<String>,
    /// The portal's client id at the provider (HTTP Basic auth of the introspection requests).
    pub oidc_client_id: String,
    /// The portal's client secret. Required with `oidc_issuer`, except with test control on,
    /// where it defaults to [`TEST_OIDC_CLIENT_SECRET`].
    pub oidc_client_secret: Option<String>,
    /// How long, in milliseconds, the provider's verdict on a token is kept (an active token's
    /// never past its `exp`); 0 asks the provider on every request.
    pub introspection_cache_ms: u64,
}

impl fmt::Debug for PortalConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = self.oidc_client_secret.as_ref().map(|_| "<redacted>");
        f.debug_struct("PortalConfig")
            .field("data_dir", &self.data_dir)
            .field("port", &self.port)
            .field("test_control", &self.test_control)
            .field("min_client_version", &self.min_client_version)
            .field("log_requests", &self.log_requests)
            .field(
                "dossier_lookups_per_minute",
                &self.dossier_lookups_per_minute,
            )
            .field("dossier_lookup_burst", &self.dossier_lookup_burst)
            .field("oidc_issuer", &self.oidc_issuer)
            .field("oidc_client_id", &self.oidc_client_id)
            .field("oidc_client_secret", &secret)
            .field("introspection_cache_ms", &self.introspection_cache_ms)
            .finish()
    }
}

impl Default for PortalConfig {
    /// The repository's seed data (or `$LONGAN_SEED_DIR`), an ephemeral port, no test
    /// control, clients from 0.1.0 on, no request log, 10 dossier lookups a minute with a burst
    /// of 10, no OpenID provider (client `longan-portal`, verdicts kept 5 s once there is one).
    fn default() -> PortalConfig {
        PortalConfig {
            data_dir: default_data_dir(),
            port: 0,
            test_control: false,
            min_client_version: "0.1.0".to_string(),
            log_requests: false,
            dossier_lookups_per_minute: 10,
            dossier_lookup_burst: 10,
            oidc_issuer: None,
            oidc_client_id: DEFAULT_OIDC_CLIENT_ID.to_string(),
            oidc_client_secret: None,
            introspection_cache_ms: 5000,
        }
    }
}

impl PortalConfig {
    /// The introspection settings: `None` without an issuer; an error when the secret is
    /// missing and test control is off.
    pub(crate) fn oidc(&self) -> Result<Option<crate::introspection::OidcSettings>, String> {
        let Some(issuer) = &self.oidc_issuer else {
            return Ok(None);
        };
        let client_secret = match (&self.oidc_client_secret, self.test_control) {
            (Some(secret), _) => secret.clone(),
            (None, true) => TEST_OIDC_CLIENT_SECRET.to_string(),
            (None, false) => {
                return Err("an OpenID issuer needs the portal's client secret \
                            (--oidc-client-secret or LONGAN_OIDC_CLIENT_SECRET)"
                    .into());
            }
        };
        if self.oidc_client_id.is_empty() {
            return Err("the portal's client id is empty".into());
        }
        Ok(Some(crate::introspection::OidcSettings {
            issuer: issuer.clone(),
            client_id: self.oidc_client_id.clone(),
            client_secret,
            cache_ttl: std::time::Duration::from_millis(self.introspection_cache_ms),
        }))
    }
}

/// `$LONGAN_SEED_DIR` when set, else the repository's `data/` (found from where this crate
/// was built).
pub fn default_data_dir() -> PathBuf {
    match std::env::var_os("LONGAN_SEED_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data")),
    }
}
