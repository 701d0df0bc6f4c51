//! `GET /v1/me/dossiers` and `GET /v1/me/dossiers/{code}`: a signed-in citizen's own dossiers.
//! Sign-in comes with a later issue; until then both answer 401 (`auth-required`): without a
//! bearer token, asking for one; with any token, saying sign-in is not available yet.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use crate::problem::ApiProblem;

/// The list of the user's dossiers (for now: 401).
pub async fn list(headers: HeaderMap) -> ApiProblem {
    refuse(&headers)
}

/// One of the user's dossiers (for now: 401).
pub async fn one(headers: HeaderMap) -> ApiProblem {
    refuse(&headers)
}

fn refuse(headers: &HeaderMap) -> ApiProblem {
    match has_bearer_token(headers) {
        false => ApiProblem::auth_required(
            "sign in first: send Authorization: Bearer with an access token",
            "Bearer",
        ),
        true => ApiProblem::auth_required(
            "sign-in is not available on this portal yet",
            "Bearer error=\"invalid_token\"",
        ),
    }
}

/// True when `Authorization` is `Bearer <token>` (the scheme in any case).
fn has_bearer_token(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    match value.trim().split_once(' ') {
        Some((scheme, token)) => scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty(),
        None => false,
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
        assert!(has_bearer_token(&with("Bearer abc")));
        assert!(has_bearer_token(&with("bearer abc")));
        assert!(!has_bearer_token(&with("Bearer ")));
        assert!(!has_bearer_token(&with("Basic dXNlcjpwdw==")));
        assert!(!has_bearer_token(&HeaderMap::new()));
    }
}
