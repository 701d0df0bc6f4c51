use std::time::{Duration, SystemTime};

use longan_core::dossier::status::DossierStatus::{self, *};

use super::{ChangeError, DossierBook};

fn book() -> (DossierBook, SystemTime) {
    let procedures = vec![
        (
            "1.004884".to_string(),
            "Thủ tục đăng ký lại khai sinh".to_string(),
        ),
        (
            "1.001193".to_string(),
            "Thủ tục đăng ký khai sinh".to_string(),
        ),
    ];
    let book = DossierBook::new(procedures, SystemTime::now());
    let epoch = book.epoch();
    (book, epoch)
}

fn statuses(book: &DossierBook, code: &str, now: SystemTime) -> Vec<DossierStatus> {
    let dossier = book.lookup(code, now).unwrap().dossier;
    dossier.timeline.iter().map(|entry| entry.status).collect()
}

#[test]
fn a_change_appends_an_entry_with_the_next_id_and_bumps_the_version() {
    let (mut book, epoch) = book();
    let (code, _) = book.demo_codes()[0].clone();
    let before = book.lookup(&code, epoch).unwrap().dossier;
    assert_eq!(before.status, Registered);
    let at = epoch + Duration::from_secs(1);
    let note = Some("Đã kiểm tra".to_string());
    let after = book
        .set_status(&code, NotAccepted, note.clone(), at)
        .unwrap();
    assert_eq!(after.status, NotAccepted);
    assert_eq!(after.version, before.version + 1);
    let last = after.timeline.last().unwrap();
    assert_eq!(last.id, format!("{code}#2"));
    assert_eq!((last.status, &last.note), (NotAccepted, &note));
    assert!(after.follows_the_lifecycle());
}

#[test]
fn changes_survive_the_clock_moving_on() {
    let (mut book, epoch) = book();
    let (code, _) = book.demo_codes()[0].clone();
    book.set_status(&code, WithdrawalRequested, None, epoch)
        .unwrap();
    let much_later = epoch + Duration::from_secs(30 * 86_400);
    assert_eq!(
        statuses(&book, &code, much_later),
        [Registered, WithdrawalRequested]
    );
}

#[test]
fn acceptance_by_test_control_sets_the_appointment_date() {
    let (mut book, epoch) = book();
    let (code, _) = book.demo_codes()[1].clone();
    let accepted = book.set_status(&code, Accepted, None, epoch).unwrap();
    assert_eq!(accepted.appointment_history.len(), 1);
    assert_eq!(
        accepted.appointment,
        Some(accepted.appointment_history[0].date.clone())
    );
    assert_eq!(accepted.version, 3, "registered, accepted, the appointment");
}

#[test]
fn an_impossible_move_or_an_unknown_dossier_changes_nothing() {
    let (mut book, epoch) = book();
    let (code, _) = book.demo_codes()[0].clone();
    let refused = book.set_status(&code, Processed, None, epoch);
    let expected = ChangeError::Impossible {
        from: Registered,
        to: Processed,
    };
    assert_eq!(refused, Err(expected));
    let unknown = book.set_status("000.00.00.H39-990101-9999", Accepted, None, epoch);
    assert_eq!(unknown, Err(ChangeError::UnknownDossier));
    assert_eq!(statuses(&book, &code, epoch), [Registered]);
}

#[test]
fn advancing_follows_the_planned_story_to_its_end() {
    let (mut book, epoch) = book();
    let (code, _) = book.demo_codes()[2].clone();
    let planned = statuses(&book, &code, epoch + Duration::from_secs(86_400));
    for _ in 1..planned.len() {
        book.advance(&code, epoch).unwrap();
    }
    assert_eq!(statuses(&book, &code, epoch), planned);
    let last = *planned.last().unwrap();
    assert_eq!(book.advance(&code, epoch), Err(ChangeError::Final(last)));
}

#[test]
fn off_the_plan_advancing_heads_for_a_returned_result() {
    let (mut book, epoch) = book();
    let detour = [Registered, Accepted, Processing, DocumentsRequested];
    let whole_story = epoch + Duration::from_secs(86_400);
    let (code, _) = book
        .demo_codes()
        .into_iter()
        .find(|(code, _)| !statuses(&book, code, whole_story).starts_with(&detour))
        .expect("a demo story without a request for documents");
    for status in &detour[1..] {
        book.set_status(&code, *status, None, epoch).unwrap();
    }
    for expected in [Processing, Processed, ResultReturned] {
        assert_eq!(book.advance(&code, epoch).unwrap().status, expected);
    }
}

#[test]
fn a_reset_drops_the_changes_and_starts_the_stories_again() {
    let (mut book, epoch) = book();
    let (code, _) = book.demo_codes()[0].clone();
    book.set_status(&code, Accepted, None, epoch).unwrap();
    let later = epoch + Duration::from_millis(3_600_000);
    book.reset(later);
    assert_eq!(book.epoch(), later);
    let (code, _) = book.demo_codes()[0].clone();
    let again = book.lookup(&code, later).unwrap().dossier;
    assert_eq!((again.status, again.version), (Registered, 1));
}

#[test]
fn a_dossier_filed_for_an_account_is_its_own_and_moves_on_until_a_reset() {
    let (mut book, epoch) = book();
    assert_eq!(book.file_for("someone-else", epoch), None);
    let before = book.owned_by("citizen-1", epoch);
    let at = epoch + Duration::from_secs(1);
    let filed = book.file_for("citizen-1", at).unwrap();
    assert_eq!((filed.status, filed.version), (Registered, 1));
    assert!(filed.code.ends_with("-9001"), "{}", filed.code);
    assert_eq!(filed.timeline[0].id, format!("{}#1", filed.code));
    assert_eq!(filed.applicant, before[0].applicant);
    let second = book.file_for("citizen-1", at).unwrap();
    assert!(second.code.ends_with("-9002"), "{}", second.code);
    let owned = book.owned_by("citizen-1", at);
    assert_eq!(owned.len(), before.len() + 2);
    assert_eq!(owned[0].code, second.code, "newest first");
    assert!(
        book.owned_by("citizen-2", at)
            .iter()
            .all(|d| d.code != filed.code)
    );

    let later = at + Duration::from_secs(60);
    let advanced = book.advance(&filed.code, later).unwrap();
    assert_eq!(statuses(&book, &filed.code, later), [Registered, Accepted]);
    assert!(advanced.appointment.is_some());
    let listed = book.owned_by("citizen-1", later);
    assert!(listed.contains(&advanced));

    book.reset(later);
    assert!(book.lookup(&filed.code, later).is_none());
    assert_eq!(book.owned_by("citizen-1", later).len(), before.len());
}
