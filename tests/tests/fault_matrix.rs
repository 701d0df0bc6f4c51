//! End-to-end: every portal and provider operation of the core under every fault of the proxy,
//! plus a certificate the TLS policy does not trust and a host that does not resolve. Each
//! cell asserts the outcome (the right error category, or success after a safe retry), that
//! nothing panicked, and that after the fault the same operation succeeds on the same data
//! (the cache and state are unharmed) with every queued write delivered exactly once. The
//! matrix is written into `docs/reliability.md` from these results.
//!
//! Each cell runs on a fresh phone (its own data directory, cold cache), so every read fetches
//! a body for the fault to act on rather than a 304.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use longan_core::app::MyDossiersError;
use longan_core::auth::config::LoginConfig;
use longan_core::auth::{AuthError, MemorySecureStore};
use longan_core::catalog::{CatalogError, CatalogSource};
use longan_core::clock::{Clock, TestClock};
use longan_core::dossier::error::DossierError;
use longan_core::feedback::{Feedback, FeedbackStatus};
use longan_core::net::{HttpClient, NetConfig, NetError};
use longan_core::outbox::{ItemState, OutboxChange};
use longan_core::portal::HttpPortal;
use longan_core::portal::wire::{FeedbackCategory, PushPlatform};
use longan_core::{Cancellation, Core, SeedFiles};
use longan_portal::PortalConfig;
use longan_tests::fault_proxy::{Fault, FaultProxy};
use longan_tests::oidc_fixture::{APP_REDIRECT_URI, CLIENT_ID, OidcProvider};
use longan_tests::portal_fixture::{Fixture, small_seed};
use longan_tests::reliability_doc::write_generated_section;
use longan_tests::tls_server::TlsServer;

/// The operations, in the order of the matrix's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    CatalogSync,
    ProcedureDetails,
    DossierLookup,
    MyDossiers,
    NotificationFeed,
    TokenExchange,
    TokenRefresh,
    PushRegistration,
    Feedback,
}

const OPS: [Op; 9] = [
    Op::CatalogSync,
    Op::ProcedureDetails,
    Op::DossierLookup,
    Op::MyDossiers,
    Op::NotificationFeed,
    Op::TokenExchange,
    Op::TokenRefresh,
    Op::PushRegistration,
    Op::Feedback,
];

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::CatalogSync => "catalogue sync",
            Op::ProcedureDetails => "procedure details",
            Op::DossierLookup => "dossier lookup",
            Op::MyDossiers => "my dossiers (introspected)",
            Op::NotificationFeed => "notification feed (introspected)",
            Op::TokenExchange => "token exchange",
            Op::TokenRefresh => "token refresh",
            Op::PushRegistration => "push registration (outbox)",
            Op::Feedback => "1022 feedback (outbox)",
        }
    }

    /// At the OpenID provider rather than the portal.
    fn at_provider(self) -> bool {
        matches!(self, Op::TokenExchange | Op::TokenRefresh)
    }

    /// A write the outbox delivers (an attempt that fails leaves it queued).
    fn queued(self) -> bool {
        matches!(self, Op::PushRegistration | Op::Feedback)
    }
}

/// The faults, in the order of the matrix's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Case {
    Latency,
    Slow2G,
    ResetMidBody,
    Truncation,
    StallPastTimeout,
    ServerErrorBurst,
    RateLimited,
    GarbageBody,
    OversizedBody,
    WrongContentType,
    DroppedAfterProcessing,
    UntrustedCertificate,
    UnresolvableHost,
}

const CASES: [Case; 13] = [
    Case::Latency,
    Case::Slow2G,
    Case::ResetMidBody,
    Case::Truncation,
    Case::StallPastTimeout,
    Case::ServerErrorBurst,
    Case::RateLimited,
    Case::GarbageBody,
    Case::OversizedBody,
    Case::WrongContentType,
    Case::DroppedAfterProcessing,
    Case::UntrustedCertificate,
    Case::UnresolvableHost,
];

