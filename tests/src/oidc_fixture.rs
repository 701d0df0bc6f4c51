//! The OpenID Connect test provider (`tests/oidc`, panva's `oidc-provider` on Node) as a child
//! process, and blocking helpers over its test-control endpoints: what the login end-to-end
//! tests start from. `tests/oidc/README.md` tells what the provider does and why.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::portal_fixture::{raw_request, raw_request_as};

/// The app's client: public, native, PKCE S256 required.
pub const CLIENT_ID: &str = "longan-app";
/// The app's registered custom-scheme redirect URI.
pub const APP_REDIRECT_URI: &str = "vn.gov.longanso:/oauth2redirect";
/// The app's registered loopback redirect URI; any port is accepted (RFC 8252 §7.3).
pub const LOOPBACK_REDIRECT_URI: &str = "http://127.0.0.1/callback";
/// The portal's confidential client, allowed to introspect any client's tokens.
pub const PORTAL_CLIENT_ID: &str = "longan-portal";
/// The portal client's secret (`client_secret_basic`).
pub const PORTAL_CLIENT_SECRET: &str = "portal-secret";
/// The test accounts: (sub, name, applicant_ref). `login_hint` picks one; citizen-1 by default.
pub const ACCOUNTS: [(&str, &str, &str); 3] = [
    ("citizen-1", "Trần Thị Lan", "A-0001"),
    ("citizen-2", "Lê Văn Hùng", "A-0002"),
    ("citizen-3", "Phạm Minh Châu", "A-0003"),
];

/// How long the provider may take to say where it listens (it needs under a second alone; a
/// test run starts many at once on two cores).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How many times a provider that does not come up is started again.
const START_ATTEMPTS: usize = 3;

/// A running OIDC test provider on 127.0.0.1, test control on. Killed on drop.
pub struct OidcProvider {
    child: Child,
    issuer: String,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

/// The provider's request counters (`GET /test/counts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Every POST to the token endpoint, refreshes included.
    pub token_requests: u64,
    /// The token requests with `grant_type=refresh_token`.
    pub refresh_requests: u64,
    /// Every POST to the introspection endpoint.
    pub introspections: u64,
    /// Every POST to the revocation endpoint.
    pub revocations: u64,
}

