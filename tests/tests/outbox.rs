//! End-to-end: the durable outbox delivering 1022 feedback to the reference portal over HTTP,
//! through the fault proxy. Time is the core's test clock (backoff is never slept through);
//! the portal's `GET /test/feedback` counts what really arrived, per idempotency key.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use longan_core::Cancellation;
use longan_core::clock::{Clock, TestClock, TimeSource};
use longan_core::feedback::{
    Feedback, FeedbackCategory, FeedbackSender, FeedbackStatus, feedback_status, list_feedback,
    queue_feedback,
};
use longan_core::net::{HttpClient, NetConfig};
use longan_core::outbox::{
    DEFAULT_PROFILE, ItemId, ItemKind, ItemState, Outbox, OutboxChange, OutboxItem, RetryPolicy,
};
use longan_core::portal::HttpPortal;
use longan_core::store::Stores;
use longan_tests::fault_proxy::Fault;
use longan_tests::portal_fixture::{Fixture, raw_request};
use serde_json::{Value, json};

/// A data directory with its stores and outbox, on a test clock.
struct Device {
    dir: tempfile::TempDir,
    stores: Stores,
    outbox: Outbox,
    clock: Arc<TestClock>,
}

impl Device {
    fn new() -> Device {
        let dir = tempfile::tempdir().unwrap();
        let (stores, outbox, _) = open(dir.path());
        Device {
            dir,
            stores,
            outbox,
            clock: Arc::new(TestClock::at_unix(1_750_000_000)),
        }
    }

    /// The app ends and starts again: the stores are closed and reopened from the directory.
    fn restart(self) -> (Device, Vec<OutboxChange>) {
        // The outbox keeps nothing in memory that matters: only the stores need closing.
        let Device {
            dir, stores, clock, ..
        } = self;
        drop(stores);
        let (stores, outbox, requeued) = open(dir.path());
        let device = Device {
            dir,
            stores,
            outbox,
            clock,
        };
        (device, requeued)
    }

    fn now_ms(&self) -> i64 {
        let since = self.clock.now().duration_since(std::time::UNIX_EPOCH);
        since.unwrap().as_millis() as i64
    }

    /// Moves the clock to `at_ms`.
    fn set_ms(&self, at_ms: i64) {
        let at = std::time::UNIX_EPOCH + Duration::from_millis(at_ms as u64);
        self.clock.set(at);
    }

    fn queue(&self, profile: &str, text: &str) -> ItemId {
        let draft = Feedback::new(FeedbackCategory::Infrastructure, text);
        let state = self.stores.state();
        queue_feedback(&self.outbox, state, profile, &draft, self.now_ms()).unwrap()
    }

    async fn deliver(&self, sender: &FeedbackSender) -> Vec<OutboxChange> {
        let (state, now, cancel) = (self.stores.state(), self.now_ms(), Cancellation::new());
        let delivered = self.outbox.deliver_due(state, now, sender, &cancel).await;
        delivered.unwrap()
    }

    fn item(&self, id: ItemId) -> OutboxItem {
        self.outbox.get(self.stores.state(), id).unwrap().unwrap()
    }

    fn status(&self, id: ItemId) -> FeedbackStatus {
        let status = feedback_status(&self.outbox, self.stores.state(), id).unwrap();
        status.unwrap()
    }
}

fn open(dir: &Path) -> (Stores, Outbox, Vec<OutboxChange>) {
    let stores = Stores::open(dir).unwrap();
    let (outbox, requeued) = Outbox::open(stores.state(), RetryPolicy::default()).unwrap();
    (stores, outbox, requeued)
}

/// The sender the app uses, through the fault proxy.
fn sender(fixture: &Fixture) -> FeedbackSender {
    FeedbackSender::new(fixture.client())
}

/// A sender with no network: its portal's address refuses connections.
fn offline_sender() -> FeedbackSender {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let client = HttpClient::new(NetConfig::for_tests(), Clock::default()).unwrap();
    FeedbackSender::new(HttpPortal::new(&format!("http://{addr}"), client))
}

