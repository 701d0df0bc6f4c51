//! The session of the profile in use: the demo's sign-in, signing out, and the signed-in
//! citizen's own dossiers.

use super::Core;
use crate::auth::{AuthError, DEMO_SUBJECT, DemoAccount, Session, load_session};
use crate::cancel::Cancellation;
use crate::catalog::CatalogSource;
use crate::dossier::error::DossierError;
use crate::dossier::scenario::{DEMO_CITIZEN_NAME, mask_name};
use crate::dossier::tracking::{self, TrackedDossier};
use crate::portal::HttpPortal;

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

    /// Who is signed in on the profile in use, as stored (`Refreshing` is
    /// [`Core::is_refreshing`]). Reads `state/`.
    pub fn session(&self) -> Result<Session, AuthError> {
        load_session(&self.personal()?)
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
        self.set_session(&session)?;
        Ok(session)
    }

    /// Signs out ([`Core::logout`] without the end-session URL). Dossiers looked up by code
    /// stay readable: they were unlocked by their verifier, not by the session.
    pub fn sign_out(&self) -> Result<(), AuthError> {
        self.logout().map(|_| ())
    }

    /// The signed-in citizen's own dossiers, newest first, kept for offline reading like any
    /// looked-up dossier. For the demo citizen, the demo's sample dossiers (no network); for a
    /// real sign-in, `/v1/me/dossiers` on `portal` with the access token (renewed if needed).
    pub async fn my_dossiers(
        &self,
        portal: Option<&HttpPortal>,
        cancel: &Cancellation,
    ) -> Result<Vec<TrackedDossier>, MyDossiersError> {
        let personal = self.personal().map_err(AuthError::from)?;
        let mut mine = match self.session()? {
            Session::SignedOut | Session::AwaitingRedirect { .. } => {
                return Err(AuthError::NotSignedIn.into());
            }
            Session::ReauthRequired { .. } => return Err(AuthError::ReauthRequired.into()),
            Session::Demo { .. } => {
                let demo = self.demo_portal().map_err(|error| DossierError::Corrupt {
                    reason: error.to_string(),
                })?;
                let mut mine = Vec::new();
                for (code, verifier) in demo.demo_codes() {
                    mine.push(
                        tracking::look_up(&personal, &demo, &self.clock, &code, &verifier, cancel)
                            .await?,
                    );
                }
                mine
            }
            Session::SignedIn { .. } => {
                let portal = portal.ok_or(AuthError::NotConfigured)?;
                let dossiers = self
                    .with_access_token(cancel, |token| async move {
                        portal
                            .my_dossiers(&token, cancel)
                            .await
                            .map_err(|error| match error {
                                crate::portal::PortalError::Net(net) => net,
                                other => crate::net::NetError::InvalidResponse {
                                    reason: other.to_string(),
                                },
                            })
                    })
                    .await?;
                let confirmed_at_ms = self.clock.now_ms();
                let mut mine = Vec::new();
                for dossier in dossiers {
                    let before = tracking::cached(&personal, &dossier.code)?;
                    let after = tracking::keep_mine(&personal, dossier, confirmed_at_ms)?;
                    self.notify_changes(&personal, before.as_ref(), &after);
                    mine.push(after);
                }
                mine
            }
        };
        mine.sort_by_key(|tracked| std::cmp::Reverse(tracked.dossier.received_at_ms));
        Ok(mine)
    }
}
