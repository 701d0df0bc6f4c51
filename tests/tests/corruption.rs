//! End-to-end: a data directory damaged on disk. A directory with real content (the civil-status
//! catalogue, four followed demo dossiers, notifications, queued feedback) is built through
//! `Core`, closed, copied, and each copy damaged in one file of `cache/` or `state/`: bytes
//! flipped, the file cut short, zeroed or deleted. Every copy is then opened the way the CLI
//! opens (`Core::open` with the seed) or the way the FFI opens (no seed; the app imports it when
//! the catalogue is empty), and must open without a panic, with a rebuilt cache, and with every
//! state record either as written or reported lost; then a write and a reopen must be clean.
//! The summary is written into `docs/reliability.md` ("Corruption").

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use longan_core::catalog::{CatalogSource, SearchRequest};
use longan_core::clock::{Clock, TestClock};
use longan_core::dossier::tracking::TrackedDossier;
use longan_core::feedback::{Feedback, FeedbackCategory, FeedbackEntry};
use longan_core::notify::Notification;
use longan_core::profile::Profile;
use longan_core::store::{Batch, StateDamage, Stores};
use longan_core::{Cancellation, Core};
use longan_tests::portal_fixture::small_seed;
use longan_tests::reliability_doc::write_generated_section;

/// When the fixture is written (2025-11-28).
const WRITTEN_AT: u64 = 1_764_300_000;
/// When the damaged copies are opened: days later, so a demo story started again (its start
/// lost) shows in the dossier codes, which carry the story's date.
const OPENED_AT: u64 = WRITTEN_AT + 3 * 24 * 3600;
/// Searches whose results must be the same before and after.
const QUERIES: [&str; 5] = [
    "khai sinh",
    "kết hôn",
    "giam ho",
    "khai tu",
    "xac nhan tinh trang hon nhan",
];

/// Refresh rounds in the second session (each rewrites the four followed dossiers).
const REFRESHES: usize = 150;

/// Each file's damages, and how many of each: random ones more often, and more again in
/// sled's logs, where most flipped bytes land in records since rewritten.
fn plan(file: &str) -> [(Damage, usize); 4] {
    let log = if file.ends_with("/db") { 3 } else { 1 };
    [
        (Damage::Flip, 10 * log),
        (Damage::Truncate, 6 * log),
        (Damage::Zero, 2),
        (Damage::Delete, 2),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Damage {
    /// 1 to 8 bytes, each with one bit flipped, anywhere in the file's written part.
    Flip,
    /// Cut to a random length within its written part.
    Truncate,
    /// Every byte zero, same length.
    Zero,
    /// Removed.
    Delete,
}

impl Damage {
    fn name(self) -> &'static str {
        match self {
            Damage::Flip => "flip 1–8 bytes",
            Damage::Truncate => "truncate",
            Damage::Zero => "zero",
            Damage::Delete => "delete",
        }
    }

    fn apply(self, path: &Path, rng: &mut fastrand::Rng) {
        let mut bytes = std::fs::read(path).unwrap();
        // sled's `db` is a 512 kB segment mostly not yet written (zeros): damage where the data is.
        let written = bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
        match self {
            Damage::Flip => {
                for _ in 0..rng.usize(1..=8) {
                    let at = rng.usize(..written.max(1));
                    if let Some(byte) = bytes.get_mut(at) {
                        *byte ^= 1 << rng.u8(0..8);
                    }
                }
                std::fs::write(path, bytes).unwrap();
            }
            Damage::Truncate => {
                let length = rng.usize(..written.max(1));
                bytes.truncate(length);
                std::fs::write(path, bytes).unwrap();
            }
            Damage::Zero => std::fs::write(path, vec![0; bytes.len()]).unwrap(),
            Damage::Delete => std::fs::remove_file(path).unwrap(),
        }
    }
}

/// How a damaged copy is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opener {
    /// `Core::open` with the seed, as the CLI and the tests do.
    WithSeed,
    /// What `LonganCore::open` does (no seed), then the app's import when it reports an empty
    /// catalogue.
    LikeTheApp,
}

