//! The OpenID Connect exchanges, all through the `openidconnect` crate: the authorization URL
//! (PKCE S256, `state`, `nonce`), the code exchange, ID-token validation against the
//! provider's keys and the server's time, refresh, revocation and the end-session URL.

use openidconnect::core::{
    CoreAuthPrompt, CoreClient, CoreErrorResponseType, CoreIdToken, CoreResponseType,
    CoreTokenResponse,
};
use openidconnect::{
    AsyncHttpClient, AuthenticationFlow, AuthorizationCode, ClaimsVerificationError, ClientId,
    CsrfToken, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet, LoginHint,
    LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    StandardErrorResponse, TokenResponse,
};

use super::config::{LoginConfig, SCOPES};
use super::discovery::Metadata;
use super::error::AuthError;
use super::http::OidcHttp;
use super::pending::PendingLogin;
use super::secret::Secret;
use super::session::Account;
use super::tokens::TokenSet;
use crate::net::ExchangeError;

type ProviderClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

type TokenError = RequestTokenError<ExchangeError, StandardErrorResponse<CoreErrorResponseType>>;

fn client(
    metadata: &Metadata,
    config: &LoginConfig,
    redirect_uri: &str,
) -> Result<ProviderClient, AuthError> {
    let redirect =
        RedirectUrl::new(redirect_uri.to_string()).map_err(|error| AuthError::Config {
            reason: format!("the redirect URI is not a URL: {error}"),
        })?;
    Ok(CoreClient::from_provider_metadata(
        metadata.clone(),
        ClientId::new(config.client_id.clone()),
        None,
    )
    .set_redirect_uri(redirect))
}

/// The authorization URL to open in the system browser, and the secrets to keep until the
/// browser comes back.
pub fn authorization_url(
    metadata: &Metadata,
    config: &LoginConfig,
    redirect_uri: &str,
    login_hint: Option<&str>,
    now_ms: i64,
) -> Result<(String, PendingLogin), AuthError> {
    let client = client(metadata, config, redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge)
        // Without consent asked again, providers drop `offline_access`.
        .add_prompt(CoreAuthPrompt::Consent);
    for scope in SCOPES.iter().filter(|scope| **scope != "openid") {
        request = request.add_scope(Scope::new((*scope).to_string()));
    }
    if let Some(hint) = login_hint {
        request = request.set_login_hint(LoginHint::new(hint.to_string()));
    }
    let (url, state, nonce) = request.url();
    let pending = PendingLogin {
        issuer: config.issuer.clone(),
        redirect_uri: redirect_uri.to_string(),
        state: Secret::new(state.secret().clone()),
        nonce: Secret::new(nonce.secret().clone()),
        pkce_verifier: Secret::new(verifier.secret().clone()),
        started_at_ms: now_ms,
    };
    Ok((url.to_string(), pending))
}

/// What the browser brought back to the redirect URI.
#[derive(Debug)]
pub enum Redirect {
    /// A code, with the `state` it came with.
    Code {
        /// The authorization code.
        code: Secret,
        /// The `state` parameter.
        state: String,
    },
    /// The provider's refusal (`access_denied` when the citizen cancelled).
    Refused {
        /// The OAuth error code.
        error: String,
        /// The `state` parameter.
        state: Option<String>,
    },
}

