//! The outbox's rules, with a scripted sender (the end-to-end tests use the real portal).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use super::*;
use crate::cancel::Cancellation;
use crate::store::Stores;

/// Answers attempts from a script (then `Ok("ok")`), and remembers what it was given.
#[derive(Default)]
struct Scripted {
    answers: Mutex<VecDeque<Result<String, SendError>>>,
    seen: Mutex<Vec<(ItemId, String)>>,
    refuses: Option<ItemKind>,
}

impl Scripted {
    fn answering(answers: Vec<Result<String, SendError>>) -> Scripted {
        Scripted {
            answers: Mutex::new(answers.into()),
            ..Scripted::default()
        }
    }

    fn seen(&self) -> Vec<ItemId> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(id, _)| *id)
            .collect()
    }

    fn keys(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter().map(|(_, key)| key.clone()).collect()
    }
}

impl Sender for Scripted {
    fn handles(&self, kind: ItemKind) -> bool {
        self.refuses != Some(kind)
    }

    async fn send(&self, item: &OutboxItem, _cancel: &Cancellation) -> Result<String, SendError> {
        self.seen
            .lock()
            .unwrap()
            .push((item.id, item.idempotency_key.to_string()));
        let answer = self.answers.lock().unwrap().pop_front();
        answer.unwrap_or_else(|| Ok(format!("r{}", item.id)))
    }
}

fn offline() -> SendError {
    SendError::Transient {
        category: "offline".into(),
        retry_after: None,
        offline: true,
    }
}

const T0: i64 = 1_750_000_000_000;

fn open(dir: &std::path::Path) -> (Stores, Outbox) {
    let stores = Stores::open(dir).unwrap();
    let (outbox, _) = Outbox::open(stores.state(), RetryPolicy::default()).unwrap();
    (stores, outbox)
}

fn queue(stores: &Stores, outbox: &Outbox, profile: &str, text: &str) -> ItemId {
    let payload = text.as_bytes().to_vec();
    outbox
        .enqueue(stores.state(), profile, ItemKind::Feedback, payload, T0)
        .unwrap()
}

async fn deliver(
    stores: &Stores,
    outbox: &Outbox,
    now: i64,
    sender: &Scripted,
) -> Vec<OutboxChange> {
    outbox
        .deliver_due(stores.state(), now, sender, &Cancellation::new())
        .await
        .unwrap()
}

fn state_of(stores: &Stores, outbox: &Outbox, id: ItemId) -> ItemState {
    outbox.get(stores.state(), id).unwrap().unwrap().state
}

#[test]
fn queued_items_survive_a_reopen_with_their_payload_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let first = queue(&stores, &outbox, DEFAULT_PROFILE, "một");
    let second = queue(&stores, &outbox, DEFAULT_PROFILE, "hai");
    assert!(first < second);
    let key = outbox
        .get(stores.state(), first)
        .unwrap()
        .unwrap()
        .idempotency_key;
    drop((outbox, stores));

    let (stores, outbox) = open(dir.path());
    let items = outbox.pending(stores.state(), DEFAULT_PROFILE).unwrap();
    assert_eq!(
        items.iter().map(|i| i.id).collect::<Vec<_>>(),
        [first, second]
    );
    assert_eq!(items[0].payload, "một".as_bytes());
    assert_eq!(items[0].idempotency_key, key);
    assert_eq!(items[0].state, ItemState::Queued);
    let third = queue(&stores, &outbox, DEFAULT_PROFILE, "ba");
    assert!(third > second, "ids are never reused");
}

#[tokio::test]
async fn a_profile_waiting_for_backoff_holds_its_own_items_back_but_not_others() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let a1 = queue(&stores, &outbox, "a", "a1");
    let a2 = queue(&stores, &outbox, "a", "a2");
    let b1 = queue(&stores, &outbox, "b", "b1");
    let sender = Scripted::answering(vec![Err(SendError::transient("timeout"))]);

    deliver(&stores, &outbox, T0, &sender).await;

    assert_eq!(sender.seen(), [a1, b1]);
    assert_eq!(state_of(&stores, &outbox, a2), ItemState::Queued);
    let a1_item = outbox.get(stores.state(), a1).unwrap().unwrap();
    assert_eq!(a1_item.last_error.as_deref(), Some("timeout"));
    assert!(a1_item.next_attempt_at_ms <= T0 + 2_000);

    let later = a1_item.next_attempt_at_ms;
    let changes = deliver(&stores, &outbox, later, &sender).await;
    assert_eq!(sender.seen(), [a1, b1, a1, a2]);
    let sent: Vec<ItemId> = changes
        .iter()
        .filter(|c| matches!(c.state, ItemState::Sent { .. }))
        .map(|c| c.id)
        .collect();
    assert_eq!(sent, [a1, a2]);
    assert_eq!(
        state_of(&stores, &outbox, a2),
        ItemState::Sent {
            receipt: format!("r{a2}")
        }
    );
}