impl Opener {
    fn open(self, dir: &Path) -> Result<Core, String> {
        let clock = Clock::new(Arc::new(TestClock::at_unix(OPENED_AT)));
        let core = match self {
            Opener::WithSeed => Core::open(dir, Some(&small_seed())),
            Opener::LikeTheApp => Core::open_source(dir, None, CatalogSource::Bundled),
        }
        .map_err(|error| error.to_string())?
        .with_clock(clock);
        if self == Opener::LikeTheApp && core.catalog_len() == 0 {
            core.import_seed(&small_seed(), &Cancellation::new())
                .map_err(|error| error.to_string())?;
        }
        Ok(core)
    }
}

/// What a search screen and a procedure screen show; a read that failed shows its error.
#[derive(Debug, Clone, PartialEq)]
struct CatalogueView {
    procedures: usize,
    searches: Vec<Result<Vec<(String, String)>, String>>,
    records: Result<Vec<Result<String, String>>, String>,
}

impl CatalogueView {
    /// Shows what `seed` shows except where a read failed with an error: damage a read met
    /// (the next open rebuilds the cache), not a wrong answer.
    fn differs_only_where_a_read_failed(&self, seed: &CatalogueView) -> bool {
        fn same_or_failed<T: PartialEq>(
            shown: &Result<T, String>,
            seed: &Result<T, String>,
        ) -> bool {
            shown.is_err() || shown == seed
        }
        let searches = self.searches.len() == seed.searches.len()
            && self
                .searches
                .iter()
                .zip(&seed.searches)
                .all(|(shown, seed)| same_or_failed(shown, seed));
        let records = match (&self.records, &seed.records) {
            (Err(_), _) => true,
            (Ok(shown), Ok(seed)) => {
                shown.len() == seed.len()
                    && shown
                        .iter()
                        .zip(seed)
                        .all(|(shown, seed)| same_or_failed(shown, seed))
            }
            (Ok(_), Err(_)) => false,
        };
        self.procedures == seed.procedures && searches && records
    }
}

fn catalogue(core: &Core) -> CatalogueView {
    let search = |query: &str, limit| {
        core.search(&SearchRequest {
            query: query.into(),
            limit,
            ..SearchRequest::default()
        })
        .map(|results| results.hits)
        .map_err(|error| error.to_string())
    };
    CatalogueView {
        procedures: core.catalog_len(),
        searches: QUERIES
            .iter()
            .map(|query| {
                let hits = search(query, 20)?;
                Ok(hits.into_iter().map(|hit| (hit.code, hit.name)).collect())
            })
            .collect(),
        records: search("ho tich", 100).map(|hits| {
            hits.iter()
                .map(|hit| {
                    core.procedure(&hit.code)
                        .map(|record| format!("{record:?}"))
                        .map_err(|error| error.to_string())
                })
                .collect()
        }),
    }
}

/// The state records the fixture wrote: each one's every version, the newest last.
struct Written {
    catalogue: CatalogueView,
    profile: Profile,
    demo_codes: Vec<(String, String)>,
    dossiers: BTreeMap<String, Vec<TrackedDossier>>,
    notifications: Vec<Notification>,
    feedback: Vec<FeedbackEntry>,
}

impl Written {
    fn records(&self) -> usize {
        2 + self.dossiers.len() + self.notifications.len() + self.feedback.len()
    }
}

/// Builds the directory in three sessions. sled snapshots on open and its recovery reads only
/// the log segment of that snapshot onwards, so damage lands in three different places: the
/// older segments (found when a record there is read), the snapshot's segment, and the tail
/// after it (both read by the open). Weeks of refreshes of the followed dossiers grow the log
/// past one 512 kB segment.
async fn build(dir: &Path) -> Written {
    let time = Arc::new(TestClock::at_unix(WRITTEN_AT));
    let cancel = Cancellation::new();
    let open = || {
        Core::open(dir, Some(&small_seed()))
            .unwrap()
            .with_clock(Clock::new(time.clone()))
    };
    let mut dossiers: BTreeMap<String, Vec<TrackedDossier>> = BTreeMap::new();
    let mut keep = |seen: TrackedDossier| {
        dossiers
            .entry(seen.dossier.code.clone())
            .or_default()
            .push(seen);
    };
    {
        let core = open();
        let demo = core.demo_portal().unwrap();
        for (code, verifier) in demo.demo_codes().into_iter().take(4) {
            keep(
                core.look_up_dossier(&demo, &code, &verifier, &cancel)
                    .await
                    .unwrap(),
            );
            keep(core.set_dossier_followed(&code, true).unwrap());
        }
        for pothole in 1..=3 {
            let text = format!("Ổ gà thứ {pothole} trên đường tỉnh 830");
            core.queue_feedback(&Feedback::new(FeedbackCategory::Traffic, text))
                .unwrap();
        }
    }
    wait_until_closed(dir);
    {
        let core = open();
        let demo = core.demo_portal().unwrap();
        for _ in 0..REFRESHES {
            time.advance(Duration::from_secs(20 * 60));
            for moved in core.refresh_followed(&demo, &cancel).await.unwrap() {
                keep(moved);
            }
        }
    }
    wait_until_closed(dir);
    let core = open();
    time.advance(Duration::from_secs(20 * 60));
    let demo = core.demo_portal().unwrap();
    for moved in core.refresh_followed(&demo, &cancel).await.unwrap() {
        keep(moved);
    }
    let text = "Quán ăn trước chợ không giữ vệ sinh";
    core.queue_feedback(&Feedback::new(FeedbackCategory::Health, text))
        .unwrap();
    let written = Written {
        catalogue: catalogue(&core),
        profile: core.current_profile().unwrap(),
        demo_codes: demo.demo_codes(),
        dossiers,
        notifications: core.notifications(500).unwrap(),
        feedback: core.feedback_list().unwrap(),
    };
    assert!(
        written.notifications.len() >= 4,
        "the demo moved too little"
    );
    drop(core);
    wait_until_closed(dir);
    written
}

