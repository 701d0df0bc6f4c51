//! On-disk format versions and the migration hook.
//!
//! Each database records the format it was written in. Opening runs the registered steps from
//! that version up to the current one, and refuses a newer format rather than misreading it.

use super::backend::{Backend, Batch};
use super::error::{Area, StoreError};

/// Tree holding store metadata.
pub const META_TREE: &str = "meta";
const FORMAT_KEY: &[u8] = b"format_version";

/// Current format of `cache/`.
pub const CACHE_FORMAT: u32 = 1;
/// Current format of `state/`.
pub const STATE_FORMAT: u32 = 1;

/// One upgrade step, from format `from` to `from + 1`.
pub struct Migration {
    /// Format the step upgrades from.
    pub from: u32,
    /// What the step does, in a few words (for errors and logs).
    pub description: &'static str,
    /// The step itself.
    pub run: fn(&dyn Backend) -> Result<(), StoreError>,
}

/// Steps for `cache/` (none yet: format 1 is the first).
pub const CACHE_MIGRATIONS: &[Migration] = &[];
/// Steps for `state/` (none yet: format 1 is the first).
pub const STATE_MIGRATIONS: &[Migration] = &[];

/// Reads the recorded format; `None` for a database that never had one (a new one).
pub fn read_format(backend: &dyn Backend, area: Area) -> Result<Option<u32>, StoreError> {
    match backend.get(META_TREE, FORMAT_KEY)? {
        None => Ok(None),
        Some(bytes) => match <[u8; 4]>::try_from(bytes.as_slice()) {
            Ok(array) => Ok(Some(u32::from_be_bytes(array))),
            Err(_) => Err(StoreError::Corrupt {
                area,
                reason: "unreadable format version".into(),
            }),
        },
    }
}

fn write_format(backend: &dyn Backend, version: u32) -> Result<(), StoreError> {
    let mut batch = Batch::new();
    batch.put(FORMAT_KEY, version.to_be_bytes().to_vec());
    backend.apply(META_TREE, batch)
}

/// Brings a database to `target`, running `steps` in order. Returns the format found on disk.
pub fn upgrade(
    backend: &dyn Backend,
    area: Area,
    target: u32,
    steps: &[Migration],
) -> Result<Option<u32>, StoreError> {
    let found = read_format(backend, area)?;
    let mut current = match found {
        None => {
            write_format(backend, target)?;
            return Ok(None);
        }
        Some(version) if version > target => {
            return Err(StoreError::FormatTooNew {
                area,
                found: version,
                supported: target,
            });
        }
        Some(version) => version,
    };
    while current < target {
        let Some(step) = steps.iter().find(|step| step.from == current) else {
            return Err(StoreError::Migration {
                area,
                from: current,
                reason: "no upgrade step registered".into(),
            });
        };
        (step.run)(backend).map_err(|error| StoreError::Migration {
            area,
            from: current,
            reason: format!("{}: {error}", step.description),
        })?;
        current += 1;
        write_format(backend, current)?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sled_backend::SledBackend;

    fn add_marker(backend: &dyn Backend) -> Result<(), StoreError> {
        let mut batch = Batch::new();
        batch.put(b"migrated".to_vec(), b"yes".to_vec());
        backend.apply("data", batch)
    }

    #[test]
    fn a_new_database_gets_the_current_format() {
        let dir = tempfile::tempdir().unwrap();
        let backend = SledBackend::open(dir.path(), Area::Cache).unwrap();
        assert_eq!(upgrade(&backend, Area::Cache, 1, &[]).unwrap(), None);
        assert_eq!(read_format(&backend, Area::Cache).unwrap(), Some(1));
    }

    #[test]
    fn registered_steps_run_in_order_up_to_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let backend = SledBackend::open(dir.path(), Area::State).unwrap();
        write_format(&backend, 1).unwrap();
        let steps = [Migration {
            from: 1,
            description: "add marker",
            run: add_marker,
        }];
        assert_eq!(upgrade(&backend, Area::State, 2, &steps).unwrap(), Some(1));
        assert_eq!(read_format(&backend, Area::State).unwrap(), Some(2));
        assert_eq!(
            backend.get("data", b"migrated").unwrap(),
            Some(b"yes".to_vec())
        );
    }

    #[test]
    fn a_newer_format_is_refused_not_misread() {
        let dir = tempfile::tempdir().unwrap();
        let backend = SledBackend::open(dir.path(), Area::State).unwrap();
        write_format(&backend, 7).unwrap();
        let error = upgrade(&backend, Area::State, 1, &[]).unwrap_err();
        assert_eq!(
            error,
            StoreError::FormatTooNew {
                area: Area::State,
                found: 7,
                supported: 1
            }
        );
    }

    #[test]
    fn a_missing_step_is_a_migration_error() {
        let dir = tempfile::tempdir().unwrap();
        let backend = SledBackend::open(dir.path(), Area::State).unwrap();
        write_format(&backend, 1).unwrap();
        assert!(matches!(
            upgrade(&backend, Area::State, 3, &[]),
            Err(StoreError::Migration { from: 1, .. })
        ));
    }
}
