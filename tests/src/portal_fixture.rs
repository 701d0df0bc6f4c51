//! A reference portal behind a fault proxy, and a core synced with it through the proxy: what
//! the portal end-to-end tests and the sync benchmark start from.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use longan_core::catalog::CatalogSource;
use longan_core::clock::Clock;
use longan_core::net::{HttpClient, NetConfig};
use longan_core::portal::HttpPortal;
use longan_core::{Core, SeedFiles};
use longan_portal::{PortalConfig, RunningPortal};

use crate::fault_proxy::FaultProxy;

/// A running portal with test control on, and a proxy in front of it.
pub struct Fixture {
    /// The portal.
    pub portal: RunningPortal,
    /// The proxy the core talks through.
    pub proxy: FaultProxy,
}

impl Fixture {
    /// Starts the portal on the repository's data and a proxy before it.
    pub async fn start() -> Fixture {
        let portal = longan_portal::start(PortalConfig {
            data_dir: crate::data_dir(),
            test_control: true,
            ..PortalConfig::default()
        })
        .await
        .expect("the reference portal starts");
        let proxy = FaultProxy::start(portal.addr()).expect("the proxy starts");
        Fixture { portal, proxy }
    }

    /// Starts a portal with `config` (e.g. `oidc_issuer` set) and a proxy before it. The
    /// caller picks everything: set `data_dir` to [`crate::data_dir`] and `test_control` to
    /// `true` to get what [`Fixture::start`] starts, plus its own settings.
    pub async fn start_with(config: PortalConfig) -> Fixture {
        let portal = longan_portal::start(config)
            .await
            .expect("the reference portal starts");
        let proxy = FaultProxy::start(portal.addr()).expect("the proxy starts");
        Fixture { portal, proxy }
    }

    /// A core over `dir`, seeded with `seed`, showing the portal's catalogue through the proxy.
    pub fn core(&self, dir: &std::path::Path, seed: &SeedFiles) -> Core {
        Core::open_source(dir, Some(seed), CatalogSource::Portal(self.proxy.url()))
            .expect("the core opens")
    }

    /// The portal's client as the core uses it, through the proxy, with test timings.
    pub fn client(&self) -> HttpPortal {
        self.client_with(NetConfig::for_tests())
    }

    /// [`Fixture::client`] with other network settings.
    pub fn client_with(&self, config: NetConfig) -> HttpPortal {
        let client = HttpClient::new(config, Clock::default()).expect("the client builds");
        HttpPortal::new(&self.proxy.url(), client)
    }

    /// The portal's client sharing `core`'s clock, so the core learns the portal's time.
    pub fn client_for(&self, core: &Core) -> HttpPortal {
        let client = HttpClient::new(NetConfig::for_tests(), core.clock().clone())
            .expect("the client builds");
        HttpPortal::new(&self.proxy.url(), client)
    }

    /// The portal's demo dossiers: (code, verifier).
    pub fn demo_dossiers(&self) -> Vec<(String, String)> {
        let (status, body) = self.control("GET", "/test/demo-dossiers", "");
        assert_eq!(status, 200, "{body}");
        let value: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        value["dossiers"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["verifier"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Calls a test-control endpoint of the portal directly (not through the proxy); returns
    /// the status and the body.
    pub fn control(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        raw_request(self.portal.addr(), method, path, body)
    }
}

/// The seed limited to the civil-status subset (73 procedures): quick to import.
pub fn small_seed() -> SeedFiles {
    SeedFiles {
        catalog_csv: crate::data_dir().join("tthc/civil-status-subset.csv"),
        details_dir: None,
    }
}

/// One HTTP/1.1 request with a JSON body over a fresh connection.
pub fn raw_request(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    raw_request_as(addr, method, path, "application/json", body)
}

/// One HTTP/1.1 request over a fresh connection, its body of `content_type`.
pub fn raw_request_as(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}