/// Largest answer the matrix's clients accept; the oversized fault sends more.
const MAX_RESPONSE_BYTES: usize = 256 * 1024;

impl Case {
    fn name(self) -> &'static str {
        match self {
            Case::Latency => "latency 300 ms",
            Case::Slow2G => "2G (300 ms, 20 kB/s)",
            Case::ResetMidBody => "reset mid-body",
            Case::Truncation => "truncated body",
            Case::StallPastTimeout => "stall past the timeout",
            Case::ServerErrorBurst => "503 once",
            Case::RateLimited => "429 + Retry-After 1 s",
            Case::GarbageBody => "garbage body",
            Case::OversizedBody => "oversized body",
            Case::WrongContentType => "wrong content type",
            Case::DroppedAfterProcessing => "answer dropped after processing",
            Case::UntrustedCertificate => "untrusted certificate",
            Case::UnresolvableHost => "unresolvable host",
        }
    }

    /// The proxy's fault for this case (`None`: the case is another server, not a fault).
    fn fault(self) -> Option<Fault> {
        Some(match self {
            Case::Latency => Fault::Latency(Duration::from_millis(300)),
            Case::Slow2G => Fault::link(Duration::from_millis(300), 20_000),
            Case::ResetMidBody => Fault::ResetMidBody {
                after_body_bytes: 2,
            },
            Case::Truncation => Fault::Truncate {
                after_body_bytes: 2,
            },
            Case::StallPastTimeout => Fault::Stall,
            Case::ServerErrorBurst => Fault::ServerErrors {
                count: 1,
                status: 503,
            },
            Case::RateLimited => Fault::TooManyRequests {
                count: 1,
                retry_after_seconds: 1,
            },
            Case::GarbageBody => Fault::GarbageBody,
            Case::OversizedBody => Fault::Oversized {
                body_bytes: MAX_RESPONSE_BYTES + 64 * 1024,
            },
            Case::WrongContentType => Fault::WrongContentType,
            Case::DroppedAfterProcessing => Fault::DropAfterUpstream,
            Case::UntrustedCertificate | Case::UnresolvableHost => return None,
        })
    }

    /// The outcomes that are right for `op` under this fault.
    fn expected(self, op: Op) -> &'static [&'static str] {
        // Reads are retried within the call when that is safe; writes are never sent twice by
        // the client: the outbox tries again later with the same key; a token refresh whose
        // answer is lost or unreadable asks for a new sign-in, since the provider may have
        // rotated the token (docs/auth.md). The provider's address is fixed at sign-in: a bad
        // certificate or host there shows in the token exchange row.
        if op == Op::TokenRefresh {
            return match self {
                Case::Latency | Case::Slow2G => &["ok"],
                // Refused, not processed: the session stays, the app may try again.
                Case::RateLimited => &["rate_limited"],
                Case::ServerErrorBurst => &["server_error"],
                Case::UntrustedCertificate | Case::UnresolvableHost => &["n/a"],
                _ => &["reauth_required"],
            };
        }
        if op.queued() {
            return match self {
                Case::Latency | Case::Slow2G => &["ok"],
                Case::ServerErrorBurst => &["queued: server_error_503"],
                Case::RateLimited => &["queued: rate_limited"],
                Case::StallPastTimeout => &["queued: timeout"],
                Case::DroppedAfterProcessing | Case::UnresolvableHost => &["queued: offline"],
                Case::UntrustedCertificate => &["queued: untrusted"],
                Case::ResetMidBody
                | Case::Truncation
                | Case::GarbageBody
                | Case::OversizedBody
                | Case::WrongContentType => &["queued: bad_response"],
            };
        }
        // The code exchange is a POST the client does not repeat.
        let writes_once = op == Op::TokenExchange;
        match self {
            Case::Latency | Case::Slow2G => &["ok"],
            Case::ServerErrorBurst if writes_once => &["server_error"],
            Case::RateLimited if writes_once => &["rate_limited"],
            Case::ServerErrorBurst | Case::RateLimited => &["ok"],
            Case::ResetMidBody | Case::Truncation => &["invalid_response", "offline"],
            Case::StallPastTimeout => &["timeout"],
            Case::GarbageBody | Case::WrongContentType => &["invalid_response"],
            Case::OversizedBody => &["too_large"],
            Case::DroppedAfterProcessing | Case::UnresolvableHost => &["offline"],
            Case::UntrustedCertificate => &["untrusted"],
        }
    }
}