/// sled finishes closing on background threads; its lock on `db` is released last.
fn wait_until_closed(dir: &Path) {
    for db in ["cache/db", "state/db"] {
        let Ok(file) = std::fs::File::open(dir.join(db)) else {
            continue;
        };
        let started = Instant::now();
        while file.try_lock().is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{db} stays locked"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        file.unlock().unwrap();
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn copy_dir(from: &Path, to: &Path) {
    for file in files(from) {
        let target = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
    }
}

/// A file's role, the same in every run (a snapshot's name carries a log position).
fn role(relative: &Path) -> String {
    let text = relative.to_string_lossy().replace('\\', "/");
    match text.split_once("/snap.") {
        Some((area, _)) => format!("{area}/snap.*"),
        None => text,
    }
}

/// What reading every state record back gave, through the core's public calls.
struct StateRead {
    profile: Result<Profile, String>,
    demo_codes: Result<Vec<(String, String)>, String>,
    dossiers: BTreeMap<String, Result<Option<TrackedDossier>, String>>,
    notifications: Result<Vec<Notification>, String>,
    feedback: Result<Vec<FeedbackEntry>, String>,
}

impl StateRead {
    /// Some read failed with an error (rather than returning less).
    fn failed(&self) -> bool {
        self.profile.is_err()
            || self.demo_codes.is_err()
            || self.dossiers.values().any(Result::is_err)
            || self.notifications.is_err()
            || self.feedback.is_err()
    }
}

fn read_state(core: &Core, written: &Written) -> StateRead {
    StateRead {
        profile: core.current_profile().map_err(|e| e.to_string()),
        demo_codes: core
            .demo_portal()
            .map(|demo| demo.demo_codes())
            .map_err(|e| e.to_string()),
        dossiers: written
            .dossiers
            .keys()
            .map(|code| {
                let read = core.cached_dossier(code).map_err(|e| e.to_string());
                (code.clone(), read)
            })
            .collect(),
        notifications: core.notifications(500).map_err(|e| e.to_string()),
        feedback: core.feedback_list().map_err(|e| e.to_string()),
    }
}

/// State records compared with what was written.
#[derive(Debug, Default)]
struct Tally {
    /// Read back as last written.
    intact: usize,
    /// Missing, unreadable, or an older version: the newest write of it was lost.
    lost: usize,
    /// Read back as something never written: must never happen.
    garbage: Vec<String>,
}

fn compare(written: &Written, read: &StateRead) -> Tally {
    let mut tally = Tally::default();
    let mut check = |same: bool| {
        if same {
            tally.intact += 1
        } else {
            tally.lost += 1
        }
    };
    check(read.profile.as_ref() == Ok(&written.profile));
    check(read.demo_codes.as_ref() == Ok(&written.demo_codes));
    for (code, versions) in &written.dossiers {
        match read.dossiers.get(code) {
            Some(Ok(Some(found))) if versions.last() == Some(found) => tally.intact += 1,
            Some(Ok(Some(found))) if versions.contains(found) => tally.lost += 1,
            Some(Ok(Some(found))) => tally.garbage.push(format!("dossier {code}: {found:?}")),
            _ => tally.lost += 1,
        }
    }
    compare_list(
        &written.notifications,
        read.notifications.as_ref().ok(),
        |n| n.id.as_str().to_string(),
        &mut tally,
    );
    compare_list(
        &written.feedback,
        read.feedback.as_ref().ok(),
        |f| f.id.to_string(),
        &mut tally,
    );
    tally
}

fn compare_list<T: PartialEq + std::fmt::Debug>(
    written: &[T],
    read: Option<&Vec<T>>,
    id: impl Fn(&T) -> String,
    tally: &mut Tally,
) {
    let Some(read) = read else {
        tally.lost += written.len();
        return;
    };
    for record in written {
        match read.iter().find(|found| id(found) == id(record)) {
            Some(found) if found == record => tally.intact += 1,
            Some(found) => tally.garbage.push(format!("{found:?}")),
            None => tally.lost += 1,
        }
    }
    for found in read {
        if !written.iter().any(|record| id(record) == id(found)) {
            tally.garbage.push(format!("never written: {found:?}"));
        }
    }
}

/// What one damaged copy gave.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Opened; catalogue and every state record as before; nothing to report.
    AsWritten,
    /// Opened with `cache/` thrown away and the seed imported again; state as written.
    CacheRebuilt,
    /// Opened with `state/` reopened from its log; every record as written.
    ReopenedFromLog,
    /// Opened; this many state records lost (missing or older), and the open said so.
    LostAndReported(usize),
    /// sled could open `state/` neither as it was nor from its log: kept aside, an empty one in
    /// its place, this many records lost, and the open said so.
    StartedEmpty(usize),
    /// Opened without a report; a read met damage and failed with an error; the next open
    /// repaired `state/` and reported, this many records lost.
    FoundInUse(usize),
    /// `Core::open` refused with this error (wrong here: the test fills no disk and holds no
    /// lock, so damaged files must never keep the core from opening).
    TypedError(String),
    /// A panic reached the caller.
    Panic,
}

struct Case {
    area: &'static str,
    file: String,
    damage: Damage,
    outcome: Outcome,
    /// Panics sled raised and the store turned into errors.
    contained_panics: usize,
    /// Why the case fails the test, if it does.
    wrong: Vec<String>,
}

/// Every panic anywhere in the process while a case runs (sled's included, even those the
/// store catches); escaped ones are also seen by the case's own `catch_unwind`.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn count_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        PANICS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(format!("{thread}: {info}"));
        report(info);
    }));
}

