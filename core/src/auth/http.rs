//! The OpenID Connect library's HTTP client: the core's own, so login follows the same TLS
//! policy, limits and clock as every other request, with no second HTTP stack.

use std::future::Future;
use std::pin::Pin;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

use crate::cancel::Cancellation;
use crate::net::{ExchangeError, HttpClient};

/// The core's client, lent to the OpenID Connect library for one operation.
pub struct OidcHttp<'a> {
    client: &'a HttpClient,
    cancel: &'a Cancellation,
}

impl<'a> OidcHttp<'a> {
    /// Lends `client` for calls that `cancel` can stop.
    pub fn new(client: &'a HttpClient, cancel: &'a Cancellation) -> OidcHttp<'a> {
        OidcHttp { client, cancel }
    }
}

impl<'c, 'a: 'c> AsyncHttpClient<'c> for OidcHttp<'a> {
    type Error = ExchangeError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, ExchangeError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.client.exchange(request, self.cancel))
    }
}