/// The category of a network failure, as the matrix shows it.
fn net_category(error: &NetError) -> String {
    match error {
        NetError::Offline { .. } => "offline",
        NetError::Timeout => "timeout",
        NetError::RateLimited { .. } => "rate_limited",
        NetError::ServerUnavailable { .. } => "server_error",
        NetError::InvalidResponse { .. } => "invalid_response",
        NetError::TooLarge { .. } => "too_large",
        NetError::Untrusted { .. } => "untrusted",
        NetError::NotFound => "not_found",
        other => return format!("other: {other}"),
    }
    .to_string()
}

fn auth_category(error: &AuthError) -> String {
    match error {
        AuthError::Network(error) => net_category(error),
        AuthError::ReauthRequired => "reauth_required".into(),
        AuthError::Provider { .. } => "invalid_response".into(),
        other => format!("auth: {other}"),
    }
}

fn catalog_category(error: &CatalogError) -> String {
    match error {
        CatalogError::Network(error) => net_category(error),
        other => format!("catalog: {other}"),
    }
}

fn dossier_category(error: &DossierError) -> String {
    match error {
        DossierError::Network(error) => net_category(error),
        other => format!("dossier: {other}"),
    }
}

fn mine_category(error: &MyDossiersError) -> String {
    match error {
        MyDossiersError::Auth(error) => auth_category(error),
        MyDossiersError::Dossier(error) => dossier_category(error),
    }
}

/// What a delivery run did to the item it tried.
fn delivery_outcome(changes: &[OutboxChange]) -> String {
    match changes.last().map(|change| &change.state) {
        Some(ItemState::Sent { .. }) => "ok".into(),
        Some(ItemState::Queued) => {
            let error = changes.last().and_then(|change| change.last_error.clone());
            format!("queued: {}", error.unwrap_or_default())
        }
        Some(ItemState::Failed { reason }) => format!("failed: {reason}"),
        Some(ItemState::Sending) => "sending".into(),
        None => "not tried".into(),
    }
}

/// The clients' settings in the matrix: quick timeouts, one retry, a small answer limit.
fn matrix_net() -> NetConfig {
    NetConfig {
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_millis(1500),
        retries: 1,
        max_response_bytes: MAX_RESPONSE_BYTES,
        ..NetConfig::for_tests()
    }
}

/// The servers every cell talks to.
struct World {
    provider: OidcProvider,
    provider_proxy: FaultProxy,
    fixture: Fixture,
    tls: TlsServer,
    seed: SeedFiles,
    /// A procedure code the portal serves (for the details row).
    procedure: String,
    /// A portal demo dossier and its verifier (for the lookup row).
    dossier: (String, String),
    _portal_data: tempfile::TempDir,
}

/// A data directory for the portal with the civil-status subset as its whole catalogue, so a
/// cold sync is a few kilobytes even on the 2G link.
fn small_portal_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let tthc = dir.path().join("tthc");
    std::fs::create_dir_all(tthc.join("details")).unwrap();
    std::fs::copy(
        longan_tests::data_dir().join("tthc/civil-status-subset.csv"),
        tthc.join("national-catalog.csv"),
    )
    .unwrap();
    dir
}

