//! The two databases of a data directory: `cache/` (rebuildable) and `state/` (precious).
//!
//! They are separate sled databases so that damage to one never costs the other, and so the
//! cache can simply be thrown away and rebuilt when it cannot be read.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::backend::Backend;
use super::claim::DirectoryClaim;
use super::error::{Area, StoreError};
use super::format::{CACHE_FORMAT, CACHE_MIGRATIONS, STATE_FORMAT, STATE_MIGRATIONS, upgrade};
use super::repair;
use super::salvage;
use super::sled_backend::{SledBackend, damage_seen, engine_refuses};

/// What happened while opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport {
    /// Why `cache/` was thrown away and recreated empty, if it was.
    pub cache_rebuilt_because: Option<String>,
    /// `state/` was created by this open (a new data directory).
    pub state_created: bool,
    /// What was wrong with `state/`, when something was: it opened, but not as it was left.
    pub state_damage: Option<StateDamage>,
    /// Wall time of the open.
    pub elapsed: Duration,
}

/// What an open found wrong with `state/`. It names trees and counts, never record contents.
///
/// Whenever sled's files were found damaged (refused, found in use, lost writes), every record
/// sled could still read was copied into a fresh `state/`, and the damaged database kept beside
/// it as `state.damaged/` ([`super::salvage`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateDamage {
    /// sled refused the database as it was (this reason); its snapshot and configuration were
    /// set aside and it was reopened from its log alone.
    pub reopened_from_log_because: Option<String>,
    /// sled refused the database both as it was and from its log alone (this reason): nothing
    /// in it could be read. It was kept as `state.damaged/` and an empty `state/` took its
    /// place; every write it held is counted in `lost_writes` when its record allows.
    pub started_empty_because: Option<String>,
    /// A read or write since the last open met damage (this reason): sled only checks an old
    /// part of its log when it reads it. That call failed with an error at the time.
    pub found_in_use: Option<String>,
    /// Trees whose newest acknowledged writes the database no longer holds, each with how many
    /// writes it lost: sled cut its log at a damaged spot. What is left of those trees is an
    /// older state of them, never a damaged one.
    pub lost_writes: Vec<(String, u64)>,
    /// Trees that could not be read to their end when the readable records were copied; the
    /// records after the damaged spot are missing from them.
    pub unreadable_trees: Vec<String>,
    /// Why the open could not check for lost writes, when it could not.
    pub unverified_because: Option<String>,
}

impl StateDamage {
    /// Acknowledged writes lost, all trees together.
    pub fn lost_write_count(&self) -> u64 {
        self.lost_writes.iter().map(|(_, count)| count).sum()
    }

    /// Something may be missing from `state/` (as opposed to nothing lost, or only unchecked).
    pub fn lost_anything(&self) -> bool {
        self.started_empty_because.is_some()
            || !self.lost_writes.is_empty()
            || !self.unreadable_trees.is_empty()
    }

    /// One English sentence for logs and support: which parts were hit and how, no contents.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(reason) = &self.reopened_from_log_because {
            parts.push(format!("reopened from its log ({reason})"));
        }
        if let Some(reason) = &self.started_empty_because {
            parts.push(format!(
                "unreadable even from its log, started empty ({reason})"
            ));
        }
        if let Some(reason) = &self.found_in_use {
            parts.push(format!("damage met while in use ({reason})"));
        }
        for (tree, count) in &self.lost_writes {
            parts.push(format!("{count} acknowledged write(s) lost in {tree}"));
        }
        if !self.unreadable_trees.is_empty() {
            parts.push(format!(
                "unreadable past a damaged spot: {}",
                self.unreadable_trees.join(", ")
            ));
        }
        if let Some(reason) = &self.unverified_because {
            parts.push(format!("lost writes could not be checked ({reason})"));
        }
        if parts.is_empty() {
            return "state/ was repaired; nothing was lost".to_string();
        }
        format!("state/: {}", parts.join("; "))
    }
}

/// Both databases of one data directory, held exclusively by this process.
pub struct Stores {
    cache: SledBackend,
    state: SledBackend,
    directory: PathBuf,
    report: OpenReport,
    // Dropped last, after both databases are closed.
    _claim: DirectoryClaim,
}

