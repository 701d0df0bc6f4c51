//! End-to-end: signing in with OpenID Connect against a real provider (panva's oidc-provider,
//! started on loopback by the fixture), token renewal, sign-out, and profiles.

use std::sync::Arc;
use std::time::Duration;

use longan_core::app::MyDossiersError;
use longan_core::auth::config::LoginConfig;
use longan_core::auth::{AuthError, MemorySecureStore, SecureStore, Session};
use longan_core::clock::{Clock, TestClock};
use longan_core::net::{HttpClient, NetConfig};
use longan_core::portal::PortalError;
use longan_core::profile::ProfileKind;
use longan_core::{Cancellation, Core};
use longan_portal::PortalConfig;
use longan_tests::fault_proxy::Fault;
use longan_tests::oidc_fixture::{APP_REDIRECT_URI, CLIENT_ID, OidcProvider};
use longan_tests::portal_fixture::{Fixture, small_seed};

struct Device {
    core: Arc<Core>,
    time: Arc<TestClock>,
}

fn config(issuer: &str) -> LoginConfig {
    LoginConfig {
        issuer: issuer.to_string(),
        client_id: CLIENT_ID.to_string(),
        redirect_uri: APP_REDIRECT_URI.to_string(),
        post_logout_redirect_uri: None,
        refresh_reuse_grace: None,
    }
}

fn open(dir: &std::path::Path, secure: &Arc<MemorySecureStore>, login: LoginConfig) -> Device {
    let time = Arc::new(TestClock::at(std::time::SystemTime::now()));
    let clock = Clock::new(time.clone());
    let client = HttpClient::new(NetConfig::production(), clock.clone()).unwrap();
    let core = Core::open(dir, Some(&small_seed()))
        .unwrap()
        .with_clock(clock)
        .with_secure_store(secure.clone())
        .with_login(login, client);
    Device {
        core: Arc::new(core),
        time,
    }
}

fn query_value(url: &str, name: &str) -> String {
    let start = url.find(&format!("{name}=")).unwrap() + name.len() + 1;
    url[start..].split('&').next().unwrap().to_string()
}

fn with_state(redirect: &str, state: &str) -> String {
    let old = query_value(redirect, "state");
    redirect.replace(&format!("state={old}"), &format!("state={state}"))
}

async fn sign_in(device: &Device, provider: &OidcProvider, account: &str) -> Session {
    let cancel = Cancellation::new();
    let url = device
        .core
        .start_login(None, Some(account), &cancel)
        .await
        .unwrap();
    let redirect = provider.browse(&url).unwrap();
    device
        .core
        .complete_login(&redirect, &cancel)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_citizen_signs_in_through_the_browser_and_stays_signed_in_after_a_restart() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let secure = Arc::new(MemorySecureStore::new());
    let device = open(dir.path(), &secure, config(provider.issuer()));
    let cancel = Cancellation::new();
    let url = device
        .core
        .start_login(None, Some("citizen-1"), &cancel)
        .await
        .unwrap();
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(url.contains("offline_access") && url.contains("nonce="));
    assert!(matches!(
        device.core.session().unwrap(),
        Session::AwaitingRedirect { .. }
    ));
    let redirect = provider.browse(&url).unwrap();
    let session = device
        .core
        .complete_login(&redirect, &cancel)
        .await
        .unwrap();
    let Session::SignedIn { account, .. } = &session else {
        panic!("{session:?}");
    };
    assert_eq!(account.subject, "citizen-1");
    assert_eq!(account.display_name.as_deref(), Some("Trần Thị Lan"));
    let token = device.core.access_token(&cancel).await.unwrap();
    drop(device);
    let device = open(dir.path(), &secure, config(provider.issuer()));
    assert_eq!(device.core.session().unwrap(), session);
    assert_eq!(device.core.access_token(&cancel).await.unwrap(), token);
}

#[tokio::test]
async fn a_redirect_from_another_sign_in_is_refused_and_the_real_one_still_completes() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config(provider.issuer()));
    let cancel = Cancellation::new();
    let first = device.core.start_login(None, None, &cancel).await.unwrap();
    let second = device.core.start_login(None, None, &cancel).await.unwrap();
    let stale = provider.browse(&first).unwrap();
    assert_eq!(
        device.core.complete_login(&stale, &cancel).await,
        Err(AuthError::StateMismatch)
    );
    let current = provider.browse(&second).unwrap();
    assert!(device.core.complete_login(&current, &cancel).await.is_ok());
}