fn take_panics() -> Vec<String> {
    std::mem::take(&mut *PANICS.lock().unwrap_or_else(|p| p.into_inner()))
}

fn run_case(
    golden: &Path,
    written: &Written,
    target: &Path,
    damage: Damage,
    opener: Opener,
    rng: &mut fastrand::Rng,
) -> Case {
    let relative = target.strip_prefix(golden).unwrap();
    let area = if relative.starts_with("cache") {
        "cache"
    } else {
        "state"
    };
    let copy = tempfile::tempdir().unwrap();
    copy_dir(golden, copy.path());
    damage.apply(&copy.path().join(relative), rng);
    take_panics();
    let mut wrong = Vec::new();
    let outcome = match catch_unwind(AssertUnwindSafe(|| {
        check_open(copy.path(), written, area, opener, &mut wrong)
    })) {
        Ok(outcome) => outcome,
        Err(_) => {
            wrong.push("a panic reached the caller".into());
            Outcome::Panic
        }
    };
    let contained_panics = take_panics().len();
    if let Outcome::TypedError(error) = &outcome {
        wrong.push(format!(
            "the damaged {area} kept the core from opening: {error}"
        ));
    }
    Case {
        area,
        file: role(relative),
        damage,
        outcome,
        contained_panics,
        wrong,
    }
}

