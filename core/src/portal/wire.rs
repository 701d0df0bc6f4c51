//! The portal contract's JSON bodies (`portal/openapi.yaml`), shared by the client in this crate
//! and the reference portal, so both sides agree by construction. Field names are the wire names.

use serde::{Deserialize, Serialize};

use crate::catalog::{Level, Procedure, Scope};

/// `GET /v1/catalog/changes`: one page of the catalogue's change feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesPage {
    /// Procedures added or changed, in code order.
    pub upserts: Vec<WireProcedure>,
    /// Codes of procedures removed (empty in a snapshot: what a snapshot lacks is gone).
    pub deletes: Vec<String>,
    /// Where the next request continues. Opaque to clients.
    pub next_cursor: String,
    /// More pages follow right away; `false` means the client is up to date.
    pub has_more: bool,
    /// This page belongs to a full snapshot (asked for without a cursor, or its continuation).
    pub snapshot: bool,
}

/// A procedure's summary as the feed carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireProcedure {
    /// National code, `d.dddddd`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Publishing body.
    pub publisher: String,
    /// Executing agencies.
    pub agencies: Vec<String>,
    /// Levels: `commune`, `province`, `ministry`.
    pub levels: Vec<WireLevel>,
    /// `null` for a national procedure, else the province's name.
    pub province: Option<String>,
    /// Page on the national portal.
    pub source_url: String,
}

/// A level on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireLevel {
    /// Commune or ward.
    Commune,
    /// Province.
    Province,
    /// Ministry or central agency.
    Ministry,
}

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// A URI naming the kind of problem; see [`problem_types`].
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    /// A short, human-readable summary.
    #[serde(default)]
    pub title: String,
    /// The HTTP status code.
    #[serde(default)]
    pub status: u16,
    /// An explanation of this occurrence (never personal data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

fn about_blank() -> String {
    "about:blank".to_string()
}

/// The problem types of the contract.
pub mod problem_types {
    /// The cursor is older than the change log the server keeps: start a full snapshot. (410)
    pub const CURSOR_EXPIRED: &str = "https://longan.example/problems/cursor-expired";
    /// The `X-Client-Version` is below what the server supports: update the app. (426)
    pub const CLIENT_TOO_OLD: &str = "https://longan.example/problems/client-too-old";
    /// No such procedure. (404)
    pub const NOT_FOUND: &str = "https://longan.example/problems/not-found";
    /// A parameter is malformed. (400)
    pub const INVALID_REQUEST: &str = "https://longan.example/problems/invalid-request";
    /// Too many requests; see `Retry-After`. (429)
    pub const RATE_LIMITED: &str = "https://longan.example/problems/rate-limited";
    /// The server failed or is in maintenance; see `Retry-After` when present. (5xx)
    pub const UNAVAILABLE: &str = "https://longan.example/problems/unavailable";
    /// The call needs a signed-in citizen. (401)
    pub const AUTH_REQUIRED: &str = "https://longan.example/problems/auth-required";
    /// A status change the dossier lifecycle does not allow (test control). (409)
    pub const IMPOSSIBLE_TRANSITION: &str = "https://longan.example/problems/impossible-transition";
}

/// Header carrying a public dossier lookup's verifier (the last four digits of the applicant's
/// phone or ID number): never in the URL, never logged.
pub const DOSSIER_VERIFIER_HEADER: &str = "X-Dossier-Verifier";
/// Header naming the client for rate limiting (an install id, not a person).
pub const CLIENT_ID_HEADER: &str = "X-Client-Id";

/// Header carrying the client's version (semver), on every request.
pub const CLIENT_VERSION_HEADER: &str = "X-Client-Version";
/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Page size when the request says none.
pub const DEFAULT_PAGE_SIZE: u32 = 500;

impl From<&Procedure> for WireProcedure {
    fn from(procedure: &Procedure) -> WireProcedure {
        WireProcedure {
            code: procedure.code.clone(),
            name: procedure.name.clone(),
            field: procedure.field.clone(),
            publisher: procedure.publisher.clone(),
            agencies: procedure.agencies.clone(),
            levels: procedure
                .levels
                .iter()
                .map(|level| match level {
                    Level::Commune => WireLevel::Commune,
                    Level::Province => WireLevel::Province,
                    Level::Ministry => WireLevel::Ministry,
                })
                .collect(),
            province: match &procedure.scope {
                Scope::National => None,
                Scope::Province(name) => Some(name.clone()),
            },
            source_url: procedure.source_url.clone(),
        }
    }
}

impl WireProcedure {
    /// The core's procedure (without a full record; those come from the details endpoint).
    pub fn into_procedure(self) -> Procedure {
        Procedure {
            code: self.code,
            name: self.name,
            field: self.field,
            publisher: self.publisher,
            agencies: self.agencies,
            levels: self
                .levels
                .into_iter()
                .map(|level| match level {
                    WireLevel::Commune => Level::Commune,
                    WireLevel::Province => Level::Province,
                    WireLevel::Ministry => Level::Ministry,
                })
                .collect(),
            scope: self.province.map_or(Scope::National, Scope::Province),
            source_url: self.source_url,
            details: None,
        }
    }
}

/// `GET /v1/catalog/procedures/{code}`: a procedure with its full record when the portal has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureResponse {
    /// The summary, as in the feed.
    #[serde(flatten)]
    pub summary: WireProcedure,
    /// The full record (documents, fees, steps); `null` when the portal has none.
    pub details: Option<crate::catalog::ProcedureDetails>,
}