impl Stores {
    /// Opens (creating if needed) the stores in `directory`.
    ///
    /// A second open of the same directory gets [`StoreError::Busy`]; an unreadable `cache/` is
    /// recreated empty (see [`OpenReport`]). A `state/` that sled refuses is reopened from its
    /// log; acknowledged writes it no longer holds are counted; a damaged one is replaced by a
    /// copy of what it still holds and kept beside it ([`OpenReport::state_damage`]). One that
    /// sled cannot open even from its log is kept beside an empty one that takes its place; the
    /// core never deletes a damaged `state/` (only the one an earlier repair kept).
    pub fn open(directory: &Path) -> Result<Stores, StoreError> {
        Stores::open_with(directory, &SledFiles)
    }

    /// [`Stores::open`] with the opening of `state/`'s files given (see [`StateFiles`]).
    fn open_with(directory: &Path, files: &dyn StateFiles) -> Result<Stores, StoreError> {
        let started = Instant::now();
        std::fs::create_dir_all(directory).map_err(|error| StoreError::Io {
            reason: error.to_string(),
        })?;
        let claim = DirectoryClaim::claim(directory)?;
        salvage::finish_interrupted(directory)?;
        let found_in_use = damage_seen(&directory.join("state"));
        let opened = open_state_with(directory, files)?;
        // Also when an earlier open was killed before it could say so.
        let started_empty_because = salvage::started_empty(directory)?;
        let mut state = opened.backend;
        let lost = state.lost_writes();
        let mut state_damage = StateDamage {
            reopened_from_log_because: opened.reopened_from_log_because,
            started_empty_because: opened.started_empty_because.or(started_empty_because),
            found_in_use,
            lost_writes: lost.lost,
            unreadable_trees: Vec::new(),
            unverified_because: lost.unverified_because,
        };
        // A database that started empty has nothing to copy, and copying it would replace the
        // damaged one kept beside it.
        if state_damage.started_empty_because.is_none()
            && (state_damage.reopened_from_log_because.is_some()
                || state_damage.found_in_use.is_some()
                || !state_damage.lost_writes.is_empty())
        {
            let (fresh, unreadable) = salvage::salvage(state, directory)?;
            log::warn!(
                "state/ was damaged; its readable records were moved into a fresh database: \
                 {} acknowledged writes lost, {} trees unreadable",
                state_damage.lost_write_count(),
                unreadable.len()
            );
            state = fresh;
            state_damage.unreadable_trees = unreadable;
        }
        let reopened = state_damage.reopened_from_log_because.is_some()
            || state_damage.started_empty_because.is_some();
        let state_damage = (state_damage != StateDamage::default()).then_some(state_damage);
        let new_format = upgrade(&state, Area::State, STATE_FORMAT, STATE_MIGRATIONS)?.is_none();
        // A database reopened from a log with nothing left in it, or started over, is not a
        // new directory.
        let state_created = new_format && !reopened;
        let (cache, cache_rebuilt_because) = open_cache(&directory.join("cache"))?;
        salvage::forget_started_empty(directory)?;
        Ok(Stores {
            cache,
            state,
            directory: directory.to_path_buf(),
            report: OpenReport {
                cache_rebuilt_because,
                state_created,
                state_damage,
                elapsed: started.elapsed(),
            },
            _claim: claim,
        })
    }

    /// The rebuildable database.
    pub fn cache(&self) -> &dyn Backend {
        &self.cache
    }

    /// The database of what cannot be rebuilt.
    pub fn state(&self) -> &dyn Backend {
        &self.state
    }

    /// What happened while opening.
    pub fn report(&self) -> &OpenReport {
        &self.report
    }

    /// The data directory.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// Bytes both databases occupy on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.cache.size_on_disk()? + self.state.size_on_disk()?)
    }
}

/// How `state/`'s files are opened: sled's, except in a test that plays a database sled
/// refuses both ways, as a few in the deep corruption run are (no small seeded damage is).
trait StateFiles {
    /// Opens the database with the store's checks ([`SledBackend::open`]).
    fn open(&self, path: &Path) -> Result<SledBackend, StoreError>;
    /// Whether sled alone refuses it ([`engine_refuses`]).
    fn engine_refuses(&self, path: &Path) -> bool;
}

struct SledFiles;

impl StateFiles for SledFiles {
    fn open(&self, path: &Path) -> Result<SledBackend, StoreError> {
        SledBackend::open(path, Area::State)
    }

