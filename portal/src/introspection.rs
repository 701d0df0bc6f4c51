//! Who a bearer token belongs to: OAuth 2.0 token introspection (RFC 7662) at the OpenID
//! provider, as the resource server `longan-portal`.
//!
//! The provider's discovery document (`{issuer}/.well-known/openid-configuration`) names the
//! introspection endpoint; it is fetched on first use and kept (a failed fetch is tried again on
//! the next request). Each token is POSTed there (`token=…&token_type_hint=access_token`, the
//! portal's client id and secret in HTTP Basic auth); the verdict, active or not, is kept per
//! token for the cache's lifetime, and an active one never past its `exp`. The cache is keyed by
//! the token's SHA-256, so the portal holds no token after answering; logs name a token by the
//! first eight hex digits of that hash, never by itself.
//!
//! Token lifetimes are the provider's: `exp` is compared with the system's time, not with the
//! portal's clock (which test control moves forward).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::error::PortalError;

/// How long connecting to the provider may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one request to the provider may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Verdicts kept at most; past this, expired ones are dropped, and if that is not enough, all.
const MAX_CACHED: usize = 10_000;

/// How the portal reaches its OpenID provider.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The issuer, without a trailing slash.
    pub issuer: String,
    /// The portal's client id at the provider.
    pub client_id: String,
    /// The portal's client secret.
    pub client_secret: String,
    /// How long a verdict is kept; zero keeps none.
    pub cache_ttl: Duration,
}

impl fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("cache_ttl", &self.cache_ttl)
            .finish()
    }
}

/// What the provider says of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// An active access token of this subject (`sub`).
    Active {
        /// The account the token was issued to.
        subject: String,
    },
    /// Not an active access token: unknown, expired, revoked, of another kind, or without a
    /// subject.
    Inactive,
}

/// Why the provider could not be asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable(pub String);

/// OAuth errors of a 400 from the introspection endpoint that refuse the token itself.
const TOKEN_ERRORS: &[&str] = &["unsupported_token_type", "invalid_token"];

/// Why a request to the provider gave no JSON answer.
enum Refused {
    /// The provider will not introspect this token: it is no access token of its.
    Token,
    /// Anything else.
    Other(Unreachable),
}

/// One cached verdict.
#[derive(Debug, Clone)]
struct Cached {
    verdict: Verdict,
    until: Instant,
}

/// The introspection client of a portal.
pub struct Introspector {
    settings: OidcSettings,
    client: reqwest::Client,
    endpoint: OnceCell<Url>,
    cache: Mutex<HashMap<[u8; 32], Cached>>,
    calls: AtomicU64,
}

impl fmt::Debug for Introspector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Introspector")
            .field("settings", &self.settings)
            .field("endpoint", &self.endpoint.get().map(Url::as_str))
            .field("calls", &self.calls())
            .finish()
    }
}

impl Introspector {
    /// A client for `settings`: the issuer must be `https://`, or `http://` on this machine.
    pub fn new(settings: OidcSettings) -> Result<Introspector, PortalError> {
        let issuer = Url::parse(&settings.issuer)
            .map_err(|error| PortalError::InvalidOidc(format!("the issuer: {error}")))?;
        if !allowed(&issuer) {
            return Err(PortalError::InvalidOidc(
                "the issuer must be https://, or http:// on this machine".into(),
            ));
        }
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config()?)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("longan-portal/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| PortalError::InvalidOidc(format!("the HTTP client: {error}")))?;
        let settings = OidcSettings {
            issuer: settings.issuer.trim_end_matches('/').to_string(),
            ..settings
        };
        Ok(Introspector {
            settings,
            client,
            endpoint: OnceCell::new(),
            cache: Mutex::default(),
            calls: AtomicU64::new(0),
        })
    }

    /// How many introspection requests were sent.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The provider's verdict on `token`, from the cache when it has one.
    pub async fn check(&self, token: &str) -> Result<Verdict, Unreachable> {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(verdict) = self.cached(&key) {
            return Ok(verdict);
        }
        let (verdict, exp) = self.introspect(token, &key).await?;
        self.remember(key, &verdict, exp);
        Ok(verdict)
    }