#[tokio::test]
async fn a_code_used_twice_is_refused_by_the_provider() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config(provider.issuer()));
    let cancel = Cancellation::new();
    let url = device.core.start_login(None, None, &cancel).await.unwrap();
    let redirect = provider.browse(&url).unwrap();
    device
        .core
        .complete_login(&redirect, &cancel)
        .await
        .unwrap();
    // A second flow, fed the first flow's code with the second flow's state.
    let again = device.core.start_login(None, None, &cancel).await.unwrap();
    let replay = with_state(&redirect, &query_value(&again, "state"));
    assert_eq!(
        device.core.complete_login(&replay, &cancel).await,
        Err(AuthError::Refused {
            error: "invalid_grant".into()
        })
    );
}

#[tokio::test]
async fn a_code_exchanged_with_another_flows_pkce_verifier_is_refused() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config(provider.issuer()));
    let cancel = Cancellation::new();
    let first = device.core.start_login(None, None, &cancel).await.unwrap();
    let second = device.core.start_login(None, None, &cancel).await.unwrap();
    // The first flow's code, passed off as the second's: its verifier does not match.
    let redirect = with_state(
        &provider.browse(&first).unwrap(),
        &query_value(&second, "state"),
    );
    assert_eq!(
        device.core.complete_login(&redirect, &cancel).await,
        Err(AuthError::Refused {
            error: "invalid_grant".into()
        })
    );
    assert_eq!(device.core.session().unwrap(), Session::SignedOut);
}

#[tokio::test]
async fn an_id_token_signed_with_a_key_the_provider_does_not_publish_is_rejected() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config(provider.issuer()));
    let cancel = Cancellation::new();
    let url = device.core.start_login(None, None, &cancel).await.unwrap();
    provider.set_foreign_key(true);
    let redirect = provider.browse(&url).unwrap();
    assert_eq!(
        device.core.complete_login(&redirect, &cancel).await,
        Err(AuthError::InvalidIdToken {
            reason: "signature does not verify".into()
        })
    );
    assert_eq!(device.core.session().unwrap(), Session::SignedOut);
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_rejected() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let secure = Arc::new(MemorySecureStore::new());
    let device = open(dir.path(), &secure, config(provider.issuer()));
    sign_in(&device, &provider, "citizen-2").await;
    let profile = device.core.current_profile().unwrap();
    let tokens: serde_json::Value = serde_json::from_slice(
        &secure
            .get(&format!("tokens.{}", profile.id))
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    let id_token = tokens["id_token"].as_str().unwrap();
    let cancel = Cancellation::new();
    let client = HttpClient::new(NetConfig::production(), Clock::default()).unwrap();
    let http = longan_core::auth::http::OidcHttp::new(&client, &cancel);
    let state_dir = tempfile::tempdir().unwrap();
    let stores = longan_core::store::Stores::open(state_dir.path()).unwrap();
    let metadata =
        longan_core::auth::discovery::discover(stores.state(), provider.issuer(), &http, 0, true)
            .await
            .unwrap();
    let verified = longan_core::auth::oidc::verify_id_token(
        &metadata,
        &config(provider.issuer()),
        id_token,
        "a-nonce-this-flow-never-sent",
        std::time::SystemTime::now,
    );
    assert_eq!(
        verified,
        Err(AuthError::InvalidIdToken {
            reason: "nonce mismatch".into()
        })
    );
}

#[tokio::test]
async fn twenty_calls_on_an_expired_token_make_exactly_one_refresh_at_the_provider() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config(provider.issuer()));
    sign_in(&device, &provider, "citizen-1").await;
    let cancel = Cancellation::new();
    let first = device.core.access_token(&cancel).await.unwrap();
    provider.reset_counts();
    // The provider's access tokens live 5 minutes: ten minutes later, by the core's clock.
    device.time.advance(Duration::from_secs(600));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let core = device.core.clone();
        calls.spawn(async move { core.access_token(&Cancellation::new()).await });
    }
    let mut tokens = Vec::new();
    while let Some(result) = calls.join_next().await {
        tokens.push(result.unwrap().unwrap());
    }
    assert!(tokens.iter().all(|t| t == &tokens[0] && t != &first));
    assert_eq!(provider.counts().refresh_requests, 1);
}

#[tokio::test]
async fn a_refused_refresh_signs_the_citizen_out_and_followed_dossiers_stay_readable() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config(provider.issuer()));
    let cancel = Cancellation::new();
    let demo = device.core.demo_portal().unwrap();
    let (code, verifier) = demo.demo_codes()[0].clone();
    device
        .core
        .look_up_dossier(&demo, &code, &verifier, &cancel)
        .await
        .unwrap();
    device.core.set_dossier_followed(&code, true).unwrap();
    sign_in(&device, &provider, "citizen-3").await;
    assert!(provider.revoke_grants("citizen-3") >= 1);
    device.time.advance(Duration::from_secs(600));
    assert_eq!(
        device.core.access_token(&cancel).await,
        Err(AuthError::Refused {
            error: "invalid_grant".into()
        })
    );
    assert_eq!(device.core.session().unwrap(), Session::SignedOut);
    assert_eq!(
        device.core.followed_dossiers().unwrap()[0].dossier.code,
        code
    );
}