/// Opens a damaged copy and checks what it shows against what was written. Damage in a part of
/// sled's log that opening does not read is met by the first read of a record there: that read
/// fails with an error, and the next open repairs `state/` and reports, or rebuilds `cache/`;
/// so such a copy is opened a second time. Then a write, and a last reopen that must be clean
/// and keep it.
fn check_open(
    dir: &Path,
    written: &Written,
    area: &str,
    opener: Opener,
    wrong: &mut Vec<String>,
) -> Outcome {
    let core = match opener.open(dir) {
        Ok(core) => core,
        Err(error) => return Outcome::TypedError(error),
    };
    let first = core.open_outcome().clone();
    let shown = catalogue(&core);
    let cache_found_in_use =
        shown != written.catalogue && shown.differs_only_where_a_read_failed(&written.catalogue);
    if shown != written.catalogue && !cache_found_in_use {
        wrong.push(format!("the catalogue differs from the seed's: {shown:?}"));
    }
    if first.store.cache_rebuilt_because.is_some()
        && opener == Opener::WithSeed
        && first.seeded.is_none()
    {
        wrong.push("the cache was rebuilt but not seeded again".into());
    }
    let read = read_state(&core, written);
    let tally = check_state(written, &read, wrong);
    let damage = first.store.state_damage.clone().unwrap_or_default();
    if area == "cache" && (damage != StateDamage::default() || tally.lost > 0) {
        wrong.push(format!("cache damage touched state: {damage:?}"));
    }
    let found_in_use = tally.lost > 0 && !damage.lost_anything();
    if found_in_use && !read.failed() {
        wrong.push(format!(
            "{} state records lost without a report",
            tally.lost
        ));
    }
    let mut lost = tally.lost;
    let mut core = core;
    if found_in_use || cache_found_in_use {
        drop(core);
        wait_until_closed(dir);
        core = match opener.open(dir) {
            Ok(core) => core,
            Err(error) => {
                wrong.push(format!(
                    "the open after damage found in use failed: {error}"
                ));
                return Outcome::TypedError(error);
            }
        };
        let rebuilt = core.open_outcome().store.cache_rebuilt_because.clone();
        if cache_found_in_use && rebuilt.as_ref().is_none_or(|r| !r.contains("found in use")) {
            wrong.push(format!(
                "cache damage a read met is not rebuilt: {rebuilt:?}"
            ));
        }
        if catalogue(&core) != written.catalogue {
            wrong.push("after the next open the catalogue differs from the seed's".into());
        }
        let repaired = core.open_outcome().store.state_damage.clone();
        if found_in_use && repaired.as_ref().is_none_or(|d| d.found_in_use.is_none()) {
            wrong.push(format!("damage found in use is not reported: {repaired:?}"));
        }
        let tally = check_state(written, &read_state(&core, written), wrong);
        if tally.lost > 0 && !repaired.is_some_and(|d| d.lost_anything()) {
            wrong.push(format!(
                "{} records lost in the repair, unreported",
                tally.lost
            ));
        }
        lost = tally.lost;
    }
    // The store must be healthy afterwards: a write, then a reopen that reports nothing.
    let note = Feedback::new(FeedbackCategory::Other, "Ghi sau khi mở lại");
    let after = core.queue_feedback(&note);
    drop(core);
    wait_until_closed(dir);
    match (after, opener.open(dir)) {
        (Ok(id), Ok(again)) => {
            let outcome = &again.open_outcome().store;
            if outcome.state_damage.is_some() || outcome.cache_rebuilt_because.is_some() {
                wrong.push(format!("the last open still reports damage: {outcome:?}"));
            }
            if !again
                .feedback_list()
                .is_ok_and(|list| list.iter().any(|f| f.id == id))
            {
                wrong.push("the write after the damage did not survive a reopen".into());
            }
            drop(again);
            wait_until_closed(dir);
        }
        (Err(error), _) => wrong.push(format!("writing after the damage failed: {error}")),
        (_, Err(error)) => wrong.push(format!("the last open failed: {error}")),
    }
    if found_in_use || cache_found_in_use {
        Outcome::FoundInUse(lost)
    } else if damage.started_empty_because.is_some() {
        Outcome::StartedEmpty(lost)
    } else if lost > 0 {
        Outcome::LostAndReported(lost)
    } else if damage.reopened_from_log_because.is_some() {
        Outcome::ReopenedFromLog
    } else if first.store.cache_rebuilt_because.is_some() {
        Outcome::CacheRebuilt
    } else {
        Outcome::AsWritten
    }
}

/// Compares what was read with what was written; garbage, or a count that does not add up,
/// is wrong.
fn check_state(written: &Written, read: &StateRead, wrong: &mut Vec<String>) -> Tally {
    let tally = compare(written, read);
    wrong.extend(tally.garbage.iter().map(|g| format!("garbage: {g}")));
    if tally.intact + tally.lost + tally.garbage.len() != written.records() {
        wrong.push(format!(
            "{tally:?} does not add up to {}",
            written.records()
        ));
    }
    tally
}

