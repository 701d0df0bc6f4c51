//! Signing in with OpenID Connect: start and complete the browser flow, keep the access token
//! fresh (one refresh however many callers), sign out.

use std::sync::atomic::Ordering;

use super::{Core, LoginSetup};
use crate::auth::config::PENDING_LOGIN_LIFETIME;
use crate::auth::discovery::{Metadata, discover};
use crate::auth::http::OidcHttp;
use crate::auth::oidc::{self, Redirect, RefreshFailure};
use crate::auth::pending::{clear_pending, load_pending, save_pending};
use crate::auth::tokens::{TokenSet, delete_tokens, load_tokens, save_tokens};
use crate::auth::{AuthError, Secret, Session, load_session, save_session};
use crate::cancel::Cancellation;
use crate::events::Event;
use crate::outbox::ItemKind;
use crate::profile::ProfileKind;

/// What signing out leaves for the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutOutcome {
    /// Open this in the system browser to end the provider's own session too (it is not
    /// needed for the app's sign-out, which is already complete).
    pub end_session_url: Option<String>,
    /// The profile was an assisted one and has been wiped.
    pub profile_removed: bool,
}

impl Core {
    fn login_setup(&self) -> Result<&LoginSetup, AuthError> {
        self.login.as_ref().ok_or(AuthError::NotConfigured)
    }

    async fn metadata(&self, cancel: &Cancellation, fresh: bool) -> Result<Metadata, AuthError> {
        let setup = self.login_setup()?;
        let http = OidcHttp::new(&setup.client, cancel);
        discover(
            self.stores.state(),
            &setup.config.issuer,
            &http,
            self.clock.now_ms(),
            fresh,
        )
        .await
    }

    pub(super) fn set_session(&self, session: &Session) -> Result<(), AuthError> {
        let before = self.session()?.is_signed_in();
        save_session(&self.personal()?, session)?;
        if before != session.is_signed_in() {
            self.events.emit(Event::SessionChanged {
                signed_in: session.is_signed_in(),
            });
        }
        Ok(())
    }