impl World {
    async fn start() -> World {
        let (provider, provider_proxy) = OidcProvider::start_behind_proxy(&[]);
        let portal_data = small_portal_data();
        let fixture = Fixture::start_with(PortalConfig {
            data_dir: portal_data.path().to_path_buf(),
            test_control: true,
            oidc_issuer: Some(provider.issuer().to_string()),
            introspection_cache_ms: 0,
            ..PortalConfig::default()
        })
        .await;
        let dossier = fixture.demo_dossiers()[0].clone();
        // Every cell looks the dossier up twice from the same address.
        let (status, body) = fixture.control("POST", "/test/rate-limit?per_minute=100000", "");
        assert_eq!(status, 200, "{body}");
        let csv =
            std::fs::read_to_string(portal_data.path().join("tthc/national-catalog.csv")).unwrap();
        let procedure = csv
            .lines()
            .nth(1)
            .and_then(|line| line.split(',').next())
            .expect("a procedure code in the subset")
            .to_string();
        World {
            provider,
            provider_proxy,
            fixture,
            tls: TlsServer::start(),
            seed: small_seed(),
            procedure,
            dossier,
            _portal_data: portal_data,
        }
    }

    /// The proxy in front of the server `op` talks to.
    fn proxy(&self, op: Op) -> &FaultProxy {
        if op.at_provider() {
            &self.provider_proxy
        } else {
            &self.fixture.proxy
        }
    }

    /// Where the server of `op` is reached in this case.
    fn base_url(&self, op: Op, case: Case) -> String {
        match case {
            Case::UntrustedCertificate => self.tls.url(),
            Case::UnresolvableHost => "https://portal.longan.invalid".into(),
            _ if op.at_provider() => self.provider.issuer().to_string(),
            _ => self.fixture.proxy.url(),
        }
    }
}

/// A fresh phone: its own data, keystore and test clock.
struct Phone {
    dir: tempfile::TempDir,
    time: Arc<TestClock>,
    cancel: Cancellation,
}

impl Phone {
    fn new() -> Phone {
        Phone {
            dir: tempfile::tempdir().unwrap(),
            time: Arc::new(TestClock::at(std::time::SystemTime::now())),
            cancel: Cancellation::new(),
        }
    }

    /// The core showing the catalogue of the portal at `portal_url`, signing in at `issuer`.
    fn core(&self, world: &World, portal_url: &str, issuer: &str) -> Core {
        let source = CatalogSource::Portal(portal_url.to_string());
        let core = Core::open_source(self.dir.path(), Some(&world.seed), source)
            .expect("the core opens")
            .with_clock(Clock::new(self.time.clone()));
        let login = LoginConfig {
            issuer: issuer.to_string(),
            client_id: CLIENT_ID.to_string(),
            redirect_uri: APP_REDIRECT_URI.to_string(),
            post_logout_redirect_uri: None,
            refresh_reuse_grace: None,
        };
        let client = HttpClient::new(matrix_net(), core.clock().clone()).unwrap();
        core.with_secure_store(Arc::new(MemorySecureStore::new()))
            .with_login(login, client)
    }

    fn portal(&self, core: &Core, base_url: &str) -> HttpPortal {
        let client = HttpClient::new(matrix_net(), core.clock().clone()).unwrap();
        HttpPortal::new(base_url, client)
    }
}

async fn sign_in(core: &Core, world: &World, cancel: &Cancellation) -> Result<(), AuthError> {
    let url = core.start_login(None, Some("citizen-1"), cancel).await?;
    let redirect = world
        .provider
        .browse(&url)
        .expect("the provider's test browser");
    core.complete_login(&redirect, cancel).await.map(|_| ())
}

/// What one cell found.
struct Cell {
    outcome: String,
    recovered: bool,
}

fn ok<T>(_: T) -> String {
    "ok".into()
}

