//! End-to-end: the TLS policy against a real TLS server on loopback. A certificate the policy
//! does not trust is refused; a deployment's own anchor is trusted; key pins refuse a chain
//! that verifies but holds none of the pinned keys.

use longan_core::net::spki::spki_sha256;
use longan_core::net::{HttpClient, NetConfig, NetError};
use longan_core::portal::{HttpPortal, Portal, PortalError};
use longan_core::{Cancellation, clock::Clock};
use longan_tests::tls_server::{CA_DER, LEAF_DER, TlsServer};

async fn look_up(server: &TlsServer, config: NetConfig) -> Result<(), NetError> {
    let client = HttpClient::new(config, Clock::default()).expect("the client builds");
    let portal = HttpPortal::new(&server.url(), client);
    let answer = portal
        .dossier(
            "000.00.12.H39-250315-0042",
            "1234",
            None,
            &Cancellation::new(),
        )
        .await;
    match answer {
        Ok(_) => Ok(()),
        Err(PortalError::Net(error)) => Err(error),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

fn trusting_the_test_ca(pins: Vec<[u8; 32]>) -> NetConfig {
    NetConfig {
        extra_roots_der: vec![CA_DER.to_vec()],
        pinned_spki_sha256: pins,
        ..NetConfig::for_tests()
    }
}

#[tokio::test]
async fn a_certificate_the_policy_does_not_trust_is_refused_as_untrusted() {
    let server = TlsServer::start();
    let refused = look_up(&server, NetConfig::for_tests()).await;
    assert!(
        matches!(refused, Err(NetError::Untrusted { .. })),
        "{refused:?}"
    );
    assert_eq!(server.served(), 0);
}

#[tokio::test]
async fn a_deployments_own_anchor_is_trusted_and_the_answer_read() {
    let server = TlsServer::start();
    let answer = look_up(&server, trusting_the_test_ca(Vec::new())).await;
    assert_eq!(answer, Err(NetError::NotFound));
    assert_eq!(server.served(), 1);
}

#[tokio::test]
async fn a_pin_of_the_servers_key_or_of_its_ca_lets_the_connection_through() {
    let server = TlsServer::start();
    for pin in [spki_sha256(LEAF_DER), spki_sha256(CA_DER)] {
        let config = trusting_the_test_ca(vec![pin.expect("a certificate")]);
        assert_eq!(look_up(&server, config).await, Err(NetError::NotFound));
    }
    assert_eq!(server.served(), 2);
}

#[tokio::test]
async fn a_chain_that_verifies_but_holds_no_pinned_key_is_refused() {
    let server = TlsServer::start();
    let refused = look_up(&server, trusting_the_test_ca(vec![[7u8; 32]])).await;
    assert!(
        matches!(refused, Err(NetError::Untrusted { .. })),
        "{refused:?}"
    );
    assert_eq!(server.served(), 0);
}
