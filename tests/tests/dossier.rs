//! End-to-end: dossier tracking through the core, against the embedded demo backend. (The
//! reference portal's dossier endpoints join these tests with the rest of issue 5.)

use std::sync::Arc;
use std::time::Duration;

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
