//! Talking to a portal: the contract's wire types, the `Portal` trait (the seam where a real
//! backend such as VNPT iGate can be adapted) and `HttpPortal`, the contract's client.

mod demo;
mod either;
mod http;
pub mod wire;

use std::future::Future;

pub use demo::DemoPortal;
pub use either::DossierSource;
pub use http::HttpPortal;

use crate::cancel::Cancellation;
use crate::dossier::model::Dossier;
use crate::net::NetError;
use wire::{ChangesPage, ProcedureResponse};

/// One answer of the catalogue change feed.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedAnswer {
    /// Nothing changed since the validator sent (HTTP 304).
    NotModified {
        /// Bytes received.
        wire_bytes: u64,
    },
    /// A page of changes.
    Page {
        /// The page.
        page: ChangesPage,
        /// Its validator, for the next conditional request.
        etag: Option<String>,
        /// Bytes received (compressed), headers included.
        wire_bytes: u64,
        /// Requests it took, retries included.
        attempts: u32,
    },
}

/// What can fail asking a portal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalError {
    /// The sync cursor is older than the portal's change log: start a full snapshot.
    #[error("the portal no longer knows this sync position")]
    CursorExpired,
    /// The request failed.
    #[error(transparent)]
    Net(#[from] NetError),
}

/// A backend the core can sync with and ask for records.
pub trait Portal: Send + Sync {
    /// Names the backend, to keep its cached data apart from other backends' (for HTTP, the
    /// base URL).
    fn source_id(&self) -> String;

    /// A page of the catalogue change feed: a full snapshot without `cursor`, else the changes
    /// after it. With `etag` (the validator of the page that gave `cursor`), an unchanged
    /// catalogue answers [`FeedAnswer::NotModified`].
    fn catalog_changes(
        &self,
        cursor: Option<&str>,
        limit: u32,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> impl Future<Output = Result<FeedAnswer, PortalError>> + Send;

    /// A procedure with its full record; `None` when `etag` still matches.
    fn procedure(
        &self,
        code: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> impl Future<Output = Result<Option<(ProcedureResponse, Option<String>)>, PortalError>> + Send;

    /// A public dossier lookup: the dossier with this canonical code, unlocked by `verifier`;
    /// `None` when `etag` still matches. An unknown code and a wrong verifier are the same
    /// [`NetError::NotFound`].
    fn dossier(
        &self,
        code: &str,
        verifier: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> impl Future<Output = Result<Option<(Dossier, Option<String>)>, PortalError>> + Send;

    /// One of the signed-in citizen's own dossiers, with their `access_token` (no verifier);
    /// `None` when `etag` still matches. A dossier not theirs is [`NetError::NotFound`], as
    /// is every dossier at a backend without sign-in; a refused token is a 401
    /// ([`NetError::is_unauthorized`]).
    fn my_dossier(
        &self,
        access_token: &crate::auth::Secret,
        code: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> impl Future<Output = Result<Option<(Dossier, Option<String>)>, PortalError>> + Send;
}