/// A device whose first demo dossier is followed, signed in through a fault proxy.
async fn signed_in_behind_a_proxy(
    dir: &std::path::Path,
    provider: &OidcProvider,
    grace: Option<Duration>,
) -> (Device, String) {
    let mut login = config(provider.issuer());
    login.refresh_reuse_grace = grace;
    let device = open(dir, &Arc::default(), login);
    let demo = device.core.demo_portal().unwrap();
    let (code, verifier) = demo.demo_codes()[0].clone();
    device
        .core
        .look_up_dossier(&demo, &code, &verifier, &Cancellation::new())
        .await
        .unwrap();
    device.core.set_dossier_followed(&code, true).unwrap();
    sign_in(&device, provider, "citizen-1").await;
    (device, code)
}

#[tokio::test]
async fn a_lost_refresh_answer_without_a_reuse_grace_asks_for_a_new_sign_in_and_keeps_the_data() {
    let (provider, proxy) = OidcProvider::start_behind_proxy(&[]);
    let dir = tempfile::tempdir().unwrap();
    let (device, code) = signed_in_behind_a_proxy(dir.path(), &provider, None).await;
    provider.reset_counts();
    device.time.advance(Duration::from_secs(600));
    // The provider rotates the refresh token; its answer never reaches the phone.
    proxy.set_fault_once(Fault::DropAfterUpstream);
    assert_eq!(
        device.core.access_token(&Cancellation::new()).await,
        Err(AuthError::ReauthRequired)
    );
    assert_eq!(provider.counts().refresh_requests, 1);
    assert!(matches!(
        device.core.session().unwrap(),
        Session::ReauthRequired { .. }
    ));
    assert_eq!(
        device.core.followed_dossiers().unwrap()[0].dossier.code,
        code
    );
    // A new sign-in recovers.
    sign_in(&device, &provider, "citizen-1").await;
    assert!(device.core.access_token(&Cancellation::new()).await.is_ok());
}

#[tokio::test]
async fn a_lost_refresh_answer_within_the_reuse_grace_is_retried_with_the_same_token() {
    let (provider, proxy) = OidcProvider::start_behind_proxy(&[("OIDC_REUSE_GRACE", "60")]);
    let dir = tempfile::tempdir().unwrap();
    let grace = Some(Duration::from_secs(60));
    let (device, code) = signed_in_behind_a_proxy(dir.path(), &provider, grace).await;
    let before = device
        .core
        .access_token(&Cancellation::new())
        .await
        .unwrap();
    provider.reset_counts();
    device.time.advance(Duration::from_secs(600));
    proxy.set_fault_once(Fault::DropAfterUpstream);
    let renewed = device
        .core
        .access_token(&Cancellation::new())
        .await
        .unwrap();
    assert_ne!(renewed, before);
    assert_eq!(provider.counts().refresh_requests, 2);
    assert!(matches!(
        device.core.session().unwrap(),
        Session::SignedIn { .. }
    ));
    assert_eq!(
        device.core.followed_dossiers().unwrap()[0].dossier.code,
        code
    );
}

#[tokio::test]
async fn signing_out_offline_queues_the_revocation_which_reaches_the_provider_later() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let mut login = config(provider.issuer());
    login.post_logout_redirect_uri = Some("vn.gov.longanso:/logout".into());
    let device = open(dir.path(), &Arc::default(), login);
    sign_in(&device, &provider, "citizen-1").await;
    provider.reset_counts();
    let outcome = device.core.logout().unwrap();
    let end_session = outcome.end_session_url.unwrap();
    assert!(end_session.starts_with(provider.issuer()), "{end_session}");
    assert!(end_session.contains("id_token_hint="));
    assert_eq!(device.core.session().unwrap(), Session::SignedOut);
    assert_eq!(provider.counts().revocations, 0);
    let changes = device
        .core
        .deliver_outbox(None, &Cancellation::new())
        .await
        .unwrap();
    assert!(!changes.is_empty());
    assert_eq!(provider.counts().revocations, 1, "{changes:?}");
    // Delivered once: a second run sends nothing.
    device
        .core
        .deliver_outbox(None, &Cancellation::new())
        .await
        .unwrap();
    assert_eq!(provider.counts().revocations, 1);
}

