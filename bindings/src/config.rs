//! How an app configures a core.

use crate::logging::LogLevel;

/// Everything a core needs to know before it opens. Building one performs no I/O.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CoreConfig {
    /// Directory that holds the core's databases (created when missing). On Android the app's
    /// `filesDir`, on iOS a folder in Application Support; never shared storage.
    pub data_dir: String,
    /// Storage engine; `None` means sled.
    #[uniffi(default = None)]
    pub backend: Option<StorageBackend>,
    /// Language of error messages and other texts made for people; `None` means Vietnamese.
    #[uniffi(default = None)]
    pub language: Option<Language>,
    /// The portal to sync the catalogue with (its base URL, HTTPS; plain HTTP only to this
    /// device). `None`: the bundled catalogue only.
    #[uniffi(default = None)]
    pub portal_url: Option<String>,
    /// Least severe log records sent to the app's [`crate::Logger`]; more verbose ones are
    /// dropped inside Rust and never cross into Kotlin or Swift. `None` means `Info`.
    #[uniffi(default = None)]
    pub log_level: Option<LogLevel>,
}

impl CoreConfig {
    pub(crate) fn language(&self) -> Language {
        self.language.unwrap_or(Language::Vi)
    }

    pub(crate) fn log_level(&self) -> LogLevel {
        self.log_level.unwrap_or(LogLevel::Info)
    }
}

/// The storage engine under the data directory (see `docs/decisions/storage.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StorageBackend {
    /// sled, the only engine shipped.
    Sled,
}

/// Language of texts made for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Language {
    /// Vietnamese (the default).
    Vi,
    /// English.
    En,
}
