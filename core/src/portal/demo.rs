//! `DemoPortal`: an embedded, offline backend for volunteers demonstrating the app with no
//! network and no account. Its dossiers come from the same scenario engine as the reference
//! portal's and move every few minutes from the moment the demo (re)starts; its catalogue is the
//! bundled one, always up to date.

use std::sync::RwLock;
use std::time::SystemTime;

use super::wire::ProcedureResponse;
use super::{FeedAnswer, Portal, PortalError};
use crate::cancel::Cancellation;
use crate::clock::Clock;
use crate::dossier::model::Dossier;
use crate::dossier::scenario::{DEFAULT_COUNT, DEFAULT_SEED, Scenario};
use crate::net::NetError;

/// The demo backend.
pub struct DemoPortal {
    clock: Clock,
    /// How far the story runs ahead of the clock ([`Core::advance_demo`]); the story's start,
    /// and so the dossiers' codes and dates, stay where they were.
    ///
    /// [`Core::advance_demo`]: crate::Core::advance_demo
    ahead: std::time::Duration,
    procedures: Vec<(String, String)>,
    scenario: RwLock<Scenario>,
}

impl DemoPortal {
    /// A demo whose story starts now, over these procedures (code, name).
    pub fn new(clock: Clock, procedures: Vec<(String, String)>) -> DemoPortal {
        let now = clock.now();
        DemoPortal::starting_at(clock, procedures, now)
    }

    /// A demo whose story started at `epoch` (kept by the core, so the story goes on across app
    /// restarts).
    pub fn starting_at(
        clock: Clock,
        procedures: Vec<(String, String)>,
        epoch: SystemTime,
    ) -> DemoPortal {
        let scenario = Scenario::new(DEFAULT_SEED, epoch, DEFAULT_COUNT, procedures.clone());
        DemoPortal {
            clock,
            ahead: std::time::Duration::ZERO,
            procedures,
            scenario: RwLock::new(scenario),
        }
    }

    /// This demo with its story `ahead` of the clock, as if that much more time had passed.
    pub fn with_story_ahead(mut self, ahead: std::time::Duration) -> DemoPortal {
        self.ahead = ahead;
        self
    }

    fn story_now(&self) -> SystemTime {
        self.clock.now() + self.ahead
    }

    /// Starts the story again: the demo dossiers are new and move again from now.
    pub fn reset(&self) {
        let fresh = Scenario::new(
            DEFAULT_SEED,
            self.clock.now(),
            DEFAULT_COUNT,
            self.procedures.clone(),
        );
        *self.scenario.write().unwrap_or_else(|p| p.into_inner()) = fresh;
    }

    /// The demo dossiers' codes and verifiers, to show a volunteer what to type.
    pub fn demo_codes(&self) -> Vec<(String, String)> {
        self.scenario
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .demo_codes()
    }

    fn find(&self, code: &str, verifier: &str, now: SystemTime) -> Option<Dossier> {
        self.scenario
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .find(code, now)
            .filter(|sample| sample.verifier == verifier)
            .map(|sample| sample.dossier)
    }
}

impl Portal for DemoPortal {
    fn source_id(&self) -> String {
        "demo".to_string()
    }

    async fn catalog_changes(
        &self,
        _cursor: Option<&str>,
        _limit: u32,
        _etag: Option<&str>,
        _cancel: &Cancellation,
    ) -> Result<FeedAnswer, PortalError> {
        // The demo's catalogue is the bundled seed: never anything to fetch.
        Ok(FeedAnswer::NotModified { wire_bytes: 0 })
    }

    async fn procedure(
        &self,
        _code: &str,
        _etag: Option<&str>,
        _cancel: &Cancellation,
    ) -> Result<Option<(ProcedureResponse, Option<String>)>, PortalError> {
        // Full records are the bundled ones, read from the cache.
        Err(PortalError::Net(NetError::NotFound))
    }

    async fn dossier(
        &self,
        code: &str,
        verifier: &str,
        _etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(Dossier, Option<String>)>, PortalError> {
        cancel.check().map_err(NetError::from)?;
        self.find(code, verifier, self.story_now())
            .map(|dossier| Some((dossier, None)))
            .ok_or(PortalError::Net(NetError::NotFound))
    }

    /// The demo's citizen signs in without tokens and sees the sample dossiers by their
    /// verifiers: nothing here is reached by a token.
    async fn my_dossier(
        &self,
        _access_token: &crate::auth::Secret,
        _code: &str,
        _etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(Dossier, Option<String>)>, PortalError> {
        cancel.check().map_err(NetError::from)?;
        Err(PortalError::Net(NetError::NotFound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::TestClock;
    use std::sync::Arc;
    use std::time::Duration;

    fn demo() -> (DemoPortal, Arc<TestClock>) {
        let time = Arc::new(TestClock::at_unix(1_764_300_000));
        let clock = Clock::new(time.clone());
        let procedures = vec![("1.001193".into(), "Thủ tục đăng ký khai sinh".into())];
        (DemoPortal::new(clock, procedures), time)
    }

    async fn status(portal: &DemoPortal, code: &str, verifier: &str) -> Option<u8> {
        portal
            .dossier(code, verifier, None, &Cancellation::new())
            .await
            .ok()
            .flatten()
            .map(|(dossier, _)| dossier.status.number())
    }

    #[tokio::test]
    async fn a_demo_dossier_moves_within_minutes_and_a_reset_starts_it_again() {
        let (portal, time) = demo();
        let (code, verifier) = portal.demo_codes()[0].clone();
        assert_eq!(status(&portal, &code, &verifier).await, Some(1));
        time.advance(Duration::from_secs(15 * 60));
        assert!(status(&portal, &code, &verifier).await.unwrap() > 1);
        portal.reset();
        let (code, verifier) = portal.demo_codes()[0].clone();
        assert_eq!(status(&portal, &code, &verifier).await, Some(1));
    }

    #[tokio::test]
    async fn a_wrong_verifier_is_the_same_not_found_as_an_unknown_code() {
        let (portal, _) = demo();
        let (code, verifier) = portal.demo_codes()[0].clone();
        let wrong = if verifier == "0000" { "1111" } else { "0000" };
        let cancel = Cancellation::new();
        let a = portal.dossier(&code, wrong, None, &cancel).await;
        let b = portal
            .dossier("000.00.00.H39-250101-9999", &verifier, None, &cancel)
            .await;
        assert_eq!(a, Err(PortalError::Net(NetError::NotFound)));
        assert_eq!(a, b);
    }
}
