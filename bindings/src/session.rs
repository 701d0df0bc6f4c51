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

/// What signing out leaves for the app to do.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogoutResult {
    /// Open in the system browser to end the provider's session too (optional).
    pub end_session_url: Option<String>,
    /// The profile was an assisted one and has been wiped: show the profile list.
    pub profile_removed: bool,
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

    /// Who is signed in on the profile in use, as stored on the device (`Refreshing` while
    /// the tokens are being renewed). No network.
    pub async fn session(&self) -> Result<SessionView, LonganError> {
        self.call(move |core, language| {
            let mut view = core
                .session()
                .map(SessionView::from)
                .map_err(|error| LonganError::from_auth(error, language))?;
            if view.state == SessionState::SignedIn && core.is_refreshing() {
                view.state = SessionState::Refreshing;
            }
            Ok(view)
        })
        .await
    }

    /// Starts a sign-in on the profile in use: open the returned URL in the system browser
    /// (Custom Tabs, `ASWebAuthenticationSession`; never a web view), then pass the redirect
    /// it comes back with to `completeLogin` — also after the app was killed meanwhile.
    /// `loginHint` pre-selects an account where the provider supports it. Network.
    #[uniffi::method(default(login_hint = None, cancel = None))]
    pub async fn start_login(
        &self,
        login_hint: Option<String>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<String, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        self.network_call(cancel, move |flag| async move {
            core.start_login(None, login_hint.as_deref(), &flag)
                .await
                .map_err(|error| LonganError::from_auth(error, language))
        })
        .await
    }

    /// Completes the sign-in with the URL the browser was redirected to. A redirect of another
    /// sign-in, a cancelled one, or a token that fails validation is `AuthRequired` (with the
    /// reason in the message). Network; writes the device's data and the secure storage.
    #[uniffi::method(default(cancel = None))]
    pub async fn complete_login(
        &self,
        redirect_url: String,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<SessionView, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        self.network_call(cancel, move |flag| async move {
            core.complete_login(&redirect_url, &flag)
                .await
                .map(SessionView::from)
                .map_err(|error| LonganError::from_auth(error, language))
        })
        .await
    }

    /// Signs the profile in use out, also offline: tokens deleted now, their revocation
    /// queued and sent when the network allows, an assisted profile wiped. Open
    /// `endSessionUrl` in the browser to end the provider's own session too.
    pub async fn logout(&self) -> Result<LogoutResult, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        let portal = self.configured_portal(&core)?;
        self.network_call(None, move |flag| async move {
            let outcome = core
                .logout()
                .map_err(|error| LonganError::from_auth(error, language))?;
            // Best effort: the revocation stays queued when the network is down.
            if let Err(error) = core.deliver_outbox(portal.as_ref(), &flag).await {
                log::info!("the revocation stays queued: {error}");
            }
            Ok(LogoutResult {
                end_session_url: outcome.end_session_url,
                profile_removed: outcome.profile_removed,
            })
        })
        .await
    }

    /// `logout` without its result (the demo's sign-out). Dossiers looked up by code stay
    /// readable. Writes the device's data.
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
