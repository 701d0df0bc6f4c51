//! Events from the core to the app's listener.

use std::sync::Arc;

use longan_core::{Event, EventSink};

use crate::error::LonganError;

/// Something changed that a UI may want to refresh on.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CoreEvent {
    /// The catalogue changed (an import; later, a sync).
    CatalogChanged {
        /// Procedures in the catalogue now.
        procedures: u64,
        /// Procedures added.
        added: u64,
        /// Procedures whose data changed.
        updated: u64,
    },
    /// New notifications reached the inbox: refresh the badge and the inbox screen.
    NotificationsAdded {
        /// How many.
        count: u64,
    },
    /// Someone signed in or out (also when the core signed the citizen out itself).
    SessionChanged {
        /// Whether someone is signed in now.
        signed_in: bool,
    },
}

/// The app's listener for background events. Called on Rust threads, never the UI thread:
/// hop to the main thread before touching views. Must not block.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    /// Receives one event.
    fn on_event(&self, event: CoreEvent) -> Result<(), LonganError>;
}

/// The core's event sink that forwards to the app's listener.
pub(crate) struct ToListener(pub(crate) Arc<dyn EventListener>);

impl EventSink for ToListener {
    fn emit(&self, event: Event) {
        let event = match event {
            Event::CatalogChanged {
                procedures,
                added,
                updated,
            } => CoreEvent::CatalogChanged {
                procedures: procedures as u64,
                added: added as u64,
                updated: updated as u64,
            },
            Event::SessionChanged { signed_in } => CoreEvent::SessionChanged { signed_in },
            Event::NotificationsAdded { count } => CoreEvent::NotificationsAdded {
                count: count as u64,
            },
        };
        if let Err(error) = self.0.on_event(event) {
            log::warn!("the app's event listener failed: {error}");
        }
    }
}
