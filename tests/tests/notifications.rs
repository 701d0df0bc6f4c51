//! End-to-end: notifications from local detection as followed dossiers move (the embedded
//! demo's story, moved by the test clock, and the reference portal's dossiers, moved through
//! their statuses by test control), the portal's feed, pushes taken as nudges, reminders, the
//! background refresh's budget, and the installation's push registration.

use std::sync::Arc;
use std::time::Duration;

use longan_core::app::PushOutcome;
use longan_core::auth::MemorySecureStore;
use longan_core::auth::config::LoginConfig;
use longan_core::clock::{Clock, TestClock};
use longan_core::net::{HttpClient, NetConfig};
use longan_core::portal::wire::PushPlatform;
use longan_core::portal::{DossierSource, HttpPortal};
use longan_core::profile::ProfileKind;
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

/// The reference portal checking tokens at a real OpenID provider.
async fn portal_with_sign_in() -> (OidcProvider, Fixture) {
    let provider = OidcProvider::start();
    let fixture = Fixture::start_with(PortalConfig {
        data_dir: longan_tests::data_dir(),
        test_control: true,
        oidc_issuer: Some(provider.issuer().to_string()),
        introspection_cache_ms: 0,
        ..PortalConfig::default()
    })
    .await;
    (provider, fixture)
}

/// A phone talking to `fixture` and signing in at `provider`, on a test clock, with its data
/// directory and keystore kept across restarts.
struct Phone {
    dir: tempfile::TempDir,
    secure: Arc<MemorySecureStore>,
    time: Arc<TestClock>,
    cancel: Cancellation,
}

impl Phone {
    fn new() -> Phone {
        Phone {
            dir: tempfile::tempdir().unwrap(),
            secure: Arc::new(MemorySecureStore::new()),
            time: Arc::new(TestClock::at(std::time::SystemTime::now())),
            cancel: Cancellation::new(),
        }
    }

    /// The app started (again): a core over the phone's data.
    fn start(&self, fixture: &Fixture, provider: &OidcProvider) -> Core {
        let core = fixture
            .core(self.dir.path(), &small_seed())
            .with_clock(Clock::new(self.time.clone()));
        let client = HttpClient::new(NetConfig::for_tests(), core.clock().clone()).unwrap();
        let login = LoginConfig {
            issuer: provider.issuer().to_string(),
            client_id: CLIENT_ID.to_string(),
            redirect_uri: APP_REDIRECT_URI.to_string(),
            post_logout_redirect_uri: None,
            refresh_reuse_grace: None,
        };
        core.with_secure_store(self.secure.clone())
            .with_login(login, client)
    }
}

async fn sign_in(core: &Core, provider: &OidcProvider, account: &str) {
    let cancel = Cancellation::new();
    let url = core
        .start_login(None, Some(account), &cancel)
        .await
        .unwrap();
    core.complete_login(&provider.browse(&url).unwrap(), &cancel)
        .await
        .unwrap();
}

/// Files a new dossier for `account` at the portal; its code.
fn file_dossier(fixture: &Fixture, account: &str) -> String {
    let path = format!("/test/accounts/{account}/dossiers");
    let (status, body) = fixture.control("POST", &path, "");
    assert_eq!(status, 200, "{body}");
    let filed: serde_json::Value = serde_json::from_str(&body).unwrap();
    filed["code"].as_str().unwrap().to_string()
}

fn set_status(fixture: &Fixture, code: &str, status: &str) {
    let path = format!("/test/dossiers/{code}/status");
    let body = format!("{{\"status\": \"{status}\"}}");
    let (answer, detail) = fixture.control("POST", &path, &body);
    assert_eq!(answer, 200, "{status}: {detail}");
}