/// What the portal received: `{"stored": N, "posts": {key: M}}` (asked off the async threads).
async fn received(portal: SocketAddr) -> Value {
    let (status, body) =
        tokio::task::spawn_blocking(move || raw_request(portal, "GET", "/test/feedback", ""))
            .await
            .unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn key_of(item: &OutboxItem) -> String {
    item.idempotency_key.to_string()
}

fn receipt(item: &OutboxItem) -> String {
    match &item.state {
        ItemState::Sent { receipt } => receipt.clone(),
        other => panic!("item {} is {other:?}, not sent", item.id),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_queued_offline_is_delivered_once_when_the_network_comes_back() {
    let fixture = Fixture::start().await;
    let device = Device::new();
    let id = device.queue(DEFAULT_PROFILE, "Ổ gà lớn trên đường tỉnh 827");
    assert!(matches!(
        device.status(id),
        FeedbackStatus::Queued { attempts: 0, .. }
    ));

    let offline = offline_sender();
    let changes = device.deliver(&offline).await;
    assert_eq!(changes.len(), 2, "sending, then queued again: {changes:?}");
    let waiting = device.item(id);
    assert_eq!(waiting.state, ItemState::Queued);
    assert_eq!(waiting.last_error.as_deref(), Some("offline"));
    assert_eq!((waiting.attempts, waiting.counted_attempts), (1, 0));
    assert_eq!(received(fixture.portal.addr()).await["stored"], 0);

    // The platform says the network is back: no waiting for the backoff.
    device.clock.advance(Duration::from_millis(1));
    device
        .outbox
        .nudge(device.stores.state(), device.now_ms())
        .unwrap();
    let online = sender(&fixture);
    let changes = device.deliver(&online).await;
    let sent = device.item(id);
    let server_id = receipt(&sent);
    assert!(matches!(
        changes.last().map(|c| &c.state),
        Some(ItemState::Sent { .. })
    ));
    assert_eq!(
        device.status(id),
        FeedbackStatus::Received {
            id: server_id.clone()
        }
    );
    assert!(device.deliver(&online).await.is_empty(), "nothing left");
    let counts = received(fixture.portal.addr()).await;
    assert_eq!(
        counts,
        json!({ "stored": 1, "posts": { key_of(&sent): 1 } })
    );
    let on_portal = fixture
        .client()
        .feedback_status(&server_id, &Cancellation::new())
        .await
        .unwrap();
    assert_eq!(on_portal.id, server_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_lost_after_the_server_stored_it_is_retried_with_the_same_key_and_the_server_keeps_one_record()
 {
    let fixture = Fixture::start().await;
    let device = Device::new();
    let lost = device.queue(DEFAULT_PROFILE, "Cống thoát nước bị tắc");
    let garbled = device.queue(DEFAULT_PROFILE, "Rác thải bên kênh");
    let online = sender(&fixture);

    // The portal stores it; the answer never arrives.
    fixture.proxy.set_fault(Fault::DropAfterUpstream);
    device.deliver(&online).await;
    assert_eq!(device.item(lost).state, ItemState::Queued);
    assert_eq!(received(fixture.portal.addr()).await["stored"], 1);
    // Then an answer arrives, but unreadable (a 201 whose body is garbage).
    fixture.proxy.set_fault(Fault::GarbageBody);
    device.set_ms(device.item(lost).next_attempt_at_ms);
    device.deliver(&online).await;
    let failed_once = device.item(lost);
    assert_eq!(failed_once.state, ItemState::Queued);
    assert_eq!(failed_once.last_error.as_deref(), Some("bad_response"));
    assert_eq!(failed_once.attempts, 2);
    assert_eq!(device.item(garbled).attempts, 0, "held behind the first");

    fixture.proxy.clear_fault();
    device.set_ms(failed_once.next_attempt_at_ms);
    device.deliver(&online).await;

    let (first, second) = (device.item(lost), device.item(garbled));
    assert_eq!(receipt(&first), "fb-000001", "the first answer, replayed");
    assert_eq!(receipt(&second), "fb-000002");
    let counts = received(fixture.portal.addr()).await;
    let expected = json!({ "stored": 2, "posts": { key_of(&first): 3, key_of(&second): 1 } });
    assert_eq!(counts, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_422_fails_permanently_and_is_surfaced_not_retried() {
    let fixture = Fixture::start().await;
    let device = Device::new();
    // Written by an older app whose rules were looser: the portal refuses it.
    let body = json!({ "category": "environment", "text": "ạ".repeat(2001) });
    let refused = device
        .outbox
        .enqueue(
            device.stores.state(),
            DEFAULT_PROFILE,
            ItemKind::Feedback,
            serde_json::to_vec(&body).unwrap(),
            device.now_ms(),
        )
        .unwrap();
    let after = device.queue(DEFAULT_PROFILE, "Đèn giao thông ngã tư hỏng");
    let online = sender(&fixture);

    device.deliver(&online).await;

    let reason = "refused_422_invalid-content".to_string();
    assert_eq!(device.status(refused), FeedbackStatus::Failed { reason });
    assert!(matches!(
        device.status(after),
        FeedbackStatus::Received { .. }
    ));
    device.clock.advance(Duration::from_secs(24 * 3600));
    assert!(device.deliver(&online).await.is_empty());
    let counts = received(fixture.portal.addr()).await;
    let key = key_of(&device.item(refused));
    assert_eq!(counts["posts"][&key], 1, "sent once, never again");
    assert_eq!(counts["stored"], 1);
    let listed = list_feedback(&device.outbox, device.stores.state(), DEFAULT_PROFILE).unwrap();
    assert_eq!(
        listed.len(),
        2,
        "the failure stays in the list for the user"
    );
    assert_eq!(listed[0].category, Some(FeedbackCategory::Environment));
    assert!(
        device
            .outbox
            .pending(device.stores.state(), DEFAULT_PROFILE)
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_of_one_profile_are_delivered_in_order() {
    let fixture = Fixture::start().await;
    let device = Device::new();
    let mine: Vec<ItemId> = ["một", "hai", "ba"]
        .iter()
        .map(|text| device.queue(DEFAULT_PROFILE, text))
        .collect();
    let theirs = device.queue("volunteer-7", "bốn");
    let online = sender(&fixture);

    // The first attempt (the default profile's first item) meets a 503: that profile waits,
    // the other goes on.
    fixture.proxy.set_fault(Fault::ServerErrors {
        count: 1,
        status: 503,
    });
    device.deliver(&online).await;
    assert_eq!(receipt(&device.item(theirs)), "fb-000001");
    for id in &mine {
        assert_eq!(device.item(*id).state, ItemState::Queued);
    }
    assert_eq!(device.item(mine[1]).attempts, 0, "held behind the first");

    device.set_ms(device.item(mine[0]).next_attempt_at_ms);
    let changes = device.deliver(&online).await;

    let receipts: Vec<String> = mine.iter().map(|id| receipt(&device.item(*id))).collect();
    assert_eq!(receipts, ["fb-000002", "fb-000003", "fb-000004"]);
    let order: Vec<ItemId> = changes
        .iter()
        .filter(|c| matches!(c.state, ItemState::Sent { .. }))
        .map(|c| c.id)
        .collect();
    assert_eq!(order, mine);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reopened_store_still_holds_queued_items_and_delivers_them() {
    let fixture = Fixture::start().await;
    let device = Device::new();
    let first = device.queue(DEFAULT_PROFILE, "Nước sinh hoạt bị đục");
    let second = device.queue(DEFAULT_PROFILE, "Mất điện cả ấp");
    device.deliver(&offline_sender()).await;
    let key = key_of(&device.item(first));

    let (device, requeued) = device.restart();

    assert!(requeued.is_empty(), "nothing was under way");
    let pending = device
        .outbox
        .pending(device.stores.state(), DEFAULT_PROFILE)
        .unwrap();
    assert_eq!(
        pending.iter().map(|i| i.id).collect::<Vec<_>>(),
        [first, second]
    );
    assert_eq!(key_of(&pending[0]), key);
    assert_eq!(pending[0].last_error.as_deref(), Some("offline"));
    device.set_ms(pending[0].next_attempt_at_ms);
    device.deliver(&sender(&fixture)).await;
    assert_eq!(receipt(&device.item(first)), "fb-000001");
    assert_eq!(receipt(&device.item(second)), "fb-000002");
    let counts = received(fixture.portal.addr()).await;
    assert_eq!(counts["posts"][&key], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_marked_sending_at_a_crash_is_resent_once() {
    let fixture = Fixture::start().await;
    let device = Device::new();
    let id = device.queue(DEFAULT_PROFILE, "Lấn chiếm vỉa hè chợ Tân An");
    let online = sender(&fixture);
    let portal = fixture.portal.addr();

    // The portal stores it, then the app dies before the answer arrives (the proxy holds the
    // answer back; the delivery is dropped mid-flight, as a killed process would leave it).
    fixture
        .proxy
        .set_fault(Fault::Latency(Duration::from_secs(30)));
    {
        let delivery = device.deliver(&online);
        let stored = async {
            while received(portal).await["stored"] != 1 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::select! {
            changes = delivery => panic!("the delivery ended: {changes:?}"),
            () = stored => {}
        }
    }
    assert_eq!(device.item(id).state, ItemState::Sending);
    let key = key_of(&device.item(id));

    let (device, requeued) = device.restart();

    assert_eq!(requeued.len(), 1);
    assert_eq!(
        (requeued[0].id, &requeued[0].state),
        (id, &ItemState::Queued)
    );
    assert_eq!(device.item(id).last_error.as_deref(), Some("interrupted"));
    fixture.proxy.clear_fault();
    device.deliver(&online).await;
    let sent = device.item(id);
    assert_eq!(
        receipt(&sent),
        "fb-000001",
        "the stored record's answer, replayed"
    );
    assert_eq!(key_of(&sent), key);
    let counts = received(portal).await;
    assert_eq!(counts, json!({ "stored": 1, "posts": { key: 2 } }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backoff_grows_and_respects_retry_after() {
    let fixture = Fixture::start().await;
    let device = Device::new();
    let id = device.queue(DEFAULT_PROFILE, "Cây xanh đổ chắn đường");
    let online = sender(&fixture);
    let policy = RetryPolicy::default();

    fixture.proxy.set_fault(Fault::ServerErrors {
        count: 5,
        status: 503,
    });
    let mut bounds = Vec::new();
    for attempt in 1..=5u32 {
        let requests = fixture.proxy.stats().requests;
        device.deliver(&online).await;
        assert_eq!(fixture.proxy.stats().requests, requests + 1);
        let item = device.item(id);
        assert_eq!(item.attempts, attempt);
        let wait = item.next_attempt_at_ms - device.now_ms();
        let bound = policy.bound(attempt).as_millis() as i64;
        assert!((0..=bound).contains(&wait), "attempt {attempt}: {wait} ms");
        bounds.push(bound / 1000);
        // Not a moment early.
        if wait > 0 {
            device.set_ms(item.next_attempt_at_ms - 1);
            device.deliver(&online).await;
            assert_eq!(fixture.proxy.stats().requests, requests + 1);
        }
        device.set_ms(item.next_attempt_at_ms);
    }
    assert_eq!(bounds, [2, 4, 8, 16, 32]);

    // The server asks for two minutes, more than the backoff would wait (at most 64 s now).
    fixture.proxy.set_fault(Fault::TooManyRequests {
        count: 1,
        retry_after_seconds: 120,
    });
    let asked_at = device.now_ms();
    device.deliver(&online).await;
    let item = device.item(id);
    assert_eq!(item.last_error.as_deref(), Some("rate_limited"));
    assert_eq!(item.next_attempt_at_ms, asked_at + 120_000);
    let requests = fixture.proxy.stats().requests;
    device.set_ms(asked_at + 119_999);
    device.deliver(&online).await;
    assert_eq!(fixture.proxy.stats().requests, requests);
    device.set_ms(asked_at + 120_000);
    device.deliver(&online).await;
    assert_eq!(receipt(&device.item(id)), "fb-000001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanently_failing_item_stops_after_the_limit() {
    let fixture = Fixture::start().await;
    let device = Device::new();
    let id = device.queue(DEFAULT_PROFILE, "Tiếng ồn karaoke sau 22 giờ");
    let online = sender(&fixture);
    fixture.proxy.set_fault(Fault::ServerErrors {
        count: 1000,
        status: 500,
    });

    for _ in 0..30 {
        device.deliver(&online).await;
        let item = device.item(id);
        device.set_ms(item.next_attempt_at_ms.max(device.now_ms()) + 1);
    }

    let item = device.item(id);
    assert_eq!(item.attempts, 20);
    assert_eq!(fixture.proxy.stats().requests, 20);
    let reason = "gave_up_server_error_500".to_string();
    assert_eq!(device.status(id), FeedbackStatus::Failed { reason });

    // The user tries again once the portal is well: the same key, one record.
    fixture.proxy.clear_fault();
    let state = device.stores.state();
    device
        .outbox
        .retry_failed(state, id, device.now_ms())
        .unwrap();
    device.deliver(&online).await;
    assert_eq!(receipt(&device.item(id)), "fb-000001");
    assert_eq!(received(fixture.portal.addr()).await["stored"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_profile_deletes_its_items() {
    let fixture = Fixture::start().await;
    let device = Device::new();
    let gone = [
        device.queue("signed-out", "một"),
        device.queue("signed-out", "hai"),
    ];
    let kept = device.queue(DEFAULT_PROFILE, "ba");
    let state = device.stores.state();

    assert_eq!(
        device.outbox.remove_profile(state, "signed-out").unwrap(),
        2
    );

    for id in gone {
        assert_eq!(device.outbox.get(state, id).unwrap(), None);
    }
    assert!(device.outbox.list(state, "signed-out").unwrap().is_empty());
    assert_eq!(device.outbox.profiles(state).unwrap(), [DEFAULT_PROFILE]);
    device.deliver(&sender(&fixture)).await;
    assert_eq!(receipt(&device.item(kept)), "fb-000001");
    let counts = received(fixture.portal.addr()).await;
    assert_eq!(counts["stored"], 1);
    assert_eq!(counts["posts"].as_object().unwrap().len(), 1);
}
