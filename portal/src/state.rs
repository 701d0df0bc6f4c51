//! What the handlers share.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::clock::PortalClock;
use crate::devices::DeviceBook;
use crate::dossiers::DossierBook;
use crate::feed::Feed;
use crate::feedback::FeedbackBook;
use crate::introspection::Introspector;
use crate::rate_limit::RateLimiter;
use crate::version::Version;

/// The state of a running portal. A panic while a lock was held leaves the data usable (each
/// change is one step), so poisoning is ignored throughout.
#[derive(Debug)]
pub struct AppState {
    feed: RwLock<Feed>,
    dossiers: RwLock<DossierBook>,
    limiter: Mutex<RateLimiter>,
    feedback: Mutex<FeedbackBook>,
    devices: Mutex<DeviceBook>,
    /// Oldest client version served.
    pub min_client_version: Version,
    /// The portal's time.
    pub clock: PortalClock,
    /// Who bearer tokens belong to; `None` without an OpenID provider.
    pub introspector: Option<Introspector>,
}

impl AppState {
    /// State serving `feed` and `dossiers`, dossier lookups limited by `limiter`, on `clock`,
    /// bearer tokens checked by `introspector`.
    pub fn new(
        feed: Feed,
        dossiers: DossierBook,
        limiter: RateLimiter,
        min_client_version: Version,
        clock: PortalClock,
        introspector: Option<Introspector>,
    ) -> AppState {
        AppState {
            feed: RwLock::new(feed),
            dossiers: RwLock::new(dossiers),
            limiter: Mutex::new(limiter),
            feedback: Mutex::default(),
            devices: Mutex::default(),
            min_client_version,
            clock,
            introspector,
        }
    }

    /// The feed, for reading.
    pub fn feed(&self) -> RwLockReadGuard<'_, Feed> {
        self.feed.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The feed, for changing (test control).
    pub fn feed_mut(&self) -> RwLockWriteGuard<'_, Feed> {
        self.feed.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The dossiers, for reading.
    pub fn dossiers(&self) -> RwLockReadGuard<'_, DossierBook> {
        self.dossiers.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The dossiers, for changing (test control).
    pub fn dossiers_mut(&self) -> RwLockWriteGuard<'_, DossierBook> {
        self.dossiers
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The 1022 feedback received, for reading.
    pub fn feedback(&self) -> MutexGuard<'_, FeedbackBook> {
        self.feedback_mut()
    }

    /// The 1022 feedback received, for changing.
    pub fn feedback_mut(&self) -> MutexGuard<'_, FeedbackBook> {
        self.feedback.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The push-device registrations, for reading.
    pub fn devices(&self) -> MutexGuard<'_, DeviceBook> {
        self.devices_mut()
    }

    /// The push-device registrations, for changing.
    pub fn devices_mut(&self) -> MutexGuard<'_, DeviceBook> {
        self.devices.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The dossier lookups' rate limiter.
    pub fn limiter(&self) -> MutexGuard<'_, RateLimiter> {
        self.limiter.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