fn dossier_push(code: &str) -> String {
    format!("{{\"data\":{{\"type\":\"dossier\",\"code\":\"{code}\"}}}}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_found_by_local_detection_and_by_the_feed_is_notified_once_also_after_a_restart() {
    let (provider, fixture) = portal_with_sign_in().await;
    let phone = Phone::new();
    let cancel = &phone.cancel;
    let core = phone.start(&fixture, &provider);
    sign_in(&core, &provider, "citizen-1").await;
    let portal = fixture.client_for(&core);
    let code = file_dossier(&fixture, "citizen-1");
    let advance = format!("/test/dossiers/{code}/advance");
    // Follow the new dossier; the feed's history is a baseline.
    core.my_dossiers(Some(&portal), cancel).await.unwrap();
    core.set_dossier_followed(&code, true).unwrap();
    assert_eq!(core.sync_feed(&portal, cancel).await.unwrap(), 0);
    assert!(core.notifications(100).unwrap().is_empty());
    // Local detection first, then the feed: one notification.
    assert_eq!(fixture.control("POST", &advance, "").0, 200);
    core.my_dossiers(Some(&portal), cancel).await.unwrap();
    assert_eq!(core.notifications(100).unwrap().len(), 1);
    assert_eq!(core.sync_feed(&portal, cancel).await.unwrap(), 0);
    // The feed first, then local detection: one more.
    assert_eq!(fixture.control("POST", &advance, "").0, 200);
    assert_eq!(core.sync_feed(&portal, cancel).await.unwrap(), 1);
    core.my_dossiers(Some(&portal), cancel).await.unwrap();
    assert_eq!(core.notifications(100).unwrap().len(), 2);
    drop(core);
    // After a restart neither source brings anything back.
    let core = phone.start(&fixture, &provider);
    assert_eq!(core.sync_feed(&portal, cancel).await.unwrap(), 0);
    core.my_dossiers(Some(&portal), cancel).await.unwrap();
    let notes = core.notifications(100).unwrap();
    assert_eq!(notes.len(), 2);
    assert!(
        notes
            .iter()
            .all(|n| n.dossier_code() == Some(code.as_str()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_feed_and_local_detection_together_notify_each_change_once_through_an_offline_stretch()
{
    let (provider, fixture) = portal_with_sign_in().await;
    let phone = Phone::new();
    let cancel = &phone.cancel;
    let core = phone.start(&fixture, &provider);
    sign_in(&core, &provider, "citizen-2").await;
    let portal = fixture.client_for(&core);
    let source = DossierSource::Http(portal.clone());
    let code = file_dossier(&fixture, "citizen-2");
    core.my_dossiers(Some(&portal), cancel).await.unwrap();
    core.set_dossier_followed(&code, true).unwrap();
    assert_eq!(core.sync_feed(&portal, cancel).await.unwrap(), 0);
    // A push about one of the citizen's own dossiers (no verifier) fetches it with the session.
    set_status(&fixture, &code, "accepted");
    let outcome = core
        .handle_push(&source, &dossier_push(&code), cancel)
        .await
        .unwrap();
    assert_eq!(outcome, PushOutcome::Refreshed { notified: 1 });
    assert_eq!(core.sync_feed(&portal, cancel).await.unwrap(), 0);
    core.my_dossiers(Some(&portal), cancel).await.unwrap();
    core.refresh_followed(&source, cancel).await.unwrap();
    assert_eq!(core.notifications(100).unwrap().len(), 1);
    drop(core);

    // The phone is off while the office moves the dossier 4 → 5 → 4 → 9; one push arrives
    // after the restart, about the last step only.
    for status in [
        "processing",
        "documents_requested",
        "processing",
        "processed",
    ] {
        set_status(&fixture, &code, status);
    }
    let core = phone.start(&fixture, &provider);
    let outcome = core
        .handle_push(&source, &dossier_push(&code), cancel)
        .await
        .unwrap();
    assert_eq!(outcome, PushOutcome::Refreshed { notified: 4 });
    // The feed and local detection find the same four events: nothing more.
    assert_eq!(core.sync_feed(&portal, cancel).await.unwrap(), 0);
    core.my_dossiers(Some(&portal), cancel).await.unwrap();
    let report = core
        .background_refresh(&source, Duration::from_secs(30), cancel)
        .await
        .unwrap();
    assert_eq!((report.refreshed, report.notified), (1, 0), "{report:?}");
    let notes = core.notifications(100).unwrap();
    assert_eq!(notes.len(), 5, "{notes:#?}");
    let mut ids: Vec<_> = notes.iter().map(|n| n.id.as_str().to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5);
    let titles: Vec<String> = notes
        .iter()
        .map(|n| n.title(longan_core::notify::Language::Vi))
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("bổ sung")),
        "the request for documents is among them: {titles:#?}"
    );
}

/// Who the portal sends this installation's pushes to: (subject, token), if anyone.
fn registered(fixture: &Fixture, installation: &str) -> Option<(String, String)> {
    let (status, body) = fixture.control("GET", "/test/devices", "");
    assert_eq!(status, 200, "{body}");
    let devices: serde_json::Value = serde_json::from_str(&body).unwrap();
    devices["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["installation_id"] == installation)
        .map(|r| {
            let text = |name: &str| r[name].as_str().unwrap().to_string();
            (text("subject"), text("token"))
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_is_registered_for_the_signed_in_profile_and_unregistered_on_logout() {
    let (provider, fixture) = portal_with_sign_in().await;
    let phone = Phone::new();
    let (time, cancel) = (&phone.time, &phone.cancel);
    let core = phone.start(&fixture, &provider);
    let portal = fixture.client_for(&core);
    let installation = core.installation_id().unwrap();
    // A token before signing in is kept; signing in registers it.
    assert!(
        !core
            .register_push_token(PushPlatform::Fcm, "fcm-token-1", "vi")
            .unwrap()
    );
    sign_in(&core, &provider, "citizen-1").await;
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    assert_eq!(
        registered(&fixture, &installation),
        Some(("citizen-1".into(), "fcm-token-1".into()))
    );
    // The same token again is nothing new; a rotated one is told to the portal.
    assert!(
        !core
            .register_push_token(PushPlatform::Fcm, "fcm-token-1", "vi")
            .unwrap()
    );
    assert!(
        core.register_push_token(PushPlatform::Fcm, "fcm-token-2", "vi")
            .unwrap()
    );
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    assert_eq!(
        registered(&fixture, &installation),
        Some(("citizen-1".into(), "fcm-token-2".into()))
    );
    // Signing out offline: the unregistration waits for the network, then goes through.
    core.logout().unwrap();
    let client = HttpClient::new(NetConfig::for_tests(), core.clock().clone()).unwrap();
    let unreachable = HttpPortal::new("http://127.0.0.1:9", client);
    core.deliver_outbox(Some(&unreachable), cancel)
        .await
        .unwrap();
    assert!(registered(&fixture, &installation).is_some());
    time.advance(Duration::from_secs(3600));
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    assert_eq!(registered(&fixture, &installation), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteers_phone_stops_receiving_an_assisted_citizens_pushes_when_they_sign_out() {
    let (provider, fixture) = portal_with_sign_in().await;
    let phone = Phone::new();
    let cancel = &phone.cancel;
    let core = phone.start(&fixture, &provider);
    let portal = fixture.client_for(&core);
    let installation = core.installation_id().unwrap();
    sign_in(&core, &provider, "citizen-1").await;
    core.register_push_token(PushPlatform::Apns, "apns-token", "en")
        .unwrap();
    let volunteer = core.current_profile().unwrap();
    // The volunteer helps a citizen on an assisted profile: the phone follows the citizen.
    let assisted = core.add_profile("Bà Tư", ProfileKind::Assisted).unwrap();
    core.switch_profile(&assisted.id).unwrap();
    sign_in(&core, &provider, "citizen-3").await;
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    assert_eq!(
        registered(&fixture, &installation),
        Some(("citizen-3".into(), "apns-token".into()))
    );
    // Signing the citizen out wipes the profile and unregisters the phone.
    assert!(core.logout().unwrap().profile_removed);
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    assert_eq!(registered(&fixture, &installation), None);
    // Back on the volunteer's own profile, still signed in: registered for them again.
    core.switch_profile(&volunteer.id).unwrap();
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    assert_eq!(
        registered(&fixture, &installation),
        Some(("citizen-1".into(), "apns-token".into()))
    );
    // Removing that profile unregisters it too.
    core.remove_profile(&volunteer.id).unwrap();
    core.deliver_outbox(Some(&portal), cancel).await.unwrap();
    assert_eq!(registered(&fixture, &installation), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_documents_are_reminded_on_the_fifth_working_day_and_not_before() {
    let (provider, fixture) = portal_with_sign_in().await;
    let phone = Phone::new();
    let (time, cancel) = (&phone.time, &phone.cancel);
    let core = phone.start(&fixture, &provider);
    sign_in(&core, &provider, "citizen-3").await;
    let portal = fixture.client_for(&core);
    let code = file_dossier(&fixture, "citizen-3");
    for status in ["accepted", "processing", "documents_requested"] {
        set_status(&fixture, &code, status);
    }
    core.my_dossiers(Some(&portal), cancel).await.unwrap();
    core.set_dossier_followed(&code, true).unwrap();
    // From here on the phone is offline: reminders come from what it keeps, by its clock.
    let wakeup = core.next_wakeup().unwrap().expect("a reminder is planned");
    let now = core.clock().now_ms();
    time.advance(Duration::from_millis((wakeup - now - 60_000) as u64));
    assert_eq!(core.add_due_reminders().unwrap(), 0, "a minute early");
    time.advance(Duration::from_secs(60));
    assert_eq!(core.add_due_reminders().unwrap(), 1);
    assert_eq!(core.add_due_reminders().unwrap(), 0, "once");
    let day = longan_core::calendar::date_in_vietnam(core.clock().now()).unwrap();
    assert!(core.calendar().is_working_day(day), "{day:?}");
    let notes = core.notifications(10).unwrap();
    assert!(
        matches!(
            &notes[0].kind,
            longan_core::notify::NotificationKind::Reminder {
                reminder: longan_core::notify::ReminderKind::DocumentsStillMissing {
                    working_days: 5
                },
                ..
            }
        ),
        "{:?}",
        notes[0].kind
    );
}