/// Runs `op` once, as the app would; the outcome's category.
async fn attempt(
    op: Op,
    world: &World,
    core: &Core,
    portal: &HttpPortal,
    redirect: Option<&str>,
    c: &Cancellation,
) -> String {
    match op {
        Op::CatalogSync => core
            .sync_catalog(portal, 500, c)
            .await
            .map_or_else(|e| catalog_category(&e), ok),
        Op::ProcedureDetails => core
            .refresh_procedure(portal, &world.procedure, c)
            .await
            .map_or_else(|e| catalog_category(&e), ok),
        Op::DossierLookup => {
            let (code, verifier) = &world.dossier;
            core.look_up_dossier(portal, code, verifier, c)
                .await
                .map_or_else(|e| dossier_category(&e), ok)
        }
        Op::MyDossiers => core
            .my_dossiers(Some(portal), c)
            .await
            .map_or_else(|e| mine_category(&e), ok),
        Op::NotificationFeed => core
            .sync_feed(portal, c)
            .await
            .map_or_else(|e| mine_category(&e), ok),
        Op::TokenExchange => match redirect {
            Some(redirect) => core.complete_login(redirect, c).await.map(|_| ()),
            None => sign_in(core, world, c).await,
        }
        .map_or_else(|e| auth_category(&e), ok),
        Op::TokenRefresh => core
            .access_token(c)
            .await
            .map_or_else(|e| auth_category(&e), ok),
        Op::PushRegistration | Op::Feedback => match core.deliver_outbox(Some(portal), c).await {
            Ok(changes) => delivery_outcome(&changes),
            Err(error) => format!("outbox: {error}"),
        },
    }
}

/// Runs one cell: prepares a fresh phone, injects the fault around the operation, then checks
/// that the same phone recovers once the fault is gone.
async fn run_cell(world: &World, op: Op, case: Case) -> Cell {
    let phone = Phone::new();
    let c = &phone.cancel;
    let issuer = if op.at_provider() {
        world.base_url(op, case)
    } else {
        world.provider.issuer().to_string()
    };
    let portal_url = if op.at_provider() {
        world.fixture.proxy.url()
    } else {
        world.base_url(op, case)
    };
    let broken_server = case.fault().is_none();
    if op == Op::TokenRefresh && broken_server {
        return Cell {
            outcome: "n/a".into(),
            recovered: true,
        };
    }
    let core = phone.core(world, &portal_url, &issuer);
    let good_portal = phone.portal(&core, &world.fixture.proxy.url());
    let portal = phone.portal(&core, &portal_url);
    let feedback_before = feedback_stored(world);
    // What the operation needs before it can be tried.
    let needs_session = matches!(
        op,
        Op::MyDossiers | Op::NotificationFeed | Op::TokenRefresh | Op::PushRegistration
    );
    if needs_session {
        sign_in(&core, world, c)
            .await
            .expect("a sign-in before the cell");
    }
    match op {
        Op::TokenRefresh => phone.time.advance(Duration::from_secs(600)),
        Op::PushRegistration => {
            core.register_push_token(PushPlatform::Fcm, "fcm-matrix-token", "vi")
                .expect("the token is kept");
        }
        Op::Feedback => {
            core.queue_feedback(&Feedback::new(
                FeedbackCategory::PublicService,
                "Đèn đường ở ấp 3 bị hỏng",
            ))
            .expect("queued");
        }
        _ => {}
    }
    // A sign-in's browser part happens before the fault: the cell is the code exchange.
    let mut redirect = None;
    if op == Op::TokenExchange && case.fault().is_some() {
        let url = core.start_login(None, Some("citizen-1"), c).await.unwrap();
        redirect = Some(world.provider.browse(&url).unwrap());
    }
    let proxy = world.proxy(op);
    if let Some(fault) = case.fault() {
        proxy.set_fault(fault);
    }
    let outcome = attempt(op, world, &core, &portal, redirect.as_deref(), c).await;
    proxy.clear_fault();
    // After the fault: the same phone, the real servers.
    phone.time.advance(Duration::from_secs(3600));
    let recovered = match op {
        // This phone's server is the broken one: a phone set up right gets through.
        Op::TokenExchange | Op::CatalogSync if broken_server => {
            let fixed = Phone::new();
            let good = world.fixture.proxy.url();
            let core = fixed.core(world, &good, world.provider.issuer());
            let portal = fixed.portal(&core, &good);
            attempt(op, world, &core, &portal, None, &fixed.cancel).await == "ok"
        }
        Op::TokenRefresh => {
            let renewed = core.access_token(c).await;
            renewed.is_ok()
                || (renewed == Err(AuthError::ReauthRequired)
                    && sign_in(&core, world, c).await.is_ok()
                    && core.access_token(c).await.is_ok())
        }
        Op::Feedback => {
            let _ = attempt(op, world, &core, &good_portal, None, c).await;
            feedback_stored(world) == feedback_before + 1
                && core.feedback_list().is_ok_and(|list| {
                    list.len() == 1
                        && matches!(
                            list[0].status,
                            FeedbackStatus::Sent | FeedbackStatus::Received { .. }
                        )
                })
        }
        Op::PushRegistration => {
            let _ = attempt(op, world, &core, &good_portal, None, c).await;
            let installation = core.installation_id().unwrap();
            registered_subject(world, &installation).as_deref() == Some("citizen-1")
        }
        _ => attempt(op, world, &core, &good_portal, None, c).await == "ok",
    };
    Cell { outcome, recovered }
}

