//! The provider's discovery document and signing keys, fetched once and kept in `state/` for a
//! day, so a refresh after an app restart costs one request, not three.

use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, DiscoveryError, IssuerUrl, JsonWebKeySet, ProviderMetadata,
};
use serde::{Deserialize, Serialize};

use super::config::DISCOVERY_LIFETIME;
use super::error::AuthError;
use super::http::OidcHttp;
use crate::net::ExchangeError;
use crate::store::{Backend, Batch};

const TREE: &str = "oidc.discovery";

/// The endpoints the core needs beyond the core set: revocation (RFC 7009) and RP-initiated
/// logout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraEndpoints {
    /// Where tokens are revoked at sign-out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    /// Where the browser goes to end the provider's session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
}

impl AdditionalProviderMetadata for ExtraEndpoints {}

/// The provider's discovery document with the extra endpoints.
pub type Metadata = ProviderMetadata<
    ExtraEndpoints,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

#[derive(Serialize, Deserialize)]
struct Cached {
    metadata: serde_json::Value,
    jwks: JsonWebKeySet<CoreJsonWebKey>,
    fetched_at_ms: i64,
}

/// The provider's metadata with its keys: from `state/` when fetched less than a day ago
/// (and `fresh` is false), else from the provider.
pub async fn discover(
    state: &dyn Backend,
    issuer: &str,
    http: &OidcHttp,
    now_ms: i64,
    fresh: bool,
) -> Result<Metadata, AuthError> {
    if !fresh && let Some(metadata) = cached(state, issuer, Some(now_ms))? {
        return Ok(metadata);
    }
    let issuer_url = IssuerUrl::new(issuer.to_string()).map_err(|error| AuthError::Config {
        reason: format!("the issuer is not a URL: {error}"),
    })?;
    let metadata = Metadata::discover_async(issuer_url, http)
        .await
        .map_err(discovery_failed)?;
    let record = Cached {
        metadata: serde_json::to_value(&metadata).map_err(corrupt)?,
        jwks: metadata.jwks().clone(),
        fetched_at_ms: now_ms,
    };
    let mut batch = Batch::new();
    batch.put(
        issuer.as_bytes().to_vec(),
        serde_json::to_vec(&record).map_err(corrupt)?,
    );
    state.apply(TREE, batch)?;
    Ok(metadata)
}

/// The cached metadata whatever its age (signing out offline still knows the end-session URL).
pub fn cached_metadata(state: &dyn Backend, issuer: &str) -> Option<Metadata> {
    cached(state, issuer, None).ok().flatten()
}

fn cached(
    state: &dyn Backend,
    issuer: &str,
    now_ms: Option<i64>,
) -> Result<Option<Metadata>, AuthError> {
    let Some(bytes) = state.get(TREE, issuer.as_bytes())? else {
        return Ok(None);
    };
    // An unreadable cache entry is fetched again, not an error.
    let Ok(record) = serde_json::from_slice::<Cached>(&bytes) else {
        return Ok(None);
    };
    if let Some(now_ms) = now_ms {
        let age_ms = now_ms.saturating_sub(record.fetched_at_ms);
        if !(0..DISCOVERY_LIFETIME.as_millis() as i64).contains(&age_ms) {
            return Ok(None);
        }
    }
    let Ok(metadata) = serde_json::from_value::<Metadata>(record.metadata) else {
        return Ok(None);
    };
    Ok(Some(metadata.set_jwks(record.jwks)))
}

fn corrupt(error: serde_json::Error) -> AuthError {
    AuthError::Corrupt {
        reason: error.to_string(),
    }
}

fn discovery_failed(error: DiscoveryError<ExchangeError>) -> AuthError {
    match error {
        DiscoveryError::Request(failed) => AuthError::Network(failed.error),
        other => AuthError::Provider {
            reason: format!("discovery failed: {other}"),
        },
    }
}