    fn engine_refuses(&self, path: &Path) -> bool {
        engine_refuses(path)
    }
}

/// How `state/` came to be open.
struct OpenedState {
    backend: SledBackend,
    reopened_from_log_because: Option<String>,
    started_empty_because: Option<String>,
}

/// Opens `state/` of the data directory `directory`; if sled refuses it, reopens it from its
/// log (see [`repair`]); if sled itself refuses that too, keeps it aside and starts an empty
/// one ([`salvage::start_empty`]). Says which happened and why.
fn open_state_with(directory: &Path, files: &dyn StateFiles) -> Result<OpenedState, StoreError> {
    let path = directory.join("state");
    repair::finish_interrupted(&path)?;
    let refused = match files.open(&path) {
        Err(refused @ StoreError::Corrupt { .. }) => refused,
        other => {
            return other.map(|backend| OpenedState {
                backend,
                reopened_from_log_because: None,
                started_empty_because: None,
            });
        }
    };
    repair::set_aside(&path)?;
    match files.open(&path) {
        Ok(backend) => {
            repair::conclude(&path)?;
            log::warn!("state/ was reopened from its log: {refused}");
            Ok(OpenedState {
                backend,
                reopened_from_log_because: Some(refused.to_string()),
                started_empty_because: None,
            })
        }
        // Only when sled's own recovery fails is nothing in it readable, and nothing kept by
        // refusing to go on; the files stay, as they were, in state.damaged/ for support.
        // When only the store's check on top failed, its records may be readable: refuse.
        Err(again @ StoreError::Corrupt { .. }) if files.engine_refuses(&path) => {
            repair::restore(&path)?;
            let reason = format!("{refused}; from its log alone: {again}");
            log::warn!(
                "state/ cannot be opened at all and is kept aside; starting empty: {reason}"
            );
            Ok(OpenedState {
                backend: salvage::start_empty(directory, &reason)?,
                reopened_from_log_because: None,
                started_empty_because: Some(reason),
            })
        }
        Err(other) => {
            repair::restore(&path)?;
            Err(other)
        }
    }
}

fn open_and_upgrade_cache(path: &Path) -> Result<SledBackend, StoreError> {
    let cache = SledBackend::open(path, Area::Cache)?;
    let lost = cache.lost_writes().lost;
    if !lost.is_empty() {
        // The log was cut at a damaged spot, and sled may go on dropping new writes there.
        return Err(StoreError::Corrupt {
            area: Area::Cache,
            reason: format!("acknowledged writes lost in {} trees", lost.len()),
        });
    }
    upgrade(&cache, Area::Cache, CACHE_FORMAT, CACHE_MIGRATIONS)?;
    Ok(cache)
}

