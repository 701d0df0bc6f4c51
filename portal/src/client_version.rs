//! The `X-Client-Version` check, before every operation: missing is accepted, malformed is
//! 400, older than the configured minimum is 426.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use longan_core::portal::wire::CLIENT_VERSION_HEADER;

use crate::problem::ApiProblem;
use crate::version::Version;

/// Middleware: refuses clients older than `minimum`.
pub async fn check(State(minimum): State<Version>, request: Request, next: Next) -> Response {
    match verdict(request.headers(), minimum) {
        Ok(()) => next.run(request).await,
        Err(problem) => problem.into_response(),
    }
}

fn verdict(headers: &HeaderMap, minimum: Version) -> Result<(), ApiProblem> {
    let values: Vec<_> = headers.get_all(CLIENT_VERSION_HEADER).iter().collect();
    let value = match values.as_slice() {
        [] => return Ok(()),
        [value] => value,
        _ => {
            return Err(ApiProblem::invalid(
                "X-Client-Version is given more than once",
            ));
        }
    };
    match value.to_str().ok().and_then(Version::parse) {
        None => Err(ApiProblem::invalid(
            "X-Client-Version is not major.minor.patch",
        )),
        Some(version) if version < minimum => Err(ApiProblem::client_too_old(&minimum.to_string())),
        Some(_) => Ok(()),
    }
}
