//! Security end-to-end: nothing secret or personal leaks into the logs (every `log` record of
//! the core, its libraries and the in-process reference portal, at TRACE) or into the files of
//! the data directory, and plain HTTP to another machine is refused before any connection.
//!
//! The secrets are the exact values this harness issued or put in during a representative
//! flow (sign-in, renewal, my dossiers, the feed, a lookup with a verifier, a push
//! registration, a 1022 feedback, sign-out): every token the provider issued (read from its
//! answers, recorded by the fault proxy in front of it, and from the secure store), the
//! authorization code, the PKCE verifier the core sent, the dossier verifier, the push token and
//! registration secret, and the personal data typed in. `docs/security.md` maps these checks to
//! OWASP MASVS.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use longan_core::auth::config::LoginConfig;
use longan_core::auth::tokens::{TokenSet, load_tokens};
use longan_core::auth::{AuthError, MemorySecureStore, Secret, Session};
use longan_core::clock::{Clock, TestClock};
use longan_core::feedback::{Feedback, FeedbackStatus};
use longan_core::net::{HttpClient, NetConfig, NetError};
use longan_core::portal::wire::{DeviceRegistration, FeedbackCategory, PushPlatform};
use longan_core::portal::{HttpPortal, Portal, PortalError};
use longan_core::{Cancellation, Core};
use longan_portal::PortalConfig;
use longan_tests::fault_proxy::RecordedExchange;
use longan_tests::log_capture::LogCapture;
use longan_tests::oidc_fixture::{APP_REDIRECT_URI, CLIENT_ID, OidcProvider, PORTAL_CLIENT_SECRET};
use longan_tests::portal_fixture::{Fixture, small_seed};
use unicode_normalization::UnicodeNormalization;

/// The citizen who signs in (`tests/oidc`'s first account) and their name there.
const ACCOUNT: &str = "citizen-1";
const ACCOUNT_NAME: &str = "Trần Thị Lan";
/// What the citizen types into the 1022 feedback form.
const CONTACT_NAME: &str = "Nguyễn Thị Hồng Nhung";
const PHONE_AS_TYPED: &str = "0916 482 735";
const PHONE: &str = "0916482735";
const ID_CARD: &str = "079188012345";
/// The push service's token the app hands over.
const PUSH_TOKEN: &str = "fcm-leak-probe-5b1e0c7a9d3f4e26";

/// How near its label a short secret must be to count as shown.
const LABEL_REACH: usize = 64;

/// One value that must not show: what it is, and the value.
#[derive(Debug, Clone)]
struct Needle {
    what: String,
    text: String,
    /// For a value short enough to occur by chance (a dossier verifier is four digits, like a
    /// receipt PIN): it counts only as a word of its own with this label (any case) within
    /// [`LABEL_REACH`] bytes, as in `verifier=3161`, `"verifier":"3161"` or a
    /// `Dossier-Verifier: 3161` header.
    label: Option<&'static str>,
}

impl Needle {
    fn is_in(&self, haystack: &[u8]) -> bool {
        let needle = self.text.as_bytes();
        let Some(label) = self.label else {
            return contains(haystack, needle);
        };
        let word = |byte: Option<&u8>| byte.is_some_and(u8::is_ascii_alphanumeric);
        (0..haystack.len().saturating_sub(needle.len() - 1)).any(|start| {
            let end = start + needle.len();
            if &haystack[start..end] != needle
                || word(start.checked_sub(1).and_then(|i| haystack.get(i)))
                || word(haystack.get(end))
            {
                return false;
            }
            let around = &haystack
                [start.saturating_sub(LABEL_REACH)..(end + LABEL_REACH).min(haystack.len())];
            around
                .windows(label.len())
                .any(|window| window.eq_ignore_ascii_case(label.as_bytes()))
        })
    }

    /// How the value would show in a plain file: labelled when it needs a label.
    fn planted(&self) -> String {
        match self.label {
            Some(label) => format!("{label}={}", self.text),
            None => self.text.clone(),
        }
    }
}

/// Every value of a flow that must not show, without repeats.
#[derive(Debug, Default)]
struct Needles(Vec<Needle>);

impl Needles {
    /// Adds `text`; a value too short to be told from chance is a mistake of the test.
    fn add(&mut self, what: &str, text: &str) {
        assert!(text.len() >= 8, "{what} is too short to look for: {text:?}");
        self.push(what, text, None);
    }

