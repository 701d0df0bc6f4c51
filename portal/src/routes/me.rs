//! `GET /v1/me/dossiers` and `GET /v1/me/dossiers/{code}`: a signed-in citizen's own dossiers.
//!
//! The citizen is the `sub` of the bearer access token, as the OpenID provider's token
//! introspection tells it ([`crate::introspection`]); the test accounts' dossiers are the
//! scenario's (`longan_core::dossier::scenario::ACCOUNTS`), and any other subject has none.
//! Without a provider configured both answer 401 to everyone: without a token asking for one,
//! with any token saying sign-in is not available.
//!
//! - no `Authorization: Bearer …`: 401, `WWW-Authenticate: Bearer realm="longan"`;
//! - a token the provider does not call an active access token: 401,
//!   `WWW-Authenticate: Bearer realm="longan", error="invalid_token"`;
//! - the provider unreachable: 503 with `Retry-After`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::response::Response;
use longan_core::dossier::code::DossierCode;
use longan_core::portal::wire::DossierList;
use serde::Deserialize;

use crate::clock::unix_millis;
use crate::etag;
use crate::introspection::Verdict;
use crate::problem::ApiProblem;
use crate::respond::{json_with_etag, not_modified, to_json};
use crate::state::AppState;

/// The challenge when no token was sent.
const ASK_FOR_TOKEN: &str = "Bearer realm=\"longan\"";
/// The challenge when the token was refused.
const INVALID_TOKEN: &str = "Bearer realm=\"longan\", error=\"invalid_token\"";

/// The query of the list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

/// The user's dossiers, newest first, on one page (`next_cursor` is always `null`).
pub async fn list(
    State(state): State<Arc<AppState>>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiProblem> {
    let subject = signed_in(&state, &headers).await?;
    if query.cursor.is_some() {
        return Err(ApiProblem::invalid(
            "the cursor is not one this portal gave: the list has one page",
        ));
    }
    let dossiers = state.dossiers().owned_by(&subject, state.clock.now());
    let body = to_json(&DossierList {
        dossiers,
        next_cursor: None,
    })?;
    let tag = etag::of_body(&body);
    if etag::none_match_hits(&headers, &tag) {
        return Ok(not_modified(&tag));
    }
    Ok(json_with_etag(body, &tag))
}

/// One of the user's dossiers; another's or an unknown code get the same 404.
pub async fn one(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiProblem> {
    let subject = signed_in(&state, &headers).await?;
    let code = DossierCode::parse(&code)
        .map_err(|_| ApiProblem::invalid("the path does not hold a dossier code"))?;
    let (found, epoch) = {
        let book = state.dossiers();
        let owned = book.owned_by(&subject, state.clock.now());
        let found = owned.into_iter().find(|d| d.code == code.as_str());
        (found, book.epoch())
    };
    let dossier =
        found.ok_or_else(|| ApiProblem::not_found("you have no dossier with this code"))?;
    let tag = etag::dossier(&dossier.code, dossier.version, unix_millis(epoch));
    if etag::none_match_hits(&headers, &tag) {
        return Ok(not_modified(&tag));
    }
    Ok(json_with_etag(to_json(&dossier)?, &tag))
}

/// The subject of the request's bearer token, or the answer refusing it.
pub(super) async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<String, ApiProblem> {
    let refused = || {
        ApiProblem::auth_required(
            "the access token is not valid (unknown, expired or revoked): sign in again",
            INVALID_TOKEN,
        )
    };
    let bearer = bearer_token(headers);
    if bearer == Bearer::Missing {
        return Err(ApiProblem::auth_required(
            "sign in first: send Authorization: Bearer with an access token",
            ASK_FOR_TOKEN,
        ));
    }
    let Some(introspector) = &state.introspector else {
        return Err(ApiProblem::auth_required(
            "sign-in is not available on this portal yet",
            INVALID_TOKEN,
        ));
    };
    // Not the syntax of a token: no provider would know it.
    let Bearer::Token(token) = bearer else {
        return Err(refused());
    };
    match introspector.check(token).await {
        Ok(Verdict::Active { subject }) => Ok(subject),
        Ok(Verdict::Inactive) => Err(refused()),
        Err(_) => Err(ApiProblem::dependency_unavailable(
            "the sign-in service cannot be reached; try again shortly",
        )),
    }
}

/// What the `Authorization` header holds.
#[derive(Debug, PartialEq, Eq)]
enum Bearer<'a> {
    /// No `Bearer` credentials (no header, another scheme, an empty token).
    Missing,
    /// `Bearer` with something that is not a token (RFC 6750 §2.1 `b64token`).
    Malformed,
    /// `Bearer <token>`.
    Token(&'a str),
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case).
fn bearer_token(headers: &HeaderMap) -> Bearer<'_> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Bearer::Missing;
    };
    let value = value.as_bytes().trim_ascii();
    let Some(space) = value.iter().position(|byte| *byte == b' ') else {
        return Bearer::Missing;
    };
    let (scheme, token) = (&value[..space], value[space..].trim_ascii());
    if !scheme.eq_ignore_ascii_case(b"bearer") || token.is_empty() {
        return Bearer::Missing;
    }
    let body = token
        .iter()
        .rposition(|b| *b != b'=')
        .map_or(&[][..], |end| &token[..=end]);
    let b64token = !body.is_empty()
        && body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(b));
    match std::str::from_utf8(token) {
        Ok(token) if b64token => Bearer::Token(token),
        _ => Bearer::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_bearer_token_is_told_apart_from_other_credentials() {
        assert_eq!(bearer_token(&with("Bearer abc")), Bearer::Token("abc"));
        assert_eq!(
            bearer_token(&with("bearer  a-b.c_~+/== ")),
            Bearer::Token("a-b.c_~+/==")
        );
        assert_eq!(bearer_token(&with("Bearer ")), Bearer::Missing);
        assert_eq!(bearer_token(&with("Basic dXNlcjpwdw==")), Bearer::Missing);
        assert_eq!(bearer_token(&HeaderMap::new()), Bearer::Missing);
        for malformed in ["Bearer a b", "Bearer a=b", "Bearer ===", "Bearer a\"b"] {
            assert_eq!(
                bearer_token(&with(malformed)),
                Bearer::Malformed,
                "{malformed}"
            );
        }
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_bytes("Bearer ünï".as_bytes()).unwrap();
        headers.insert(AUTHORIZATION, value);
        assert_eq!(bearer_token(&headers), Bearer::Malformed);
    }
}
