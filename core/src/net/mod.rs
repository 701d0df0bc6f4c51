//! The network layer: one HTTP client (reqwest over rustls with ring) under the core's TLS
//! policy, with timeouts, bounded retries of safe requests, size limits, and errors in the
//! categories the apps branch on. Everything it learns about time goes to the core's clock.

mod client;
mod config;
mod error;
mod exchange;
mod retry;
pub mod spki;
mod tls;

pub use client::{HttpClient, Method, Response};
pub use config::NetConfig;
pub use error::NetError;
pub use exchange::{ExchangeError, RawRequest, RawResponse, unavailable};
