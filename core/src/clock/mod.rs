//! The one clock of the core. Every time-dependent part (sync staleness, token expiry,
//! reminders, demo progress) asks it, so tests can move time, and it corrects the phone's time
//! by what it learned from servers' `Date` headers: cheap phones are often hours off.

mod server_offset;
mod source;

pub use server_offset::Clock;
pub use source::{SystemSource, TestClock, TimeSource};
