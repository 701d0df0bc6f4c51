//! Full records fetched from the portal on demand. Each record's ETag is kept next to it, so
//! asking again for an unchanged record costs one small 304.

use super::error::CatalogError;
use super::model::Procedure;
use super::repository;
use super::{Catalog, CatalogSource};
use crate::cancel::Cancellation;
use crate::net::NetError;
use crate::portal::{Portal, PortalError};
use crate::store::{Backend, Batch};
use crate::text::is_procedure_code;

fn etag_key(code: &str) -> Vec<u8> {
    format!("etag/{code}").into_bytes()
}

/// Fetches a procedure's full record from `portal` (conditionally, when one is stored) and
/// stores it with its validator. Returns the record as stored afterwards.
pub async fn refresh_procedure<P: Portal>(
    catalog: &Catalog,
    cache: &dyn Backend,
    portal: &P,
    code: &str,
    cancel: &Cancellation,
) -> Result<Procedure, CatalogError> {
    let code = code.trim();
    if !is_procedure_code(code) {
        return Err(CatalogError::InvalidInput {
            reason: format!("“{code}” is not a procedure code (like 1.001193)"),
        });
    }
    // One writer of the portal's records at a time: a sync swapping generations meanwhile would
    // leave this record, and the index rebuilt for it, in a generation no longer shown.
    let _no_sync_meanwhile = catalog.syncing.lock().await;
    let namespace = catalog.namespace();
    // Before a first sync the records shown are the bundled seed's: a portal's record is
    // returned but not written among them (each source's data stays apart).
    let keep = matches!(catalog.source(), CatalogSource::Portal(_))
        && namespace != repository::Namespace::bundled();
    let stored = repository::load_procedure(cache, &namespace, code)?;
    // A validator is only worth sending for a full record we still hold.
    let etag = match &stored {
        Some(procedure) if procedure.details.is_some() => cache
            .get(&namespace.tree, &etag_key(code))?
            .and_then(|bytes| String::from_utf8(bytes).ok()),
        _ => None,
    };
    let answer = portal
        .procedure(code, etag.as_deref(), cancel)
        .await
        .map_err(|error| match error {
            PortalError::Net(NetError::NotFound) => CatalogError::NotFound {
                code: code.to_string(),
            },
            PortalError::Net(error) => CatalogError::Network(error),
            PortalError::CursorExpired => CatalogError::Corrupt {
                reason: "the portal answered a record request about a sync cursor".into(),
            },
        })?;
    let Some((response, etag)) = answer else {
        return stored.ok_or_else(|| CatalogError::NotFound {
            code: code.to_string(),
        });
    };
    if response.summary.code != code {
        return Err(CatalogError::Network(NetError::InvalidResponse {
            reason: "the portal answered with another procedure".into(),
        }));
    }
    let mut procedure = response.summary.into_procedure();
    procedure.details = response.details;
    if !keep {
        return Ok(procedure);
    }
    let mut batch = Batch::new();
    batch.put(
        namespace.procedure_key(&procedure.code),
        repository::encode(&procedure)?,
    );
    match etag {
        Some(etag) => batch.put(etag_key(code), etag.into_bytes()),
        None => batch.delete(etag_key(code)),
    };
    {
        let _writing = catalog.writing();
        repository::apply_with_new_generation(cache, &namespace, batch)?;
    }
    // The name or the "full record available" mark may have changed: search must see it.
    if stored.as_ref() != Some(&procedure) {
        catalog.show(cache, namespace)?;
    }
    Ok(procedure)
}
