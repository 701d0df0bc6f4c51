//! The backend-neutral store API. Everything above the store speaks only this trait, so another
//! engine can replace sled if it passes the same conformance suite (`conformance.rs`).

use super::error::StoreError;

/// One change in an atomic batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Sets `key` to `value`.
    Put(Vec<u8>, Vec<u8>),
    /// Removes `key` (absent keys are fine).
    Delete(Vec<u8>),
}

/// An ordered list of writes applied all-or-nothing to one tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    writes: Vec<Write>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Adds a put.
    pub fn put(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> &mut Batch {
        self.writes.push(Write::Put(key.into(), value.into()));
        self
    }

    /// Adds a delete.
    pub fn delete(&mut self, key: impl Into<Vec<u8>>) -> &mut Batch {
        self.writes.push(Write::Delete(key.into()));
        self
    }

    /// The writes, in order.
    pub fn writes(&self) -> &[Write] {
        &self.writes
    }

    /// Consumes the batch into its writes.
    pub fn into_writes(self) -> Vec<Write> {
        self.writes
    }

    /// True when the batch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }
}

/// Key-value pairs in key order, as a scan returns them.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// A durable, ordered key-value store made of named trees.
///
/// Contract (held by `conformance::run_all`): keys sort by bytes; `apply` is atomic within one
/// tree and durable when it returns; trees are independent; data survives close and reopen.
pub trait Backend: Send + Sync {
    /// Reads one value.
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// Applies a batch atomically and flushes it to disk before returning.
    fn apply(&self, tree: &str, batch: Batch) -> Result<(), StoreError>;

    /// All entries whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Entries, StoreError>;

    /// Removes every entry of a tree, durably.
    fn clear(&self, tree: &str) -> Result<(), StoreError>;

    /// Bytes the database occupies on disk, blobs included.
    fn size_on_disk(&self) -> Result<u64, StoreError>;

    /// Reads a whole-value blob kept beside the database; `None` when never written.
    fn read_blob(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Replaces a whole-value blob atomically and durably. Blobs are for large values that
    /// change as a whole; they are not part of `apply`'s atomicity, so callers stamp them to
    /// detect a blob that does not match the records (see the catalogue's index).
    fn write_blob(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError>;
}

/// Forwards every call, so a wrapper generic over its backend (the sealed, per-profile view)
/// can hold a borrowed store or an owned one.
macro_rules! forward_backend {
    ($($pointer:ty),*) => {$(
        impl<T: Backend + ?Sized> Backend for $pointer {
            fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
                (**self).get(tree, key)
            }
            fn apply(&self, tree: &str, batch: Batch) -> Result<(), StoreError> {
                (**self).apply(tree, batch)
            }
            fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Entries, StoreError> {
                (**self).scan_prefix(tree, prefix)
            }
            fn clear(&self, tree: &str) -> Result<(), StoreError> {
                (**self).clear(tree)
            }
            fn size_on_disk(&self) -> Result<u64, StoreError> {
                (**self).size_on_disk()
            }
            fn read_blob(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
                (**self).read_blob(name)
            }
            fn write_blob(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
                (**self).write_blob(name, bytes)
            }
        }
    )*};
}

forward_backend!(&T, Box<T>, std::sync::Arc<T>);
