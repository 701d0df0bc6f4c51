//! Where the catalogue lives in `cache/`: one tree, procedures under `p/<code>` as JSON, the
//! search index blob under `index`. One tree means one atomic batch per import.

use super::error::CatalogError;
use super::model::Procedure;
use crate::store::{Backend, Batch};

const TREE: &str = "catalog";
const PROCEDURE_PREFIX: &str = "p/";
const INDEX_KEY: &[u8] = b"index";

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

/// Reads the persisted search index blob.
pub fn load_index_blob(backend: &dyn Backend) -> Result<Option<Vec<u8>>, CatalogError> {
    Ok(backend.get(TREE, INDEX_KEY)?)
}

/// Writes changed procedures and the new index in one atomic, flushed batch.
pub fn save(
    backend: &dyn Backend,
    changed: &[&Procedure],
    index_blob: Vec<u8>,
) -> Result<(), CatalogError> {
    let mut batch = Batch::new();
    for procedure in changed {
        let json = serde_json::to_vec(procedure).map_err(|error| CatalogError::Corrupt {
            reason: error.to_string(),
        })?;
        batch.put(procedure_key(&procedure.code), json);
    }
    batch.put(INDEX_KEY, index_blob);
    backend.apply(TREE, batch)?;
    Ok(())
}
