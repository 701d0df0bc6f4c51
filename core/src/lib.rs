//! `longan-core`: the shared logic of the Long An Số citizen app.
//!
//! One folder per capability (`text`, `catalog`, `store`); dependencies point one way
//! (catalog → store, text → nothing). No FFI types here: the bindings crate converts.
//! [`Core`] wires the capabilities to one data directory.

pub mod app;
pub mod auth;
pub mod calendar;
pub mod cancel;
pub mod catalog;
pub mod clock;
pub mod device;
pub mod dossier;
pub mod events;
pub mod feedback;
pub mod net;
pub mod notify;
pub mod outbox;
pub mod portal;
pub mod profile;
pub mod store;
pub mod text;
pub mod units;

pub use app::{Core, OpenOutcome, SeedFiles};
pub use cancel::{Cancellation, Cancelled};
pub use events::{Event, EventSink};
