//! End-to-end: notifications from local detection as followed dossiers move (the embedded
//! demo's story, moved by the test clock). The feed and push sources join with the rest of
//! issue 7.

use std::sync::Arc;
use std::time::Duration;

use longan_core::clock::{Clock, TestClock};
use longan_core::{Cancellation, Core};
use longan_tests::portal_fixture::small_seed;

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
