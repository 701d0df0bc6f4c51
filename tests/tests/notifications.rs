//! End-to-end: notifications from local detection as followed dossiers move (the embedded
//! demo's story, moved by the test clock), pushes taken as nudges, reminders, and the
//! background refresh's budget against the reference portal. The portal's feed joins later.

use std::sync::Arc;
use std::time::Duration;

use longan_core::app::PushOutcome;
use longan_core::auth::MemorySecureStore;
use longan_core::auth::config::LoginConfig;
use longan_core::clock::{Clock, TestClock};
use longan_core::net::{HttpClient, NetConfig};
use longan_core::{Cancellation, Core};
use longan_portal::PortalConfig;
use longan_tests::fault_proxy::Fault;
use longan_tests::oidc_fixture::{APP_REDIRECT_URI, CLIENT_ID, OidcProvider};
use longan_tests::portal_fixture::{Fixture, small_seed};

fn open(dir: &std::path::Path, time: &Arc<TestClock>) -> Core {
    Core::open(dir, Some(&small_seed()))
        .unwrap()
        .with_clock(Clock::new(time.clone()))
}

#[tokio::test]
async fn a_first_follow_notifies_nothing_and_each_later_step_is_notified_once_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let time = Arc::new(TestClock::at(std::time::SystemTime::now()));
    let cancel = Cancellation::new();
    let (code, seen_entries) = {
        let core = open(dir.path(), &time);
        let demo = core.demo_portal().unwrap();
        let (code, verifier) = demo.demo_codes()[0].clone();
        let first = core
            .look_up_dossier(&demo, &code, &verifier, &cancel)
            .await
            .unwrap();
        core.set_dossier_followed(&code, true).unwrap();
        // Following is a baseline: its past does not flood the inbox.
        core.refresh_followed(&demo, &cancel).await.unwrap();
        assert!(core.notifications(100).unwrap().is_empty());
        // The story moves on while the phone is away: every step is notified, not just the last.
        time.advance(Duration::from_secs(30 * 60));
        let later = core.refresh_followed(&demo, &cancel).await.unwrap();
        let new_entries = later[0].dossier.timeline.len() - first.dossier.timeline.len();
        assert!(new_entries >= 2, "the demo moved {new_entries} steps");
        let notes = core.notifications(100).unwrap();
        let about_timeline = notes
            .iter()
            .filter(|n| {
                !matches!(
                    n.kind,
                    longan_core::notify::NotificationKind::AppointmentMoved { .. }
                )
            })
            .count();
        assert_eq!(about_timeline, new_entries);
        assert_eq!(core.unread_notifications().unwrap(), notes.len());
        assert!(
            notes
                .iter()
                .all(|n| n.dossier_code() == Some(code.as_str()))
        );
        (code, later[0].dossier.timeline.len())
    };
    // After a restart, the same refresh finds nothing new.
    let core = open(dir.path(), &time);
    let demo = core.demo_portal().unwrap();
    let before = core.notifications(100).unwrap();
    let again = core.refresh_followed(&demo, &cancel).await.unwrap();
    assert_eq!(again[0].dossier.timeline.len(), seen_entries);
    assert_eq!(core.notifications(100).unwrap(), before);
    // Reading and deleting.
    let first_id = before[0].id.as_str().to_string();
    assert!(core.mark_notification_read(&first_id).unwrap());
    assert_eq!(core.unread_notifications().unwrap(), before.len() - 1);
    assert!(core.delete_notification(&first_id).unwrap());
    assert_eq!(
        core.mark_all_notifications_read().unwrap(),
        before.len() - 1
    );
    assert_eq!(core.unread_notifications().unwrap(), 0);
    assert!(core.cached_dossier(&code).unwrap().is_some());
}

#[tokio::test]
async fn a_dossier_looked_up_but_not_followed_notifies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let time = Arc::new(TestClock::at(std::time::SystemTime::now()));
    let cancel = Cancellation::new();
    let core = open(dir.path(), &time);
    let demo = core.demo_portal().unwrap();
    let (code, verifier) = demo.demo_codes()[1].clone();
    core.look_up_dossier(&demo, &code, &verifier, &cancel)
        .await
        .unwrap();
    time.advance(Duration::from_secs(30 * 60));
    core.look_up_dossier(&demo, &code, &verifier, &cancel)
        .await
        .unwrap();
    assert!(core.notifications(100).unwrap().is_empty());
}

