//! The TLS policy: rustls with the ring provider, the Mozilla roots plus the deployment's own
//! anchors, HTTP/2 and HTTP/1.1. Handed to reqwest preconfigured, so reqwest's platform verifier
//! is never called (and Android needs no JNI set-up for it).

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use super::error::NetError;

/// The rustls configuration every connection uses.
pub fn client_config(extra_roots_der: &[Vec<u8>]) -> Result<ClientConfig, NetError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in extra_roots_der {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|error| NetError::Config {
                reason: format!("a configured trust anchor is not a usable certificate: {error}"),
            })?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| NetError::Config {
            reason: format!("TLS set-up failed: {error}"),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// True for a URL the policy allows: HTTPS anywhere, plain HTTP only to this machine
/// (development and tests).
pub fn allowed(url: &reqwest::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => url.host_str().is_some_and(|host| {
            host == "localhost"
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}
