//! `DossierSource`: the configured portal or, without one, the embedded demo, behind one
//! [`Portal`] so each dossier call is written (and compiled) once for both.

use super::wire::ProcedureResponse;
use super::{DemoPortal, FeedAnswer, HttpPortal, Portal, PortalError};
use crate::auth::Secret;
use crate::cancel::Cancellation;
use crate::dossier::model::Dossier;

/// Where dossiers come from in this app: a real portal, or the demo a volunteer shows.
pub enum DossierSource {
    /// The portal of the app's configuration.
    Http(HttpPortal),
    /// The embedded demo (no portal configured).
    Demo(DemoPortal),
}

impl DossierSource {
    /// The real portal, when there is one (the signed-in citizen's calls need it).
    pub fn http(&self) -> Option<&HttpPortal> {
        match self {
            DossierSource::Http(portal) => Some(portal),
            DossierSource::Demo(_) => None,
        }
    }
}

impl Portal for DossierSource {
    fn source_id(&self) -> String {
        match self {
            DossierSource::Http(portal) => portal.source_id(),
            DossierSource::Demo(demo) => demo.source_id(),
        }
    }

    async fn catalog_changes(
        &self,
        cursor: Option<&str>,
        limit: u32,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<FeedAnswer, PortalError> {
        match self {
            DossierSource::Http(portal) => {
                portal.catalog_changes(cursor, limit, etag, cancel).await
            }
            DossierSource::Demo(demo) => demo.catalog_changes(cursor, limit, etag, cancel).await,
        }
    }

    async fn procedure(
        &self,
        code: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(ProcedureResponse, Option<String>)>, PortalError> {
        match self {
            DossierSource::Http(portal) => portal.procedure(code, etag, cancel).await,
            DossierSource::Demo(demo) => demo.procedure(code, etag, cancel).await,
        }
    }

    async fn dossier(
        &self,
        code: &str,
        verifier: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(Dossier, Option<String>)>, PortalError> {
        match self {
            DossierSource::Http(portal) => portal.dossier(code, verifier, etag, cancel).await,
            DossierSource::Demo(demo) => demo.dossier(code, verifier, etag, cancel).await,
        }
    }

    async fn my_dossier(
        &self,
        access_token: &Secret,
        code: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(Dossier, Option<String>)>, PortalError> {
        match self {
            DossierSource::Http(portal) => {
                portal.my_dossier(access_token, code, etag, cancel).await
            }
            DossierSource::Demo(demo) => demo.my_dossier(access_token, code, etag, cancel).await,
        }
    }
}
