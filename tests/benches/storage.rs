//! Storage benchmark behind `docs/decisions/storage.md`: sled (our store) against SQLite on the
//! catalogue workload — seed import, then 20 re-syncs that rewrite every record and the index —
//! measuring data directory size against the logical data size, and cold open time.
//! Run with `cargo bench -p longan-tests --bench storage`.

use std::path::Path;
use std::time::{Duration, Instant};

use longan_core::Cancellation;
use longan_core::app::DEFAULT_SYNONYMS;
use longan_core::catalog::Catalog;
use longan_core::store::{Backend, Batch, Entries, StoreError, Stores};
use longan_core::text::Synonyms;
use longan_tests::sqlite_backend::SqliteBackend;

const RESYNCS: usize = 20;

/// Apparent bytes and allocated bytes of every file under `dir`.
fn directory_size(dir: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let mut apparent = 0;
    let mut allocated = 0;
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            let (a, b) = directory_size(&path);
            apparent += a;
            allocated += b;
        } else if let Ok(meta) = entry.metadata() {
            apparent += meta.len();
            allocated += meta.blocks() * 512;
        }
    }
    (apparent, allocated)
}

fn logical_size(backend: &dyn Backend) -> u64 {
    let records: u64 = ["catalog", "meta"]
        .iter()
        .flat_map(|tree| backend.scan_prefix(tree, b"").expect("scan"))
        .map(|(k, v)| (k.len() + v.len()) as u64)
        .sum();
    let index = backend
        .read_blob("catalog-index")
        .expect("read")
        .map_or(0, |b| b.len() as u64);
    records + index
}

/// The catalogue with one row in `every` changed (a different row set each round), so a sync
/// rewrites those records and the index.
fn changed_catalogue(original: &str, round: usize, every: usize) -> Vec<u8> {
    let mut out = String::with_capacity(original.len() + 100_000);
    for (i, line) in original.lines().enumerate() {
        out.push_str(line);
        if i > 0 && (i + round).is_multiple_of(every) {
            // The URL is the last column; a changed URL changes the stored record.
            out.push_str(&format!("?v={round}"));
        }
        out.push('\n');
    }
    out.into_bytes()
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1e3
}

struct Figures {
    engine: &'static str,
    workload: &'static str,
    first_import_ms: f64,
    resync_ms: f64,
    logical: u64,
    apparent: u64,
    allocated: u64,
    cold_open_ms: f64,
}

fn workload(backend: &dyn Backend, catalogue: &str, every: usize) -> (f64, f64) {
    let catalog = Catalog::open(
        backend,
        Synonyms::parse(DEFAULT_SYNONYMS).expect("synonyms"),
    )
    .expect("catalog");
    let started = Instant::now();
    catalog
        .import_csv(backend, catalogue.as_bytes(), &Cancellation::new())
        .expect("import");
    let first = started.elapsed().as_secs_f64() * 1e3;
    let mut resyncs = Vec::new();
    for round in 1..=RESYNCS {
        let bytes = changed_catalogue(catalogue, round, every);
        let started = Instant::now();
        let report = catalog
            .import_csv(backend, &bytes, &Cancellation::new())
            .expect("resync");
        resyncs.push(started.elapsed());
        assert!(
            report.updated >= 5605 / every,
            "round {round} rewrote {}",
            report.updated
        );
    }
    (first, median(resyncs))
}

/// Runs the workload on a fresh directory with one engine and measures the result.
fn figures(
    engine: &'static str,
    workload_name: &'static str,
    every: usize,
    catalogue: &str,
    open: impl Fn(&Path) -> Box<dyn Backend>,
) -> Figures {
    let dir = tempfile::tempdir().expect("temp");
    let (first_import_ms, resync_ms) = workload(&*open(dir.path()), catalogue, every);
    let (apparent, allocated) = directory_size(dir.path());
    let logical = logical_size(&*open(dir.path()));
    let cold_open_ms = median(
        (0..7)
            .map(|_| {
                let started = Instant::now();
                let backend = open(dir.path());
                let blob = backend.read_blob("catalog-index").expect("read");
                let elapsed = started.elapsed();
                assert!(blob.is_some());
                elapsed
            })
            .collect(),
    );
    Figures {
        engine,
        workload: workload_name,
        first_import_ms,
        resync_ms,
        logical,
        apparent,
        allocated,
        cold_open_ms,
    }
}

/// sled as the app opens it: the `cache/` database of a data directory.
fn open_sled(dir: &Path) -> Box<dyn Backend> {
    Box::new(SledCache(Stores::open(dir).expect("open sled")))
}

/// Owns the stores and exposes their cache database.
struct SledCache(Stores);

impl Backend for SledCache {
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.cache().get(tree, key)
    }
    fn apply(&self, tree: &str, batch: Batch) -> Result<(), StoreError> {
        self.0.cache().apply(tree, batch)
    }
    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Entries, StoreError> {
        self.0.cache().scan_prefix(tree, prefix)
    }
    fn clear(&self, tree: &str) -> Result<(), StoreError> {
        self.0.cache().clear(tree)
    }
    fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.0.cache().size_on_disk()
    }
    fn read_blob(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.cache().read_blob(name)
    }
    fn write_blob(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.0.cache().write_blob(name, bytes)
    }
}

fn open_sqlite(dir: &Path) -> Box<dyn Backend> {
    Box::new(SqliteBackend::open(dir).expect("open sqlite"))
}

fn main() {
    let catalogue = std::fs::read_to_string(longan_tests::seed().catalog_csv).expect("catalogue");
    println!(
        "workload: seed import of the national catalogue, then {RESYNCS} re-syncs, each rewriting the index"
    );
    println!(
        "and either 5% of the records (a generous change feed) or all of them (every record changed every time)"
    );
    println!();
    println!(
        "| engine | re-syncs change | first import ms | re-sync ms (median) | logical MB | data dir MB (apparent) \
         | data dir MB (allocated) | ratio (apparent / logical) | cold open + index read ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    let rows = [
        figures(
            "sled 0.34 (ours)",
            "5% of records",
            20,
            &catalogue,
            open_sled,
        ),
        figures("sled 0.34 (ours)", "all records", 1, &catalogue, open_sled),
        figures("SQLite (WAL)", "5% of records", 20, &catalogue, open_sqlite),
        figures("SQLite (WAL)", "all records", 1, &catalogue, open_sqlite),
    ];
    for f in &rows {
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} |",
            f.engine,
            f.workload,
            f.first_import_ms,
            f.resync_ms,
            mb(f.logical),
            mb(f.apparent),
            mb(f.allocated),
            f.apparent as f64 / f.logical as f64,
            f.cold_open_ms
        );
    }
    println!();
    let verdict = |ok: bool| if ok { "met" } else { "NOT MET" };
    for sled in &rows[..2] {
        let ratio = sled.apparent as f64 / sled.logical as f64;
        println!(
            "kill criterion, data dir ≤ 3× logical after {RESYNCS} re-syncs ({}): {ratio:.2}× — {}",
            sled.workload,
            verdict(ratio <= 3.0)
        );
    }
    let cold = rows[0].cold_open_ms;
    println!(
        "kill criterion, cold open ≤ 50 ms: {cold:.1} ms — {}",
        verdict(cold <= 50.0)
    );
}
