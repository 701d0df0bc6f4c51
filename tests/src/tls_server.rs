//! A TLS server on loopback presenting the test certificate of `tests/fixtures/tls` (for
//! `localhost` / `127.0.0.1`, signed by a throw-away CA), answering every request with a 404
//! problem: enough to tell a refused handshake from a connection that went through.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// The test CA's certificate (DER), to add as a trust anchor.
pub const CA_DER: &[u8] = include_bytes!("../fixtures/tls/ca.der");
/// The server certificate (DER).
pub const LEAF_DER: &[u8] = include_bytes!("../fixtures/tls/leaf.der");
const LEAF_KEY_DER: &[u8] = include_bytes!("../fixtures/tls/leaf.key.der");

/// The running server; it stops with the test process.
pub struct TlsServer {
    addr: SocketAddr,
    served: Arc<AtomicU64>,
}

impl TlsServer {
    /// Starts serving on an ephemeral port; the chain sent is the leaf then the CA.
    pub fn start() -> TlsServer {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(LEAF_KEY_DER.to_vec()));
        let chain = vec![
            CertificateDer::from(LEAF_DER.to_vec()),
            CertificateDer::from(CA_DER.to_vec()),
        ];
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("the test certificate and key match");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        let served = Arc::new(AtomicU64::new(0));
        let counter = served.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let config = config.clone();
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let Ok(connection) = ServerConnection::new(config) else {
                        return;
                    };
                    let mut tls = StreamOwned::new(connection, stream);
                    if answer(&mut tls).is_ok() {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        TlsServer { addr, served }
    }

    /// `https://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.addr.port())
    }

    /// Requests answered (each one got through a handshake the client accepted).
    pub fn served(&self) -> u64 {
        self.served.load(Ordering::SeqCst)
    }
}

/// Reads one request head and answers 404 with a problem document.
fn answer(tls: &mut StreamOwned<ServerConnection, std::net::TcpStream>) -> std::io::Result<()> {
    let mut reader = BufReader::new(&mut *tls);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == "\r\n" {
            break;
        }
    }
    let body =
        r#"{"type":"https://longan.example/problems/not-found","title":"Not found","status":404}"#;
    let head = format!(
        "HTTP/1.1 404 Not Found\r\ncontent-type: application/problem+json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    tls.write_all(head.as_bytes())?;
    tls.write_all(body.as_bytes())?;
    tls.flush()?;
    tls.conn.send_close_notify();
    tls.flush()
}
