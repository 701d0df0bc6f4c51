//! Whole-value blobs kept as plain files beside a database, for large rebuildable values that
//! change as a whole (the search index). Inside sled such a value is copied every time the
//! tree node holding it is rewritten, and the copies stay until sled's cleaner runs: a fresh
//! catalogue import left eleven 2 MB copies of the index behind. A file replaced atomically
//! leaves exactly one.
//!
//! Each file starts with a checksum of its contents. sled checks every record it reads; a plain
//! file has nothing of the kind, and a flipped byte in the index can still decode, into wrong
//! search results. A blob that does not read back as written reads as absent, which callers
//! already handle by rebuilding it (blobs only hold rebuildable values).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::error::StoreError;

/// Folder, inside a database's directory, that holds its blob files.
pub const BLOB_FOLDER: &str = "longan-blobs";
/// What a blob file starts with: this, then the checksum of the contents (8 bytes), then them.
const MAGIC: &[u8; 4] = b"LBL1";
const HEADER_BYTES: usize = MAGIC.len() + 8;

fn io(error: std::io::Error) -> StoreError {
    StoreError::Io {
        reason: error.to_string(),
    }
}

/// True for a name a blob may have: 1 to 64 of `[a-z0-9_-]`, so it can never leave its folder.
pub fn is_valid_blob_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The path of a blob.
fn blob_path(directory: &Path, name: &str) -> Result<PathBuf, StoreError> {
    if !is_valid_blob_name(name) {
        return Err(StoreError::Io {
            reason: format!("invalid blob name {name:?}"),
        });
    }
    Ok(directory.join(BLOB_FOLDER).join(name))
}

/// A 64-bit checksum of `bytes`, made to catch damage, not tampering, and to stay cheap on
/// the cold-open path (the index is megabytes). Each step mixes one 8-byte word in with a
/// bijection of the running value, so a change confined to one word always changes the result;
/// the length is mixed in first, so a cut is always seen.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        hash = (hash ^ word).wrapping_mul(K).rotate_left(31);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    hash = (hash ^ u64::from_le_bytes(last))
        .wrapping_mul(K)
        .rotate_left(31);
    // Final mix (the murmur3 finaliser), so nearby inputs give unrelated sums.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash
}

/// The contents of a blob file, if it is whole.
fn contents(file: &[u8]) -> Option<&[u8]> {
    let (header, contents) = file.split_at_checked(HEADER_BYTES)?;
    let (magic, sum) = header.split_at(MAGIC.len());
    (magic == MAGIC && sum == checksum(contents).to_le_bytes()).then_some(contents)
}

/// Reads a blob; `None` when it was never written, or when it does not read back as written
/// (damaged, cut short, or from before blobs had checksums): the caller rebuilds it.
pub fn read(directory: &Path, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
    match fs::read(blob_path(directory, name)?) {
        Ok(file) => match contents(&file) {
            Some(contents) => Ok(Some(contents.to_vec())),
            None => {
                log::warn!("blob {name} is damaged; it reads as absent and will be rebuilt");
                Ok(None)
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(io(error)),
    }
}

/// Replaces a blob atomically and durably: write a temporary file, flush it, rename it over
/// the old one, flush the folder. A reader (or a crash) sees the old blob or the new one.
pub fn write(directory: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let path = blob_path(directory, name)?;
    let folder = directory.join(BLOB_FOLDER);
    fs::create_dir_all(&folder).map_err(io)?;
    // A name of its own per write, so two writers never share a temporary file.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let sequence = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = folder.join(format!("{name}.{}.{sequence}.tmp", std::process::id()));
    let mut file = fs::File::create(&temporary).map_err(io)?;
    file.write_all(MAGIC)
        .and_then(|_| file.write_all(&checksum(bytes).to_le_bytes()))
        .and_then(|_| file.write_all(bytes))
        .and_then(|_| file.sync_all())
        .map_err(io)?;
    drop(file);
    if let Err(error) = fs::rename(&temporary, &path) {
        let _ = fs::remove_file(&temporary);
        return Err(io(error));
    }
    // The rename itself must reach the disk before the write is acknowledged.
    fs::File::open(&folder)
        .and_then(|dir| dir.sync_all())
        .map_err(io)
}

/// Removes temporary files a crash left behind (called when a database is opened).
pub fn remove_leftovers(directory: &Path) {
    if let Ok(entries) = fs::read_dir(directory.join(BLOB_FOLDER)) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|ext| ext == "tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Bytes the blob files occupy.
pub fn size(directory: &Path) -> u64 {
    fs::read_dir(directory.join(BLOB_FOLDER))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_reads_back_as_written_and_any_damage_reads_as_absent() {
        let dir = tempfile::tempdir().unwrap();
        let written: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        write(dir.path(), "index", &written).unwrap();
        assert_eq!(read(dir.path(), "index").unwrap(), Some(written.clone()));
        let path = dir.path().join(BLOB_FOLDER).join("index");
        let file = fs::read(&path).unwrap();
        for at in 0..file.len() {
            let mut damaged = file.clone();
            damaged[at] ^= 1 << (at % 8);
            fs::write(&path, &damaged).unwrap();
            assert_eq!(read(dir.path(), "index").unwrap(), None, "byte {at}");
        }
        for length in [0, 3, HEADER_BYTES, file.len() - 1] {
            fs::write(&path, &file[..length]).unwrap();
            assert_eq!(read(dir.path(), "index").unwrap(), None, "cut at {length}");
        }
        fs::write(&path, &file[HEADER_BYTES..]).unwrap();
        assert_eq!(read(dir.path(), "index").unwrap(), None, "no header");
    }

    #[test]
    fn the_checksum_sees_every_single_bit_flip_and_every_cut() {
        let bytes: Vec<u8> = (0..64u8).collect();
        let sum = checksum(&bytes);
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert_ne!(checksum(&flipped), sum, "bit {bit}");
        }
        for length in 0..bytes.len() {
            assert_ne!(checksum(&bytes[..length]), sum, "cut at {length}");
        }
    }
}