fn open_cache(path: &Path) -> Result<(SledBackend, Option<String>), StoreError> {
    let opened = match damage_seen(path) {
        Some(reason) => Err(StoreError::Corrupt {
            area: Area::Cache,
            reason: format!("damage found in use: {reason}"),
        }),
        None => open_and_upgrade_cache(path),
    };
    match opened {
        Ok(cache) => Ok((cache, None)),
        Err(error @ (StoreError::Busy | StoreError::Io { .. })) => Err(error),
        Err(unreadable) => {
            std::fs::remove_dir_all(path).map_err(|error| StoreError::Io {
                reason: error.to_string(),
            })?;
            let cache = open_and_upgrade_cache(path)?;
            Ok((cache, Some(unreadable.to_string())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::backend::Batch;
    use crate::store::sled_backend::DAMAGE_SEEN;

    fn put(backend: &dyn Backend, tree: &str, key: &str, value: &str) {
        let mut batch = Batch::new();
        batch.put(key.as_bytes(), value.as_bytes());
        backend.apply(tree, batch).unwrap();
    }

    #[test]
    fn a_damage_description_names_trees_and_counts_and_says_when_nothing_was_lost() {
        let damage = StateDamage {
            lost_writes: vec![("inbox".to_string(), 2), ("outbox".to_string(), 1)],
            unreadable_trees: vec!["follows".to_string()],
            ..StateDamage::default()
        };
        let text = damage.describe();
        assert!(
            text.contains("2 acknowledged write(s) lost in inbox"),
            "{text}"
        );
        assert!(
            text.contains("1 acknowledged write(s) lost in outbox"),
            "{text}"
        );
        assert!(
            text.contains("unreadable past a damaged spot: follows"),
            "{text}"
        );
        assert_eq!(damage.lost_write_count(), 3);
        let repaired = StateDamage {
            reopened_from_log_because: Some("bad snapshot".to_string()),
            ..StateDamage::default()
        };
        assert!(!repaired.lost_anything());
        assert!(
            repaired
                .describe()
                .contains("reopened from its log (bad snapshot)")
        );
        assert!(
            StateDamage::default()
                .describe()
                .contains("nothing was lost")
        );
    }

    #[test]
    fn a_second_open_of_the_same_directory_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let first = Stores::open(dir.path()).unwrap();
        assert!(matches!(Stores::open(dir.path()), Err(StoreError::Busy)));
        drop(first);
        assert!(Stores::open(dir.path()).is_ok());
    }

    #[test]
    fn cache_and_state_are_separate_databases() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        assert!(stores.report().state_created);
        put(stores.cache(), "t", "k", "cache");
        put(stores.state(), "t", "k", "state");
        drop(stores);
        let stores = Stores::open(dir.path()).unwrap();
        assert!(!stores.report().state_created);
        assert_eq!(
            stores.cache().get("t", b"k").unwrap(),
            Some(b"cache".to_vec())
        );
        assert_eq!(
            stores.state().get("t", b"k").unwrap(),
            Some(b"state".to_vec())
        );
    }

    #[test]
    fn an_unreadable_cache_is_rebuilt_and_state_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        {
            let stores = Stores::open(dir.path()).unwrap();
            put(stores.cache(), "t", "k", "old");
            put(stores.state(), "t", "k", "precious");
        }
        // Overwrite every cache file with garbage.
        for entry in walk(&dir.path().join("cache")) {
            std::fs::write(entry, vec![0xA5; 4096]).unwrap();
        }
        let stores = Stores::open(dir.path()).unwrap();
        assert!(stores.report().cache_rebuilt_because.is_some());
        assert_eq!(stores.cache().get("t", b"k").unwrap(), None);
        assert_eq!(
            stores.state().get("t", b"k").unwrap(),
            Some(b"precious".to_vec())
        );
    }

    /// sled finishes closing on background threads; its lock on `db` goes last.
    fn wait_until_closed(database: &Path) {
        let file = std::fs::File::open(database.join("db")).unwrap();
        while file.try_lock().is_err() {
            std::thread::sleep(Duration::from_millis(2));
        }
        file.unlock().unwrap();
    }

    /// Bytes of sled's log up to its last written byte (the rest of a segment is zeros).
    fn log_extent(state: &Path) -> usize {
        let log = std::fs::read(state.join("db")).unwrap();
        log.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1)
    }

    fn keys(backend: &dyn Backend, tree: &str) -> usize {
        backend.scan_prefix(tree, b"").unwrap().len()
    }

    #[test]
    fn a_state_refused_for_its_damaged_snapshot_is_reopened_from_its_log_with_nothing_lost() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        for session in 0..2 {
            let stores = Stores::open(dir.path()).unwrap();
            for n in 0..5 {
                put(stores.state(), "follows", &format!("{session}-{n}"), "kept");
            }
            drop(stores);
            wait_until_closed(&state);
        }
        for snapshot in walk(&state) {
            if snapshot
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("snap.")
            {
                let length = std::fs::metadata(&snapshot).unwrap().len() as usize;
                std::fs::write(&snapshot, vec![0; length]).unwrap();
            }
        }

        let stores = Stores::open(dir.path()).unwrap();

        let damage = stores.report().state_damage.clone().unwrap();
        assert!(damage.reopened_from_log_because.is_some());
        assert!(!damage.lost_anything(), "{damage:?}");
        assert!(!stores.report().state_created);
        assert_eq!(keys(stores.state(), "follows"), 10);
        // The damaged database is kept as it was, its snapshot included.
        assert!(dir.path().join("state.damaged/longan-damaged/db").exists());
        drop(stores);
        wait_until_closed(&state);
        let stores = Stores::open(dir.path()).unwrap();
        assert_eq!(stores.report().state_damage, None);
        assert_eq!(keys(stores.state(), "follows"), 10);
    }

    #[test]
    fn a_state_log_cut_short_reports_every_acknowledged_write_it_lost_and_is_whole_after() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let stores = Stores::open(dir.path()).unwrap();
        put(stores.state(), "early", "k", "kept");
        drop(stores);
        wait_until_closed(&state);
        let before = log_extent(&state);
        let stores = Stores::open(dir.path()).unwrap();
        for n in 0..10 {
            put(stores.state(), "late", &n.to_string(), "maybe");
        }
        drop(stores);
        wait_until_closed(&state);
        let after = log_extent(&state);
        let log = std::fs::OpenOptions::new()
            .write(true)
            .open(state.join("db"))
            .unwrap();
        log.set_len(((before + after) / 2) as u64).unwrap();
        drop(log);

        let stores = Stores::open(dir.path()).unwrap();

        let damage = stores.report().state_damage.clone().unwrap();
        let kept = keys(stores.state(), "late");
        assert!(kept < 10, "the cut took nothing");
        let lost = damage.lost_writes.iter().find(|(tree, _)| tree == "late");
        let reported = lost.map_or(0, |(_, count)| *count);
        assert!(
            reported >= 10 - kept as u64 && reported <= 10,
            "{kept} kept, {damage:?}"
        );
        assert_eq!(keys(stores.state(), "early"), 1);
        put(stores.state(), "late", "after", "kept");
        drop(stores);
        wait_until_closed(&state);
        let stores = Stores::open(dir.path()).unwrap();
        assert_eq!(stores.report().state_damage, None);
        assert_eq!(keys(stores.state(), "late"), kept + 1);
    }

    #[test]
    fn a_cache_log_cut_short_is_rebuilt_rather_than_trusted_with_new_writes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        for session in 0..2 {
            let stores = Stores::open(dir.path()).unwrap();
            put(stores.cache(), "catalog", &session.to_string(), "record");
            drop(stores);
            wait_until_closed(&cache);
        }
        let log = std::fs::OpenOptions::new()
            .write(true)
            .open(cache.join("db"))
            .unwrap();
        log.set_len(log_extent(&cache) as u64 - 1).unwrap();
        drop(log);

        let stores = Stores::open(dir.path()).unwrap();

        let reason = stores.report().cache_rebuilt_because.clone().unwrap();
        assert!(reason.contains("acknowledged writes lost"), "{reason}");
        assert_eq!(keys(stores.cache(), "catalog"), 0);
        assert_eq!(stores.report().state_damage, None);
    }

    #[test]
    fn damage_a_read_met_is_repaired_at_the_next_open_in_both_databases() {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        put(stores.state(), "follows", "k", "kept");
        put(stores.cache(), "catalog", "k", "rebuildable");
        drop(stores);
        // What the store writes when a read meets a page sled cannot read.
        for area in ["state", "cache"] {
            wait_until_closed(&dir.path().join(area));
            std::fs::write(dir.path().join(area).join(DAMAGE_SEEN), "a page").unwrap();
        }

        let stores = Stores::open(dir.path()).unwrap();

        let damage = stores.report().state_damage.clone().unwrap();
        assert_eq!(damage.found_in_use.as_deref(), Some("a page"));
        assert!(!damage.lost_anything());
        assert_eq!(keys(stores.state(), "follows"), 1);
        assert!(stores.report().cache_rebuilt_because.is_some());
        assert_eq!(keys(stores.cache(), "catalog"), 0);
        drop(stores);
        wait_until_closed(&dir.path().join("state"));
        let stores = Stores::open(dir.path()).unwrap();
        assert_eq!(stores.report().state_damage, None);
        assert_eq!(stores.report().cache_rebuilt_because, None);
    }

    /// Plays `state/`'s files: the first `refusals` opens fail with what `refusal` gives for
    /// that open, later ones open for real; sled alone opens them when `engine_opens`.
    struct Played<F: Fn(usize) -> StoreError> {
        refusals: usize,
        refusal: F,
        engine_opens: bool,
        calls: std::cell::Cell<usize>,
    }

    impl<F: Fn(usize) -> StoreError> StateFiles for Played<F> {
        fn open(&self, path: &Path) -> Result<SledBackend, StoreError> {
            self.calls.set(self.calls.get() + 1);
            if self.calls.get() <= self.refusals {
                return Err((self.refusal)(self.calls.get()));
            }
            SledBackend::open(path, Area::State)
        }

        fn engine_refuses(&self, _: &Path) -> bool {
            !self.engine_opens
        }
    }

    fn corrupt(call: usize) -> StoreError {
        StoreError::Corrupt {
            area: Area::State,
            reason: format!("refusal {call}"),
        }
    }

    /// A data directory whose `state/` holds `count` records in tree `follows`, closed.
    fn closed_state_with(count: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let stores = Stores::open(dir.path()).unwrap();
        for n in 0..count {
            put(stores.state(), "follows", &n.to_string(), "record");
        }
        drop(stores);
        wait_until_closed(&dir.path().join("state"));
        dir
    }

    /// The directory opens as it was left: every record, nothing to report, nothing set aside.
    fn assert_left_as_it_was(dir: &Path, count: usize) {
        assert!(!dir.join("state.damaged").exists());
        let stores = Stores::open(dir).unwrap();
        assert_eq!(stores.report().state_damage, None);
        assert_eq!(keys(stores.state(), "follows"), count);
    }

    #[test]
    fn a_state_sled_refuses_even_from_its_log_is_kept_aside_and_an_empty_one_counts_what_it_lost() {
        let dir = closed_state_with(3);
        let state = dir.path().join("state");
        let files = Played {
            refusals: 2,
            refusal: corrupt,
            engine_opens: false,
            calls: Default::default(),
        };

        let stores = Stores::open_with(dir.path(), &files).unwrap();

        let damage = stores.report().state_damage.clone().unwrap();
        let reason = damage.started_empty_because.clone().unwrap();
        assert!(
            reason.contains("refusal 1") && reason.contains("refusal 2"),
            "{reason}"
        );
        assert!(damage.lost_anything());
        assert!(
            damage.lost_writes.contains(&("follows".to_string(), 3)),
            "{damage:?}"
        );
        assert!(damage.describe().contains("started empty"));
        assert!(!stores.report().state_created);
        assert_eq!(keys(stores.state(), "follows"), 0);
        // The refused database is kept whole, its snapshot and configuration put back.
        let kept = dir.path().join("state.damaged");
        assert!(kept.join("db").exists() && kept.join("conf").exists());
        put(stores.state(), "follows", "new", "kept");
        drop(stores);
        wait_until_closed(&state);
        let stores = Stores::open(dir.path()).unwrap();
        assert_eq!(stores.report().state_damage, None);
        assert_eq!(keys(stores.state(), "follows"), 1);
        assert!(kept.join("db").exists());
    }

    #[test]
    fn an_open_killed_right_after_starting_empty_leaves_the_report_to_the_next_one() {
        let dir = closed_state_with(3);
        let state = dir.path().join("state");
        // What the open does once sled refused both ways, then the process dies.
        drop(salvage::start_empty(dir.path(), "refused both ways").unwrap());
        wait_until_closed(&state);

        let stores = Stores::open(dir.path()).unwrap();

        let damage = stores.report().state_damage.clone().unwrap();
        assert_eq!(
            damage.started_empty_because.as_deref(),
            Some("refused both ways")
        );
        assert!(dir.path().join("state.damaged").join("db").exists());
        assert_eq!(keys(stores.state(), "follows"), 0);
        drop(stores);
        wait_until_closed(&state);
        let stores = Stores::open(dir.path()).unwrap();
        assert_eq!(stores.report().state_damage, None);
    }

    #[test]
    fn a_state_sled_opens_but_the_stores_check_refuses_is_never_set_aside() {
        let dir = closed_state_with(2);
        let files = Played {
            refusals: 2,
            refusal: corrupt,
            engine_opens: true,
            calls: Default::default(),
        };

        let error = Stores::open_with(dir.path(), &files).err().unwrap();

        assert!(matches!(error, StoreError::Corrupt { .. }), "{error:?}");
        assert_left_as_it_was(dir.path(), 2);
    }

    #[test]
    fn a_state_that_cannot_be_reached_the_second_time_is_left_as_it_was() {
        let dir = closed_state_with(1);
        let files = Played {
            refusals: 2,
            refusal: |call| match call {
                1 => corrupt(call),
                _ => StoreError::Io {
                    reason: "no space left on device".to_string(),
                },
            },
            engine_opens: false,
            calls: Default::default(),
        };

        let error = Stores::open_with(dir.path(), &files).err().unwrap();

        assert!(matches!(error, StoreError::Io { .. }), "{error:?}");
        assert_left_as_it_was(dir.path(), 1);
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }
}