    fn cached(&self, key: &[u8; 32]) -> Option<Verdict> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = cache.get(key)?;
        (entry.until > Instant::now()).then(|| entry.verdict.clone())
    }

    /// Keeps `verdict` for the cache's lifetime, an active one never past `exp`.
    fn remember(&self, key: [u8; 32], verdict: &Verdict, exp: Option<SystemTime>) {
        let mut ttl = self.settings.cache_ttl;
        if let (Verdict::Active { .. }, Some(exp)) = (verdict, exp) {
            let left = exp.duration_since(SystemTime::now()).unwrap_or_default();
            ttl = ttl.min(left);
        }
        if ttl.is_zero() {
            return;
        }
        let now = Instant::now();
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= MAX_CACHED {
            cache.retain(|_, entry| entry.until > now);
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
        }
        let verdict = verdict.clone();
        cache.insert(
            key,
            Cached {
                verdict,
                until: now + ttl,
            },
        );
    }

    /// The introspection endpoint, from the discovery document (fetched once it succeeds).
    async fn endpoint(&self) -> Result<&Url, Unreachable> {
        self.endpoint
            .get_or_try_init(|| async {
                let url = format!("{}/.well-known/openid-configuration", self.settings.issuer);
                let document = match self.fetch_json(self.client.get(&url)).await {
                    Ok(document) => document,
                    Err(Refused::Other(unreachable)) => return Err(unreachable),
                    Err(Refused::Token) => {
                        return Err(Unreachable("the discovery document is refused".into()));
                    }
                };
                let endpoint = document["introspection_endpoint"].as_str().ok_or_else(|| {
                    Unreachable("the discovery document names no introspection_endpoint".into())
                })?;
                let endpoint = Url::parse(endpoint).ok().filter(allowed).ok_or_else(|| {
                    Unreachable("the introspection endpoint is not usable".into())
                })?;
                log::info!("oidc: introspection at {endpoint}");
                Ok(endpoint)
            })
            .await
    }

    /// One introspection request: the verdict and, for an active token, its `exp`.
    async fn introspect(
        &self,
        token: &str,
        key: &[u8; 32],
    ) -> Result<(Verdict, Option<SystemTime>), Unreachable> {
        let endpoint = self.endpoint().await?.clone();
        let body = format!("token={}&token_type_hint=access_token", form_encode(token));
        // RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined.
        let request = self
            .client
            .post(endpoint)
            .basic_auth(
                form_encode(&self.settings.client_id),
                Some(form_encode(&self.settings.client_secret)),
            )
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        self.calls.fetch_add(1, Ordering::Relaxed);
        let (verdict, exp) = match self.fetch_json(request).await {
            Ok(answer) => read_verdict(&answer, SystemTime::now()),
            Err(Refused::Token) => (Verdict::Inactive, None),
            Err(Refused::Other(unreachable)) => return Err(unreachable),
        };
        if verdict == Verdict::Inactive {
            log::debug!("oidc: token #{} is not active", short_hash(key));
        }
        Ok((verdict, exp))
    }

    /// Sends `request` and reads its JSON body. A 400 whose OAuth error is about the token
    /// (oidc-provider answers `unsupported_token_type` for an ID token or any other JWT it
    /// issued) is the token's refusal; anything else but a 200 with a JSON object is
    /// "unreachable" (a refused client secret included: the portal is misconfigured).
    async fn fetch_json(&self, request: reqwest::RequestBuilder) -> Result<Value, Refused> {
        let failed = |what: String| {
            log::warn!("oidc: {what}");
            Refused::Other(Unreachable(what))
        };
        let response = request
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|error| failed(format!("the provider is unreachable: {error}")))?;
        let status = response.status();
        let url = response.url().path().to_string();
        let bytes = response
            .bytes()
            .await
            .map_err(|error| failed(format!("{url}: the answer broke off: {error}")))?;
        let value = serde_json::from_slice::<Value>(&bytes).ok();
        let error = value
            .as_ref()
            .and_then(|v| v["error"].as_str())
            .map(str::to_string);
        match (status.as_u16(), value) {
            (200, Some(value)) if value.is_object() => Ok(value),
            (200, _) => Err(failed(format!("{url} answered no JSON object"))),
            (400, _) if error.as_deref().is_some_and(|e| TOKEN_ERRORS.contains(&e)) => {
                Err(Refused::Token)
            }
            (code, _) => Err(failed(format!(
                "{url} answered HTTP {code} {}",
                error.as_deref().unwrap_or_default()
            ))),
        }
    }
}