#[tokio::test]
async fn a_refused_item_fails_and_steps_out_of_line() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let first = queue(&stores, &outbox, DEFAULT_PROFILE, "x");
    let second = queue(&stores, &outbox, DEFAULT_PROFILE, "y");
    let sender = Scripted::answering(vec![Err(SendError::permanent("refused_422"))]);

    deliver(&stores, &outbox, T0, &sender).await;
    deliver(&stores, &outbox, T0 + 3_600_000, &sender).await;

    assert_eq!(sender.seen(), [first, second], "never sent again");
    assert_eq!(
        state_of(&stores, &outbox, first),
        ItemState::Failed {
            reason: "refused_422".into()
        }
    );
    // The user tries again: same key, queued and sent.
    outbox.retry_failed(stores.state(), first, T0 + 10).unwrap();
    deliver(&stores, &outbox, T0 + 10, &sender).await;
    assert!(matches!(
        state_of(&stores, &outbox, first),
        ItemState::Sent { .. }
    ));
    let keys = sender.keys();
    assert_eq!(keys[0], keys[2]);
    assert!(matches!(
        outbox.retry_failed(stores.state(), first, T0),
        Err(OutboxError::WrongState { state: "sent", .. })
    ));
}

#[tokio::test]
async fn retry_after_is_waited_at_least() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let id = queue(&stores, &outbox, DEFAULT_PROFILE, "x");
    let sender = Scripted::answering(vec![Err(SendError::Transient {
        category: "rate_limited".into(),
        retry_after: Some(Duration::from_secs(30)),
        offline: false,
    })]);
    deliver(&stores, &outbox, T0, &sender).await;
    assert_eq!(
        outbox
            .get(stores.state(), id)
            .unwrap()
            .unwrap()
            .next_attempt_at_ms,
        T0 + 30_000
    );
    deliver(&stores, &outbox, T0 + 29_999, &sender).await;
    assert_eq!(sender.seen().len(), 1);
    deliver(&stores, &outbox, T0 + 30_000, &sender).await;
    assert_eq!(sender.seen().len(), 2);
}

#[tokio::test]
async fn offline_attempts_do_not_use_up_an_item_but_age_does() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let id = queue(&stores, &outbox, DEFAULT_PROFILE, "x");
    let sender = Scripted::answering((0..30).map(|_| Err(offline())).collect());
    let mut now = T0;
    for _ in 0..25 {
        deliver(&stores, &outbox, now, &sender).await;
        now = outbox
            .get(stores.state(), id)
            .unwrap()
            .unwrap()
            .next_attempt_at_ms;
    }
    let item = outbox.get(stores.state(), id).unwrap().unwrap();
    assert_eq!((item.attempts, item.counted_attempts), (25, 0));
    assert_eq!(item.state, ItemState::Queued);

    let week = 7 * 24 * 3600 * 1000;
    deliver(&stores, &outbox, T0 + week, &sender).await;
    assert_eq!(
        state_of(&stores, &outbox, id),
        ItemState::Failed {
            reason: "gave_up_offline".into()
        }
    );
}

#[tokio::test]
async fn an_item_failing_twenty_times_is_given_up() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let id = queue(&stores, &outbox, DEFAULT_PROFILE, "x");
    let sender = Scripted::answering(
        (0..30)
            .map(|_| Err(SendError::transient("server_error_503")))
            .collect(),
    );
    let mut now = T0;
    for _ in 0..30 {
        deliver(&stores, &outbox, now, &sender).await;
        now = outbox
            .get(stores.state(), id)
            .unwrap()
            .unwrap()
            .next_attempt_at_ms;
    }
    assert_eq!(sender.seen().len(), 20);
    let item = outbox.get(stores.state(), id).unwrap().unwrap();
    assert_eq!(
        item.state,
        ItemState::Failed {
            reason: "gave_up_server_error_503".into()
        }
    );
}