/// Reads the redirect URL: it must be the pending sign-in's redirect URI with a code or an
/// error (the query's order and the port of a loopback URI aside).
pub fn parse_redirect(url: &str, pending: &PendingLogin) -> Result<Redirect, AuthError> {
    let parsed = openidconnect::url::Url::parse(url).map_err(|_| AuthError::BadRedirect)?;
    let expected = openidconnect::url::Url::parse(&pending.redirect_uri)
        .map_err(|_| AuthError::BadRedirect)?;
    let same_target = parsed.scheme() == expected.scheme()
        && parsed.host_str() == expected.host_str()
        && parsed.port_or_known_default() == expected.port_or_known_default()
        && parsed.path() == expected.path();
    if !same_target {
        return Err(AuthError::BadRedirect);
    }
    let value = |name: &str| {
        parsed
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    match (value("code"), value("error"), value("state")) {
        (_, Some(error), state) => Ok(Redirect::Refused { error, state }),
        (Some(code), None, Some(state)) => Ok(Redirect::Code {
            code: Secret::new(code),
            state,
        }),
        _ => Err(AuthError::BadRedirect),
    }
}

/// Exchanges the code with its PKCE verifier. The ID token in the answer is not validated
/// yet: [`verify_id_token`] does that, and can be repeated with fresh keys.
pub async fn exchange_code(
    metadata: &Metadata,
    config: &LoginConfig,
    pending: &PendingLogin,
    code: &Secret,
    http: &OidcHttp,
    now_ms: i64,
) -> Result<TokenSet, AuthError> {
    let client = client(metadata, config, &pending.redirect_uri)?;
    let response = client
        .exchange_code(AuthorizationCode::new(code.expose().to_string()))
        .map_err(|error| AuthError::Config {
            reason: error.to_string(),
        })?
        .set_pkce_verifier(PkceCodeVerifier::new(
            pending.pkce_verifier.expose().to_string(),
        ))
        .request_async(http)
        .await
        .map_err(token_error)?;
    if response.id_token().is_none() {
        return Err(AuthError::Provider {
            reason: "the token answer has no ID token".into(),
        });
    }
    Ok(token_set(&response, now_ms, None))
}

/// Validates an ID token (signature with the provider's keys, issuer, audience, expiry by the
/// server-corrected clock, nonce) and reads the account from it.
pub fn verify_id_token(
    metadata: &Metadata,
    config: &LoginConfig,
    id_token: &str,
    nonce: &str,
    now: impl Fn() -> std::time::SystemTime + Send + Sync + 'static,
) -> Result<Account, AuthError> {
    let client = client(metadata, config, &config.redirect_uri)?;
    let token: CoreIdToken = id_token.parse().map_err(|_| AuthError::InvalidIdToken {
        reason: "not a signed JWT".into(),
    })?;
    verify(&client, &token, nonce, now)
}

fn verify(
    client: &ProviderClient,
    id_token: &CoreIdToken,
    nonce: &str,
    now: impl Fn() -> std::time::SystemTime + Send + Sync + 'static,
) -> Result<Account, AuthError> {
    let verifier = client
        .id_token_verifier()
        .set_time_fn(move || chrono::DateTime::<chrono::Utc>::from(now()));
    let claims = id_token
        .claims(&verifier, &Nonce::new(nonce.to_string()))
        .map_err(|error| AuthError::InvalidIdToken {
            reason: claims_failure(&error).to_string(),
        })?;
    Ok(Account {
        subject: claims.subject().as_str().to_string(),
        display_name: claims
            .name()
            .and_then(|name| name.get(None))
            .map(|name| name.as_str().to_string()),
    })
}

/// Which check failed, without the values (which could identify the citizen).
fn claims_failure(error: &ClaimsVerificationError) -> &'static str {
    match error {
        ClaimsVerificationError::Expired(_) => "expired",
        ClaimsVerificationError::InvalidAudience(_) => "issued for another client",
        ClaimsVerificationError::InvalidIssuer(_) => "issued by another provider",
        ClaimsVerificationError::InvalidNonce(_) => "nonce mismatch",
        ClaimsVerificationError::SignatureVerification(_) => "signature does not verify",
        ClaimsVerificationError::InvalidSubject(_) => "invalid subject",
        ClaimsVerificationError::Unsupported(_) => "unsupported",
        _ => "claims do not verify",
    }
}

/// What a refresh can end in.
#[derive(Debug)]
pub enum RefreshFailure {
    /// The provider refused the refresh token (`invalid_grant`: revoked, reused, expired).
    Refused(String),
    /// The request failed; `maybe_delivered` says whether the provider may have rotated the
    /// token although the answer was lost.
    Exchange(ExchangeError),
    /// Anything else (configuration, unusable answer).
    Other(AuthError),
}

/// Renews the tokens with `refresh_token`. The new set keeps the ID token when the provider
/// sends none, and remembers `refresh_token` as the previous one.
pub async fn refresh(
    metadata: &Metadata,
    config: &LoginConfig,
    current: &TokenSet,
    refresh_token: &Secret,
    http: &OidcHttp,
    now_ms: i64,
) -> Result<TokenSet, RefreshFailure> {
    let client = client(metadata, config, &config.redirect_uri).map_err(RefreshFailure::Other)?;
    let token = RefreshToken::new(refresh_token.expose().to_string());
    let request = client.exchange_refresh_token(&token).map_err(|error| {
        RefreshFailure::Other(AuthError::Config {
            reason: error.to_string(),
        })
    })?;
    let response = request
        .request_async(http)
        .await
        .map_err(|error| match error {
            RequestTokenError::Request(failed) => RefreshFailure::Exchange(failed),
            // The provider answered but the answer cannot be read: it may have rotated the
            // refresh token meanwhile, exactly as when the answer is lost.
            RequestTokenError::Parse(_, _) | RequestTokenError::Other(_) => {
                RefreshFailure::Exchange(ExchangeError {
                    error: crate::net::NetError::InvalidResponse {
                        reason: "the token answer is not the JSON expected".into(),
                    },
                    maybe_delivered: true,
                })
            }
            other => match token_error(other) {
                AuthError::Refused { error } => RefreshFailure::Refused(error),
                other => RefreshFailure::Other(other),
            },
        })?;
    let mut renewed = token_set(&response, now_ms, Some(refresh_token.clone()));
    if renewed.refresh_token.is_none() {
        renewed.refresh_token = Some(refresh_token.clone());
    }
    if renewed.id_token.is_none() {
        renewed.id_token = current.id_token.clone();
    }
    Ok(renewed)
}

