//! End-to-end: dossier tracking through the core, against the embedded demo backend. (The
//! reference portal's dossier endpoints join these tests with the rest of issue 5.)

use std::sync::Arc;
use std::time::Duration;

use longan_core::app::MyDossiersError;
use longan_core::auth::{AuthError, Session};
use longan_core::catalog::CatalogSource;
use longan_core::clock::{Clock, TestClock};
use longan_core::dossier::due::DueState;
use longan_core::dossier::error::DossierError;
use longan_core::{Cancellation, Core};
use longan_tests::portal_fixture::small_seed;

fn core_with_clock(dir: &std::path::Path) -> (Core, Arc<TestClock>) {
    let time = Arc::new(TestClock::at(std::time::SystemTime::now()));
    let core = Core::open(dir, Some(&small_seed()))
        .unwrap()
        .with_clock(Clock::new(time.clone()));
    (core, time)
}

#[tokio::test]
async fn a_volunteer_shows_a_demo_dossier_changing_and_following_it_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cancel = Cancellation::new();
    let (code, verifier, first_version) = {
        let (core, time) = core_with_clock(dir.path());
        let demo = core.demo_portal().unwrap();
        let (code, verifier) = demo.demo_codes()[0].clone();
        let first = core
            .look_up_dossier(&demo, &code, &verifier, &cancel)
            .await
            .unwrap();
        assert_eq!(first.dossier.status.number(), 1);
        core.set_dossier_followed(&code, true).unwrap();
        time.advance(Duration::from_secs(15 * 60));
        let later = core
            .look_up_dossier(&demo, &code, &verifier, &cancel)
            .await
            .unwrap();
        assert!(later.dossier.status.number() > 1);
        assert!(later.dossier.follows_the_lifecycle());
        (code, verifier, later.dossier.version)
    };
    // Reopened with no network: the followed dossier reads as last confirmed.
    let (core, _) = core_with_clock(dir.path());
    let followed = core.followed_dossiers().unwrap();
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0].dossier.code, code);
    assert_eq!(followed[0].dossier.version, first_version);
    // The demo's story went on across the restart (same epoch).
    let demo = core.demo_portal().unwrap();
    assert_eq!(demo.demo_codes()[0], (code.clone(), verifier.clone()));
    // A reset starts it again.
    core.reset_demo().unwrap();
    let fresh = core.demo_portal().unwrap();
    let (code, verifier) = fresh.demo_codes()[0].clone();
    let restarted = core
        .look_up_dossier(&fresh, &code, &verifier, &cancel)
        .await
        .unwrap();
    assert_eq!(restarted.dossier.status.number(), 1);
}

#[tokio::test]
async fn a_wrong_verifier_finds_nothing_and_due_dates_are_computed_in_working_days() {
    let dir = tempfile::tempdir().unwrap();
    let (core, time) = core_with_clock(dir.path());
    let demo = core.demo_portal().unwrap();
    let cancel = Cancellation::new();
    let (code, verifier) = demo.demo_codes()[1].clone();
    let wrong = if verifier == "0000" { "1111" } else { "0000" };
    assert_eq!(
        core.look_up_dossier(&demo, &code, wrong, &cancel).await,
        Err(DossierError::NotFound)
    );
    time.advance(Duration::from_secs(30 * 60));
    let tracked = core
        .look_up_dossier(&demo, &code, &verifier, &cancel)
        .await
        .unwrap();
    let due = core.dossier_due(&tracked.dossier);
    assert!(
        !matches!(due, DueState::NotScheduled),
        "an accepted demo dossier has a due date: {due:?} {:?}",
        tracked.dossier.status
    );
}

mod against_the_reference_portal {
    use super::*;
    use longan_core::net::NetError;
    use longan_tests::portal_fixture::Fixture;