/// Counts of outcomes, and the records lost in all.
#[derive(Default)]
struct Row {
    cases: usize,
    by_outcome: BTreeMap<&'static str, usize>,
    records_lost: BTreeMap<&'static str, Vec<usize>>,
    contained_panics: usize,
}

impl Row {
    fn add(&mut self, case: &Case) {
        self.cases += 1;
        self.contained_panics += case.contained_panics;
        let column = match case.outcome {
            Outcome::AsWritten => "as written",
            Outcome::CacheRebuilt => "cache rebuilt",
            Outcome::ReopenedFromLog => "reopened from log",
            Outcome::LostAndReported(records) => {
                self.records_lost
                    .entry("lost, reported")
                    .or_default()
                    .push(records);
                "lost, reported"
            }
            Outcome::StartedEmpty(records) => {
                self.records_lost
                    .entry("started empty")
                    .or_default()
                    .push(records);
                "started empty"
            }
            Outcome::FoundInUse(records) => {
                self.records_lost
                    .entry("found in use")
                    .or_default()
                    .push(records);
                "found in use"
            }
            Outcome::TypedError(_) => "typed error",
            Outcome::Panic => "panic",
        };
        *self.by_outcome.entry(column).or_default() += 1;
    }

    fn cell(&self, column: &str) -> String {
        let count = self.by_outcome.get(column).copied().unwrap_or(0);
        match self.records_lost.get(column) {
            Some(lost) if count > 0 => {
                let min = lost.iter().min().unwrap_or(&0);
                let max = lost.iter().max().unwrap_or(&0);
                format!("{count} ({min}–{max} records)")
            }
            _ => count.to_string(),
        }
    }
}

const COLUMNS: [&str; 8] = [
    "as written",
    "cache rebuilt",
    "reopened from log",
    "lost, reported",
    "started empty",
    "found in use",
    "typed error",
    "panic",
];

