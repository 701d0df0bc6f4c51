//! The record of acknowledged writes: how an open notices that sled lost writes it had
//! acknowledged.
//!
//! sled recovers its log up to the first damaged message and silently drops everything after it
//! (it even overwrites the rest of that segment): one flipped byte or a truncated `db` file
//! takes the newest writes with it, and the database opens as if they had never been made. With
//! a damaged segment header it goes on dropping every new write at each reopen (see
//! `docs/reliability.md`, "Corruption"). sled says nothing, so the store keeps count itself.
//!
//! Each write is counted per tree in two places: in the database, in tree [`COUNTS_TREE`],
//! written right after the write's own batch (so later in sled's log, and lost with it), and,
//! once both are flushed, in a small file beside the database. A tree whose count in the
//! database is behind the file's lost that many acknowledged writes. The file is written last,
//! so a crash in between leaves the database ahead of it, which is no loss. The file has two
//! slots written in turn, each with a checksum, so a torn write of one leaves the other.
//!
//! The price is one more small synced write per acknowledged write (about 0.15 ms on the
//! development machine's ext4, next to sled's own 0.3 ms flush).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use sha2::{Digest, Sha256};

/// The tree inside the database that holds each tree's count of writes.
pub const COUNTS_TREE: &str = "longan.acknowledged";
/// The two slots of the file beside the database; write `n` goes to slot `n % 2`.
pub const SLOT_FILES: [&str; 2] = ["longan-acknowledged.0", "longan-acknowledged.1"];
const MAGIC: &[u8; 4] = b"LAK1";
const CHECKSUM_BYTES: usize = 8;
/// A slot file is a whole number of these.
const SLOT_BYTES: usize = 4096;

/// What the open's check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Check {
    /// Trees whose newest acknowledged writes the database no longer holds, with how many
    /// writes (batches or clears) each lost, by tree name.
    pub lost: Vec<(String, u64)>,
    /// Why the check could not be made, when it could not (the file missing or damaged while
    /// the database has counts, or the database's counts unreadable).
    pub unverified_because: Option<String>,
}

/// Per-tree counts and the number of the last file write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Counts {
    per_tree: BTreeMap<String, u64>,
    sequence: u64,
}

/// What the file beside the database holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Record {
    /// Neither slot exists: a new database, or one written before counting began.
    Missing,
    /// A slot exists but none is readable.
    Damaged,
    /// The newest readable slot.
    Found(Counts),
}

/// The counts of one database, kept in memory while it is open.
pub struct Acknowledged {
    directory: PathBuf,
    counts: Mutex<Counts>,
}

impl Acknowledged {
    /// Compares the database's counts with the file's, and brings both up to the larger one,
    /// so a loss is reported once. Called once, right after sled opened the database and
    /// before anything writes to it.
    pub fn open(directory: &Path, db: &sled::Db) -> sled::Result<(Acknowledged, Check)> {
        let (in_database, unreadable) = match read_database(db) {
            Ok(counts) => (counts, None),
            Err(error) => {
                // Counting must go on: a fresh tree, restarted from the file's counts.
                db.drop_tree(COUNTS_TREE)?;
                (BTreeMap::new(), Some(error.to_string()))
            }
        };
        let record = read_file(directory);
        let mut check = Check::default();
        let mut merged = Counts {
            per_tree: in_database.clone(),
            sequence: 0,
        };
        match &record {
            Record::Found(file) => {
                merged.sequence = file.sequence;
                for (tree, &acknowledged) in &file.per_tree {
                    let held = in_database.get(tree).copied().unwrap_or(0);
                    if held < acknowledged {
                        check.lost.push((tree.clone(), acknowledged - held));
                        merged.per_tree.insert(tree.clone(), acknowledged);
                    }
                }
            }
            Record::Missing if in_database.is_empty() => {}
            Record::Missing => {
                check.unverified_because =
                    Some("the record of acknowledged writes is missing".into())
            }
            Record::Damaged => {
                check.unverified_because =
                    Some("the record of acknowledged writes is damaged".into())
            }
        }
        if let Some(reason) = unreadable {
            check.unverified_because = Some(format!(
                "the database's own counts are unreadable: {reason}"
            ));
        }
        if merged.per_tree != in_database {
            let counts = db.open_tree(COUNTS_TREE)?;
            let mut batch = sled::Batch::default();
            for (tree, count) in &merged.per_tree {
                batch.insert(tree.as_bytes(), &count.to_be_bytes());
            }
            counts.apply_batch(batch)?;
            db.flush()?;
        }
        if record != Record::Found(merged.clone()) {
            merged.sequence += 1;
            write_file(directory, &merged);
        }
        let acknowledged = Acknowledged {
            directory: directory.to_path_buf(),
            counts: Mutex::new(merged),
        };
        Ok((acknowledged, check))
    }

    /// Starts a counted write to `tree`; one at a time, so counts and the file stay in order.
    pub fn begin(&self, tree: &str) -> Pending<'_> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let next = counts.per_tree.get(tree).copied().unwrap_or(0) + 1;
        Pending {
            directory: &self.directory,
            counts,
            tree: tree.to_string(),
            next,
        }
    }
}