#[tokio::test]
async fn a_signed_in_citizen_lists_their_dossiers_and_after_logout_the_portal_refuses_the_old_token()
 {
    let provider = OidcProvider::start();
    let fixture = Fixture::start_with(PortalConfig {
        data_dir: longan_tests::data_dir(),
        test_control: true,
        oidc_issuer: Some(provider.issuer().to_string()),
        introspection_cache_ms: 200,
        ..PortalConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config(provider.issuer()));
    let cancel = Cancellation::new();
    sign_in(&device, &provider, "citizen-1").await;
    let portal = fixture.client_for(&device.core);
    let mine = device
        .core
        .my_dossiers(Some(&portal), &cancel)
        .await
        .unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine.iter().all(|d| d.dossier.applicant == "Trần T** L**"));
    let old = device.core.access_token(&cancel).await.unwrap();
    device.core.logout().unwrap();
    device
        .core
        .deliver_outbox(Some(&portal), &cancel)
        .await
        .unwrap();
    assert_eq!(provider.counts().revocations, 1);
    // Past the portal's introspection cache, the old token is refused.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let refused = portal.my_dossiers(&old, &cancel).await;
    assert!(
        matches!(&refused, Err(PortalError::Net(error)) if error.is_unauthorized()),
        "{refused:?}"
    );
    assert!(matches!(
        device.core.my_dossiers(Some(&portal), &cancel).await,
        Err(MyDossiersError::Auth(AuthError::NotSignedIn))
    ));
    // What was listed stays readable offline.
    assert!(
        device
            .core
            .cached_dossier(&mine[0].dossier.code)
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn an_unreachable_provider_is_a_typed_network_error() {
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config("http://127.0.0.1:9"));
    let started = device
        .core
        .start_login(None, None, &Cancellation::new())
        .await;
    assert!(
        matches!(
            started,
            Err(AuthError::Network(
                longan_core::net::NetError::Offline { .. }
            ))
        ),
        "{started:?}"
    );
    assert_eq!(device.core.session().unwrap(), Session::SignedOut);
}

#[tokio::test]
async fn a_sign_in_survives_the_app_being_killed_while_the_browser_is_open() {
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let secure = Arc::new(MemorySecureStore::new());
    let url = {
        let device = open(dir.path(), &secure, config(provider.issuer()));
        device
            .core
            .start_login(None, Some("citizen-2"), &Cancellation::new())
            .await
            .unwrap()
    };
    let redirect = provider.browse(&url).unwrap();
    let device = open(dir.path(), &secure, config(provider.issuer()));
    let session = device
        .core
        .complete_login(&redirect, &Cancellation::new())
        .await
        .unwrap();
    assert!(matches!(session, Session::SignedIn { .. }));
}

#[tokio::test]
async fn profiles_keep_their_sessions_and_dossiers_apart_and_a_removed_one_leaves_nothing_readable()
{
    let provider = OidcProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let device = open(dir.path(), &Arc::default(), config(provider.issuer()));
    let cancel = Cancellation::new();
    let demo = device.core.demo_portal().unwrap();
    let own = device.core.current_profile().unwrap();
    let helped = device
        .core
        .add_profile("Bà Tư", ProfileKind::Assisted)
        .unwrap();
    device.core.switch_profile(&helped.id).unwrap();
    let (code, verifier) = demo.demo_codes()[2].clone();
    let looked_up = device
        .core
        .look_up_dossier(&demo, &code, &verifier, &cancel)
        .await
        .unwrap();
    device.core.set_dossier_followed(&code, true).unwrap();
    sign_in(&device, &provider, "citizen-2").await;
    // The own profile sees neither the session nor the dossier.
    device.core.switch_profile(&own.id).unwrap();
    assert_eq!(device.core.session().unwrap(), Session::SignedOut);
    assert!(device.core.followed_dossiers().unwrap().is_empty());
    assert!(device.core.cached_dossier(&code).unwrap().is_none());
    // Signing the assisted profile out wipes it.
    device.core.switch_profile(&helped.id).unwrap();
    let outcome = device.core.logout().unwrap();
    assert!(outcome.profile_removed);
    assert_eq!(device.core.current_profile().unwrap().id, own.id);
    drop(device);
    let status = looked_up.dossier.status_text.clone();
    let mut raw = Vec::new();
    for file in walk(dir.path()) {
        raw.extend(std::fs::read(file).unwrap());
    }
    for needle in [code.as_str(), "Bà Tư", "Lê Văn Hùng", status.as_str()] {
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} is still in the data directory"
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
