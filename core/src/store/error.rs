//! Errors of the store. They never carry record contents, only what went wrong and where.

/// Which of the two databases an error concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `cache/`: rebuildable (catalogue, index, ETags).
    Cache,
    /// `state/`: what cannot be rebuilt (follows, outbox, inbox, session metadata).
    State,
}

impl std::fmt::Display for Area {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Area::Cache => "cache",
            Area::State => "state",
        })
    }
}

/// What can go wrong opening or using the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The data directory is already open, in this process or another.
    #[error("the data directory is already in use by another open store")]
    Busy,
    /// A database file is damaged.
    #[error("the {area} database is damaged: {reason}")]
    Corrupt {
        /// Which database.
        area: Area,
        /// What the engine reported.
        reason: String,
    },
    /// The data was written by a newer version of the app.
    #[error("the {area} database has format {found}, newer than this app supports ({supported})")]
    FormatTooNew {
        /// Which database.
        area: Area,
        /// Version found on disk.
        found: u32,
        /// Newest version this build understands.
        supported: u32,
    },
    /// A migration step failed; the database was left at `from`.
    #[error("upgrading the {area} database from format {from} failed: {reason}")]
    Migration {
        /// Which database.
        area: Area,
        /// Version the failed step started from.
        from: u32,
        /// What went wrong.
        reason: String,
    },
    /// The operating system refused a file operation (disk full, permissions, …).
    #[error("storage I/O failed: {reason}")]
    Io {
        /// What the system reported.
        reason: String,
    },
}

impl StoreError {
    pub(crate) fn from_sled(area: Area, error: sled::Error) -> StoreError {
        match error {
            sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                StoreError::Busy
            }
            // sled reads its own files to a length it wrote there: running out of bytes, or
            // bytes it cannot decode, is a file cut short or damaged, not a failing system.
            sled::Error::Io(io)
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
                ) =>
            {
                StoreError::Corrupt {
                    area,
                    reason: format!("a file ends early or cannot be decoded: {io}"),
                }
            }
            sled::Error::Io(io) => StoreError::Io {
                reason: io.to_string(),
            },
            sled::Error::Corruption { at, .. } => StoreError::Corrupt {
                area,
                reason: format!("corruption detected at {at:?}"),
            },
            other => StoreError::Corrupt {
                area,
                reason: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error as IoError, ErrorKind};

    #[test]
    fn a_file_cut_short_is_damage_and_a_full_disk_is_an_io_failure() {
        let cut = sled::Error::Io(IoError::new(
            ErrorKind::UnexpectedEof,
            "failed to fill whole buffer",
        ));
        assert!(matches!(
            StoreError::from_sled(Area::State, cut),
            StoreError::Corrupt {
                area: Area::State,
                ..
            }
        ));
        let full = sled::Error::Io(IoError::new(ErrorKind::StorageFull, "no space left"));
        assert!(matches!(
            StoreError::from_sled(Area::State, full),
            StoreError::Io { .. }
        ));
        let locked = sled::Error::Io(IoError::other("could not acquire lock on db"));
        assert_eq!(StoreError::from_sled(Area::Cache, locked), StoreError::Busy);
    }
}