/// A counted write in progress: its count goes into the database before the flush, and into
/// the file once the flush returned.
pub struct Pending<'a> {
    directory: &'a Path,
    counts: MutexGuard<'a, Counts>,
    tree: String,
    next: u64,
}

impl Pending<'_> {
    /// Writes the tree's new count into the database, after the write itself.
    pub fn count_in(&self, db: &sled::Db) -> sled::Result<()> {
        db.open_tree(COUNTS_TREE)?
            .insert(self.tree.as_bytes(), &self.next.to_be_bytes())?;
        Ok(())
    }

    /// Records the flushed write in the file. A failure here is logged, not returned: the
    /// write is on disk, and a file behind the database only means a later loss of this one
    /// write would go unnoticed.
    pub fn acknowledged(mut self) {
        self.counts.per_tree.insert(self.tree.clone(), self.next);
        self.counts.sequence += 1;
        write_file(self.directory, &self.counts);
    }
}

fn read_database(db: &sled::Db) -> sled::Result<BTreeMap<String, u64>> {
    let mut counts = BTreeMap::new();
    for entry in db.open_tree(COUNTS_TREE)?.iter() {
        let (tree, count) = entry?;
        // Only the store writes here; anything else would be damage that sled's checksums let
        // through, and counts as nothing held.
        if let Ok(bytes) = <[u8; 8]>::try_from(count.as_ref()) {
            counts.insert(
                String::from_utf8_lossy(&tree).into_owned(),
                u64::from_be_bytes(bytes),
            );
        }
    }
    Ok(counts)
}

/// `MAGIC`, the payload's length, the payload (sequence, trees and counts), a checksum of all
/// that, then zeros up to a whole number of [`SLOT_BYTES`]: a slot is overwritten in place at
/// the same size, so syncing it is a data write only, no file-size change to journal.
fn encode(counts: &Counts) -> Vec<u8> {
    let mut payload = Vec::with_capacity(16 + counts.per_tree.len() * 40);
    payload.extend_from_slice(&counts.sequence.to_be_bytes());
    payload.extend_from_slice(&(counts.per_tree.len() as u32).to_be_bytes());
    for (tree, count) in &counts.per_tree {
        payload.extend_from_slice(&(tree.len() as u32).to_be_bytes());
        payload.extend_from_slice(tree.as_bytes());
        payload.extend_from_slice(&count.to_be_bytes());
    }
    let mut out = Vec::with_capacity(SLOT_BYTES);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(&payload);
    let checksum = Sha256::digest(&out);
    out.extend_from_slice(&checksum[..CHECKSUM_BYTES]);
    out.resize(out.len().div_ceil(SLOT_BYTES) * SLOT_BYTES, 0);
    out
}

fn decode(bytes: &[u8]) -> Option<Counts> {
    let length = u32::from_be_bytes(bytes.get(4..8)?.try_into().ok()?) as usize;
    let end = 8usize.checked_add(length)?;
    let (covered, checksum) = (bytes.get(..end)?, bytes.get(end..end + CHECKSUM_BYTES)?);
    if !covered.starts_with(MAGIC) || Sha256::digest(covered)[..CHECKSUM_BYTES] != *checksum {
        return None;
    }
    let mut reader = &covered[8..];
    let mut take = |n: usize| {
        let (head, rest) = reader.split_at_checked(n)?;
        reader = rest;
        Some(head)
    };
    let sequence = u64::from_be_bytes(take(8)?.try_into().ok()?);
    let trees = u32::from_be_bytes(take(4)?.try_into().ok()?);
    let mut per_tree = BTreeMap::new();
    for _ in 0..trees {
        let length = u32::from_be_bytes(take(4)?.try_into().ok()?) as usize;
        let tree = String::from_utf8(take(length)?.to_vec()).ok()?;
        let count = u64::from_be_bytes(take(8)?.try_into().ok()?);
        per_tree.insert(tree, count);
    }
    take(1).is_none().then_some(Counts { per_tree, sequence })
}

fn read_file(directory: &Path) -> Record {
    let mut any = false;
    let mut newest: Option<Counts> = None;
    for name in SLOT_FILES {
        let Ok(bytes) = fs::read(directory.join(name)) else {
            continue;
        };
        any = true;
        if let Some(counts) = decode(&bytes)
            && newest.as_ref().is_none_or(|n| counts.sequence > n.sequence)
        {
            newest = Some(counts);
        }
    }
    match (newest, any) {
        (Some(counts), _) => Record::Found(counts),
        (None, true) => Record::Damaged,
        (None, false) => Record::Missing,
    }
}

fn write_file(directory: &Path, counts: &Counts) {
    let path = directory.join(SLOT_FILES[(counts.sequence % 2) as usize]);
    if let Err(error) = write_slot(directory, &path, &encode(counts)) {
        log::warn!("the record of acknowledged writes could not be written: {error}");
    }
}

