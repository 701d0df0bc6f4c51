//! The OpenID Connect library's HTTP client: the core's own, so login follows the same TLS
//! policy, limits and clock as every other request, with no second HTTP stack.

use std::future::Future;
use std::pin::Pin;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

use crate::cancel::Cancellation;
use crate::net::{ExchangeError, HttpClient};

/// The core's client (a cheap clone sharing its connections), given to the OpenID Connect
/// library for one operation.
pub struct OidcHttp {
    client: HttpClient,
    cancel: Cancellation,
}

impl OidcHttp {
    /// `client`, for calls that `cancel` can stop.
    pub fn new(client: &HttpClient, cancel: &Cancellation) -> OidcHttp {
        OidcHttp {
            client: client.clone(),
            cancel: cancel.clone(),
        }
    }
}

impl<'c> AsyncHttpClient<'c> for OidcHttp {
    type Error = ExchangeError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, ExchangeError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.client.exchange(request, &self.cancel).await?;
            // A busy or failing provider answers with a page openidconnect would try to read
            // as a token answer: report it as what it is, with its Retry-After.
            match crate::net::unavailable(&response) {
                Some(failed) => Err(failed),
                None => Ok(response),
            }
        })
    }
}
