//! A `log` logger that keeps every record, at every level, in memory: what the core, the
//! libraries under it and the in-process reference portal would have written to a phone's or a
//! server's log, for the leak tests to search.
//!
//! `log` allows one logger per process and every test of a test binary shares it, so the
//! capture is global: [`LogCapture::install`] sets it up once (and turns the maximum level up to
//! TRACE), and a test reads the records written since its [`LogCapture::mark`]. Records of the
//! other tests running at the same time are mixed in; that can only make a leak check stricter.

use std::sync::{Mutex, Once, PoisonError};

use log::{LevelFilter, Log, Metadata, Record};

/// The process's capturing logger.
pub struct LogCapture {
    lines: Mutex<Vec<String>>,
}

/// A position in the capture: the records written after it are the ones a test caused (and
/// those of tests running beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark(usize);

static CAPTURE: LogCapture = LogCapture {
    lines: Mutex::new(Vec::new()),
};
static INSTALLED: Once = Once::new();

impl LogCapture {
    /// Installs the capture as the process's logger at TRACE, once; later calls return the same
    /// capture. Panics if another logger was installed first: its records would be lost and a
    /// leak check over an empty capture would pass for nothing.
    pub fn install() -> &'static LogCapture {
        // `call_once` holds back concurrent callers until the logger is in place.
        INSTALLED.call_once(|| {
            log::set_logger(&CAPTURE).expect("no other logger is installed in this test binary");
        });
        // Set on every call: nothing else may lower it, but a test should not depend on that.
        log::set_max_level(LevelFilter::Trace);
        &CAPTURE
    }

    /// The current end of the capture.
    pub fn mark(&self) -> Mark {
        Mark(self.lines().len())
    }

    /// Every record written after `mark`, one a line: `LEVEL target [file:line] message`.
    pub fn text_since(&self, mark: Mark) -> String {
        let lines = self.lines();
        let mut text = String::new();
        for line in lines.iter().skip(mark.0) {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// How many records were written after `mark`.
    pub fn records_since(&self, mark: Mark) -> usize {
        self.lines().len().saturating_sub(mark.0)
    }

    fn lines(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        // A test that panicked while logging must not hide the others' records.
        self.lines.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Log for LogCapture {
    fn enabled(&self, _metadata: &Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &Record<'_>) {
        // Formatted before the lock is taken: a `Debug` or `Display` implementation that logs
        // in turn would otherwise deadlock.
        let line = format!(
            "{} {} [{}:{}] {}",
            record.level(),
            record.target(),
            record.file().unwrap_or("?"),
            record.line().unwrap_or(0),
            record.args()
        );
        self.lines().push(line);
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_record_is_captured_with_its_target() {
        let capture = LogCapture::install();
        let mark = capture.mark();
        log::trace!(target: "longan_tests::probe", "a probe at trace level");
        let text = capture.text_since(mark);
        assert!(
            text.contains("TRACE longan_tests::probe [") && text.contains("a probe at trace level"),
            "{text}"
        );
        assert!(capture.records_since(mark) >= 1);
    }
}
