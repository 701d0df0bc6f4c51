//! Signing in and out, and the signed-in citizen's own dossiers. For now the demo's fake
//! sign-in; OpenID Connect joins with the login issue.

use std::sync::Arc;

use longan_core::auth::Session;

use crate::cancel::CancelHandle;
use crate::core_object::LonganCore;
use crate::dossier::DossierView;
use crate::error::LonganError;

/// Where the sign-in stands (the state machine of `docs/auth.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SessionState {
    /// Nobody is signed in.
    SignedOut,
    /// The system browser shows the provider's page; `completeLogin` finishes.
    AwaitingRedirect,
    /// Someone is signed in (look at `SessionView.is_demo`).
    SignedIn,
    /// Signed in, and the tokens are being renewed right now.
    Refreshing,
    /// The sign-in can no longer be renewed: ask the citizen to sign in again. Cached
    /// dossiers stay readable.
    ReauthRequired,
}

/// Who is signed in, for a UI.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionView {
    /// Signed in or out.
    pub state: SessionState,
    /// The name to greet (masked for the demo citizen); `None` when signed out.
    pub display_name: Option<String>,
    /// True for the demo's fake sign-in: show a "demo" badge, never a real citizen's data.
    pub is_demo: bool,
    /// When the sign-in happened (milliseconds since the Unix epoch); `None` when signed out.
    pub signed_in_at_ms: Option<i64>,
}

impl From<Session> for SessionView {
    fn from(session: Session) -> SessionView {
        let plain = |state| SessionView {
            state,
            display_name: None,
            is_demo: false,
            signed_in_at_ms: None,
        };
        match session {
            Session::SignedOut => plain(SessionState::SignedOut),
            Session::AwaitingRedirect { .. } => plain(SessionState::AwaitingRedirect),
            Session::SignedIn {
                account,
                signed_in_at_ms,
            } => SessionView {
                state: SessionState::SignedIn,
                display_name: account.display_name,
                is_demo: false,
                signed_in_at_ms: Some(signed_in_at_ms),
            },
            Session::ReauthRequired { account } => SessionView {
                display_name: account.display_name,
                ..plain(SessionState::ReauthRequired)
            },
            Session::Demo {
                account,
                signed_in_at_ms,
            } => SessionView {
                state: SessionState::SignedIn,
                display_name: Some(account.display_name),
                is_demo: true,
                signed_in_at_ms: Some(signed_in_at_ms),
            },
        }
    }
}

#[uniffi::export]
impl LonganCore {
    /// Signs the demo citizen in, so a volunteer can show the signed-in screens with no
    /// account. Only in demo mode (no `portal_url`); with a portal it fails with
    /// `InvalidInput`. Writes the device's data.
    pub async fn sign_in_demo(&self) -> Result<SessionView, LonganError> {
        self.call(move |core, language| {
            core.sign_in_demo()
                .map(SessionView::from)
                .map_err(|error| LonganError::from_auth(error, language))
        })
        .await
    }

    /// Who is signed in, as stored on the device. No network.
    pub async fn session(&self) -> Result<SessionView, LonganError> {
        self.call(move |core, language| {
            core.session()
                .map(SessionView::from)
                .map_err(|error| LonganError::from_auth(error, language))
        })
        .await
    }

    /// Signs out. Dossiers looked up by code stay readable. Writes the device's data.
    pub async fn sign_out(&self) -> Result<(), LonganError> {
        self.call(move |core, language| {
            core.sign_out()
                .map_err(|error| LonganError::from_auth(error, language))
        })
        .await
    }

    /// The signed-in citizen's own dossiers, newest first; `AuthRequired` when nobody is signed
    /// in. For the demo citizen, the demo's sample dossiers (no network).
    #[uniffi::method(default(cancel = None))]
    pub async fn my_dossiers(
        &self,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<Vec<DossierView>, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        let portal = self.configured_portal(&core)?;
        self.network_call(cancel, move |flag| async move {
            let mine = core
                .my_dossiers(portal.as_ref(), &flag)
                .await
                .map_err(|error| LonganError::from_my_dossiers(error, language))?;
            Ok(mine
                .into_iter()
                .map(|tracked| {
                    let due = core.dossier_due(&tracked.dossier);
                    DossierView::new(tracked, due)
                })
                .collect())
        })
        .await
    }
}
