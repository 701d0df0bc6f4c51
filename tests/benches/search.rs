//! Search benchmark: our index against SQLite FTS5 on the same catalogue and dev set, in one
//! process. Run with `cargo bench -p longan-tests --bench search` (release profile).
//!
//! Both engines do the same work per query: raw query string in, top-10 codes out, no result
//! caching. FTS5 gets names and queries folded by our `fold_key` (its own `remove_diacritics`
//! leaves `đ` alone), tokenizer `unicode61 remove_diacritics 2`, a prefix on the last word, and
//! bm25 ordering; it has no Telex/VNI decoding and no synonyms, which is the point of the
//! comparison.

// The counting allocator needs `unsafe impl GlobalAlloc`; reading SQLite's own heap counter is
// an FFI call. Both are confined to this benchmark binary.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use longan_core::Core;
use longan_core::app::DEFAULT_SYNONYMS;
use longan_core::catalog::csv_import::parse_catalog_csv;
use longan_core::catalog::index::SearchIndex;
use longan_core::catalog::search::search;
use longan_core::catalog::{Procedure, SearchRequest, classify};
use longan_core::text::{Synonyms, fold_key};
use longan_tests::devset::{self, DevQuery, Evaluation};
use rusqlite::Connection;

struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; we only count bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_bytes() -> isize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

/// How many times the whole dev set is run for latency figures.
const ROUNDS: usize = 30;

struct Row {
    engine: &'static str,
    quality: Evaluation,
    latencies: Vec<Duration>,
    build: Duration,
    cold_open: Duration,
    memory_bytes: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Times both engines on the same queries, interleaved query by query (the order swapped every
/// round), so that a change in the shared machine's load hits both alike.
fn timed_interleaved(
    queries: &[DevQuery],
    ours: &Ours,
    peer: &Connection,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut mine = Vec::with_capacity(queries.len() * ROUNDS);
    let mut theirs = Vec::with_capacity(queries.len() * ROUNDS);
    let time = |run: &dyn Fn() -> Vec<String>| {
        let started = Instant::now();
        std::hint::black_box(run());
        started.elapsed()
    };
    for round in 0..ROUNDS {
        for query in queries {
            let q = query.query.as_str();
            if round % 2 == 0 {
                mine.push(time(&|| ours.run(q)));
                theirs.push(time(&|| fts5_query(peer, q)));
            } else {
                theirs.push(time(&|| fts5_query(peer, q)));
                mine.push(time(&|| ours.run(q)));
            }
        }
    }
    mine.sort();
    theirs.sort();
    (mine, theirs)
}

/// Our engine as the benchmark drives it.
struct Ours {
    index: SearchIndex,
    synonyms: Synonyms,
}

impl Ours {
    fn run(&self, query: &str) -> Vec<String> {
        let request = SearchRequest {
            query: query.to_string(),
            limit: 10,
            ..SearchRequest::default()
        };
        search(&self.index, &self.synonyms, &request)
            .map(|r| r.hits.into_iter().map(|h| h.code).collect())
            .unwrap_or_default()
    }
}

fn ours(procedures: &[Procedure], queries: &[DevQuery]) -> (Row, Ours) {
    let synonyms = Synonyms::parse(DEFAULT_SYNONYMS).expect("synonyms");
    let build = median(
        (0..5)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(SearchIndex::build(procedures));
                started.elapsed()
            })
            .collect(),
    );
    let before = live_bytes();
    let index = SearchIndex::build(procedures);
    let memory_bytes = (live_bytes() - before) as f64;
    let engine = Ours { index, synonyms };
    let quality = devset::evaluate(queries, |q| engine.run(q));

    let dir = tempfile::tempdir().expect("temp dir");
    drop(Core::open(dir.path(), Some(&longan_tests::seed())).expect("seed"));
    let cold_open = median(
        (0..7)
            .map(|_| {
                let started = Instant::now();
                let core = Core::open(dir.path(), None).expect("open");
                let first = core.search(&SearchRequest {
                    query: "dang ky khai sinh".into(),
                    limit: 10,
                    ..SearchRequest::default()
                });
                let elapsed = started.elapsed();
                assert_eq!(first.expect("search").hits[0].code, "1.001193");
                elapsed
            })
            .collect(),
    );
    let row = Row {
        engine: "longan (ours)",
        quality,
        latencies: Vec::new(),
        build,
        cold_open,
        memory_bytes,
    };
    (row, engine)
}

