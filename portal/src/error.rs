//! Why a portal could not start or stopped serving.

use std::path::PathBuf;

/// A failure to start or to keep serving.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// The seed data could not be read or parsed.
    #[error("cannot load the seed data from {}: {reason}", path.display())]
    Seed {
        /// The file or folder that failed.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// `min_client_version` is not `major.minor.patch`.
    #[error("invalid minimum client version {0:?}: expected major.minor.patch")]
    InvalidMinClientVersion(String),
    /// The dossier lookup rate or burst is 0.
    #[error(
        "invalid dossier lookup rate: {per_minute} per minute, burst {burst} (both must be at least 1)"
    )]
    InvalidRateLimit {
        /// Lookups per minute asked for.
        per_minute: u32,
        /// Burst asked for.
        burst: u32,
    },
    /// The OpenID provider settings are unusable (the detail never holds the client secret).
    #[error("invalid OpenID provider settings: {0}")]
    InvalidOidc(String),
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// The system's reason.
        source: std::io::Error,
    },
    /// Any other I/O failure (the runtime, stdout, the accept loop).
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}
