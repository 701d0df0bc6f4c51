//! `HttpPortal`: the contract of `portal/openapi.yaml` over the core's HTTP client.

use serde::de::DeserializeOwned;

use super::wire::{
    ChangesPage, DOSSIER_VERIFIER_HEADER, DeviceReceipt, DeviceRegistration, FeedbackReceipt,
    FeedbackRequest, IDEMPOTENCY_KEY_HEADER, NotificationPage, ProcedureResponse,
    REGISTRATION_SECRET_HEADER, problem_types,
};
use super::{FeedAnswer, Portal, PortalError};
use crate::cancel::Cancellation;
use crate::dossier::model::Dossier;
use crate::net::{HttpClient, Method, NetError, Response};

/// A portal reached over HTTPS (or HTTP on loopback, for development and tests).
#[derive(Clone)]
pub struct HttpPortal {
    base_url: String,
    client: HttpClient,
}

impl HttpPortal {
    /// A portal at `base_url` (e.g. `https://dichvucong.tayninh.gov.vn/api`), without the
    /// `/v1` part.
    pub fn new(base_url: &str, client: HttpClient) -> HttpPortal {
        HttpPortal {
            base_url: base_url.trim_end_matches('/').to_string(),
            client,
        }
    }
}

/// Decodes a JSON answer, refusing what is not JSON (a maintenance page, garbage).
fn json<T: DeserializeOwned>(response: &Response) -> Result<T, NetError> {
    if response.content_type.as_deref() != Some("application/json") {
        return Err(NetError::InvalidResponse {
            reason: format!(
                "expected JSON, got {}",
                response
                    .content_type
                    .as_deref()
                    .unwrap_or("no content type")
            ),
        });
    }
    serde_json::from_slice(&response.body).map_err(|error| NetError::InvalidResponse {
        reason: format!("the JSON does not match the contract: {error}"),
    })
}

fn portal_error(error: NetError) -> PortalError {
    match error {
        NetError::Problem { kind, .. } if kind == problem_types::CURSOR_EXPIRED => {
            PortalError::CursorExpired
        }
        other => PortalError::Net(other),
    }
}

