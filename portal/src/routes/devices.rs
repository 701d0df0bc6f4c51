//! `PUT /v1/me/devices/{installation_id}` and `DELETE /v1/devices/{installation_id}`: where
//! an app installation receives the signed-in citizen's pushes.
//!
//! - `PUT` (signed in as for the other `/v1/me` routes): registers the installation for the
//!   token's subject, replacing whatever it had, whoever's it was; 200 with a
//!   `DeviceReceipt`. An `Idempotency-Key` is ignored: a `PUT` is idempotent by itself.
//! - `DELETE` (no sign-in: a signed-out profile has no session left to prove anything with):
//!   the registration's secret in `Registration-Secret` removes it (204). No registration, or
//!   one with another secret, is the same 404, which the app takes as "already gone": the
//!   stale unregistration of the person before never removes the next person's registration.
//!
//! Problem details name the rule a request broke, never what it carried; tokens, secrets and
//! subjects are never logged.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use longan_core::portal::wire::{
    DeviceRegistration, MAX_INSTALLATION_ID_BYTES, MAX_REGISTRATION_SECRET_BYTES,
    MIN_REGISTRATION_SECRET_BYTES, REGISTRATION_SECRET_HEADER, is_installation_id,
    registration_problem,
};

use super::me;
use crate::clock::unix_millis;
use crate::devices::Unregistered;
use crate::problem::ApiProblem;
use crate::respond::to_json;
use crate::state::AppState;

/// Registers the installation for the signed-in citizen.
pub async fn register(
    State(state): State<Arc<AppState>>,
    Path(installation_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiProblem> {
    state.devices_mut().count_put();
    let subject = me::signed_in(&state, &headers).await?;
    valid_installation(&installation_id)?;
    // serde's messages can quote the body (the token, the secret): the detail says only
    // which contract was broken.
    let registration: DeviceRegistration = serde_json::from_slice(&body).map_err(|_| {
        ApiProblem::invalid_content(
            "the body is not a DeviceRegistration (platform fcm or apns, token, language, \
             registration_secret)",
        )
    })?;
    if let Some(rule) = registration_problem(&registration) {
        return Err(ApiProblem::invalid_content(rule));
    }
    let now = unix_millis(state.clock.now());
    let receipt = state
        .devices_mut()
        .register(&installation_id, subject, registration, now);
    let body = to_json(&receipt)?;
    let json = HeaderValue::from_static("application/json");
    Ok((StatusCode::OK, [(CONTENT_TYPE, json)], body).into_response())
}

/// Removes the installation's registration when the request holds its secret.
pub async fn unregister(
    State(state): State<Arc<AppState>>,
    Path(installation_id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiProblem> {
    state.devices_mut().count_delete();
    valid_installation(&installation_id)?;
    let secret = registration_secret(&headers)?;
    match state.devices_mut().unregister(&installation_id, secret) {
        Unregistered::Removed => Ok(StatusCode::NO_CONTENT),
        Unregistered::NotFound => Err(ApiProblem::not_found(
            "this installation has no registration with this secret",
        )),
    }
}

fn valid_installation(id: &str) -> Result<(), ApiProblem> {
    match is_installation_id(id) {
        true => Ok(()),
        false => Err(ApiProblem::invalid(format!(
            "the installation id must be 1 to {MAX_INSTALLATION_ID_BYTES} ASCII letters, \
             digits, - and _"
        ))),
    }
}

/// The request's one `Registration-Secret`, of the form a registration's secret has. A
/// malformed one is 400, not the 404 of a wrong one: the app would take a 404 as "already
/// gone" and never learn that it sends something no registration can have.
fn registration_secret(headers: &HeaderMap) -> Result<&str, ApiProblem> {
    let mut values = headers.get_all(REGISTRATION_SECRET_HEADER).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(ApiProblem::invalid(
            "exactly one Registration-Secret header is required",
        ));
    };
    let secret = value.as_bytes();
    let sized =
        (MIN_REGISTRATION_SECRET_BYTES..=MAX_REGISTRATION_SECRET_BYTES).contains(&secret.len());
    let visible = secret.iter().all(|b| (0x21..=0x7e).contains(b));
    match (sized && visible, value.to_str()) {
        (true, Ok(secret)) => Ok(secret),
        _ => Err(ApiProblem::invalid(format!(
            "the Registration-Secret must be {MIN_REGISTRATION_SECRET_BYTES} to \
             {MAX_REGISTRATION_SECRET_BYTES} visible ASCII characters"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(REGISTRATION_SECRET_HEADER, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn one_secret_of_a_registration_s_form_is_required() {
        let good = "0123456789abcdef0123456789abcdef";
        assert_eq!(registration_secret(&with(&[good])).unwrap(), good);
        let long: &'static str = Box::leak("s".repeat(129).into_boxed_str());
        let spaced = "0123456789abcdef 123456789abcdef0";
        for bad in [
            &[][..],
            &[good, good],
            &[""],
            &["short"],
            &[spaced],
            &[long],
        ] {
            assert!(registration_secret(&with(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_installation_id_is_letters_digits_dashes_and_underscores() {
        assert!(valid_installation("a1-B_2").is_ok());
        for bad in ["", "a.b", "a b", &"x".repeat(65)] {
            assert!(valid_installation(bad).is_err(), "{bad:?}");
        }
    }
}
