//! `GET /v1/catalog/changes` and `GET /v1/catalog/procedures/{code}`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use longan_core::portal::wire::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ProcedureResponse};
use longan_core::text::is_procedure_code;
use serde::Deserialize;

use crate::cursor::Cursor;
use crate::etag;
use crate::feed::FeedError;
use crate::problem::ApiProblem;
use crate::respond::{json_with_etag, not_modified, to_json};
use crate::state::AppState;

/// The query of the changes feed; both are optional, and empty counts as absent.
#[derive(Debug, Deserialize)]
pub struct ChangesQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// One page of the change feed (see `portal/openapi.yaml`).
pub async fn changes(
    State(state): State<Arc<AppState>>,
    Query(query): Query<ChangesQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiProblem> {
    let limit = parse_limit(query.limit.as_deref())?;
    let cursor = match query.cursor.as_deref().filter(|text| !text.is_empty()) {
        None => None,
        Some(text) => {
            Some(Cursor::parse(text).ok_or_else(|| ApiProblem::invalid("malformed cursor"))?)
        }
    };
    let expired = |FeedError::Expired| ApiProblem::cursor_expired();
    let (body, tag) = {
        let feed = state.feed();
        let tag = feed.etag(cursor.as_ref(), limit).map_err(expired)?;
        if etag::none_match_hits(&headers, &tag) {
            return Ok(not_modified(&tag));
        }
        let page = feed.page(cursor.as_ref(), limit).map_err(expired)?;
        (to_json(&page)?, tag)
    };
    Ok(json_with_etag(body, &tag))
}

fn parse_limit(text: Option<&str>) -> Result<u32, ApiProblem> {
    let Some(text) = text.filter(|text| !text.is_empty()) else {
        return Ok(DEFAULT_PAGE_SIZE);
    };
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u32>() {
        Ok(limit) if digits && (1..=MAX_PAGE_SIZE).contains(&limit) => Ok(limit),
        _ => Err(ApiProblem::invalid(format!(
            "limit must be a whole number from 1 to {MAX_PAGE_SIZE}"
        ))),
    }
}

/// One procedure with its full record when the portal has one.
pub async fn procedure(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiProblem> {
    if !is_procedure_code(&code) {
        return Err(ApiProblem::invalid(
            "the code is not a procedure code (d.dddddd)",
        ));
    }
    let response = {
        let feed = state.feed();
        let entry = feed
            .entry(&code)
            .ok_or_else(|| ApiProblem::not_found("no procedure has this code"))?;
        ProcedureResponse {
            summary: entry.summary.clone(),
            details: entry.details.clone(),
        }
    };
    let body = to_json(&response)?;
    let tag = etag::of_body(&body);
    if etag::none_match_hits(&headers, &tag) {
        return Ok(not_modified(&tag));
    }
    Ok(json_with_etag(body, &tag))
}