/// Revokes `token` at the provider's revocation endpoint (RFC 7009): a form POST with the
/// public client's id. (The oauth2 crate refuses non-HTTPS revocation URLs, which rules out a
/// loopback test provider; the request is simple enough to make directly.)
pub async fn revoke(
    metadata: &Metadata,
    config: &LoginConfig,
    token: &Secret,
    http: &OidcHttp,
) -> Result<(), RevokeFailure> {
    let Some(endpoint) = metadata.additional_metadata().revocation_endpoint.clone() else {
        return Err(RevokeFailure::Unsupported);
    };
    let body = openidconnect::url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token.expose())
        .append_pair("token_type_hint", "refresh_token")
        .append_pair("client_id", &config.client_id)
        .finish();
    let request = openidconnect::http::Request::builder()
        .method(openidconnect::http::Method::POST)
        .uri(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(body.into_bytes())
        .map_err(|_| RevokeFailure::Unsupported)?;
    let response = http.call(request).await.map_err(RevokeFailure::Exchange)?;
    match response.status().as_u16() {
        200..=299 => Ok(()),
        status @ (408 | 429 | 500..=599) => {
            Err(RevokeFailure::Exchange(crate::net::ExchangeError {
                error: crate::net::NetError::ServerUnavailable {
                    status,
                    retry_after: None,
                },
                maybe_delivered: true,
            }))
        }
        status => {
            let error = serde_json::from_slice::<serde_json::Value>(response.body())
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
                .unwrap_or_else(|| format!("http_{status}"));
            Err(RevokeFailure::Refused(error))
        }
    }
}

/// What a revocation can end in.
#[derive(Debug)]
pub enum RevokeFailure {
    /// The provider has no revocation endpoint: nothing to do.
    Unsupported,
    /// The provider answered with an error.
    Refused(String),
    /// The request failed.
    Exchange(ExchangeError),
}

/// The provider's end-session URL for the browser, when it has one.
pub fn end_session_url(
    metadata: &Metadata,
    config: &LoginConfig,
    id_token: Option<&Secret>,
) -> Option<String> {
    let endpoint = metadata
        .additional_metadata()
        .end_session_endpoint
        .clone()?;
    let mut request: LogoutRequest = EndSessionUrl::new(endpoint).ok()?.into();
    request = request.set_client_id(ClientId::new(config.client_id.clone()));
    if let Some(token) = id_token.and_then(|t| t.expose().parse::<CoreIdToken>().ok()) {
        request = request.set_id_token_hint(&token);
    }
    if let Some(uri) = &config.post_logout_redirect_uri
        && let Ok(uri) = PostLogoutRedirectUrl::new(uri.clone())
    {
        request = request.set_post_logout_redirect_uri(uri);
    }
    Some(request.http_get_url().to_string())
}

fn token_set(response: &CoreTokenResponse, now_ms: i64, previous: Option<Secret>) -> TokenSet {
    TokenSet {
        access_token: Secret::new(response.access_token().secret().clone()),
        access_expires_at_ms: response
            .expires_in()
            .map(|lifetime| now_ms + lifetime.as_millis() as i64),
        refresh_token: response
            .refresh_token()
            .map(|token| Secret::new(token.secret().clone())),
        previous_refresh_token: previous,
        id_token: response
            .id_token()
            .map(|token| Secret::new(token.to_string())),
    }
}

fn token_error(error: TokenError) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(response) => AuthError::Refused {
            error: response.error().as_ref().to_string(),
        },
        RequestTokenError::Request(failed) => AuthError::Network(failed.error),
        RequestTokenError::Parse(_, _) => AuthError::Provider {
            reason: "the token answer is not the JSON expected".into(),
        },
        RequestTokenError::Other(reason) => AuthError::Provider { reason },
    }
}

/// Milliseconds since the Unix epoch.
pub fn millis(time: std::time::SystemTime) -> i64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
