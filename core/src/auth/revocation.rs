//! Token revocation at sign-out (RFC 7009), delivered by the outbox: queued in the device's
//! sealed trees (so it outlives a wiped profile), sent when the network allows.

use serde::{Deserialize, Serialize};

use super::config::LoginConfig;
use super::discovery::discover;
use super::error::AuthError;
use super::http::OidcHttp;
use super::oidc::{RevokeFailure, revoke};
use super::secret::Secret;
use crate::cancel::Cancellation;
use crate::clock::Clock;
use crate::net::HttpClient;
use crate::outbox::{ItemKind, OutboxItem, SendError, Sender};
use crate::store::Backend;

/// What a queued revocation carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationPayload {
    /// The provider that issued the token.
    pub issuer: String,
    /// The token to revoke (the refresh token: revoking it ends the whole grant).
    pub token: Secret,
}

impl RevocationPayload {
    /// The payload's bytes for the outbox.
    pub fn encode(&self) -> Result<Vec<u8>, AuthError> {
        serde_json::to_vec(self).map_err(|error| AuthError::Corrupt {
            reason: error.to_string(),
        })
    }
}

/// The outbox's sender of [`ItemKind::TokenRevocation`] items.
pub struct RevocationSender<'a> {
    state: &'a dyn Backend,
    config: &'a LoginConfig,
    client: &'a HttpClient,
    clock: &'a Clock,
}

impl<'a> RevocationSender<'a> {
    /// A sender revoking at the configured provider; discovery is cached in `state`.
    pub fn new(
        state: &'a dyn Backend,
        config: &'a LoginConfig,
        client: &'a HttpClient,
        clock: &'a Clock,
    ) -> RevocationSender<'a> {
        RevocationSender {
            state,
            config,
            client,
            clock,
        }
    }
}

impl Sender for RevocationSender<'_> {
    fn handles(&self, kind: ItemKind) -> bool {
        kind == ItemKind::TokenRevocation
    }

    async fn send(&self, item: &OutboxItem, cancel: &Cancellation) -> Result<String, SendError> {
        let payload: RevocationPayload = serde_json::from_slice(&item.payload)
            .map_err(|_| SendError::permanent("undecodable_payload"))?;
        if payload.issuer != self.config.issuer {
            // Issued by a provider this app no longer uses: nothing can revoke it now.
            return Err(SendError::permanent("another_issuer"));
        }
        let http = OidcHttp::new(self.client, cancel);
        let metadata = discover(
            self.state,
            &payload.issuer,
            &http,
            self.clock.now_ms(),
            false,
        )
        .await
        .map_err(|error| match error {
            AuthError::Network(net) => SendError::from(net),
            _ => SendError::transient("discovery"),
        })?;
        match revoke(&metadata, self.config, &payload.token, &http).await {
            Ok(()) => Ok(String::new()),
            Err(RevokeFailure::Unsupported) => Ok("unsupported".into()),
            Err(RevokeFailure::Refused(error)) => {
                Err(SendError::permanent(format!("revocation_{error}")))
            }
            Err(RevokeFailure::Exchange(failed)) => Err(SendError::from(failed.error)),
        }
    }
}
