//! Log records from Rust to the app's logger, filtered by level inside Rust so that the
//! filtered-out ones never cross the FFI. The core logs counts and timings, never queries,
//! codes a citizen typed, tokens or personal data.

use std::sync::{Arc, RwLock};

use crate::error::LonganError;

/// Severity of a log record, most severe first; as a setting, the least severe one kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Nothing is logged.
    Off,
    /// Failures.
    Error,
    /// Something unexpected that the core recovered from.
    Warn,
    /// Milestones: store opened, catalogue imported.
    Info,
    /// Details for developers.
    Debug,
    /// Everything.
    Trace,
}

/// One log record.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogRecord {
    /// Severity.
    pub level: LogLevel,
    /// Rust module that wrote it, e.g. `longan_core::app`.
    pub target: String,
    /// The text.
    pub message: String,
}

/// The app's logger (Logcat, `os_log`). Called on Rust threads; must not block. The logger is
/// process-wide: the core created last with a logger receives every record.
#[uniffi::export(with_foreign)]
pub trait Logger: Send + Sync {
    /// Receives one record at or above the configured level.
    fn log(&self, record: LogRecord) -> Result<(), LonganError>;
}

static SINK: RwLock<Option<Arc<dyn Logger>>> = RwLock::new(None);

struct Bridge;

static BRIDGE: Bridge = Bridge;

impl log::Log for Bridge {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // Cloned out so the lock is not held while Kotlin or Swift runs.
        let sink = SINK.read().ok().and_then(|sink| sink.clone());
        if let Some(sink) = sink {
            // A logger that throws loses its record; nothing else can be done with it.
            let _ = sink.log(LogRecord {
                level: level_of(record.level()),
                target: record.target().to_string(),
                message: record.args().to_string(),
            });
        }
    }

    fn flush(&self) {}
}

fn level_of(level: log::Level) -> LogLevel {
    match level {
        log::Level::Error => LogLevel::Error,
        log::Level::Warn => LogLevel::Warn,
        log::Level::Info => LogLevel::Info,
        log::Level::Debug => LogLevel::Debug,
        log::Level::Trace => LogLevel::Trace,
    }
}

fn filter_of(level: LogLevel) -> log::LevelFilter {
    match level {
        LogLevel::Off => log::LevelFilter::Off,
        LogLevel::Error => log::LevelFilter::Error,
        LogLevel::Warn => log::LevelFilter::Warn,
        LogLevel::Info => log::LevelFilter::Info,
        LogLevel::Debug => log::LevelFilter::Debug,
        LogLevel::Trace => log::LevelFilter::Trace,
    }
}

/// Sends the records at `level` or above to `logger` from now on.
pub(crate) fn install(logger: Arc<dyn Logger>, level: LogLevel) {
    // Fails only when a logger is already set, which is then ours (or the host's, in Rust
    // tests): either way records keep flowing.
    let _ = log::set_logger(&BRIDGE);
    if let Ok(mut sink) = SINK.write() {
        *sink = Some(logger);
    }
    log::set_max_level(filter_of(level));
}