/// The verdict of an introspection answer read at `now`: active only when `active` is true,
/// the token is a bearer access token (`token_type`, or Keycloak's `typ`, is `Bearer`: refresh
/// tokens introspect as active too), it names a subject, and its `exp` (when given) has not
/// passed.
fn read_verdict(answer: &Value, now: SystemTime) -> (Verdict, Option<SystemTime>) {
    let active = answer["active"] == Value::Bool(true);
    let bearer = ["token_type", "typ"].iter().any(|name| {
        answer[name]
            .as_str()
            .is_some_and(|kind| kind.eq_ignore_ascii_case("bearer"))
    });
    let exp = answer["exp"]
        .as_u64()
        .map(|seconds| UNIX_EPOCH + Duration::from_secs(seconds));
    let live = exp.is_none_or(|exp| exp > now);
    let subject = answer["sub"].as_str().filter(|sub| !sub.is_empty());
    match (active && bearer && live, subject) {
        (true, Some(subject)) => (
            Verdict::Active {
                subject: subject.to_string(),
            },
            exp,
        ),
        _ => (Verdict::Inactive, None),
    }
}

/// The first eight hex digits of a token's hash: enough to follow one token through a log.
fn short_hash(key: &[u8; 32]) -> String {
    key[..4].iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `application/x-www-form-urlencoded` of one value: RFC 3986's unreserved characters kept,
/// every other byte percent-encoded.
fn form_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// True for a URL the portal may call: HTTPS anywhere, plain HTTP only on this machine.
fn allowed(url: &Url) -> bool {
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

/// rustls with the ring provider and the Mozilla roots, handed to reqwest preconfigured (as
/// the core's network layer does).
fn tls_config() -> Result<rustls::ClientConfig, PortalError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| PortalError::InvalidOidc(format!("TLS set-up failed: {error}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn only_a_live_active_bearer_token_with_a_subject_is_active() {
        let now = at(1_000);
        let active = Verdict::Active {
            subject: "citizen-1".into(),
        };
        let good =
            json!({"active": true, "sub": "citizen-1", "exp": 1_060, "token_type": "Bearer"});
        assert_eq!(read_verdict(&good, now), (active.clone(), Some(at(1_060))));
        let keycloak = json!({"active": true, "sub": "citizen-1", "typ": "Bearer"});
        assert_eq!(read_verdict(&keycloak, now), (active, None));
        for answer in [
            json!({"active": false}),
            json!({"active": "true", "sub": "citizen-1", "token_type": "Bearer"}),
            json!({"active": true, "sub": "citizen-1", "exp": 999, "token_type": "Bearer"}),
            json!({"active": true, "sub": "citizen-1", "exp": 1_000, "token_type": "Bearer"}),
            json!({"active": true, "sub": "citizen-1", "exp": 1_060}),
            json!({"active": true, "exp": 1_060, "token_type": "Bearer"}),
            json!({"active": true, "sub": "", "token_type": "bearer"}),
        ] {
            assert_eq!(read_verdict(&answer, now).0, Verdict::Inactive, "{answer}");
        }
    }

    #[test]
    fn only_https_or_loopback_http_issuers_are_accepted() {
        let settings = |issuer: &str| OidcSettings {
            issuer: issuer.into(),
            client_id: "longan-portal".into(),
            client_secret: "s".into(),
            cache_ttl: Duration::from_secs(5),
        };
        for good in [
            "https://sso.tayninh.gov.vn/realms/citizens",
            "http://127.0.0.1:8080",
            "http://localhost:1/",
            "http://[::1]:9",
        ] {
            let introspector = Introspector::new(settings(good)).unwrap();
            assert!(!introspector.settings.issuer.ends_with('/'));
        }
        for bad in ["http://sso.example", "ftp://127.0.0.1", "not a url"] {
            assert!(Introspector::new(settings(bad)).is_err(), "{bad}");
        }
        let debug = format!("{:?}", settings("https://x"));
        assert!(!debug.contains("\"s\""), "{debug}");
    }

    #[test]
    fn values_are_form_encoded_and_hashes_shortened() {
        assert_eq!(form_encode("a b+c/é=~"), "a%20b%2Bc%2F%C3%A9%3D~");
        assert_eq!(short_hash(&[0xab; 32]), "abababab");
    }
}