fn write_slot(directory: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let created = !path.exists();
    // Overwritten in place, never cut: a torn write fails the checksum and the other slot
    // stands; bytes past the checksum are ignored.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_data()?;
    if created {
        // A new file's name must reach the disk too, or a crash could leave it missing.
        fs::File::open(directory)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &Path) -> sled::Db {
        sled::Config::new().path(dir).open().unwrap()
    }

    fn write(db: &sled::Db, acknowledged: &Acknowledged, tree: &str) {
        let pending = acknowledged.begin(tree);
        db.open_tree(tree).unwrap().insert(b"k", b"v").unwrap();
        pending.count_in(db).unwrap();
        db.flush().unwrap();
        pending.acknowledged();
    }

    #[test]
    fn a_new_database_has_nothing_to_check_and_counts_from_then_on() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        let (acknowledged, check) = Acknowledged::open(dir.path(), &db).unwrap();
        assert_eq!(check, Check::default());
        write(&db, &acknowledged, "a");
        write(&db, &acknowledged, "a");
        write(&db, &acknowledged, "b");
        drop(acknowledged);
        let (_, check) = Acknowledged::open(dir.path(), &db).unwrap();
        assert_eq!(check, Check::default());
        assert_eq!(
            read_database(&db).unwrap(),
            BTreeMap::from([("a".into(), 2), ("b".into(), 1)])
        );
    }

    #[test]
    fn a_database_behind_its_record_lost_that_many_writes_and_says_so_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        let (acknowledged, _) = Acknowledged::open(dir.path(), &db).unwrap();
        for _ in 0..3 {
            write(&db, &acknowledged, "inbox");
        }
        write(&db, &acknowledged, "outbox");
        drop(acknowledged);
        // What sled's recovery does past a damaged spot: the newest writes are gone.
        db.open_tree(COUNTS_TREE)
            .unwrap()
            .insert("inbox", &1u64.to_be_bytes())
            .unwrap();
        db.open_tree(COUNTS_TREE).unwrap().remove("outbox").unwrap();
        let (acknowledged, check) = Acknowledged::open(dir.path(), &db).unwrap();
        assert_eq!(
            check.lost,
            vec![("inbox".to_string(), 2), ("outbox".to_string(), 1)]
        );
        assert_eq!(check.unverified_because, None);
        drop(acknowledged);
        let (_, again) = Acknowledged::open(dir.path(), &db).unwrap();
        assert_eq!(again, Check::default());
    }

    #[test]
    fn a_database_ahead_of_its_record_is_a_crash_before_the_acknowledgement_not_a_loss() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        let (acknowledged, _) = Acknowledged::open(dir.path(), &db).unwrap();
        write(&db, &acknowledged, "a");
        let pending = acknowledged.begin("a");
        pending.count_in(&db).unwrap();
        db.flush().unwrap();
        drop(pending);
        drop(acknowledged);
        let (_, check) = Acknowledged::open(dir.path(), &db).unwrap();
        assert_eq!(check, Check::default());
    }

    #[test]
    fn one_damaged_slot_leaves_the_other_and_both_damaged_cannot_be_checked() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        let (acknowledged, _) = Acknowledged::open(dir.path(), &db).unwrap();
        write(&db, &acknowledged, "a");
        write(&db, &acknowledged, "a");
        drop(acknowledged);
        fs::write(dir.path().join(SLOT_FILES[0]), b"LAK1 torn").unwrap();
        let (acknowledged, check) = Acknowledged::open(dir.path(), &db).unwrap();
        assert_eq!(check, Check::default());
        drop(acknowledged);
        for name in SLOT_FILES {
            let path = dir.path().join(name);
            let mut bytes = fs::read(&path).unwrap();
            bytes[6] ^= 0x10;
            fs::write(&path, bytes).unwrap();
        }
        let (_, check) = Acknowledged::open(dir.path(), &db).unwrap();
        assert!(check.lost.is_empty());
        assert!(check.unverified_because.unwrap().contains("damaged"));
    }

    #[test]
    fn a_missing_record_beside_counted_writes_cannot_be_checked() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        let (acknowledged, _) = Acknowledged::open(dir.path(), &db).unwrap();
        write(&db, &acknowledged, "a");
        drop(acknowledged);
        for name in SLOT_FILES {
            let _ = fs::remove_file(dir.path().join(name));
        }
        let (_, check) = Acknowledged::open(dir.path(), &db).unwrap();
        assert!(check.unverified_because.unwrap().contains("missing"));
    }

    #[test]
    fn the_record_decodes_what_it_encodes_and_refuses_any_changed_byte() {
        let counts = Counts {
            per_tree: BTreeMap::from([("p.1.inbox".into(), 7), ("meta".into(), 1)]),
            sequence: 42,
        };
        let bytes = encode(&counts);
        assert_eq!(decode(&bytes), Some(counts));
        let used = bytes.iter().rposition(|b| *b != 0).unwrap() + 1;
        for at in 0..used {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x01;
            assert_eq!(decode(&damaged), None, "byte {at}");
        }
        for length in 0..used {
            assert_eq!(decode(&bytes[..length]), None, "cut at {length}");
        }
        // The zeros after the checksum are padding.
        let mut padded = bytes.clone();
        *padded.last_mut().unwrap() = 0xff;
        assert_eq!(decode(&padded).map(|c| c.sequence), Some(42));
    }
}