fn summary(cases: &[Case], records: usize) -> String {
    let mut by_kind: BTreeMap<(Damage, &str), Row> = BTreeMap::new();
    let mut by_file: BTreeMap<(String, Damage), Row> = BTreeMap::new();
    for case in cases {
        by_kind
            .entry((case.damage, case.area))
            .or_default()
            .add(case);
        by_file
            .entry((case.file.clone(), case.damage))
            .or_default()
            .add(case);
    }
    let mut text = String::from(
        "| damage | area | cases | opened as written | cache rebuilt, re-seeded | state reopened from its log, nothing lost | state records lost, reported at open | state unopenable, started empty, reported | damage met by a read, repaired at the next open | typed error | panic |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for ((damage, area), row) in &by_kind {
        text.push_str(&format!("| {} | {area} | {} |", damage.name(), row.cases));
        for column in COLUMNS {
            text.push_str(&format!(" {} |", row.cell(column)));
        }
        text.push('\n');
    }
    text.push_str(&format!(
        "\nBy file (records lost are out of the {records} the fixture wrote):\n\n\
         | file | damage | cases | outcomes |\n|---|---|---|---|\n"
    ));
    for ((file, damage), row) in &by_file {
        let outcomes: Vec<String> = COLUMNS
            .iter()
            .filter(|column| row.by_outcome.contains_key(*column))
            .map(|column| format!("{}: {}", column, row.cell(column)))
            .collect();
        text.push_str(&format!(
            "| `{file}` | {} | {} | {} |\n",
            damage.name(),
            row.cases,
            outcomes.join("; ")
        ));
    }
    let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
    for case in cases {
        if let Outcome::TypedError(error) = &case.outcome {
            *errors.entry(error).or_default() += 1;
        }
    }
    for (error, count) in errors {
        text.push_str(&format!("\nTyped error {count}×: `{error}`\n"));
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_damaged_file_opens_without_a_panic_with_the_cache_rebuilt_and_every_state_record_kept_or_reported_lost()
 {
    let started = Instant::now();
    let golden = tempfile::tempdir().unwrap();
    let built = Instant::now();
    let written = build(golden.path()).await;
    for file in files(golden.path()) {
        println!(
            "{} {} bytes",
            file.display(),
            std::fs::metadata(&file).unwrap().len()
        );
    }
    println!("built in {:?}", built.elapsed());
    count_panics();
    let targets: Vec<PathBuf> = files(golden.path())
        .into_iter()
        .filter(|path| {
            let relative = path.strip_prefix(golden.path()).unwrap();
            relative.starts_with("cache") || relative.starts_with("state")
        })
        .collect();
    // More rounds for a deeper run; the normal suite runs one (about 300 copies, 20 s).
    let rounds: usize = std::env::var("LONGAN_CORRUPTION_ROUNDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1);
    let mut rng = fastrand::Rng::with_seed(0x0c0e_2025_0008);
    let mut cases = Vec::new();
    for target in &targets {
        let file = role(target.strip_prefix(golden.path()).unwrap());
        for (damage, times) in plan(&file) {
            for time in 0..times * rounds {
                let opener = if time % 2 == 0 {
                    Opener::WithSeed
                } else {
                    Opener::LikeTheApp
                };
                cases.push(run_case(
                    golden.path(),
                    &written,
                    target,
                    damage,
                    opener,
                    &mut rng,
                ));
            }
        }
    }
    let table = summary(&cases, written.records());
    println!("{table}");
    let wrong: Vec<String> = cases
        .iter()
        .flat_map(|case| {
            case.wrong
                .iter()
                .map(move |why| format!("{} {}: {why}", case.file, case.damage.name()))
        })
        .collect();
    let contained: usize = cases.iter().map(|case| case.contained_panics).sum();
    let files: Vec<String> = targets
        .iter()
        .map(|path| format!("`{}`", role(path.strip_prefix(golden.path()).unwrap())))
        .collect();
    let generated = format!(
        "Measured by `{}`: {} damaged copies of one data directory ({} state records: the \
         profile, the demo's story, {} followed dossiers, {} notifications, {} queued feedback; \
         the 73-procedure civil-status catalogue), one file damaged per copy, each of {} in turn; \
         half the copies opened with the seed (`Core::open`), half the way the FFI opens (no \
         seed, then the app's import). Panics raised inside sled and turned into errors by the \
         store: {contained}. Run time {} s.\n\n{table}",
        "every_damaged_file_opens_without_a_panic_with_the_cache_rebuilt_and_every_state_record_kept_or_reported_lost",
        cases.len(),
        written.records(),
        written.dossiers.len(),
        written.notifications.len(),
        written.feedback.len(),
        files.join(", "),
        started.elapsed().as_secs(),
    );
    if wrong.is_empty() {
        write_generated_section("corruption", &generated);
    }
    assert!(
        wrong.is_empty(),
        "{} problems:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_sealed_record_damaged_past_the_engines_checksums_fails_authentication_and_the_list_shows_the_others()
 {
    let dir = tempfile::tempdir().unwrap();
    let written = build(dir.path()).await;
    let profile = written.profile.id.clone();
    let tree = format!(
        "{}dossiers",
        longan_core::profile::profile_namespace(&profile)
    );
    // sled's checksums stop a flipped byte on disk before it reaches the profile's seal; an
    // engine without them (or damage in memory) would hand it over. Do that by hand.
    {
        let stores = Stores::open(dir.path()).unwrap();
        let sealed = stores.state().scan_prefix(&tree, b"").unwrap();
        assert_eq!(sealed.len(), written.dossiers.len());
        let (name, mut value) = sealed[0].clone();
        let last = value.len() - 1;
        value[last] ^= 0x01;
        let mut batch = Batch::new();
        batch.put(name, value);
        stores.state().apply(&tree, batch).unwrap();
    }
    wait_until_closed(dir.path());
    let core = Opener::WithSeed.open(dir.path()).unwrap();
    let mut refused = 0;
    for (code, versions) in &written.dossiers {
        match core.cached_dossier(code) {
            Ok(Some(found)) => assert_eq!(Some(&found), versions.last(), "{code}"),
            Ok(None) => panic!("{code} vanished instead of failing"),
            Err(_) => refused += 1,
        }
    }
    assert_eq!(refused, 1, "exactly the damaged record fails to open");
    // The list over all of them shows the intact ones as written and leaves the damaged one
    // out; never a record rebuilt from damaged bytes.
    let followed = core.followed_dossiers().unwrap();
    assert_eq!(followed.len(), written.dossiers.len() - 1);
    for found in followed {
        assert_eq!(Some(&found), written.dossiers[&found.dossier.code].last());
    }
}
