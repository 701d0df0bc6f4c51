//! Where the catalogue lives in `cache/`: procedures under `p/<code>` as JSON in one tree
//! (one atomic batch per import), and the search index as a blob file beside the database.
//!
//! The batch also bumps a generation number, and the index blob starts with the generation it
//! was built from. A crash between the two writes leaves a blob that does not match; it is
//! then ignored and the index rebuilt from the records, which are the truth.

use super::error::CatalogError;
use super::model::Procedure;
use crate::store::{Backend, Batch};

const TREE: &str = "catalog";
const PROCEDURE_PREFIX: &str = "p/";
const GENERATION_KEY: &[u8] = b"generation";
const INDEX_BLOB: &str = "catalog-index";

fn procedure_key(code: &str) -> Vec<u8> {
    format!("{PROCEDURE_PREFIX}{code}").into_bytes()
}

fn decode(bytes: &[u8]) -> Result<Procedure, CatalogError> {
    serde_json::from_slice(bytes).map_err(|error| CatalogError::Corrupt {
        reason: format!("procedure record: {error}"),
    })
}

/// Reads one procedure.
pub fn load_procedure(
    backend: &dyn Backend,
    code: &str,
) -> Result<Option<Procedure>, CatalogError> {
    backend
        .get(TREE, &procedure_key(code))?
        .map(|bytes| decode(&bytes))
        .transpose()
}

/// Reads every procedure, in code order. Unreadable records are skipped and counted.
pub fn load_all(backend: &dyn Backend) -> Result<(Vec<Procedure>, usize), CatalogError> {
    let mut unreadable = 0;
    let mut procedures = Vec::new();
    for (_, bytes) in backend.scan_prefix(TREE, PROCEDURE_PREFIX.as_bytes())? {
        match decode(&bytes) {
            Ok(procedure) => procedures.push(procedure),
            Err(_) => unreadable += 1,
        }
    }
    Ok((procedures, unreadable))
}

fn generation(backend: &dyn Backend) -> Result<u64, CatalogError> {
    // An unreadable stamp counts as "no generation": the index is then rebuilt and the stamp
    // rewritten, instead of the cache refusing to open for good.
    Ok(backend
        .get(TREE, GENERATION_KEY)?
        .and_then(|bytes| <[u8; 8]>::try_from(bytes.as_slice()).ok())
        .map_or(0, u64::from_be_bytes))
}

/// Reads the persisted search index blob, if it matches the stored records.
pub fn load_index_blob(backend: &dyn Backend) -> Result<Option<Vec<u8>>, CatalogError> {
    let Some(blob) = backend.read_blob(INDEX_BLOB)? else {
        return Ok(None);
    };
    let current = generation(backend)?;
    match blob.split_first_chunk::<8>() {
        Some((stamp, index)) if u64::from_be_bytes(*stamp) == current => Ok(Some(index.to_vec())),
        _ => Ok(None),
    }
}

/// Writes changed procedures with a new generation in one atomic, flushed batch; returns the
/// generation the index built from them must carry.
pub fn save_records(backend: &dyn Backend, changed: &[&Procedure]) -> Result<u64, CatalogError> {
    let next = generation(backend)?.wrapping_add(1);
    let mut batch = Batch::new();
    for procedure in changed {
        let json = serde_json::to_vec(procedure).map_err(|error| CatalogError::Corrupt {
            reason: error.to_string(),
        })?;
        batch.put(procedure_key(&procedure.code), json);
    }
    batch.put(GENERATION_KEY, next.to_be_bytes().to_vec());
    backend.apply(TREE, batch)?;
    Ok(next)
}

/// Writes the index blob, stamped with the generation of the records it was built from.
pub fn save_index(
    backend: &dyn Backend,
    generation: u64,
    index_blob: &[u8],
) -> Result<(), CatalogError> {
    let mut stamped = Vec::with_capacity(index_blob.len() + 8);
    stamped.extend_from_slice(&generation.to_be_bytes());
    stamped.extend_from_slice(index_blob);
    backend.write_blob(INDEX_BLOB, &stamped)?;
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
        let generation = save_records(&backend, &[]).unwrap();
        save_index(&backend, generation, b"first").unwrap();
        assert_eq!(load_index_blob(&backend).unwrap(), Some(b"first".to_vec()));
        // A crash after the records' batch but before the blob: the blob is one generation old.
        let mut batch = Batch::new();
        batch.put(GENERATION_KEY, 2u64.to_be_bytes().to_vec());
        backend.apply(TREE, batch).unwrap();
        assert_eq!(load_index_blob(&backend).unwrap(), None);
    }
}