/// Keeps a query parameter URL-safe (cursors are opaque and may hold anything).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Portal for HttpPortal {
    fn source_id(&self) -> String {
        self.base_url.clone()
    }

    async fn catalog_changes(
        &self,
        cursor: Option<&str>,
        limit: u32,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<FeedAnswer, PortalError> {
        let mut url = format!("{}/v1/catalog/changes?limit={limit}", self.base_url);
        if let Some(cursor) = cursor {
            url.push_str("&cursor=");
            url.push_str(&encode(cursor));
        }
        self.client
            .get_decoded(&url, etag, cancel, |response| {
                if response.not_modified() {
                    return Ok(FeedAnswer::NotModified {
                        wire_bytes: response.wire_bytes,
                    });
                }
                let page: ChangesPage = json(&response)?;
                Ok(FeedAnswer::Page {
                    page,
                    etag: response.etag.clone(),
                    wire_bytes: response.wire_bytes,
                    attempts: response.attempts,
                })
            })
            .await
            .map_err(portal_error)
    }

    async fn procedure(
        &self,
        code: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(ProcedureResponse, Option<String>)>, PortalError> {
        let url = format!("{}/v1/catalog/procedures/{}", self.base_url, encode(code));
        self.client
            .get_decoded(&url, etag, cancel, |response| {
                if response.not_modified() {
                    return Ok(None);
                }
                Ok(Some((json(&response)?, response.etag.clone())))
            })
            .await
            .map_err(portal_error)
    }

    async fn dossier(
        &self,
        code: &str,
        verifier: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(Dossier, Option<String>)>, PortalError> {
        self.lookup(code, verifier, etag, cancel).await
    }

    async fn my_dossier(
        &self,
        access_token: &crate::auth::Secret,
        code: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(Dossier, Option<String>)>, PortalError> {
        let url = format!("{}/v1/me/dossiers/{}", self.base_url, encode(code));
        let authorization = format!("Bearer {}", access_token.expose());
        let headers = [("Authorization", authorization.as_str())];
        self.get_dossier(&url, etag, &headers, cancel).await
    }
}

impl HttpPortal {
    /// The dossier lookup of [`Portal::dossier`].
    async fn lookup(
        &self,
        code: &str,
        verifier: &str,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(Dossier, Option<String>)>, PortalError> {
        let url = format!("{}/v1/dossiers/{}", self.base_url, encode(code));
        self.get_dossier(&url, etag, &[(DOSSIER_VERIFIER_HEADER, verifier)], cancel)
            .await
    }

    /// A dossier at `url` (conditional on `etag`): `None` when unchanged.
    async fn get_dossier(
        &self,
        url: &str,
        etag: Option<&str>,
        headers: &[(&str, &str)],
        cancel: &Cancellation,
    ) -> Result<Option<(Dossier, Option<String>)>, PortalError> {
        self.client
            .get_decoded_with(url, etag, headers, cancel, |response| {
                if response.not_modified() {
                    return Ok(None);
                }
                Ok(Some((json(&response)?, response.etag.clone())))
            })
            .await
            .map_err(portal_error)
    }
}

/// The 1022 feedback calls. Inherent, not on [`Portal`]: they are the outbox's, which sends
/// them once per attempt and decides itself whether to try again.
impl HttpPortal {
    /// `POST /v1/feedback`, once (no retry here). `idempotency_key` must be the same on every
    /// attempt of one feedback, so the portal stores it once and replays its answer. An answer
    /// that is not the receipt the contract promises is [`NetError::InvalidResponse`]: the
    /// portal may have stored the feedback, and a repeat with the same key tells.
    pub async fn send_feedback(
        &self,
        payload: &FeedbackRequest,
        idempotency_key: &str,
        cancel: &Cancellation,
    ) -> Result<FeedbackReceipt, PortalError> {
        let url = format!("{}/v1/feedback", self.base_url);
        let body = serde_json::to_vec(payload).map_err(|error| NetError::Config {
            reason: format!("the feedback cannot be encoded: {error}"),
        })?;
        let headers = [(IDEMPOTENCY_KEY_HEADER, idempotency_key)];
        let response = self
            .client
            .post_json(&url, &headers, body, cancel)
            .await
            .map_err(portal_error)?;
        Ok(json(&response)?)
    }

    /// `GET /v1/feedback/{id}`: where a sent feedback is now (retried like any safe request).
    pub async fn feedback_status(
        &self,
        id: &str,
        cancel: &Cancellation,
    ) -> Result<FeedbackReceipt, PortalError> {
        let url = format!("{}/v1/feedback/{}", self.base_url, encode(id));
        self.client
            .get_decoded(&url, None, cancel, |response| json(&response))
            .await
            .map_err(portal_error)
    }
}

/// The signed-in citizen's calls (`/v1/me/*`), with the bearer token the caller got from
/// `core::auth` (a 401 comes back as [`NetError::Rejected`] with status 401).
impl HttpPortal {
    /// Every dossier of the signed-in citizen, following the pages.
    pub async fn my_dossiers(
        &self,
        access_token: &crate::auth::Secret,
        cancel: &Cancellation,
    ) -> Result<Vec<Dossier>, PortalError> {
        let authorization = format!("Bearer {}", access_token.expose());
        let headers = [("Authorization", authorization.as_str())];
        let mut dossiers = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                None => format!("{}/v1/me/dossiers", self.base_url),
                Some(cursor) => {
                    format!("{}/v1/me/dossiers?cursor={}", self.base_url, encode(cursor))
                }
            };
            let page: super::wire::DossierList = self
                .client
                .get_decoded_with(&url, None, &headers, cancel, |response| json(&response))
                .await
                .map_err(portal_error)?;
            dossiers.extend(page.dossiers);
            match page.next_cursor {
                Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                _ => return Ok(dossiers),
            }
        }
    }
}

/// The signed-in citizen's notification feed.
impl HttpPortal {
    /// `GET /v1/me/notifications`: one page of the signed-in citizen's notification feed, the
    /// items after `since` (a `next_cursor` of an earlier page; `None` from the beginning),
    /// oldest first, at most the portal's default page size
    /// ([`super::wire::DEFAULT_NOTIFICATIONS_LIMIT`]).
    ///
    /// With `etag` (the `ETag` of an earlier answer **to the same `since`**), an unchanged
    /// feed answers 304 and this returns `Ok(None)`: what background refresh polls with.
    /// Otherwise the page and its `ETag`. A page with items carries the `next_cursor` to ask
    /// with next; an empty page has none (keep `since`), and means the client is caught up.
    ///
    /// Errors: a refused or missing token is [`NetError::Problem`] with status 401 (see
    /// [`NetError::is_unauthorized`]); a cursor the portal no longer accepts (garbage, or
    /// from before the portal's dossiers were reset: a 400 `invalid-request` to a request
    /// with `since`) is [`PortalError::CursorExpired`]: start again without `since` (the
    /// inbox drops what it already has by the items' identities). Retries are the client's,
    /// as for any safe request.
    pub async fn my_notifications(
        &self,
        access_token: &crate::auth::Secret,
        since: Option<&str>,
        etag: Option<&str>,
        cancel: &Cancellation,
    ) -> Result<Option<(NotificationPage, Option<String>)>, PortalError> {
        let authorization = format!("Bearer {}", access_token.expose());
        let headers = [("Authorization", authorization.as_str())];
        let url = match since {
            None => format!("{}/v1/me/notifications", self.base_url),
            Some(since) => format!(
                "{}/v1/me/notifications?since={}",
                self.base_url,
                encode(since)
            ),
        };
        self.client
            .get_decoded_with(&url, etag, &headers, cancel, |response| {
                if response.not_modified() {
                    return Ok(None);
                }
                Ok(Some((json(&response)?, response.etag.clone())))
            })
            .await
            .map_err(|error| match error {
                NetError::Problem { status: 400, kind }
                    if since.is_some() && kind == problem_types::INVALID_REQUEST =>
                {
                    PortalError::CursorExpired
                }
                other => portal_error(other),
            })
    }
}

/// The push registration calls, the outbox's like the feedback's (one attempt each).
impl HttpPortal {
    /// `PUT /v1/me/devices/{installation_id}`: this installation receives the pushes of the
    /// citizen `access_token` belongs to (replacing whatever it received before).
    pub async fn register_device(
        &self,
        access_token: &crate::auth::Secret,
        installation_id: &str,
        registration: &DeviceRegistration,
        idempotency_key: &str,
        cancel: &Cancellation,
    ) -> Result<DeviceReceipt, PortalError> {
        let url = format!(
            "{}/v1/me/devices/{}",
            self.base_url,
            encode(installation_id)
        );
        let body = serde_json::to_vec(registration).map_err(|error| NetError::Config {
            reason: format!("the registration cannot be encoded: {error}"),
        })?;
        let authorization = format!("Bearer {}", access_token.expose());
        let headers = [
            ("Authorization", authorization.as_str()),
            (IDEMPOTENCY_KEY_HEADER, idempotency_key),
        ];
        let response = self
            .client
            .send(Method::Put, &url, &headers, Some(body), cancel)
            .await
            .map_err(portal_error)?;
        Ok(json(&response)?)
    }

    /// `DELETE /v1/devices/{installation_id}` with the registration's secret: `true` when it
    /// was removed, `false` when the portal has no such registration (removed already, or
    /// replaced by someone else's, which stays).
    pub async fn unregister_device(
        &self,
        installation_id: &str,
        secret: &crate::auth::Secret,
        cancel: &Cancellation,
    ) -> Result<bool, PortalError> {
        let url = format!("{}/v1/devices/{}", self.base_url, encode(installation_id));
        let headers = [(REGISTRATION_SECRET_HEADER, secret.expose())];
        match self
            .client
            .send(Method::Delete, &url, &headers, None, cancel)
            .await
        {
            Ok(_) => Ok(true),
            Err(NetError::NotFound) => Ok(false),
            Err(NetError::Problem { status: 404, .. }) => Ok(false),
            Err(other) => Err(portal_error(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_escaped_in_the_query() {
        assert_eq!(encode("c1.42"), "c1.42");
        assert_eq!(encode("s1.0.1 00/&"), "s1.0.1%2000%2F%26");
    }
}
