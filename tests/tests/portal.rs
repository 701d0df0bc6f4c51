//! End-to-end: the core syncing its catalogue with the reference portal over HTTP, through the
//! fault proxy. No mocks: a real axum server, real sockets, the core's real client.

use std::time::{Duration, Instant};

use longan_core::catalog::classify::is_served;
use longan_core::catalog::csv_import::parse_catalog_csv;
use longan_core::catalog::{CatalogError, SearchRequest};
use longan_core::net::{NetConfig, NetError};
use longan_core::portal::wire::WireProcedure;
use longan_core::{Cancellation, Core};
use longan_tests::fault_proxy::Fault;
use longan_tests::portal_fixture::{Fixture, small_seed};

const PAGE: u32 = 1000;

/// How many procedures the portal serves, and a code it does not serve (another province's).
fn served_count_and_unserved_code() -> (usize, String) {
    let bytes = std::fs::read(longan_tests::seed().catalog_csv).unwrap();
    let procedures = parse_catalog_csv(&bytes).unwrap().procedures;
    let served = procedures.iter().filter(|p| is_served(&p.scope)).count();
    let other = procedures
        .iter()
        .find(|p| !is_served(&p.scope))
        .map(|p| p.code.clone())
        .unwrap();
    (served, other)
}

fn total(core: &Core, query: &str) -> usize {
    core.search(&SearchRequest {
        query: query.into(),
        limit: 10,
        ..SearchRequest::default()
    })
    .map(|results| results.total)
    .unwrap_or(0)
}

async fn sync(
    core: &Core,
    fixture: &Fixture,
) -> Result<longan_core::catalog::sync::SyncReport, CatalogError> {
    core.sync_catalog(&fixture.client(), PAGE, &Cancellation::new())
        .await
}