fn feedback_stored(world: &World) -> u64 {
    let (status, body) = world.fixture.control("GET", "/test/feedback", "");
    assert_eq!(status, 200, "{body}");
    let counts: serde_json::Value = serde_json::from_str(&body).unwrap();
    counts["stored"].as_u64().unwrap()
}

fn registered_subject(world: &World, installation: &str) -> Option<String> {
    let (status, body) = world.fixture.control("GET", "/test/devices", "");
    assert_eq!(status, 200, "{body}");
    let devices: serde_json::Value = serde_json::from_str(&body).unwrap();
    devices["registrations"]
        .as_array()?
        .iter()
        .find(|r| r["installation_id"] == installation)
        .and_then(|r| r["subject"].as_str().map(str::to_string))
}

/// The matrix as Markdown: operations down, faults across.
fn markdown(results: &BTreeMap<(Op, Case), Cell>) -> String {
    let mut text = String::from("| operation |");
    for case in CASES {
        text.push_str(&format!(" {} |", case.name()));
    }
    text.push_str("\n|---|");
    text.push_str(&"---|".repeat(CASES.len()));
    for op in OPS {
        text.push_str(&format!("\n| {} |", op.name()));
        for case in CASES {
            let cell = &results[&(op, case)];
            let mark = if cell.recovered {
                ""
            } else {
                " ✗ no recovery"
            };
            text.push_str(&format!(" {}{mark} |", cell.outcome));
        }
    }
    text.push('\n');
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_under_every_fault_gets_its_error_category_and_recovers_with_writes_once() {
    let world = World::start().await;
    let mut results = BTreeMap::new();
    let mut wrong = Vec::new();
    for op in OPS {
        for case in CASES {
            let cell = run_cell(&world, op, case).await;
            let expected = case.expected(op);
            if !expected.contains(&cell.outcome.as_str()) || !cell.recovered {
                wrong.push(format!(
                    "{} × {}: got {:?} (recovered: {}), expected one of {expected:?}",
                    op.name(),
                    case.name(),
                    cell.outcome,
                    cell.recovered
                ));
            }
            results.insert((op, case), cell);
        }
    }
    let table = markdown(&results);
    println!("{table}");
    let generated = format!(
        "Measured by `every_operation_under_every_fault_gets_its_error_category_and_recovers_with_writes_once` \
         ({} cells; clients with a 1.5 s request timeout, one retry of a safe request, answers up to {} kB). \
         `ok`: the call succeeded (after a safe retry where the fault allowed one); an error category: \
         the call failed with it; `queued: <category>`: the write stayed in the outbox with that failure. \
         Every cell then checks that the same phone recovers once the fault is gone, and that each queued \
         write reached the server exactly once.\n\n{table}",
        OPS.len() * CASES.len(),
        MAX_RESPONSE_BYTES / 1024
    );
    if wrong.is_empty() {
        write_generated_section("fault-matrix", &generated);
    }
    assert!(
        wrong.is_empty(),
        "{} cells are wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
