//! The store API is backend-neutral: the conformance suite that sled passes inside the core
//! also holds SQLite to the same promises here.

use longan_core::store::conformance;
use longan_tests::sqlite_backend::SqliteBackend;

#[test]
fn the_sqlite_backend_passes_the_same_conformance_suite_as_sled() {
    conformance::run_all(&|path| Box::new(SqliteBackend::open(path).expect("open sqlite")));
}