    fn core(dir: &std::path::Path) -> Core {
        Core::open(dir, Some(&small_seed())).unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_right_verifier_unlocks_a_dossier_and_a_wrong_one_finds_nothing() {
        let fixture = Fixture::start().await;
        let dir = tempfile::tempdir().unwrap();
        let core = core(dir.path());
        let portal = fixture.client_for(&core);
        let cancel = Cancellation::new();
        let (code, verifier) = fixture.demo_dossiers()[0].clone();
        let wrong = if verifier == "0000" { "1111" } else { "0000" };

        let found = core
            .look_up_dossier(&portal, &code.to_lowercase(), &verifier, &cancel)
            .await
            .unwrap();
        let refused = core.look_up_dossier(&portal, &code, wrong, &cancel).await;

        assert_eq!(found.dossier.code, code);
        assert!(found.dossier.follows_the_lifecycle());
        assert!(found.dossier.applicant.contains('*'));
        assert_eq!(refused, Err(DossierError::NotFound));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn too_many_lookups_are_refused_with_the_delay_the_portal_asks_for() {
        let fixture = Fixture::start().await;
        let (status, body) = fixture.control("POST", "/test/rate-limit?per_minute=2", "");
        assert_eq!(status, 200, "{body}");
        let dir = tempfile::tempdir().unwrap();
        let core = core(dir.path());
        let portal = fixture.client_for(&core);
        let cancel = Cancellation::new();
        let (code, verifier) = fixture.demo_dossiers()[0].clone();
        for _ in 0..2 {
            core.look_up_dossier(&portal, &code, &verifier, &cancel)
                .await
                .unwrap();
        }
        let limited = core
            .look_up_dossier(&portal, &code, &verifier, &cancel)
            .await;
        match limited {
            Err(DossierError::Network(NetError::RateLimited {
                retry_after: Some(wait),
            })) => {
                assert!(wait >= Duration::from_secs(1));
            }
            other => panic!("expected a rate limit, got {other:?}"),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_followed_dossier_stays_readable_with_the_portal_stopped() {
        let fixture = Fixture::start().await;
        let dir = tempfile::tempdir().unwrap();
        let core = core(dir.path());
        let portal = fixture.client_for(&core);
        let cancel = Cancellation::new();
        let (code, verifier) = fixture.demo_dossiers()[1].clone();
        let seen = core
            .look_up_dossier(&portal, &code, &verifier, &cancel)
            .await
            .unwrap();
        core.set_dossier_followed(&code, true).unwrap();
        drop(fixture);

        let offline = core
            .look_up_dossier(&portal, &code, &verifier, &cancel)
            .await;

        assert!(
            matches!(
                offline,
                Err(DossierError::Network(NetError::Offline { .. }))
            ),
            "{offline:?}"
        );
        let kept = core.followed_dossiers().unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].dossier, seen.dossier);
        assert_eq!(kept[0].confirmed_at_ms, seen.confirmed_at_ms);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_for_documents_pauses_the_due_date_by_the_portals_clock() {
        let fixture = Fixture::start().await;
        let dir = tempfile::tempdir().unwrap();
        let core = core(dir.path());
        let portal = fixture.client_for(&core);
        let cancel = Cancellation::new();
        let (code, verifier) = fixture.demo_dossiers()[2].clone();
        let set = |status: &str| {
            let (answer, body) = fixture.control(
                "POST",
                &format!("/test/dossiers/{code}/status"),
                &format!("{{\"status\": \"{status}\"}}"),
            );
            assert_eq!(answer, 200, "{status}: {body}");
        };
        set("accepted");
        set("processing");
        let accepted = core
            .look_up_dossier(&portal, &code, &verifier, &cancel)
            .await
            .unwrap();
        let appointment = accepted
            .dossier
            .appointment
            .clone()
            .expect("an appointment at acceptance");
        assert!(!accepted.dossier.appointment_history.is_empty());
        set("documents_requested");
        // Ten days pass on the portal; the core learns the portal's time from its answers.
        fixture.control("POST", "/test/clock/advance?seconds=864000", "");
        let waiting = core
            .look_up_dossier(&portal, &code, &verifier, &cancel)
            .await
            .unwrap();
        match core.dossier_due(&waiting.dossier) {
            DueState::Paused { date } => {
                assert!(date.to_string() > appointment, "{date} vs {appointment}")
            }
            other => panic!("expected a paused due date, got {other:?}"),
        }
        // The impossible is refused by the portal's lifecycle.
        let (refused, _) = fixture.control(
            "POST",
            &format!("/test/dossiers/{code}/status"),
            "{\"status\": \"result_returned\"}",
        );
        assert_eq!(refused, 409);
        // Timeline ids are stable from one lookup to the next.
        assert_eq!(
            waiting.dossier.timeline[..accepted.dossier.timeline.len()],
            accepted.dossier.timeline[..]
        );
    }
}

#[tokio::test]
async fn a_volunteer_signs_in_as_the_demo_citizen_to_show_my_dossiers_and_signs_out() {
    let dir = tempfile::tempdir().unwrap();
    let cancel = Cancellation::new();
    let (core, _) = core_with_clock(dir.path());
    assert!(matches!(
        core.my_dossiers(None, &cancel).await,
        Err(MyDossiersError::Auth(AuthError::NotSignedIn))
    ));
    let session = core.sign_in_demo().unwrap();
    let Session::Demo { account, .. } = &session else {
        panic!("not a demo session: {session:?}");
    };
    assert_eq!(account.display_name, "Nguyễn V** M**");
    drop(core);
    // The sign-in survives a restart, and "my dossiers" are the demo's sample dossiers.
    let (core, _) = core_with_clock(dir.path());
    assert_eq!(core.session().unwrap(), session);
    let mine = core.my_dossiers(None, &cancel).await.unwrap();
    let codes: Vec<String> = core
        .demo_portal()
        .unwrap()
        .demo_codes()
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    assert_eq!(mine.len(), codes.len());
    assert!(mine.iter().all(|d| codes.contains(&d.dossier.code)));
    assert!(
        mine.iter()
            .all(|d| d.dossier.applicant == account.display_name)
    );
    assert!(
        mine.windows(2)
            .all(|w| w[0].dossier.received_at_ms >= w[1].dossier.received_at_ms)
    );
    core.sign_out().unwrap();
    assert_eq!(core.session().unwrap(), Session::SignedOut);
    // What was read stays readable offline after signing out.
    assert!(core.cached_dossier(&codes[0]).unwrap().is_some());
}

#[test]
fn the_demo_sign_in_is_refused_when_the_core_talks_to_a_real_portal() {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open_source(
        dir.path(),
        Some(&small_seed()),
        CatalogSource::Portal("http://127.0.0.1:9".to_string()),
    )
    .unwrap();
    assert!(!core.is_demo());
    assert_eq!(core.sign_in_demo(), Err(AuthError::DemoOnly));
    assert_eq!(core.session().unwrap(), Session::SignedOut);
}

#[tokio::test]
async fn the_late_demo_dossier_is_overdue_then_gets_a_new_date_with_an_apology() {
    let dir = tempfile::tempdir().unwrap();
    let cancel = Cancellation::new();
    // Wednesday 2 December 2026, 10:00 in Vietnam: the five minutes stay within one working day.
    let wednesday = std::time::UNIX_EPOCH + Duration::from_secs(1_796_180_400);
    let time = Arc::new(TestClock::at(wednesday));
    let core = Core::open(dir.path(), Some(&small_seed()))
        .unwrap()
        .with_clock(Clock::new(time.clone()));
    let demo = core.demo_portal().unwrap();
    let mut overdue = Vec::new();
    for (code, verifier) in demo.demo_codes() {
        let tracked = core
            .look_up_dossier(&demo, &code, &verifier, &cancel)
            .await
            .unwrap();
        if let DueState::Overdue { .. } = core.dossier_due(&tracked.dossier) {
            overdue.push((code, verifier));
        }
    }
    assert_eq!(overdue.len(), 1, "exactly one demo dossier is late");
    let (code, verifier) = overdue.remove(0);
    time.advance(Duration::from_secs(5 * 60));
    let rescheduled = core
        .look_up_dossier(&demo, &code, &verifier, &cancel)
        .await
        .unwrap();
    let history = &rescheduled.dossier.appointment_history;
    assert_eq!(history.len(), 2);
    assert!(history[1].apology);
    assert!(matches!(
        core.dossier_due(&rescheduled.dossier),
        DueState::DueIn {
            working_days: 2,
            ..
        }
    ));
}

#[test]
fn an_old_district_name_finds_the_communes_that_now_cover_it() {
    let units = longan_core::units::AdminUnits::bundled().unwrap();
    let mut found: Vec<&str> = units
        .search("huyện Tân Trụ")
        .iter()
        .map(|m| m.unit.name())
        .collect();
    found.sort_unstable();
    found.dedup();
    assert_eq!(found, vec!["Xã Nhựt Tảo", "Xã Tân Trụ", "Xã Vàm Cỏ"]);
    let current =
        longan_core::dossier::places::with_current_units("UBND xã Bình Tịnh, huyện Tân Trụ")
            .unwrap();
    assert!(
        current.contains("Tân Trụ") && !current.contains("huyện"),
        "{current}"
    );
}

#[tokio::test]
async fn moving_the_demo_story_across_midnight_keeps_the_dossier_codes() {
    let dir = tempfile::tempdir().unwrap();
    let cancel = Cancellation::new();
    // 23:50 in Vietnam on Thursday 3 December 2026.
    let late_evening = std::time::UNIX_EPOCH + Duration::from_secs(1_796_316_600);
    let time = Arc::new(TestClock::at(late_evening));
    let core = Core::open(dir.path(), Some(&small_seed()))
        .unwrap()
        .with_clock(Clock::new(time.clone()));
    let (code, verifier) = core.demo_portal().unwrap().demo_codes()[0].clone();
    core.advance_demo(Duration::from_secs(30 * 60)).unwrap();
    let demo = core.demo_portal().unwrap();
    assert_eq!(demo.demo_codes()[0], (code.clone(), verifier.clone()));
    let moved = core
        .look_up_dossier(&demo, &code, &verifier, &cancel)
        .await
        .unwrap();
    assert!(moved.dossier.status.number() > 1);
}