#[tokio::test]
async fn a_push_is_a_nudge_malformed_ones_are_ignored_and_reminders_fire_once() {
    let dir = tempfile::tempdir().unwrap();
    let time = Arc::new(TestClock::at(std::time::SystemTime::now()));
    let cancel = Cancellation::new();
    let core = open(dir.path(), &time);
    let demo = core.demo_portal().unwrap();
    let codes = demo.demo_codes();
    // The late demo dossier (the last one): its appointment has passed without a result.
    let (late, late_verifier) = codes.last().unwrap().clone();
    core.look_up_dossier(&demo, &late, &late_verifier, &cancel)
        .await
        .unwrap();
    core.set_dossier_followed(&late, true).unwrap();
    assert_eq!(core.add_due_reminders().unwrap(), 1);
    assert_eq!(core.add_due_reminders().unwrap(), 0);
    // Pushes: garbage is ignored, a dossier not followed is nothing to fetch.
    for garbage in [
        "",
        "{",
        "[1,2]",
        "{\"data\":{\"type\":\"dossier\",\"code\":\"??\"}}",
    ] {
        assert!(matches!(
            core.handle_push(&demo, garbage, &cancel).await.unwrap(),
            PushOutcome::Ignored { .. }
        ));
    }
    let (other, _) = codes[0].clone();
    let unfollowed = format!("{{\"data\":{{\"type\":\"dossier\",\"code\":\"{other}\"}}}}");
    assert_eq!(
        core.handle_push(&demo, &unfollowed, &cancel).await.unwrap(),
        PushOutcome::NothingToFetch
    );
    // A push naming the followed dossier after it moved: the truth is fetched and notified.
    time.advance(Duration::from_secs(5 * 60));
    let push = format!(
        "{{\"aps\":{{\"alert\":{{\"title\":\"do not trust me\"}}}},\"type\":\"dossier\",\"code\":\"{late}\"}}"
    );
    let outcome = core.handle_push(&demo, &push, &cancel).await.unwrap();
    assert!(
        matches!(outcome, PushOutcome::Refreshed { notified } if notified >= 1),
        "{outcome:?}"
    );
    let notes = core.notifications(100).unwrap();
    assert!(notes.iter().all(|n| {
        !n.title(longan_core::notify::Language::Vi)
            .contains("do not trust me")
    }));
    // Rescheduled two working days ahead: a reminder the day before, at 08:00 in Vietnam.
    let wakeup = core.next_wakeup().unwrap().expect("a reminder ahead");
    assert!(wakeup > core.clock().now_ms());
    // The same push again adds nothing.
    assert_eq!(
        core.handle_push(&demo, &push, &cancel).await.unwrap(),
        PushOutcome::Refreshed { notified: 0 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_refresh_stops_when_its_budget_runs_out() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    let portal = fixture.client_for(&core);
    let cancel = Cancellation::new();
    for (code, verifier) in fixture.demo_dossiers().into_iter().take(3) {
        core.look_up_dossier(&portal, &code, &verifier, &cancel)
            .await
            .unwrap();
        core.set_dossier_followed(&code, true).unwrap();
    }
    let quick = core
        .background_refresh(&portal, Duration::from_secs(30), &cancel)
        .await
        .unwrap();
    assert_eq!((quick.refreshed, quick.skipped), (3, 0));
    // Each answer now takes 1.5 s: a 2 s budget refreshes one and leaves the rest.
    fixture
        .proxy
        .set_fault(Fault::Latency(Duration::from_millis(1500)));
    let started = std::time::Instant::now();
    let slow = core
        .background_refresh(&portal, Duration::from_secs(2), &cancel)
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(slow.refreshed + slow.skipped, 3);
    assert!(slow.skipped >= 1, "{slow:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_found_by_local_detection_and_by_the_feed_is_notified_once_also_after_a_restart() {
    let provider = OidcProvider::start();
    let fixture = Fixture::start_with(PortalConfig {
        data_dir: longan_tests::data_dir(),
        test_control: true,
        oidc_issuer: Some(provider.issuer().to_string()),
        introspection_cache_ms: 0,
        ..PortalConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let secure = Arc::new(MemorySecureStore::new());
    let device = |fixture: &Fixture| {
        let core = fixture.core(dir.path(), &small_seed());
        let client = HttpClient::new(NetConfig::for_tests(), core.clock().clone()).unwrap();
        let login = LoginConfig {
            issuer: provider.issuer().to_string(),
            client_id: CLIENT_ID.to_string(),
            redirect_uri: APP_REDIRECT_URI.to_string(),
            post_logout_redirect_uri: None,
            refresh_reuse_grace: None,
        };
        core.with_secure_store(secure.clone())
            .with_login(login, client)
    };
    let cancel = Cancellation::new();
    let core = device(&fixture);
    let url = core
        .start_login(None, Some("citizen-1"), &cancel)
        .await
        .unwrap();
    core.complete_login(&provider.browse(&url).unwrap(), &cancel)
        .await
        .unwrap();
    let portal = fixture.client_for(&core);
    let (status, body) = fixture.control("POST", "/test/accounts/citizen-1/dossiers", "");
    assert_eq!(status, 200, "{body}");
    let filed: serde_json::Value = serde_json::from_str(&body).unwrap();
    let code = filed["code"].as_str().unwrap().to_string();
    let advance = format!("/test/dossiers/{code}/advance");
    // Follow the new dossier; the feed's history is a baseline.
    core.my_dossiers(Some(&portal), &cancel).await.unwrap();
    core.set_dossier_followed(&code, true).unwrap();
    assert_eq!(core.sync_feed(&portal, &cancel).await.unwrap(), 0);
    assert!(core.notifications(100).unwrap().is_empty());
    // Local detection first, then the feed: one notification.
    assert_eq!(fixture.control("POST", &advance, "").0, 200);
    core.my_dossiers(Some(&portal), &cancel).await.unwrap();
    assert_eq!(core.notifications(100).unwrap().len(), 1);
    assert_eq!(core.sync_feed(&portal, &cancel).await.unwrap(), 0);
    // The feed first, then local detection: one more.
    assert_eq!(fixture.control("POST", &advance, "").0, 200);
    assert_eq!(core.sync_feed(&portal, &cancel).await.unwrap(), 1);
    core.my_dossiers(Some(&portal), &cancel).await.unwrap();
    assert_eq!(core.notifications(100).unwrap().len(), 2);
    drop(core);
    // After a restart neither source brings anything back.
    let core = device(&fixture);
    assert_eq!(core.sync_feed(&portal, &cancel).await.unwrap(), 0);
    core.my_dossiers(Some(&portal), &cancel).await.unwrap();
    let notes = core.notifications(100).unwrap();
    assert_eq!(notes.len(), 2);
    assert!(
        notes
            .iter()
            .all(|n| n.dossier_code() == Some(code.as_str()))
    );
}