    /// Starts a sign-in on the profile in use: the URL to open in the system browser (never an
    /// embedded web view). `redirect_uri` replaces the configured one (the CLI's loopback
    /// port); `login_hint` pre-selects an account at providers that support it. The secrets
    /// of the flow are kept in the profile's sealed `state/`, so the app may be killed while
    /// the browser is open. Network (discovery, cached for a day); writes `state/`.
    pub async fn start_login(
        &self,
        redirect_uri: Option<&str>,
        login_hint: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<String, AuthError> {
        let setup = self.login_setup()?;
        let metadata = self.metadata(cancel, false).await?;
        let redirect_uri = redirect_uri.unwrap_or(&setup.config.redirect_uri);
        let now_ms = self.clock.now_ms();
        let (url, pending) =
            oidc::authorization_url(&metadata, &setup.config, redirect_uri, login_hint, now_ms)?;
        save_pending(&self.personal()?, &pending)?;
        if !self.session()?.is_signed_in() {
            self.set_session(&Session::AwaitingRedirect {
                started_at_ms: now_ms,
            })?;
        }
        log::info!("sign-in started");
        Ok(url)
    }

    /// Completes the sign-in with the URL the browser was sent back to: checks `state`,
    /// exchanges the code with the PKCE verifier, validates the ID token (signature with the
    /// provider's keys, issuer, audience, expiry by the server's clock, nonce), and keeps the
    /// tokens in the secure store. A redirect of another flow (`state` differs) is refused and
    /// leaves the flow in progress waiting. Network; writes `state/` and the secure store.
    pub async fn complete_login(
        &self,
        redirect_url: &str,
        cancel: &Cancellation,
    ) -> Result<Session, AuthError> {
        let setup = self.login_setup()?;
        let personal = self.personal()?;
        let pending = load_pending(&personal)?.ok_or(AuthError::NoLoginInProgress)?;
        let now_ms = self.clock.now_ms();
        if now_ms.saturating_sub(pending.started_at_ms) > PENDING_LOGIN_LIFETIME.as_millis() as i64
            || pending.issuer != setup.config.issuer
        {
            clear_pending(&personal)?;
            self.fall_back_from_waiting()?;
            return Err(AuthError::NoLoginInProgress);
        }
        let code = match oidc::parse_redirect(redirect_url, &pending)? {
            Redirect::Code { state, .. }
            | Redirect::Refused {
                state: Some(state), ..
            } if state != pending.state.expose() => {
                log::warn!("a redirect of another sign-in was ignored");
                return Err(AuthError::StateMismatch);
            }
            Redirect::Refused { error, .. } => {
                clear_pending(&personal)?;
                self.fall_back_from_waiting()?;
                return Err(AuthError::Refused { error });
            }
            Redirect::Code { code, .. } => code,
        };
        // The code is single-use: whatever happens next, this flow is over.
        clear_pending(&personal)?;
        let outcome = self.exchange_and_verify(&pending, &code, cancel).await;
        let (account, tokens) = match outcome {
            Ok(signed_in) => signed_in,
            Err(error) => {
                self.fall_back_from_waiting()?;
                return Err(error);
            }
        };
        let profile = self.current_profile()?;
        save_tokens(&*self.secure, &profile.id, &tokens)?;
        let session = Session::SignedIn {
            account,
            signed_in_at_ms: self.clock.now_ms(),
        };
        self.set_session(&session)?;
        log::info!("signed in");
        if let Err(error) = self.register_profile_in_use() {
            // Signed in all the same; the next start's registerPushToken tries again.
            log::warn!("the push registration could not be queued: {error}");
        }
        Ok(session)
    }

    async fn exchange_and_verify(
        &self,
        pending: &crate::auth::pending::PendingLogin,
        code: &Secret,
        cancel: &Cancellation,
    ) -> Result<(crate::auth::Account, TokenSet), AuthError> {
        let setup = self.login_setup()?;
        let http = OidcHttp::new(&setup.client, cancel);
        let metadata = self.metadata(cancel, false).await?;
        let tokens = oidc::exchange_code(
            &metadata,
            &setup.config,
            pending,
            code,
            &http,
            self.clock.now_ms(),
        )
        .await?;
        let id_token = tokens.id_token.clone().ok_or(AuthError::Provider {
            reason: "the token answer has no ID token".into(),
        })?;
        let clock = self.clock.clone();
        let verify = |metadata: &Metadata| {
            let clock = clock.clone();
            oidc::verify_id_token(
                metadata,
                &setup.config,
                id_token.expose(),
                pending.nonce.expose(),
                move || clock.now(),
            )
        };
        let account = match verify(&metadata) {
            // The provider may have rotated its keys since discovery was cached.
            Err(AuthError::InvalidIdToken { .. }) => verify(&self.metadata(cancel, true).await?)?,
            other => other?,
        };
        Ok((account, tokens))
    }

    /// A failed or abandoned sign-in leaves nobody signed in, unless someone already was.
    fn fall_back_from_waiting(&self) -> Result<(), AuthError> {
        if matches!(self.session()?, Session::AwaitingRedirect { .. }) {
            self.set_session(&Session::SignedOut)?;
        }
        Ok(())
    }

    /// True while the tokens are being renewed.
    pub fn is_refreshing(&self) -> bool {
        self.refreshing.load(Ordering::Acquire)
    }

    /// A valid access token for the profile in use: the stored one, or a renewed one when it
    /// expired by the server's clock. However many calls ask at once, one refresh goes out.
    pub async fn access_token(&self, cancel: &Cancellation) -> Result<Secret, AuthError> {
        self.access_token_with(cancel, None).await
    }

    /// [`Core::access_token`], renewing even a token that looks valid when it is `rejected`
    /// (the portal answered 401 with it).
    async fn access_token_with(
        &self,
        cancel: &Cancellation,
        rejected: Option<&Secret>,
    ) -> Result<Secret, AuthError> {
        let profile = self.current_profile()?;
        let usable = |tokens: &TokenSet| {
            !tokens.access_expired(self.clock.now_ms())
                && rejected.is_none_or(|bad| bad != &tokens.access_token)
        };
        match self.session()? {
            Session::SignedIn { .. } => {}
            Session::ReauthRequired { .. } => return Err(AuthError::ReauthRequired),
            _ => return Err(AuthError::NotSignedIn),
        }
        let tokens = load_tokens(&*self.secure, &profile.id)?.ok_or(AuthError::NotSignedIn)?;
        if usable(&tokens) {
            return Ok(tokens.access_token.clone());
        }
        let _single_flight = self.refresh_lock.lock().await;
        // Whoever held the lock before may have renewed them already.
        let tokens = load_tokens(&*self.secure, &profile.id)?.ok_or(AuthError::NotSignedIn)?;
        if usable(&tokens) {
            return Ok(tokens.access_token.clone());
        }
        self.refreshing.store(true, Ordering::Release);
        let renewed = self.refresh(&profile.id, &tokens, cancel).await;
        self.refreshing.store(false, Ordering::Release);
        Ok(renewed?.access_token)
    }

    async fn refresh(
        &self,
        profile_id: &str,
        tokens: &TokenSet,
        cancel: &Cancellation,
    ) -> Result<TokenSet, AuthError> {
        let setup = self.login_setup()?;
        let Some(refresh_token) = tokens.refresh_token.clone() else {
            return self.require_reauth(profile_id).await;
        };
        let metadata = self.metadata(cancel, false).await?;
        let http = OidcHttp::new(&setup.client, cancel);
        let attempt = |token: Secret| {
            let (metadata, http) = (&metadata, &http);
            async move {
                oidc::refresh(
                    metadata,
                    &setup.config,
                    tokens,
                    &token,
                    http,
                    self.clock.now_ms(),
                )
                .await
            }
        };
        let mut outcome = attempt(refresh_token.clone()).await;
        if let Err(RefreshFailure::Exchange(failed)) = &outcome
            && failed.maybe_delivered
            && !matches!(failed.error, crate::net::NetError::Cancelled(_))
        {
            if setup.config.refresh_reuse_grace.is_none() {
                // The provider may have rotated the token; sending it again would make the
                // provider revoke the whole grant.
                log::warn!("a token refresh lost its answer; a new sign-in is needed");
                return self.require_reauth(profile_id).await;
            }
            log::info!("a token refresh lost its answer; retrying within the reuse grace");
            outcome = attempt(refresh_token).await;
        }
        match outcome {
            Ok(renewed) => {
                save_tokens(&*self.secure, profile_id, &renewed)?;
                log::info!("tokens renewed");
                Ok(renewed)
            }
            Err(RefreshFailure::Refused(error)) => {
                log::warn!("the provider refused the refresh ({error}); signed out");
                delete_tokens(&*self.secure, profile_id)?;
                self.set_session(&Session::SignedOut)?;
                Err(AuthError::Refused { error })
            }
            Err(RefreshFailure::Exchange(failed)) if failed.maybe_delivered => {
                self.require_reauth(profile_id).await
            }
            Err(RefreshFailure::Exchange(failed)) => Err(AuthError::Network(failed.error)),
            Err(RefreshFailure::Other(error)) => Err(error),
        }
    }

    async fn require_reauth<T>(&self, profile_id: &str) -> Result<T, AuthError> {
        if let Session::SignedIn { account, .. } = self.session()? {
            self.set_session(&Session::ReauthRequired { account })?;
        }
        if let Some(mut tokens) = load_tokens(&*self.secure, profile_id)? {
            tokens.refresh_token = None;
            tokens.previous_refresh_token = None;
            save_tokens(&*self.secure, profile_id, &tokens)?;
        }
        Err(AuthError::ReauthRequired)
    }

    /// Runs `call` with a valid access token; when the portal answers 401 (a token revoked or
    /// expired early), renews it once and tries again.
    pub async fn with_access_token<T, F, Fut>(
        &self,
        cancel: &Cancellation,
        call: F,
    ) -> Result<T, AuthError>
    where
        F: Fn(Secret) -> Fut,
        Fut: std::future::Future<Output = Result<T, crate::net::NetError>>,
    {
        let token = self.access_token(cancel).await?;
        match call(token.clone()).await {
            Err(error) if error.is_unauthorized() => {
                let renewed = self.access_token_with(cancel, Some(&token)).await?;
                call(renewed).await.map_err(|error| {
                    if error.is_unauthorized() {
                        AuthError::ReauthRequired
                    } else {
                        AuthError::Network(error)
                    }
                })
            }
            other => other.map_err(AuthError::Network),
        }
    }

    /// Signs the profile in use out, also offline: the refresh token's revocation is queued
    /// in the outbox (delivered when the network allows), the tokens are deleted now, an
    /// assisted profile is wiped, and the provider's end-session URL is returned for the
    /// browser. Writes `state/` and the secure store.
    pub fn logout(&self) -> Result<LogoutOutcome, AuthError> {
        let profile = self.current_profile()?;
        let tokens = load_tokens(&*self.secure, &profile.id)?;
        let mut end_session_url = None;
        if let (Some(tokens), Ok(setup)) = (&tokens, self.login_setup()) {
            let revocable = tokens
                .refresh_token
                .clone()
                .unwrap_or_else(|| tokens.access_token.clone());
            let payload = crate::auth::revocation::RevocationPayload {
                issuer: setup.config.issuer.clone(),
                token: revocable,
            };
            let device = self.device_sealed()?;
            self.outbox
                .enqueue(
                    &device,
                    &profile.id,
                    ItemKind::TokenRevocation,
                    payload.encode()?,
                    self.clock.now_ms(),
                )
                .map_err(|error| AuthError::Corrupt {
                    reason: error.to_string(),
                })?;
            end_session_url = self.cached_end_session_url(tokens);
        }
        // Before anything is deleted: a signed-out phone must stop receiving the profile's
        // notifications, and a sign-out that cannot promise that must not happen halfway.
        self.unregister_profile(&profile.id)
            .map_err(|error| AuthError::Corrupt {
                reason: error.to_string(),
            })?;
        delete_tokens(&*self.secure, &profile.id)?;
        let personal = self.personal()?;
        clear_pending(&personal)?;
        self.set_session(&Session::SignedOut)?;
        let profile_removed = profile.kind == ProfileKind::Assisted;
        if profile_removed {
            self.remove_profile(&profile.id)?;
        }
        log::info!("signed out");
        Ok(LogoutOutcome {
            end_session_url,
            profile_removed,
        })
    }

    /// The end-session URL from the cached discovery document (sign-out must work offline).
    fn cached_end_session_url(&self, tokens: &TokenSet) -> Option<String> {
        let setup = self.login_setup().ok()?;
        let metadata =
            crate::auth::discovery::cached_metadata(self.stores.state(), &setup.config.issuer)?;
        oidc::end_session_url(&metadata, &setup.config, tokens.id_token.as_ref())
    }

    /// The stored session of the profile in use, as read now (no network).
    pub fn stored_session(&self) -> Result<Session, AuthError> {
        load_session(&self.personal()?)
    }
}
