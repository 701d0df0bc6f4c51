//! `GET /v1/me/notifications?since=CURSOR&limit=N`: the signed-in citizen's notification feed
//! ([`crate::notifications`]), oldest first, a page at a time, with an `ETag` so background
//! refresh polls it with conditional requests (304 while nothing is new).
//!
//! Signed in exactly as `/v1/me/dossiers` ([`super::me`]): 401 without a token or with a
//! refused one, 503 when the provider cannot be reached. The items come from the dossiers
//! `/v1/me/dossiers` lists at the portal's now, test control's changes included. A `since`
//! that does not decode, comes from before a reset of the stories, or points past the
//! portal's now is 400, as is a `limit` outside 1 to 500.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use longan_core::portal::wire::{DEFAULT_NOTIFICATIONS_LIMIT, MAX_NOTIFICATIONS_LIMIT};
use serde::Deserialize;

use super::me::signed_in;
use crate::clock::unix_millis;
use crate::etag;
use crate::notifications::{self, CursorError};
use crate::problem::ApiProblem;
use crate::respond::{json_with_etag, not_modified, to_json};
use crate::state::AppState;

/// The query of the feed; both are optional, and empty counts as absent.
#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    since: Option<String>,
    limit: Option<String>,
}

/// One page of the citizen's notification feed (see `portal/openapi.yaml`).
pub async fn feed(
    State(state): State<Arc<AppState>>,
    Query(query): Query<FeedQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiProblem> {
    let subject = signed_in(&state, &headers).await?;
    let limit = parse_limit(query.limit.as_deref())?;
    let now = state.clock.now();
    let (dossiers, epoch_ms) = {
        let book = state.dossiers();
        (book.owned_by(&subject, now), unix_millis(book.epoch()))
    };
    let since = match query.since.as_deref().filter(|text| !text.is_empty()) {
        None => None,
        Some(text) => {
            Some(notifications::parse_cursor(text, epoch_ms, unix_millis(now)).map_err(refused)?)
        }
    };
    let items = notifications::items_of(&dossiers);
    let page = notifications::page(items, since.as_ref(), limit, epoch_ms);
    let body = to_json(&page)?;
    let tag = etag::of_body(&body);
    if etag::none_match_hits(&headers, &tag) {
        return Ok(not_modified(&tag));
    }
    Ok(json_with_etag(body, &tag))
}

fn refused(error: CursorError) -> ApiProblem {
    ApiProblem::invalid(match error {
        CursorError::Malformed => "since is not a cursor this portal gave",
        CursorError::Stale => {
            "since is a cursor this portal no longer accepts (the dossiers were reset); \
             start again without since"
        }
    })
}

fn parse_limit(text: Option<&str>) -> Result<usize, ApiProblem> {
    let Some(text) = text.filter(|text| !text.is_empty()) else {
        return Ok(DEFAULT_NOTIFICATIONS_LIMIT as usize);
    };
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u32>() {
        Ok(limit) if digits && (1..=MAX_NOTIFICATIONS_LIMIT).contains(&limit) => Ok(limit as usize),
        _ => Err(ApiProblem::invalid(format!(
            "limit must be a whole number from 1 to {MAX_NOTIFICATIONS_LIMIT}"
        ))),
    }
}
