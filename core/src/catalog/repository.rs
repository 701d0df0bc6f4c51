//! Where the catalogue lives in `cache/`: procedures as JSON under a key prefix of one tree (one
//! atomic batch per import or sync page), and the search index as a blob file beside the
//! database. Each source of records has its own [`Namespace`]: the bundled seed in tree
//! `catalog`, and each portal in a tree of its own, one generation of records at a time (a full
//! snapshot is staged in the next generation and swapped in by one write).
//!
//! The batch also bumps a generation number, and the index blob starts with the generation it
//! was built from. A crash between the two writes leaves a blob that does not match; it is
//! then ignored and the index rebuilt from the records, which are the truth.

use super::error::CatalogError;
use super::model::Procedure;
use crate::store::{Backend, Batch};

const GENERATION_KEY: &[u8] = b"generation";

/// Where one source's records and index live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    /// The sled tree.
    pub tree: String,
    /// Key prefix of the procedure records.
    pub records: String,
    /// Name of the index blob.
    pub index_blob: String,
}

impl Namespace {
    /// The catalogue imported from the bundled seed (and, before any sync, every portal's).
    pub fn bundled() -> Namespace {
        Namespace {
            tree: "catalog".into(),
            records: "p/".into(),
            index_blob: "catalog-index".into(),
        }
    }

    /// Generation `generation` of the records synced from a portal.
    pub fn synced(source_id: &str, generation: u64) -> Namespace {
        let id = fnv1a(source_id);
        Namespace {
            tree: synced_tree(source_id),
            records: generation_prefix(generation),
            index_blob: format!("catalog-index-{id:016x}"),
        }
    }

    pub(crate) fn procedure_key(&self, code: &str) -> Vec<u8> {
        format!("{}{code}", self.records).into_bytes()
    }
}

/// The tree of a portal's synced records and sync state.
pub fn synced_tree(source_id: &str) -> String {
    format!("catalog@{:016x}", fnv1a(source_id))
}

/// Key prefix of one generation of synced records.
pub fn generation_prefix(generation: u64) -> String {
    format!("g/{generation:016x}/p/")
}

/// A stable hash for names (the standard library's is not stable across releases).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn decode(bytes: &[u8]) -> Result<Procedure, CatalogError> {
    serde_json::from_slice(bytes).map_err(|error| CatalogError::Corrupt {
        reason: format!("procedure record: {error}"),
    })
}

/// Encodes a procedure record.
pub fn encode(procedure: &Procedure) -> Result<Vec<u8>, CatalogError> {
    serde_json::to_vec(procedure).map_err(|error| CatalogError::Corrupt {
        reason: error.to_string(),
    })
}

/// Reads one procedure.
pub fn load_procedure(
    backend: &dyn Backend,
    ns: &Namespace,
    code: &str,
) -> Result<Option<Procedure>, CatalogError> {
    backend
        .get(&ns.tree, &ns.procedure_key(code))?
        .map(|bytes| decode(&bytes))
        .transpose()
}

/// Reads every procedure, in code order. Unreadable records are skipped and counted.
pub fn load_all(
    backend: &dyn Backend,
    ns: &Namespace,
) -> Result<(Vec<Procedure>, usize), CatalogError> {
    let mut unreadable = 0;
    let mut procedures = Vec::new();
    for (_, bytes) in backend.scan_prefix(&ns.tree, ns.records.as_bytes())? {
        match decode(&bytes) {
            Ok(procedure) => procedures.push(procedure),
            Err(_) => unreadable += 1,
        }
    }
    Ok((procedures, unreadable))
}

fn generation(backend: &dyn Backend, ns: &Namespace) -> Result<u64, CatalogError> {
    // An unreadable stamp counts as "no generation": the index is then rebuilt and the stamp
    // rewritten, instead of the cache refusing to open for good.
    Ok(backend
        .get(&ns.tree, GENERATION_KEY)?
        .and_then(|bytes| <[u8; 8]>::try_from(bytes.as_slice()).ok())
        .map_or(0, u64::from_be_bytes))
}

/// Reads the persisted search index blob, if it matches the stored records.
pub fn load_index_blob(
    backend: &dyn Backend,
    ns: &Namespace,
) -> Result<Option<Vec<u8>>, CatalogError> {
    let Some(blob) = backend.read_blob(&ns.index_blob)? else {
        return Ok(None);
    };
    let current = generation(backend, ns)?;
    match blob.split_first_chunk::<8>() {
        Some((stamp, index)) if u64::from_be_bytes(*stamp) == current => Ok(Some(index.to_vec())),
        _ => Ok(None),
    }
}

/// Writes changed procedures with a new generation in one atomic, flushed batch; returns the
/// generation the index built from them must carry.
pub fn save_records(
    backend: &dyn Backend,
    ns: &Namespace,
    changed: &[&Procedure],
) -> Result<u64, CatalogError> {
    let mut batch = Batch::new();
    for procedure in changed {
        batch.put(ns.procedure_key(&procedure.code), encode(procedure)?);
    }
    apply_with_new_generation(backend, ns, batch)
}

/// Applies a batch to the namespace's tree together with a new generation stamp, atomically;
/// returns the stamp the index built from the result must carry.
pub fn apply_with_new_generation(
    backend: &dyn Backend,
    ns: &Namespace,
    mut batch: Batch,
) -> Result<u64, CatalogError> {
    let next = generation(backend, ns)?.wrapping_add(1);
    batch.put(GENERATION_KEY, next.to_be_bytes().to_vec());
    backend.apply(&ns.tree, batch)?;
    Ok(next)
}

/// Writes the index blob, stamped with the generation of the records it was built from.
pub fn save_index(
    backend: &dyn Backend,
    ns: &Namespace,
    generation: u64,
    index_blob: &[u8],
) -> Result<(), CatalogError> {
    let mut stamped = Vec::with_capacity(index_blob.len() + 8);
    stamped.extend_from_slice(&generation.to_be_bytes());
    stamped.extend_from_slice(index_blob);
    backend.write_blob(&ns.index_blob, &stamped)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Area;
    use crate::store::sled_backend::SledBackend;

    #[test]
    fn an_index_blob_from_another_generation_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let backend = SledBackend::open(dir.path(), Area::Cache).unwrap();
        let ns = Namespace::bundled();
        let generation = save_records(&backend, &ns, &[]).unwrap();
        save_index(&backend, &ns, generation, b"first").unwrap();
        assert_eq!(
            load_index_blob(&backend, &ns).unwrap(),
            Some(b"first".to_vec())
        );
        // A crash after the records' batch but before the blob: the blob is one generation old.
        let mut batch = Batch::new();
        batch.put(GENERATION_KEY, 2u64.to_be_bytes().to_vec());
        backend.apply(&ns.tree, batch).unwrap();
        assert_eq!(load_index_blob(&backend, &ns).unwrap(), None);
    }

    #[test]
    fn each_portal_and_generation_has_its_own_place() {
        let a = Namespace::synced("https://a.example", 1);
        let b = Namespace::synced("https://b.example", 1);
        assert_ne!(a.tree, b.tree);
        assert_ne!(a.tree, Namespace::bundled().tree);
        assert_ne!(a.records, Namespace::synced("https://a.example", 2).records);
        assert_eq!(
            a.index_blob,
            Namespace::synced("https://a.example", 2).index_blob
        );
    }
}
