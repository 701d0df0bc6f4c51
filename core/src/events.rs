//! Events the core reports on its own, outside any call's result: what a UI refreshes on.

use std::sync::Arc;

/// Something that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The catalogue was changed by an import (or, later, a sync).
    CatalogChanged {
        /// Procedures in the catalogue now.
        procedures: usize,
        /// Procedures added by the change.
        added: usize,
        /// Procedures whose data changed.
        updated: usize,
    },
    /// New notifications reached the inbox of the profile in use.
    NotificationsAdded {
        /// How many.
        count: usize,
    },
    /// Someone signed in or out (also when the core signs the citizen out itself).
    SessionChanged {
        /// Whether someone is signed in now.
        signed_in: bool,
    },
}

/// Where events go. Called on the thread that made the change; must not block.
pub trait EventSink: Send + Sync {
    /// Receives one event.
    fn emit(&self, event: Event);
}

/// A sink that drops every event, for a core nobody listens to.
pub(crate) struct Nowhere;

impl EventSink for Nowhere {
    fn emit(&self, _event: Event) {}
}

/// The sink a new core starts with.
pub(crate) fn nowhere() -> Arc<dyn EventSink> {
    Arc::new(Nowhere)
}