    /// Adds a short `text` that counts only next to `label` (see [`Needle::label`]).
    fn add_labelled(&mut self, what: &str, text: &str, label: &'static str) {
        assert!(!text.is_empty(), "{what} is empty");
        self.push(what, text, Some(label));
    }

    fn push(&mut self, what: &str, text: &str, label: Option<&'static str>) {
        if !self.0.iter().any(|needle| needle.text == text) {
            self.0.push(Needle {
                what: what.to_string(),
                text: text.to_string(),
                label,
            });
        }
    }

    /// A name as typed (NFC) and decomposed (NFD, as some keyboards and file systems give it).
    fn add_name(&mut self, what: &str, name: &str) {
        self.add(&format!("{what} (NFC)"), &name.nfc().collect::<String>());
        self.add(&format!("{what} (NFD)"), &name.nfd().collect::<String>());
    }

    /// The tokens of a stored or issued token set.
    fn add_token_set(&mut self, tokens: &TokenSet) {
        self.add("access token", tokens.access_token.expose());
        for (what, token) in [
            ("refresh token", &tokens.refresh_token),
            ("previous refresh token", &tokens.previous_refresh_token),
            ("ID token", &tokens.id_token),
        ] {
            if let Some(token) = token {
                self.add(what, token.expose());
            }
        }
    }

    /// The needles found in `haystack`.
    fn found_in(&self, haystack: &[u8]) -> Vec<&Needle> {
        self.0
            .iter()
            .filter(|needle| needle.is_in(haystack))
            .collect()
    }