fn renamed(core: &Core, code: &str, name: &str) -> String {
    let mut procedure = core.procedure(code).unwrap();
    procedure.name = name.to_string();
    serde_json::to_string(&WireProcedure::from(&procedure)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_is_a_full_snapshot_whose_deletions_apply() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &longan_tests::seed());
    let (served, unserved) = served_count_and_unserved_code();
    assert!(core.catalog_len() > served);
    assert_eq!(
        fixture.control("DELETE", "/test/procedures/1.003583", "").0,
        200
    );

    let report = sync(&core, &fixture).await.unwrap();

    assert!(report.full_snapshot);
    assert_eq!(report.upserts, served - 1);
    assert_eq!(core.catalog_len(), served - 1);
    assert!(matches!(
        core.procedure(&unserved),
        Err(CatalogError::NotFound { .. })
    ));
    assert!(matches!(
        core.procedure("1.003583"),
        Err(CatalogError::NotFound { .. })
    ));
    // A full record shipped with the seed stays with its procedure.
    assert!(core.procedure("1.001193").unwrap().details.is_some());
    assert_eq!(
        core.search(&SearchRequest {
            query: "dang ky khai sinh".into(),
            limit: 1,
            ..SearchRequest::default()
        })
        .unwrap()
        .hits[0]
            .code,
        "1.001193"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_sync_fetches_only_the_changes() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    sync(&core, &fixture).await.unwrap();
    let body = renamed(&core, "1.001193", "Thủ tục đăng ký khai sinh theo mẫu mới");
    assert_eq!(
        fixture.control("PUT", "/test/procedures/1.001193", &body).0,
        200
    );
    assert_eq!(
        fixture.control("DELETE", "/test/procedures/1.004884", "").0,
        200
    );

    let report = sync(&core, &fixture).await.unwrap();

    assert!(!report.full_snapshot);
    assert_eq!((report.upserts, report.deletes), (1, 1));
    assert_eq!(total(&core, "khai sinh mau moi"), 1);
    assert!(matches!(
        core.procedure("1.004884"),
        Err(CatalogError::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_with_nothing_changed_is_one_small_not_modified_request() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    sync(&core, &fixture).await.unwrap();
    fixture.proxy.reset_stats();

    let report = sync(&core, &fixture).await.unwrap();

    assert!(report.not_modified, "{report:?}");
    assert_eq!(report.requests, 1);
    let wire = fixture.proxy.stats();
    assert_eq!(wire.requests, 1);
    assert!(
        wire.bytes_to_client + wire.bytes_from_client < 1024,
        "{wire:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_snapshot_resumes_where_it_stopped_and_is_never_half_shown() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    let before = core.catalog_len();
    // Slow pages, so the fault can be set after the first ones.
    fixture.proxy.set_fault(Fault::Bandwidth {
        bytes_per_second: 400_000,
    });
    let no_retries = NetConfig {
        retries: 0,
        ..NetConfig::for_tests()
    };
    let client = fixture.client_with(no_retries);
    let cancel = Cancellation::new();
    let syncing = core.sync_catalog(&client, 300, &cancel);
    let breaker = async {
        while fixture.proxy.stats().requests < 3 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        fixture.proxy.set_fault(Fault::ServerErrors {
            count: 1000,
            status: 503,
        });
    };
    let (result, ()) = tokio::join!(syncing, breaker);
    assert!(
        matches!(
            result,
            Err(CatalogError::Network(NetError::ServerUnavailable { .. }))
        ),
        "{result:?}"
    );
    // Nothing of the unfinished snapshot is shown.
    assert_eq!(core.catalog_len(), before);
    let first_requests = fixture.proxy.stats().requests;

    fixture.proxy.clear_fault();
    fixture.proxy.reset_stats();
    let (served, _) = served_count_and_unserved_code();
    let report = core
        .sync_catalog(&fixture.client(), 300, &Cancellation::new())
        .await
        .unwrap();

    assert!(report.full_snapshot);
    assert_eq!(core.catalog_len(), served);
    let pages = served.div_ceil(300) as u64;
    assert!(
        fixture.proxy.stats().requests < pages,
        "resumed with {} of {pages} pages after {first_requests}",
        fixture.proxy.stats().requests
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_cursor_makes_the_next_sync_a_full_snapshot() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    sync(&core, &fixture).await.unwrap();
    assert_eq!(
        fixture.control("DELETE", "/test/procedures/1.001193", "").0,
        200
    );
    assert_eq!(fixture.control("POST", "/test/expire-cursors", "").0, 200);

    let report = sync(&core, &fixture).await.unwrap();

    assert!(report.cursor_expired && report.full_snapshot, "{report:?}");
    assert!(matches!(
        core.procedure("1.001193"),
        Err(CatalogError::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_server_errors_is_retried_until_the_sync_succeeds() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    fixture.proxy.set_fault(Fault::ServerErrors {
        count: 2,
        status: 503,
    });

    let report = sync(&core, &fixture).await.unwrap();

    assert!(report.full_snapshot);
    assert!(report.requests >= 3, "{report:?}");
    assert_eq!(
        fixture.proxy.stats().upstream_requests as u32,
        report.requests - 2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_honoured_by_waiting_as_long_as_the_server_asked() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    fixture.proxy.set_fault(Fault::TooManyRequests {
        count: 1,
        retry_after_seconds: 1,
    });
    let started = Instant::now();

    let report = sync(&core, &fixture).await.unwrap();

    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(report.full_snapshot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbage_answer_is_a_typed_error_and_leaves_the_cache_as_it_was() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    sync(&core, &fixture).await.unwrap();
    let count = core.catalog_len();
    let body = renamed(&core, "1.001193", "Thủ tục đăng ký khai sinh theo mẫu mới");
    fixture.control("PUT", "/test/procedures/1.001193", &body);
    for fault in [
        Fault::GarbageBody,
        Fault::WrongContentType,
        Fault::Oversized {
            body_bytes: 20 * 1024 * 1024,
        },
    ] {
        fixture.proxy.set_fault(fault.clone());
        let result = sync(&core, &fixture).await;
        assert!(
            matches!(
                result,
                Err(CatalogError::Network(
                    NetError::InvalidResponse { .. } | NetError::TooLarge { .. }
                ))
            ),
            "{fault:?}: {result:?}"
        );
        assert_eq!(core.catalog_len(), count);
        assert_eq!(
            core.procedure("1.001193").unwrap().name,
            "Thủ tục đăng ký khai sinh"
        );
    }
    fixture.proxy.clear_fault();
    let report = sync(&core, &fixture).await.unwrap();
    assert_eq!(report.upserts, 1);
    assert_eq!(total(&core, "khai sinh mau moi"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_sync_fails_as_offline_and_the_cached_catalogue_is_served() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    sync(&core, &fixture).await.unwrap();
    let count = core.catalog_len();
    let proxy_url = fixture.proxy.url();
    drop(fixture);
    let client =
        longan_core::net::HttpClient::new(NetConfig::for_tests(), Default::default()).unwrap();
    let gone = longan_core::portal::HttpPortal::new(&proxy_url, client);

    let result = core.sync_catalog(&gone, PAGE, &Cancellation::new()).await;

    assert!(
        matches!(result, Err(CatalogError::Network(NetError::Offline { .. }))),
        "{result:?}"
    );
    assert_eq!(core.catalog_len(), count);
    assert!(total(&core, "dang ky khai sinh") > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_record_is_fetched_once_then_revalidated_with_a_small_304() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    sync(&core, &fixture).await.unwrap();
    let cancel = Cancellation::new();
    fixture.proxy.reset_stats();

    let record = core
        .refresh_procedure(&fixture.client(), "1.001193", &cancel)
        .await
        .unwrap();
    let first = fixture.proxy.stats();
    let again = core
        .refresh_procedure(&fixture.client(), "1.001193", &cancel)
        .await
        .unwrap();
    let second = fixture.proxy.stats();

    assert!(record.details.is_some());
    assert_eq!(again, record);
    let revalidation = second.bytes_to_client - first.bytes_to_client;
    assert!(revalidation < 600, "{revalidation} bytes for a 304");
    assert!(first.bytes_to_client > 5 * revalidation);
    let body = renamed(&core, "1.001193", "Thủ tục đăng ký khai sinh theo mẫu mới");
    fixture.control("PUT", "/test/procedures/1.001193", &body);
    let changed = core
        .refresh_procedure(&fixture.client(), "1.001193", &cancel)
        .await
        .unwrap();
    assert_eq!(changed.name, "Thủ tục đăng ký khai sinh theo mẫu mới");
    assert_eq!(total(&core, "khai sinh mau moi"), 1);
    assert!(matches!(
        core.refresh_procedure(&fixture.client(), "9.999999", &cancel)
            .await,
        Err(CatalogError::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_of_the_last_sync_comes_from_the_servers_clock() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    // A phone whose clock is a day behind.
    let phone = std::sync::Arc::new(longan_core::clock::TestClock::at(
        std::time::SystemTime::now() - Duration::from_secs(86_400),
    ));
    let clock = longan_core::clock::Clock::new(phone);
    let core = fixture
        .core(dir.path(), &small_seed())
        .with_clock(clock.clone());
    assert_eq!(core.last_synced().unwrap(), None);
    let client = longan_core::net::HttpClient::new(NetConfig::for_tests(), clock).unwrap();
    let portal = longan_core::portal::HttpPortal::new(&fixture.proxy.url(), client);

    core.sync_catalog(&portal, PAGE, &Cancellation::new())
        .await
        .unwrap();

    let synced = core.last_synced().unwrap().unwrap();
    let off = std::time::SystemTime::now()
        .duration_since(synced)
        .unwrap_or_else(|e| e.duration());
    assert!(
        off < Duration::from_secs(5),
        "last sync recorded {off:?} off the real time"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_incremental_sync_resumes_and_is_not_told_nothing_changed() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    sync(&core, &fixture).await.unwrap();
    let codes = ["1.001193", "1.004884", "1.003583", "2.000528", "1.000894"];
    for code in codes {
        let body = renamed(&core, code, &format!("Thủ tục thử nghiệm {code}"));
        assert_eq!(
            fixture
                .control("PUT", &format!("/test/procedures/{code}"), &body)
                .0,
            200
        );
    }
    // Two changes per page, slow enough (2 kB/s) that the fault is set while the second page
    // is still coming, so the third request is the one cut.
    fixture.proxy.reset_stats();
    fixture.proxy.set_fault(Fault::Bandwidth {
        bytes_per_second: 2_000,
    });
    let no_retries = NetConfig {
        retries: 0,
        ..NetConfig::for_tests()
    };
    let client = fixture.client_with(no_retries);
    let cancel = Cancellation::new();
    let syncing = core.sync_catalog(&client, 2, &cancel);
    let breaker = async {
        while fixture.proxy.stats().requests < 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        fixture.proxy.set_fault(Fault::ResetMidBody {
            after_body_bytes: 10,
        });
    };
    let (interrupted, ()) = tokio::join!(syncing, breaker);
    assert!(interrupted.is_err(), "{interrupted:?}");
    fixture.proxy.clear_fault();

    let resumed = sync(&core, &fixture).await.unwrap();

    assert!(!resumed.not_modified, "{resumed:?}");
    for code in codes {
        assert_eq!(
            core.procedure(code).unwrap().name,
            format!("Thủ tục thử nghiệm {code}")
        );
    }
    assert!(sync(&core, &fixture).await.unwrap().not_modified);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_that_stalls_is_a_timeout_and_a_cancel_stops_a_retry_wait() {
    let fixture = Fixture::start().await;
    let dir = tempfile::tempdir().unwrap();
    let core = fixture.core(dir.path(), &small_seed());
    fixture.proxy.set_fault(Fault::Stall);
    let impatient = NetConfig {
        request_timeout: Duration::from_millis(300),
        retries: 0,
        ..NetConfig::for_tests()
    };
    let result = core
        .sync_catalog(&fixture.client_with(impatient), PAGE, &Cancellation::new())
        .await;
    assert!(
        matches!(result, Err(CatalogError::Network(NetError::Timeout))),
        "{result:?}"
    );

    // A long Retry-After is being waited out; the cancel ends the wait at once.
    fixture.proxy.set_fault(Fault::TooManyRequests {
        count: 5,
        retry_after_seconds: 2,
    });
    let cancel = Cancellation::new();
    let started = Instant::now();
    let client = fixture.client();
    let syncing = core.sync_catalog(&client, PAGE, &cancel);
    let canceller = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        cancel.cancel();
    };
    let (result, ()) = tokio::join!(syncing, canceller);
    assert!(
        matches!(result, Err(CatalogError::Network(NetError::Cancelled(_)))),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
}
