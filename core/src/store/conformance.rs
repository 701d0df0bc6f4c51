//! The backend-neutral conformance suite: what any engine behind [`Backend`] must do.
//!
//! `run_all` takes a function that opens a backend at a path (opening the same path again must
//! see the same data) and panics with a readable message on the first broken promise. The
//! sled backend runs it in this crate's tests; other engines run it from theirs.

use std::path::Path;

use super::backend::{Backend, Batch};

/// Opens a backend at a directory.
pub type Opener<'a> = &'a dyn Fn(&Path) -> Box<dyn Backend>;

/// One named check of the suite.
type Check = (&'static str, fn(Opener<'_>, &Path));

/// Runs every check against fresh directories.
pub fn run_all(open: Opener<'_>) {
    let checks: &[Check] = &[
        ("a missing key reads as none", missing_key_reads_as_none),
        (
            "a put is read back and overwritten",
            put_is_read_back_and_overwritten,
        ),
        ("a batch applies in order", batch_applies_in_order),
        (
            "deletes remove and tolerate absent keys",
            deletes_remove_and_tolerate_absent_keys,
        ),
        ("trees are independent", trees_are_independent),
        (
            "prefix scans are ordered by bytes",
            prefix_scans_are_ordered_by_bytes,
        ),
        ("clear empties one tree", clear_empties_one_tree),
        ("data survives reopening", data_survives_reopening),
        (
            "binary and large values round-trip",
            binary_and_large_values_round_trip,
        ),
        (
            "blobs are replaced whole and survive reopening",
            blobs_are_replaced_whole_and_survive_reopening,
        ),
        (
            "blob names cannot leave the store",
            blob_names_cannot_leave_the_store,
        ),
    ];
    for (name, check) in checks {
        let dir = tempfile_dir();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(open, dir.path())));
        if let Err(panic) = outcome {
            let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            panic!("store conformance check failed: {name}: {message}");
        }
    }
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempfile_dir() -> TempDir {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "longan-conformance-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).expect("temporary directory");
    TempDir(path)
}

fn put(backend: &dyn Backend, tree: &str, key: &[u8], value: &[u8]) {
    let mut batch = Batch::new();
    batch.put(key, value);
    backend.apply(tree, batch).expect("apply");
}

fn missing_key_reads_as_none(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    assert_eq!(backend.get("t", b"absent").unwrap(), None);
    assert!(
        backend
            .scan_prefix("never-written", b"")
            .unwrap()
            .is_empty()
    );
}

fn put_is_read_back_and_overwritten(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    put(&*backend, "t", b"k", b"one");
    assert_eq!(backend.get("t", b"k").unwrap(), Some(b"one".to_vec()));
    put(&*backend, "t", b"k", b"two");
    assert_eq!(backend.get("t", b"k").unwrap(), Some(b"two".to_vec()));
}

fn batch_applies_in_order(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    let mut batch = Batch::new();
    batch
        .put(b"a".to_vec(), b"1".to_vec())
        .put(b"b".to_vec(), b"2".to_vec())
        .delete(b"a".to_vec())
        .put(b"c".to_vec(), b"3".to_vec());
    backend.apply("t", batch).unwrap();
    let all = backend.scan_prefix("t", b"").unwrap();
    assert_eq!(
        all,
        vec![
            (b"b".to_vec(), b"2".to_vec()),
            (b"c".to_vec(), b"3".to_vec())
        ]
    );
}

fn deletes_remove_and_tolerate_absent_keys(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    put(&*backend, "t", b"k", b"v");
    let mut batch = Batch::new();
    batch.delete(b"k".to_vec()).delete(b"never".to_vec());
    backend.apply("t", batch).unwrap();
    assert_eq!(backend.get("t", b"k").unwrap(), None);
}

fn trees_are_independent(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    put(&*backend, "one", b"k", b"1");
    put(&*backend, "two", b"k", b"2");
    assert_eq!(backend.get("one", b"k").unwrap(), Some(b"1".to_vec()));
    assert_eq!(backend.get("two", b"k").unwrap(), Some(b"2".to_vec()));
}

fn prefix_scans_are_ordered_by_bytes(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    for key in ["p/b", "p/a", "q/a", "p/\u{ff}", "p/B", "p"] {
        put(&*backend, "t", key.as_bytes(), b"x");
    }
    let keys: Vec<Vec<u8>> = backend
        .scan_prefix("t", b"p/")
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let expected: Vec<Vec<u8>> = ["p/B", "p/a", "p/b", "p/\u{ff}"]
        .iter()
        .map(|k| k.as_bytes().to_vec())
        .collect();
    assert_eq!(keys, expected);
}

fn clear_empties_one_tree(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    put(&*backend, "gone", b"k", b"v");
    put(&*backend, "kept", b"k", b"v");
    backend.clear("gone").unwrap();
    assert!(backend.scan_prefix("gone", b"").unwrap().is_empty());
    assert_eq!(backend.get("kept", b"k").unwrap(), Some(b"v".to_vec()));
}

fn data_survives_reopening(open: Opener<'_>, dir: &Path) {
    {
        let backend = open(dir);
        put(&*backend, "t", b"k", b"durable");
    }
    let backend = open(dir);
    assert_eq!(backend.get("t", b"k").unwrap(), Some(b"durable".to_vec()));
}

fn binary_and_large_values_round_trip(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    let large: Vec<u8> = (0..2_000_000u32).map(|i| (i % 251) as u8).collect();
    put(&*backend, "t", &[0, 255, 0], &large);
    put(&*backend, "t", b"empty", b"");
    assert_eq!(backend.get("t", &[0, 255, 0]).unwrap(), Some(large));
    assert_eq!(backend.get("t", b"empty").unwrap(), Some(Vec::new()));
}

fn blobs_are_replaced_whole_and_survive_reopening(open: Opener<'_>, dir: &Path) {
    {
        let backend = open(dir);
        assert_eq!(backend.read_blob("index").unwrap(), None);
        backend.write_blob("index", &[1u8; 3_000_000]).unwrap();
        backend.write_blob("index", b"second").unwrap();
        assert_eq!(
            backend.read_blob("index").unwrap(),
            Some(b"second".to_vec())
        );
    }
    let backend = open(dir);
    assert_eq!(
        backend.read_blob("index").unwrap(),
        Some(b"second".to_vec())
    );
    assert_eq!(backend.read_blob("other").unwrap(), None);
}

fn blob_names_cannot_leave_the_store(open: Opener<'_>, dir: &Path) {
    let backend = open(dir);
    for name in ["", "../escape", "a/b", "UPPER", "dot.dot"] {
        assert!(backend.write_blob(name, b"x").is_err(), "{name:?} accepted");
        assert!(backend.read_blob(name).is_err(), "{name:?} accepted");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::error::Area;
    use crate::store::sled_backend::SledBackend;

    #[test]
    fn the_sled_backend_passes_the_conformance_suite() {
        run_all(&|path| Box::new(SledBackend::open(path, Area::State).expect("open sled")));
    }
}