    fn has(&self, text: &str) -> bool {
        self.0.iter().any(|needle| needle.text == text)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// What a run of the flow leaves: the values that must not show, the data directory, and a
/// copy of it taken while the citizen was signed in and the app running.
struct Flow {
    needles: Needles,
    dir: tempfile::TempDir,
    signed_in_copy: tempfile::TempDir,
}

/// Runs the representative flow against a real provider and the reference portal, both behind
/// recording proxies, and gathers what must not show.
async fn run_flow() -> Flow {
    // Access tokens live 60 s: with the core's 30 s margin, two minutes on renews them.
    let (provider, idp_proxy) = OidcProvider::start_behind_proxy(&[("OIDC_ACCESS_TTL", "60")]);
    idp_proxy.record(true);
    let fixture = Fixture::start_with(PortalConfig {
        data_dir: longan_tests::data_dir(),
        test_control: true,
        log_requests: true,
        oidc_issuer: Some(provider.issuer().to_string()),
        introspection_cache_ms: 0,
        ..PortalConfig::default()
    })
    .await;
    fixture.proxy.record(true);
    let dir = tempfile::tempdir().unwrap();
    let secure = Arc::new(MemorySecureStore::new());
    let time = Arc::new(TestClock::at(std::time::SystemTime::now()));
    let core = fixture
        .core(dir.path(), &small_seed())
        .with_clock(Clock::new(time.clone()));
    let client = HttpClient::new(NetConfig::for_tests(), core.clock().clone()).unwrap();
    let login = LoginConfig {
        issuer: provider.issuer().to_string(),
        client_id: CLIENT_ID.to_string(),
        redirect_uri: APP_REDIRECT_URI.to_string(),
        post_logout_redirect_uri: None,
        refresh_reuse_grace: None,
    };
    let core = core
        .with_secure_store(secure.clone())
        .with_login(login, client);
    let portal = fixture.client_for(&core);
    let cancel = &Cancellation::new();
    let mut needles = Needles::default();
    needles.add("the portal's client secret", PORTAL_CLIENT_SECRET);
    needles.add_name("the account's name", ACCOUNT_NAME);

    // Sign in through the provider's test browser.
    let url = core.start_login(None, Some(ACCOUNT), cancel).await.unwrap();
    let redirect = provider.browse(&url).unwrap();
    needles.add("authorization code", &query_value(&redirect, "code"));
    core.complete_login(&redirect, cancel).await.unwrap();
    let profile = core.current_profile().unwrap().id;
    let stored = |needles: &mut Needles| {
        let tokens = load_tokens(secure.as_ref(), &profile).unwrap().unwrap();
        needles.add_token_set(&tokens);
        tokens
    };
    let first = stored(&mut needles);

    // Renew the tokens.
    provider.reset_counts();
    time.advance(Duration::from_secs(120));
    let renewed = core.access_token(cancel).await.unwrap();
    assert_ne!(&renewed, &first.access_token);
    assert!(provider.counts().refresh_requests >= 1);
    stored(&mut needles);

    // My dossiers, the feed, a lookup with a verifier (followed, so the verifier is kept).
    let mine = core.my_dossiers(Some(&portal), cancel).await.unwrap();
    assert!(!mine.is_empty());
    core.sync_feed(&portal, cancel).await.unwrap();
    let (code, verifier) = fixture.demo_dossiers()[0].clone();
    needles.add_labelled("dossier verifier", &verifier, "verifier");
    core.look_up_dossier(&portal, &code, &verifier, cancel)
        .await
        .unwrap();
    core.set_dossier_followed(&code, true).unwrap();

    // A push registration, delivered.
    assert!(
        core.register_push_token(PushPlatform::Fcm, PUSH_TOKEN, "vi")
            .unwrap()
    );
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    needles.add("push token", PUSH_TOKEN);

    // A 1022 feedback with a contact and an ID-card number in its text, delivered.
    let mut draft = Feedback::new(
        FeedbackCategory::PublicService,
        format!("Tôi làm mất căn cước công dân số {ID_CARD} khi nộp hồ sơ ở xã."),
    );
    draft.contact_name = Some(CONTACT_NAME.nfd().collect());
    draft.contact_phone = Some(PHONE_AS_TYPED.into());
    core.queue_feedback(&draft).unwrap();
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    let sent = core.feedback_list().unwrap();
    assert!(
        matches!(sent[0].status, FeedbackStatus::Received { .. }),
        "{:?}",
        sent[0].status
    );
    needles.add("ID-card number", ID_CARD);
    needles.add("phone number", PHONE);
    needles.add("phone number as typed", PHONE_AS_TYPED);
    needles.add_name("the feedback's contact name", CONTACT_NAME);

    stored(&mut needles);
    let signed_in_copy = copy_of(dir.path());

    // Sign out, and deliver the revocation and the unregistration.
    provider.reset_counts();
    core.logout().unwrap();
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    assert_eq!(provider.counts().revocations, 1);
    assert_eq!(core.session().unwrap(), Session::SignedOut);

    add_provider_exchanges(&mut needles, &idp_proxy.recorded(), &first);
    add_portal_exchanges(&mut needles, &fixture.proxy.recorded());
    drop(core);
    Flow {
        needles,
        dir,
        signed_in_copy,
    }
}

/// The PKCE verifier the core sent and every token the provider issued, from the provider's
/// proxy. The tokens first stored must be among them: the recording is complete.
fn add_provider_exchanges(needles: &mut Needles, exchanges: &[RecordedExchange], first: &TokenSet) {
    let mut verifiers = 0;
    for exchange in exchanges {
        let body = String::from_utf8_lossy(exchange.request_body()).into_owned();
        if let Some(verifier) = form_value(&body, "code_verifier") {
            needles.add("PKCE code verifier", &verifier);
            verifiers += 1;
        }
        let Ok(answer) = serde_json::from_slice::<serde_json::Value>(&exchange.response_body)
        else {
            continue;
        };
        for (field, what) in [
            ("access_token", "access token"),
            ("refresh_token", "refresh token"),
            ("id_token", "ID token"),
        ] {
            if let Some(token) = answer[field].as_str() {
                needles.add(what, token);
            }
        }
    }
    assert_eq!(verifiers, 1, "one code exchange");
    assert!(
        needles.has(first.access_token.expose()),
        "the provider's answers were recorded"
    );
}

/// The push registration's secret, from the portal's proxy.
fn add_portal_exchanges(needles: &mut Needles, exchanges: &[RecordedExchange]) {
    let secret = exchanges
        .iter()
        .filter(|exchange| exchange.request_line().starts_with("PUT /v1/me/devices/"))
        .find_map(|exchange| {
            let body: serde_json::Value = serde_json::from_slice(exchange.request_body()).ok()?;
            body["registration_secret"].as_str().map(str::to_string)
        })
        .expect("the push registration was sent");
    needles.add("push registration secret", &secret);
}

/// The value of `name` in a URL's query.
fn query_value(url: &str, name: &str) -> String {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    form_value(query, name).unwrap_or_else(|| panic!("no {name} in {url}"))
}

/// The value of `name` in `application/x-www-form-urlencoded` text, decoded.
fn form_value(form: &str, name: &str) -> Option<String> {
    form.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| percent_decode(value))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (b'+', _) => {
                decoded.push(b' ');
                i += 1;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_verifier_code_or_personal_data_reaches_the_logs_even_at_trace_level() {
    let capture = LogCapture::install();
    let mark = capture.mark();
    log::trace!(target: "longan_tests::leaks", "probe 5d41402abc4b2a76");
    let flow = run_flow().await;
    let log = capture.text_since(mark);

    // The capture saw everything: the probe (so a leak would be found), TRACE records of the
    // libraries, the core's milestones and the portal's access log.
    let mut probe = Needles::default();
    probe.add("probe", "probe 5d41402abc4b2a76");
    assert_eq!(probe.found_in(log.as_bytes()).len(), 1);
    for expected in [
        "signed in",
        "tokens renewed",
        "push registration queued",
        "signed out",
        "INFO longan_portal::access",
        "POST /v1/feedback 201",
    ] {
        assert!(
            log.contains(expected),
            "{expected:?} is not in the log:\n{log}"
        );
    }
    assert!(
        log.lines()
            .any(|line| line.starts_with("TRACE") && !line.contains("longan_tests")),
        "no library wrote at TRACE:\n{log}"
    );

    let found = flow.needles.found_in(log.as_bytes());
    let lines: Vec<&str> = log
        .lines()
        .filter(|line| found.iter().any(|needle| needle.is_in(line.as_bytes())))
        .collect();
    assert!(
        found.is_empty(),
        "in the log: {:?}\n{}",
        found.iter().map(|needle| &needle.what).collect::<Vec<_>>(),
        lines.join("\n")
    );
}

/// Every file under `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A copy of everything under `dir`, as a backup or a forensic image of the phone would take.
fn copy_of(dir: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for file in files_under(dir) {
        let target = copy.path().join(file.strip_prefix(dir).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
    }
    copy
}

/// What a scan of a folder found.
struct Scan {
    files: usize,
    bytes: usize,
    /// (file, what was found in it).
    found: Vec<(PathBuf, String)>,
}

/// Reads every file under `dir` and looks for each needle in its bytes.
fn scan(dir: &Path, needles: &Needles) -> Scan {
    let mut scan = Scan {
        files: 0,
        bytes: 0,
        found: Vec::new(),
    };
    for file in files_under(dir) {
        let bytes = std::fs::read(&file).unwrap();
        scan.files += 1;
        scan.bytes += bytes.len();
        for needle in needles.found_in(&bytes) {
            scan.found.push((file.clone(), needle.what.clone()));
        }
    }
    scan
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_file_of_the_data_directory_holds_a_token_or_personal_data_in_clear() {
    let flow = run_flow().await;
    let after_sign_out = copy_of(flow.dir.path());
    for (moment, copy) in [
        ("signed in", &flow.signed_in_copy),
        ("signed out", &after_sign_out),
    ] {
        // The scan can fail: every needle, planted in a plain file of the copy, is found there.
        let planted = copy.path().join("state").join("planted.txt");
        let all: Vec<String> = flow.needles.0.iter().map(Needle::planted).collect();
        std::fs::write(&planted, all.join("\n")).unwrap();
        let found = scan(copy.path(), &flow.needles).found;
        assert_eq!(found.len(), flow.needles.0.len(), "{moment}: {found:?}");
        assert!(found.iter().all(|(file, _)| file == &planted));
        std::fs::remove_file(&planted).unwrap();

        let scan = scan(copy.path(), &flow.needles);
        // Both databases were read, the personal one (`state/`) included.
        assert!(
            scan.files >= 4 && copy.path().join("state/db").is_file(),
            "{moment}: {} files, {} bytes",
            scan.files,
            scan.bytes
        );
        assert!(scan.found.is_empty(), "{moment}: {:?}", scan.found);
    }
}

#[test]
fn a_device_registration_and_a_token_set_show_no_secret_in_debug_output() {
    // `Secret` alone is checked in core/src/auth/secret.rs; these are the records holding one.
    let registration = DeviceRegistration {
        platform: PushPlatform::Apns,
        token: "apns-token-9f8e7d6c".into(),
        language: "vi".into(),
        registration_secret: "registration-secret-0123456789abcdef".into(),
    };
    let tokens = TokenSet {
        access_token: Secret::new("access-token-1a2b3c"),
        access_expires_at_ms: Some(1),
        refresh_token: Some(Secret::new("refresh-token-4d5e6f")),
        previous_refresh_token: Some(Secret::new("refresh-token-old-7a8b")),
        id_token: Some(Secret::new("id-token-9c0d1e")),
    };
    let shown = format!("{registration:?} {registration:#?} {tokens:?} {tokens:#?}");
    for secret in [
        "apns-token-9f8e7d6c",
        "registration-secret-0123456789abcdef",
        "access-token-1a2b3c",
        "refresh-token-4d5e6f",
        "refresh-token-old-7a8b",
        "id-token-9c0d1e",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("DeviceRegistration") && shown.contains("Apns"));
}

/// The network failure of a refused URL.
fn refused_url(error: &NetError) -> bool {
    matches!(error, NetError::BadUrl { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_another_machine_is_refused_before_any_connection() {
    // 0.0.0.0 is not a loopback address to the policy, yet a connection to it reaches this
    // machine: a listener on every interface would see a request that went out.
    let listener = std::net::TcpListener::bind(("0.0.0.0", 0)).unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = HttpClient::new(NetConfig::for_tests(), Clock::default()).unwrap();
    let cancel = Cancellation::new();
    let feedback = Feedback::new(FeedbackCategory::Other, "Đèn đường hỏng")
        .validate()
        .unwrap();
    let started = std::time::Instant::now();
    for base in [
        "http://portal.example.vn".to_string(),
        format!("http://0.0.0.0:{port}"),
    ] {
        let portal = HttpPortal::new(&base, client.clone());
        let code = "000.00.53.H39-250701-0001";
        let looked_up = portal.dossier(code, "verifier-1234", None, &cancel).await;
        assert!(
            matches!(&looked_up, Err(PortalError::Net(error)) if refused_url(error)),
            "{base}: {looked_up:?}"
        );
        let token = Secret::new("access-token-never-sent");
        let mine = portal.my_dossiers(&token, &cancel).await;
        assert!(
            matches!(&mine, Err(PortalError::Net(error)) if refused_url(error)),
            "{base}: {mine:?}"
        );
        let sent = portal.send_feedback(&feedback, "key-1", &cancel).await;
        assert!(
            matches!(&sent, Err(PortalError::Net(error)) if refused_url(error)),
            "{base}: {sent:?}"
        );
        let direct = client
            .get(&format!("{base}/v1/catalog/changes"), None, &cancel)
            .await;
        assert!(
            matches!(&direct, Err(error) if refused_url(error)),
            "{base}: {direct:?}"
        );
    }
    // Sign-in at a provider named by plain HTTP is refused the same way.
    let dir = tempfile::tempdir().unwrap();
    let login = |issuer: String| LoginConfig {
        issuer,
        client_id: CLIENT_ID.to_string(),
        redirect_uri: APP_REDIRECT_URI.to_string(),
        post_logout_redirect_uri: None,
        refresh_reuse_grace: None,
    };
    let core = Core::open(dir.path(), Some(&small_seed()))
        .unwrap()
        .with_login(login(format!("http://0.0.0.0:{port}")), client.clone());
    let started_login = core.start_login(None, None, &cancel).await;
    assert!(
        matches!(&started_login, Err(AuthError::Network(error)) if refused_url(error)),
        "{started_login:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "refused at once, not after a timeout: {:?}",
        started.elapsed()
    );
    assert!(
        listener.accept().is_err(),
        "a connection reached the listener"
    );

    // The check can fail: plain HTTP to loopback is allowed, and its connection arrives.
    let loopback = HttpPortal::new(&format!("http://127.0.0.1:{port}"), client);
    let request = tokio::spawn(async move {
        let cancel = Cancellation::new();
        let _ = loopback.my_dossiers(&Secret::new("token"), &cancel).await;
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let arrived = loop {
        match listener.accept() {
            Ok(_) => break true,
            Err(_) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(_) => break false,
        }
    };
    request.abort();
    assert!(arrived, "the loopback request never reached the listener");
}
