//! The installation id: random, made once per data directory, never tied to a person or to
//! the hardware (it names this copy of the app to the portal, and spreads background refresh).

use super::DEVICE_TREE;
use super::error::DeviceError;
use crate::store::{Backend, Batch};

const INSTALLATION_KEY: &[u8] = b"installation_id";

/// This installation's id (32 lowercase hex digits), made and stored on first use.
pub fn installation_id(device: &dyn Backend) -> Result<String, DeviceError> {
    if let Some(stored) = device.get(DEVICE_TREE, INSTALLATION_KEY)? {
        return String::from_utf8(stored).map_err(|_| DeviceError::Corrupt {
            reason: "the installation id is not text".into(),
        });
    }
    // From the system's cryptographic generator: the id names the installation in the
    // portal's device registrations.
    let bytes = crate::profile::keys::random_bytes::<16>()?;
    let id: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    let mut batch = Batch::new();
    batch.put(INSTALLATION_KEY, id.as_bytes());
    device.apply(DEVICE_TREE, batch)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Area;
    use crate::store::sled_backend::SledBackend;

    fn backend(dir: &tempfile::TempDir) -> SledBackend {
        SledBackend::open(dir.path(), Area::State).unwrap()
    }

    #[test]
    fn the_installation_id_is_made_once_and_kept() {
        let (dir, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let device = backend(&dir);
        let first = installation_id(&device).unwrap();
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(crate::portal::wire::is_installation_id(&first));
        assert_eq!(installation_id(&device).unwrap(), first);
        assert_ne!(installation_id(&backend(&other)).unwrap(), first);
    }
}
