//! The TLS policy: rustls with the ring provider, the Mozilla roots plus the deployment's own
//! anchors, optional key pins, HTTP/1.1. Handed to reqwest preconfigured, so reqwest's
//! platform verifier is never called (and Android needs no JNI set-up for it).

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::error::NetError;
use super::spki::spki_sha256;

/// The rustls configuration every connection uses. With `pins` (SHA-256 of a
/// SubjectPublicKeyInfo, see [`super::spki`]), a chain that verifies must also hold one of
/// those keys (the server's or an intermediate's), or the connection is refused.
pub fn client_config(
    extra_roots_der: &[Vec<u8>],
    pins: &[[u8; 32]],
) -> Result<ClientConfig, NetError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in extra_roots_der {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|error| NetError::Config {
                reason: format!("a configured trust anchor is not a usable certificate: {error}"),
            })?;
    }
    let setup_failed = |error: &dyn std::fmt::Display| NetError::Config {
        reason: format!("TLS set-up failed: {error}"),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| setup_failed(&error))?;
    let mut config = if pins.is_empty() {
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        let chain = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|error| setup_failed(&error))?;
        let verifier = PinnedKeys {
            chain,
            pins: pins.to_vec(),
        };
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth()
    };
    // The client speaks HTTP/1.1 only (no h2 in the build): offering h2 would let a server
    // pick a protocol the client cannot speak.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The usual chain verification, then a key pin check.
#[derive(Debug)]
struct PinnedKeys {
    chain: Arc<WebPkiServerVerifier>,
    pins: Vec<[u8; 32]>,
}

impl ServerCertVerifier for PinnedKeys {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.chain.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let pinned = std::iter::once(end_entity)
            .chain(intermediates)
            .filter_map(|certificate| spki_sha256(certificate))
            .any(|key| self.pins.contains(&key));
        if !pinned {
            log::warn!("TLS: the server's keys match none of the pins");
            return Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ));
        }
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.chain
            .verify_tls12_signature(message, certificate, signature)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.chain
            .verify_tls13_signature(message, certificate, signature)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.chain.supported_verify_schemes()
    }
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