#[tokio::test]
async fn an_item_cut_off_while_sending_is_queued_again_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let id = queue(&stores, &outbox, DEFAULT_PROFILE, "x");
    let mut item = outbox.get(stores.state(), id).unwrap().unwrap();
    item.state = ItemState::Sending;
    item.attempts = 1;
    queue::save(stores.state(), &item).unwrap();
    drop((outbox, stores));

    let stores = Stores::open(dir.path()).unwrap();
    let (outbox, requeued) = Outbox::open(stores.state(), RetryPolicy::default()).unwrap();
    assert_eq!(requeued.len(), 1);
    assert_eq!(
        (requeued[0].id, &requeued[0].state),
        (id, &ItemState::Queued)
    );
    let sender = Scripted::default();
    deliver(&stores, &outbox, T0, &sender).await;
    assert_eq!(sender.keys(), [item.idempotency_key.to_string()]);
    assert_eq!(outbox.get(stores.state(), id).unwrap().unwrap().attempts, 2);
}

#[tokio::test]
async fn a_kind_nobody_sends_yet_waits_and_holds_its_profile() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let revoke = outbox
        .enqueue(stores.state(), "a", ItemKind::TokenRevocation, vec![1], T0)
        .unwrap();
    let after = queue(&stores, &outbox, "a", "x");
    let other = queue(&stores, &outbox, "b", "y");
    let sender = Scripted {
        refuses: Some(ItemKind::TokenRevocation),
        ..Scripted::default()
    };
    deliver(&stores, &outbox, T0, &sender).await;
    assert_eq!(sender.seen(), [other]);
    let untouched = outbox.get(stores.state(), revoke).unwrap().unwrap();
    assert_eq!(
        (untouched.attempts, untouched.state),
        (0, ItemState::Queued)
    );
    assert_eq!(state_of(&stores, &outbox, after), ItemState::Queued);
}

#[tokio::test]
async fn a_cancelled_attempt_is_queued_again_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let first = queue(&stores, &outbox, DEFAULT_PROFILE, "x");
    queue(&stores, &outbox, DEFAULT_PROFILE, "y");
    let sender = Scripted::answering(vec![Err(SendError::Cancelled)]);
    deliver(&stores, &outbox, T0, &sender).await;
    assert_eq!(sender.seen(), [first]);
    let item = outbox.get(stores.state(), first).unwrap().unwrap();
    assert_eq!((item.attempts, item.state), (0, ItemState::Queued));
}

#[tokio::test]
async fn removing_a_profile_discarding_and_nudging() {
    let dir = tempfile::tempdir().unwrap();
    let (stores, outbox) = open(dir.path());
    let a = queue(&stores, &outbox, "a", "x");
    queue(&stores, &outbox, "a", "y");
    let b = queue(&stores, &outbox, "b", "z");
    assert_eq!(outbox.profiles(stores.state()).unwrap(), ["a", "b"]);
    assert_eq!(outbox.remove_profile(stores.state(), "a").unwrap(), 2);
    assert!(outbox.get(stores.state(), a).unwrap().is_none());
    assert!(outbox.list(stores.state(), "a").unwrap().is_empty());
    assert_eq!(outbox.profiles(stores.state()).unwrap(), ["b"]);

    let sender = Scripted::answering(vec![Err(SendError::Transient {
        category: "rate_limited".into(),
        retry_after: Some(Duration::from_secs(600)),
        offline: false,
    })]);
    deliver(&stores, &outbox, T0, &sender).await;
    deliver(&stores, &outbox, T0 + 1, &sender).await;
    assert_eq!(sender.seen(), [b], "waiting for its backoff");
    // The network comes back.
    assert_eq!(outbox.nudge(stores.state(), T0 + 1).unwrap(), 1);
    deliver(&stores, &outbox, T0 + 1, &sender).await;
    assert!(matches!(
        state_of(&stores, &outbox, b),
        ItemState::Sent { .. }
    ));
    outbox.discard(stores.state(), b).unwrap();
    assert!(outbox.get(stores.state(), b).unwrap().is_none());
    assert!(matches!(
        outbox.discard(stores.state(), b),
        Err(OutboxError::NotFound { .. })
    ));
    assert!(matches!(
        outbox.enqueue(stores.state(), "", ItemKind::Feedback, vec![], T0),
        Err(OutboxError::BadProfile { .. })
    ));
}
