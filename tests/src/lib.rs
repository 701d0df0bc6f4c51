//! Shared helpers of the end-to-end tests and benchmarks: where the repository's data is, and
//! the public dev query set.

pub mod devset;
pub mod fault_proxy;
pub mod log_capture;
pub mod oidc_fixture;
pub mod portal_fixture;
pub mod reliability_doc;
pub mod sqlite_backend;
pub mod tls_server;

use std::path::PathBuf;

use longan_core::SeedFiles;

/// The repository's `data/` folder.
pub fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

/// The bundled seed: the national catalogue and the full records.
pub fn seed() -> SeedFiles {
    SeedFiles {
        catalog_csv: data_dir().join("tthc/national-catalog.csv"),
        details_dir: Some(data_dir().join("tthc/details")),
    }
}
