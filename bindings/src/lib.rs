//! `longan-ffi`: the uniffi bindings of the Long An Số core for Kotlin and Swift.
//!
//! This crate converts and delegates. Every exported call is `async` and runs its work on the
//! runtime in `runtime.rs`; records are shaped for UIs (UTF-16 highlight ranges, `u64`
//! counts); every core error becomes one [`LonganError`] with a message in the configured
//! language. The contract is written down in `docs/api.md`.

mod cancel;
mod catalog;
mod config;
mod core_object;
mod details;
mod dossier;
mod error;
mod events;
mod feedback;
mod inbox;
mod logging;
mod profiles;
mod push;
mod runtime;
mod secure_storage;
mod session;
mod utf16;

pub use cancel::CancelHandle;
pub use catalog::{
    CatalogInfo, FieldCount, ImportSummary, OpenReport, RejectedRow, SearchHit, SearchPage,
    SearchQuery, SeedImportSummary, SyncSummary, TextRange,
};
pub use config::{CoreConfig, Language, LoginSettings, StorageBackend};
pub use core_object::LonganCore;
pub use details::{
    ChannelKind, DocumentCase, Fee, FilingChannel, LegalBasis, ProcedureDetail, ProcedureLevel,
    ProcedureRecord, ProcedureScope, ProcessingTime, RequiredDocument, ResultDocument, TimeUnit,
};
pub use dossier::{
    AppointmentChange, CalendarDate, DemoDossier, DossierStatus, DossierView, DueInfo,
    TimelineEntry,
};
pub use error::LonganError;
pub use events::{CoreEvent, EventListener};
pub use feedback::{FeedbackCategory, FeedbackDraft, FeedbackState, FeedbackView};
pub use inbox::{BackgroundRefreshResult, NotificationView, PushResult};
pub use logging::{LogLevel, LogRecord, Logger};
pub use profiles::ProfileView;
pub use secure_storage::SecureStorage;
pub use session::{LogoutResult, SessionState, SessionView};

uniffi::setup_scaffolding!();

/// Version of this API. It goes up by one with every change an app must adapt to; the
/// committed Kotlin API snapshot (`bindings/api/kotlin-api.txt`) changes with it.
pub const API_VERSION: u32 = 8;

/// The API version the library implements, to check against the one an app was built for.
/// Performs no I/O.
#[uniffi::export]
pub fn api_version() -> u32 {
    API_VERSION
}

/// The canonical form of a dossier code typed any way (spaces, case, odd dashes). Performs no
/// I/O.
#[uniffi::export]
pub fn parse_dossier_code(input: String) -> Result<String, LonganError> {
    longan_core::dossier::code::DossierCode::parse(&input)
        .map(|code| code.as_str().to_string())
        .map_err(|error| LonganError::from_dossier(error.into(), config::Language::Vi))
}

/// The dossier code in a receipt's QR payload (a URL or text), canonical. Performs no I/O.
#[uniffi::export]
pub fn dossier_code_from_qr(payload: String) -> Result<String, LonganError> {
    longan_core::dossier::qr::from_qr_payload(&payload)
        .map(|code| code.as_str().to_string())
        .map_err(|error| LonganError::InvalidInput {
            user_message: format!("Không đọc được mã hồ sơ từ mã QR. ({error})"),
        })
}

/// A place found by name: a current commune, ward or province, and the (possibly old) unit
/// whose name matched.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlaceMatch {
    /// The current unit's full name, e.g. `Xã Tân Trụ`.
    pub current_name: String,
    /// The name that matched, e.g. `Huyện Tân Trụ` (a unit abolished on 1 July 2025).
    pub matched_name: String,
    /// The matched name is a unit of before 1 July 2025.
    pub matched_is_old: bool,
}

/// Current communes, wards or provinces for a place name as typed, old or current ("Tân Trụ",
/// "huyện Tân Trụ" find the communes that now cover the former district). Performs no I/O.
#[uniffi::export]
pub fn search_places(query: String) -> Vec<PlaceMatch> {
    let Ok(units) = longan_core::units::AdminUnits::bundled() else {
        return Vec::new();
    };
    units
        .search(&query)
        .into_iter()
        .map(|found| PlaceMatch {
            current_name: found.unit.name().to_string(),
            matched_name: found.matched.name().to_string(),
            matched_is_old: found.matched.era() == longan_core::units::Era::Old,
        })
        .collect()
}

/// Panics inside Rust on purpose, so an app can check that its crash and error reporting sees
/// a Rust panic as an exception (as crash-reporting SDKs offer a test crash). Never returns.
/// Declared fallible like every call that can fail: Swift turns a panic in a non-throwing call
/// into a crash, in a throwing one into an error.
#[uniffi::export]
pub fn debug_panic(message: String) -> Result<(), LonganError> {
    panic!("debug_panic: {message}");
}
