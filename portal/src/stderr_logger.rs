//! A minimal `log` backend for the binary: info and above, one line each, to stderr.

use log::{Level, LevelFilter, Log, Metadata, Record};

struct StderrLogger;

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= Level::Info
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        match record.target() {
            crate::access_log::TARGET => eprintln!("{}", record.args()),
            _ => eprintln!("{} {}", record.level(), record.args()),
        }
    }

    fn flush(&self) {}
}

/// Installs the logger, unless the process has one already.
pub fn install() {
    static LOGGER: StderrLogger = StderrLogger;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(LevelFilter::Info);
    }
}
