//! What the handlers share.

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::feed::Feed;
use crate::version::Version;

/// The state of a running portal.
#[derive(Debug)]
pub struct AppState {
    feed: RwLock<Feed>,
    /// Oldest client version served.
    pub min_client_version: Version,
}

impl AppState {
    /// State serving `feed`.
    pub fn new(feed: Feed, min_client_version: Version) -> AppState {
        AppState {
            feed: RwLock::new(feed),
            min_client_version,
        }
    }

    /// The feed, for reading. A panic while it was written leaves it usable (every change is
    /// one insert), so poisoning is ignored.
    pub fn feed(&self) -> RwLockReadGuard<'_, Feed> {
        self.feed.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The feed, for changing (test control).
    pub fn feed_mut(&self) -> RwLockWriteGuard<'_, Feed> {
        self.feed.write().unwrap_or_else(PoisonError::into_inner)
    }
}
