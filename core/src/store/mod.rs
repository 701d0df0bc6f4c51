//! The one owner of sled (DESIGN §3). Two databases per data directory — `cache/`
//! (rebuildable) and `state/` (precious) — behind a backend-neutral API, with sled's known
//! failure modes contained: small page cache, flush before acknowledging, a panic on open
//! turned into an error, one opener per directory, a format version with migrations, and a
//! damaged `state/` reopened from its log with what it lost counted.

pub mod acknowledged;
pub mod backend;
pub mod blob_files;
pub mod claim;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
pub mod error;
pub mod format;
pub mod repair;
pub mod salvage;
pub mod sled_backend;
pub mod stores;

pub use backend::{Backend, Batch, Entries, Write};
pub use error::{Area, StoreError};
pub use stores::{OpenReport, StateDamage, Stores};
