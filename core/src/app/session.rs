//! Signing in and out, and the signed-in citizen's own dossiers.

use super::Core;
use crate::auth::{
    AuthError, DEMO_SUBJECT, DemoAccount, Session, clear_session, load_session, save_session,
};
use crate::cancel::Cancellation;
use crate::catalog::CatalogSource;
use crate::dossier::error::DossierError;
use crate::dossier::scenario::{DEMO_CITIZEN_NAME, mask_name};
use crate::dossier::tracking::{self, TrackedDossier};
use crate::events::Event;

/// What can go wrong listing the signed-in citizen's dossiers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MyDossiersError {
    /// Nobody is signed in, or the session cannot be used.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Looking the dossiers up failed.
    #[error(transparent)]
    Dossier(#[from] DossierError),
}

impl Core {
    /// True when this core shows the embedded demo rather than a portal's data.
    pub fn is_demo(&self) -> bool {
        matches!(self.catalog.source(), CatalogSource::Bundled)
    }

    /// Who is signed in, as stored. Reads `state/`.
    pub fn session(&self) -> Result<Session, AuthError> {
        load_session(self.stores.state())
    }

    /// Signs the demo citizen in, in demo mode only: a volunteer shows the signed-in screens
    /// with no account. Writes `state/`.
    pub fn sign_in_demo(&self) -> Result<Session, AuthError> {
        if !self.is_demo() {
            return Err(AuthError::DemoOnly);
        }
        let session = Session::Demo {
            account: DemoAccount {
                subject: DEMO_SUBJECT.to_string(),
                display_name: mask_name(DEMO_CITIZEN_NAME),
            },
            signed_in_at_ms: self.clock.now_ms(),
        };
        save_session(self.stores.state(), &session)?;
        self.events.emit(Event::SessionChanged { signed_in: true });
        Ok(session)
    }

    /// Signs out. Dossiers looked up by code stay readable: they were unlocked by their
    /// verifier, not by the session. Writes `state/`.
    pub fn sign_out(&self) -> Result<(), AuthError> {
        let was_signed_in = self.session()?.is_signed_in();
        clear_session(self.stores.state())?;
        if was_signed_in {
            self.events.emit(Event::SessionChanged { signed_in: false });
        }
        Ok(())
    }

    /// The signed-in citizen's own dossiers, newest first. For the demo citizen these are the
    /// demo's sample dossiers, read from the embedded story (no network) and kept for offline
    /// reading like any looked-up dossier.
    pub async fn my_dossiers(
        &self,
        cancel: &Cancellation,
    ) -> Result<Vec<TrackedDossier>, MyDossiersError> {
        match self.session()? {
            Session::SignedOut | Session::AwaitingRedirect { .. } => {
                Err(AuthError::NotSignedIn.into())
            }
            Session::SignedIn { .. } | Session::ReauthRequired { .. } => {
                Err(AuthError::NotConfigured.into())
            }
            Session::Demo { .. } => {
                let demo = self.demo_portal().map_err(|error| DossierError::Corrupt {
                    reason: error.to_string(),
                })?;
                let mut mine = Vec::new();
                for (code, verifier) in demo.demo_codes() {
                    let tracked = tracking::look_up(
                        self.stores.state(),
                        &demo,
                        &self.clock,
                        &code,
                        &verifier,
                        cancel,
                    )
                    .await?;
                    mine.push(tracked);
                }
                mine.sort_by_key(|tracked| std::cmp::Reverse(tracked.dossier.received_at_ms));
                Ok(mine)
            }
        }
    }
}