/// The repository's root.
fn repo_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Makes sure Node is there and `tests/oidc/node_modules` is installed and current, once per
/// process, through `scripts/start-oidc --install` (the same `npm ci` as the script).
fn install_packages() {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = INSTALLED.get_or_init(|| {
        match Command::new("node").arg("--version").output() {
            Ok(output) if output.status.success() => {}
            Ok(output) => {
                return Err(format!(
                    "`node --version` failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            Err(error) => {
                return Err(format!(
                    "node was not found ({error}): the OIDC test provider needs Node.js 20 or \
                     later and npm on PATH"
                ));
            }
        }
        let output = Command::new("bash")
            .arg("scripts/start-oidc")
            .arg("--install")
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .output()
            .map_err(|error| format!("bash scripts/start-oidc --install: {error}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "installing tests/oidc's npm packages failed:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    });
    if let Err(message) = result {
        panic!("the OIDC test provider cannot start: {message}");
    }
}

impl OidcProvider {
    /// Starts a provider with the default settings (access tokens live 300 s, no reuse grace).
    pub fn start() -> OidcProvider {
        OidcProvider::start_with(&[])
    }

    /// Starts a provider behind a fault proxy: it listens on a free port of its own and names
    /// itself by the proxy's address, so every request of the core (discovery, tokens,
    /// revocation) goes through the proxy, while test control goes straight to the provider.
    pub fn start_behind_proxy(
        env: &[(&str, &str)],
    ) -> (OidcProvider, crate::fault_proxy::FaultProxy) {
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .expect("a free port");
        let proxy = crate::fault_proxy::FaultProxy::start(SocketAddr::from(([127, 0, 0, 1], port)))
            .expect("the fault proxy starts");
        let port_text = port.to_string();
        let issuer = proxy.url();
        let mut all: Vec<(&str, &str)> = vec![("PORT", &port_text), ("OIDC_ISSUER", &issuer)];
        all.extend_from_slice(env);
        (OidcProvider::start_with(&all), proxy)
    }

    /// Starts a provider with extra environment, e.g. `[("OIDC_ACCESS_TTL", "5")]` or
    /// `[("OIDC_REUSE_GRACE", "30")]`. A provider that does not come up (a busy machine) is
    /// started again, up to three times; then this panics with its log.
    pub fn start_with(env: &[(&str, &str)]) -> OidcProvider {
        install_packages();
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            match OidcProvider::try_start(env) {
                Ok(provider) => return provider,
                Err(failure) => failures.push(failure),
            }
        }
        panic!(
            "the OIDC test provider did not start in {START_ATTEMPTS} attempts:\n{}",
            failures.join("\n---\n")
        );
    }

    fn try_start(env: &[(&str, &str)]) -> Result<OidcProvider, String> {
        let mut command = Command::new("node");
        command
            .arg("tests/oidc/provider.mjs")
            .current_dir(repo_root())
            .env("PORT", "0")
            .env("OIDC_TEST_CONTROL", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("node tests/oidc/provider.mjs does not run: {error}"));

        // Keep the log (stderr) for failure messages; drain stdout after its first line.
        let log = Arc::new(Mutex::new(String::new()));
        let mut log_reader = None;
        if let Some(mut stderr) = child.stderr.take() {
            let log = Arc::clone(&log);
            log_reader = Some(std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut log) = log.lock() {
                        log.push_str(&String::from_utf8_lossy(&buffer[..n]));
                    }
                }
            }));
        }
        let (sender, receiver) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            std::thread::spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                let first = lines.next().and_then(Result::ok);
                let _ = sender.send(first);
                for _ in lines {}
            });
        }
        let first = receiver.recv_timeout(START_TIMEOUT).ok().flatten();
        let issuer = first
            .as_deref()
            .and_then(|line| line.strip_prefix("listening on "))
            .map(str::to_string);
        let Some(issuer) = issuer else {
            let _ = child.kill();
            let status = child.wait();
            if let Some(reader) = log_reader {
                let _ = reader.join();
            }
            let log = log.lock().map(|log| log.clone()).unwrap_or_default();
            return Err(format!(
                "first line {first:?}, exit {status:?}; its log:\n{log}"
            ));
        };
        // Behind a proxy (OIDC_ISSUER), test control goes straight to the provider's own port.
        let own_port = env
            .iter()
            .find(|(key, _)| *key == "PORT")
            .and_then(|(_, port)| port.parse::<u16>().ok())
            .filter(|port| *port != 0);
        let addr = match own_port {
            Some(port) => SocketAddr::from(([127, 0, 0, 1], port)),
            None => issuer
                .strip_prefix("http://")
                .and_then(|hostport| hostport.parse().ok())
                .unwrap_or_else(|| panic!("the issuer {issuer} is not http://127.0.0.1:PORT")),
        };
        Ok(OidcProvider {
            child,
            issuer,
            addr,
            log,
        })
    }

    /// The issuer, `http://127.0.0.1:PORT` (no trailing slash); discovery is at
    /// `{issuer}/.well-known/openid-configuration`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The address the provider listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the provider wrote to stderr so far (it never logs tokens).
    pub fn log(&self) -> String {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }

    /// Signs in through the provider's server-side browser (`GET /test/browse`): follows
    /// `authorization_url` (on this provider) through the automatic sign-in and consent, and
    /// returns the redirect to the app (`vn.gov.longanso:…` or `http://127.0.0.1[:port]/callback…`),
    /// with `code` and `state`, or `error` if the provider refused. `login_hint` in the URL picks
    /// the account (`refuse` refuses). `Err` carries the explanation of a stop elsewhere.
    pub fn browse(&self, authorization_url: &str) -> Result<String, String> {
        let path = format!("/test/browse?url={}", percent_encode(authorization_url));
        match self.control("GET", &path) {
            (200, url) => Ok(url),
            (status, text) => Err(format!("HTTP {status}: {text}")),
        }
    }

    /// Signs the test account `sub` in as the app would, in one call (`GET /test/login`:
    /// authorization code + PKCE for `longan-app` with `prompt=consent` and scope
    /// `openid profile offline_access`), and returns the token endpoint's JSON: `access_token`,
    /// `refresh_token`, `id_token`, `expires_in`, `scope`, `token_type`. Panics when the
    /// provider refuses (e.g. `sub` is not a test account).
    pub fn login_tokens(&self, sub: &str) -> serde_json::Value {
        let path = format!("/test/login?sub={}", percent_encode(sub));
        let (status, body) = self.control("GET", &path);
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).expect("the token endpoint's JSON")
    }

    /// Revokes `token` (an access or a refresh token of `longan-app`) at the revocation
    /// endpoint, as the public client does (RFC 7009: `token=…&client_id=longan-app`); with
    /// this provider that revokes every token of its grant. Returns the status (200).
    pub fn revoke_token(&self, token: &str) -> u16 {
        let body = format!("token={}&client_id={CLIENT_ID}", percent_encode(token));
        form_post(self.addr, "/token/revocation", &body).0
    }

    /// The request counters.
    pub fn counts(&self) -> Counts {
        let (status, body) = self.control("GET", "/test/counts");
        assert_eq!(status, 200, "GET /test/counts: {body}");
        let value: serde_json::Value = serde_json::from_str(&body).expect("JSON counts");
        let count = |name: &str| value[name].as_u64().unwrap_or_default();
        Counts {
            token_requests: count("token_requests"),
            refresh_requests: count("refresh_requests"),
            introspections: count("introspections"),
            revocations: count("revocations"),
        }
    }

    /// Sets every counter to zero.
    pub fn reset_counts(&self) {
        self.post_ok("/test/counts/reset");
    }

    /// Lets a rotated refresh token be used once more within `seconds` of its rotation,
    /// yielding a new token set instead of revoking the grant (Keycloak's "refresh token max
    /// reuse"); 0 turns the grace off.
    pub fn set_reuse_grace(&self, seconds: u64) {
        self.post_ok(&format!("/test/reuse-grace?seconds={seconds}"));
    }

    /// Sets the lifetime of access tokens issued from now on.
    pub fn set_access_ttl(&self, seconds: u64) {
        self.post_ok(&format!("/test/access-ttl?seconds={seconds}"));
    }

    /// While on, the ID tokens of the token endpoint are signed by a key that is not in the
    /// JWKS (same header and kid, wrong signature), so their signature check must fail.
    pub fn set_foreign_key(&self, on: bool) {
        self.post_ok(&format!("/test/foreign-key?on={}", u8::from(on)));
    }

    /// Revokes every grant of the account `sub` and every token issued under them; returns how
    /// many grants there were.
    pub fn revoke_grants(&self, sub: &str) -> u64 {
        let body = self.post_ok(&format!("/test/revoke-grants?sub={}", percent_encode(sub)));
        let value: serde_json::Value = serde_json::from_str(&body).expect("JSON answer");
        value["revoked_grants"].as_u64().unwrap_or_default()
    }

    /// One request to the provider (any endpoint, empty body); returns the status and the
    /// body.
    pub fn control(&self, method: &str, path: &str) -> (u16, String) {
        raw_request(self.addr, method, path, "")
    }

    fn post_ok(&self, path: &str) -> String {
        let (status, body) = self.control("POST", path);
        assert_eq!(status, 200, "POST {path}: {body}");
        body
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One form POST (`application/x-www-form-urlencoded`) over a fresh connection: the status and
/// the body.
fn form_post(addr: SocketAddr, path: &str, body: &str) -> (u16, String) {
    raw_request_as(
        addr,
        "POST",
        path,
        "application/x-www-form-urlencoded",
        body,
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provider_starts_and_publishes_its_discovery_document() {
        let provider = OidcProvider::start_with(&[("OIDC_ACCESS_TTL", "60")]);
        assert!(provider.issuer().starts_with("http://127.0.0.1:"));
        let (status, body) = provider.control("GET", "/.well-known/openid-configuration");
        assert_eq!(status, 200, "{body}");
        let discovery: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(discovery["issuer"], provider.issuer());
        for endpoint in [
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "introspection_endpoint",
            "revocation_endpoint",
            "end_session_endpoint",
        ] {
            assert!(discovery[endpoint].is_string(), "{endpoint} in {body}");
        }

        // The browser goes through; without PKCE the provider refuses on the redirect URI.
        let authorization = format!(
            "{}/auth?client_id={CLIENT_ID}&response_type=code&scope=openid&state=s1&redirect_uri={}",
            provider.issuer(),
            percent_encode("http://127.0.0.1:4242/callback"),
        );
        let redirect = provider.browse(&authorization).expect("a redirect");
        assert!(
            redirect.starts_with("http://127.0.0.1:4242/callback?")
                && redirect.contains("error=invalid_request")
                && redirect.contains("state=s1"),
            "{redirect}"
        );
        assert!(provider.browse("http://127.0.0.1:1/elsewhere").is_err());

        provider.set_reuse_grace(10);
        provider.set_reuse_grace(0);
        provider.set_access_ttl(300);
        provider.set_foreign_key(true);
        provider.set_foreign_key(false);
        assert_eq!(provider.revoke_grants("citizen-1"), 0);
        let tokens = provider.login_tokens("citizen-2");
        for field in ["access_token", "refresh_token", "id_token"] {
            assert!(tokens[field].is_string(), "{field} in {tokens}");
        }
        assert!(tokens["expires_in"].as_u64().is_some_and(|s| s > 0));
        let refresh = tokens["refresh_token"].as_str().unwrap();
        assert_eq!(provider.revoke_token(refresh), 200);
        assert_eq!(provider.counts().revocations, 1);
        provider.reset_counts();
        assert_eq!(provider.counts(), Counts::default());
        provider.reset_counts();
        assert_eq!(percent_encode("a b/é"), "a%20b%2F%C3%A9");
    }
}
