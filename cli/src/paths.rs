//! Where the CLI keeps its data and finds the seed.

use std::path::PathBuf;

use longan_core::SeedFiles;

use crate::failure::{EXIT_STORAGE, Failure};

/// The data directory: the flag, else `$LONGAN_DATA_DIR`, else the OS data directory.
pub fn data_dir(flag: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(dir) = flag.or_else(|| std::env::var_os("LONGAN_DATA_DIR").map(PathBuf::from)) {
        return Ok(dir);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let base = if cfg!(target_os = "macos") {
        home.map(|h| h.join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".local/share")))
    };
    base.map(|b| b.join("longan-so")).ok_or_else(|| {
        Failure::new(
            "storage",
            EXIT_STORAGE,
            "no data directory: set --data-dir or HOME",
        )
    })
}

/// The seed: the flag, else `$LONGAN_SEED_DIR`, else this repository's `data/`; `None` when the
/// catalogue file is not there.
pub fn seed(flag: Option<PathBuf>) -> Option<SeedFiles> {
    let dir = seed_dir(flag);
    let catalog_csv = dir.join("tthc/national-catalog.csv");
    let details_dir = dir.join("tthc/details");
    catalog_csv.is_file().then(|| SeedFiles {
        catalog_csv,
        details_dir: details_dir.is_dir().then_some(details_dir),
    })
}

/// The seed data folder: the flag, else `$LONGAN_SEED_DIR`, else this repository's `data/`.
pub fn seed_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("LONGAN_SEED_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data")))
}
