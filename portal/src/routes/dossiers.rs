//! `GET /v1/dossiers/{code}`: the public lookup of one dossier by its code and the verifier
//! printed nowhere but known to the applicant (the last four digits of their phone number).
//!
//! An unknown code, a missing verifier and a wrong one get the very same 404, so the answers
//! tell nobody which codes exist; every lookup, found or not, takes a token of the client's
//! rate limit, which is what stops guessing.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use longan_core::dossier::code::DossierCode;

use crate::client_key::ClientKey;
use crate::clock::unix_millis;
use crate::etag;
use crate::problem::ApiProblem;
use crate::respond::{json_with_etag, not_modified, to_json};
use crate::state::AppState;

/// The request header carrying the verifier (never the URL: URLs end up in logs).
pub const VERIFIER_HEADER: &str = "X-Dossier-Verifier";

/// The one answer for "no such dossier" and "not yours".
fn not_found() -> ApiProblem {
    ApiProblem::not_found("no dossier matches this code and verifier")
}

/// The dossier, when the code names one and the verifier is its applicant's.
pub async fn lookup(
    State(state): State<Arc<AppState>>,
    ClientKey(client): ClientKey,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiProblem> {
    let now = state.clock.now();
    let allowed = state.limiter().take(&client, now);
    allowed.map_err(ApiProblem::rate_limited)?;
    let code = DossierCode::parse(&code)
        .map_err(|_| ApiProblem::invalid("the path does not hold a dossier code"))?;
    let (found, epoch) = {
        let book = state.dossiers();
        let found = book.lookup(code.as_str(), now);
        (found, book.epoch())
    };
    let dossier = found
        .filter(|sample| verifier_matches(&headers, &sample.verifier))
        .ok_or_else(not_found)?
        .dossier;
    let tag = etag::dossier(&dossier.code, dossier.version, unix_millis(epoch));
    if etag::none_match_hits(&headers, &tag) {
        return Ok(not_modified(&tag));
    }
    Ok(json_with_etag(to_json(&dossier)?, &tag))
}

/// True when the request carries exactly one verifier and it is `expected` (spaces around it
/// forgiven), compared without an early exit.
fn verifier_matches(headers: &HeaderMap, expected: &str) -> bool {
    let mut values = headers.get_all(VERIFIER_HEADER).iter();
    let (Some(given), None) = (values.next(), values.next()) else {
        return false;
    };
    let given = given.as_bytes().trim_ascii();
    let expected = expected.as_bytes();
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(VERIFIER_HEADER, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn only_one_exact_verifier_unlocks_a_dossier() {
        assert!(verifier_matches(&with(&["0042"]), "0042"));
        assert!(verifier_matches(&with(&[" 0042 "]), "0042"));
        for given in [
            &[][..],
            &["0043"],
            &["042"],
            &["00420"],
            &["0042", "0042"],
            &[""],
        ] {
            assert!(!verifier_matches(&with(given), "0042"), "{given:?}");
        }
    }
}