fn fts5_create(connection: &Connection, procedures: &[Procedure]) {
    connection
        .execute_batch(
            "CREATE VIRTUAL TABLE fts USING fts5(code UNINDEXED, served UNINDEXED, name, \
             tokenize = 'unicode61 remove_diacritics 2');",
        )
        .expect("create");
    let tx = connection.unchecked_transaction().expect("tx");
    {
        let mut insert = tx
            .prepare("INSERT INTO fts(code, served, name) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        for p in procedures {
            insert
                .execute((
                    &p.code,
                    classify::is_served(&p.scope) as i64,
                    fold_key(&p.name),
                ))
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
}

fn fts5_query(connection: &Connection, raw: &str) -> Vec<String> {
    let folded = fold_key(raw);
    let words: Vec<&str> = folded.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let last = words.len() - 1;
    let expression: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect();
    let mut statement = connection
        .prepare_cached(
            "SELECT code FROM fts WHERE fts MATCH ?1 AND served = 1 ORDER BY bm25(fts) LIMIT 10",
        )
        .expect("prepare");
    let rows = statement.query_map([expression.join(" ")], |row| row.get::<_, String>(0));
    rows.map(|r| r.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

fn sqlite_heap() -> i64 {
    // SAFETY: a read of SQLite's global memory counter; no pointers involved.
    unsafe { rusqlite::ffi::sqlite3_memory_used() }
}

fn fts5(procedures: &[Procedure], queries: &[DevQuery]) -> (Row, Connection) {
    let build = median(
        (0..5)
            .map(|_| {
                let connection = Connection::open_in_memory().expect("open");
                let started = Instant::now();
                fts5_create(&connection, procedures);
                started.elapsed()
            })
            .collect(),
    );
    let before = sqlite_heap() as f64 + live_bytes() as f64;
    let connection = Connection::open_in_memory().expect("open");
    fts5_create(&connection, procedures);
    let memory_bytes = sqlite_heap() as f64 + live_bytes() as f64 - before;
    let quality = devset::evaluate(queries, |q| fts5_query(&connection, q));

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fts.sqlite");
    fts5_create(&Connection::open(&path).expect("open file"), procedures);
    let cold_open = median(
        (0..7)
            .map(|_| {
                let started = Instant::now();
                let connection = Connection::open(&path).expect("open");
                let first = fts5_query(&connection, "dang ky khai sinh");
                let elapsed = started.elapsed();
                std::hint::black_box(first);
                elapsed
            })
            .collect(),
    );
    let row = Row {
        engine: "SQLite FTS5",
        quality,
        latencies: Vec::new(),
        build,
        cold_open,
        memory_bytes,
    };
    (row, connection)
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    // `cargo bench -- ours` profiles our engine alone (`cargo bench` itself passes `--bench`).
    // `cargo bench -- calls` runs our queries a few rounds with nothing else timed, for
    // `valgrind --tool=callgrind --toggle-collect='*catalog::search::search*'`, whose
    // instruction counts do not move with the load of a shared machine.
    if std::env::args().any(|arg| arg == "calls") {
        let bytes = std::fs::read(longan_tests::seed().catalog_csv).expect("catalogue");
        let index = SearchIndex::build(&parse_catalog_csv(&bytes).expect("parse").procedures);
        let engine = Ours {
            index,
            synonyms: Synonyms::parse(DEFAULT_SYNONYMS).expect("synonyms"),
        };
        let queries = devset::load();
        for _ in 0..3 {
            for query in &queries {
                std::hint::black_box(engine.run(&query.query));
            }
        }
        println!("{} searches", queries.len() * 3);
        return;
    }
    let bytes = std::fs::read(longan_tests::seed().catalog_csv).expect("catalogue");
    let procedures = parse_catalog_csv(&bytes).expect("parse").procedures;
    let queries = devset::load();
    println!(
        "catalogue: {} procedures; dev set: {} queries x {ROUNDS} rounds",
        procedures.len(),
        queries.len()
    );
    let (mut mine, ours_engine) = ours(&procedures, &queries);
    let (mut theirs, connection) = fts5(&procedures, &queries);
    (mine.latencies, theirs.latencies) = timed_interleaved(&queries, &ours_engine, &connection);
    let rows = [mine, theirs];
    println!();
    println!(
        "| engine | success@5 | MRR | p50 µs | p95 µs | index build ms | cold open→first result ms | index memory MB |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in &rows {
        println!(
            "| {} | {:.3} | {:.3} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} |",
            row.engine,
            row.quality.overall.success_at_5,
            row.quality.overall.mrr,
            micros(percentile(&row.latencies, 0.5)),
            micros(percentile(&row.latencies, 0.95)),
            millis(row.build),
            millis(row.cold_open),
            row.memory_bytes / (1024.0 * 1024.0),
        );
    }
    let ours_p50 = micros(percentile(&rows[0].latencies, 0.5));
    let peer_p50 = micros(percentile(&rows[1].latencies, 0.5));
    let ratio = ours_p50 / peer_p50;
    println!();
    println!(
        "p50 ratio ours/FTS5: {ratio:.3} (target ≤ 0.100): {}",
        verdict(ratio <= 0.1)
    );
    println!(
        "cold open to first result: {:.1} ms (target ≤ 50): {}",
        millis(rows[0].cold_open),
        verdict(millis(rows[0].cold_open) <= 50.0)
    );
    let megabytes = rows[0].memory_bytes / (1024.0 * 1024.0);
    println!(
        "index memory: {megabytes:.2} MB (target ≤ 16): {}",
        verdict(megabytes <= 16.0)
    );
    println!("\nper tag (ours):\n{}", rows[0].quality.table());
    println!("per tag (FTS5):\n{}", rows[1].quality.table());
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT MET" }
}
