//! How a portal is started.

use std::path::PathBuf;

/// Settings of one portal.
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

impl Default for PortalConfig {
    /// The repository's seed data (or `$LONGAN_SEED_DIR`), an ephemeral port, no test
    /// control, clients from 0.1.0 on, no request log, 10 dossier lookups a minute with a burst
    /// of 10.
    fn default() -> PortalConfig {
        PortalConfig {
            data_dir: default_data_dir(),
            port: 0,
            test_control: false,
            min_client_version: "0.1.0".to_string(),
            log_requests: false,
            dossier_lookups_per_minute: 10,
            dossier_lookup_burst: 10,
        }
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
