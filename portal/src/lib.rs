//! `longan-portal`: the reference portal. Serves the contract of `portal/openapi.yaml` (the
//! catalogue's change feed and procedure records, the sample dossiers of the core's scenario
//! engine, the 1022 feedback and the push-device registrations it receives) from the seed
//! data, in memory, for tests, demos and development.
//!
//! ```no_run
//! # async fn demo() -> Result<(), longan_portal::PortalError> {
//! let portal = longan_portal::start(longan_portal::PortalConfig::default()).await?;
//! println!("{}/v1/catalog/changes", portal.url());
//! portal.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod access_log;
mod client_key;
mod client_version;
mod clock;
mod config;
mod cursor;
mod date_header;
mod devices;
mod dossiers;
mod error;
mod etag;
mod feed;
mod feedback;
mod http_date;
mod introspection;
mod notifications;
mod problem;
mod rate_limit;
mod respond;
mod routes;
mod seed;
mod server;
mod state;
mod stderr_logger;
mod version;

pub use access_log::TARGET as ACCESS_LOG_TARGET;
pub use client_key::CLIENT_ID_HEADER;
pub use config::{DEFAULT_OIDC_CLIENT_ID, PortalConfig, TEST_OIDC_CLIENT_SECRET, default_data_dir};
pub use dossiers::DOSSIER_SEED;
pub use error::PortalError;
pub use problem::problem_types;
pub use routes::dossiers::VERIFIER_HEADER;
pub use server::{RunningPortal, run_forever, start};
