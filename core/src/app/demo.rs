//! The embedded demo's story: when it started, restarting it, moving it forward.

use super::Core;
use crate::catalog::CatalogError;
use crate::dossier::tracking;
use crate::portal::{DemoPortal, DossierSource, HttpPortal};

const DEMO_TREE: &str = "demo";
const DEMO_EPOCH_KEY: &[u8] = b"epoch";
/// How far a volunteer moved the story forward (milliseconds).
const DEMO_AHEAD_KEY: &[u8] = b"ahead";

impl Core {
    /// The embedded demo backend. Its story started when the demo was first used on this data
    /// directory (or last reset) and goes on across restarts. Reads and may write `state/`.
    pub fn demo_portal(&self) -> Result<DemoPortal, CatalogError> {
        let epoch = self.demo_epoch()?;
        let ahead = self.demo_ahead()?;
        Ok(
            DemoPortal::starting_at(self.clock.clone(), self.catalog.served_procedures(), epoch)
                .with_story_ahead(ahead),
        )
    }

    /// Where dossiers come from: `portal` when the app has one, else the embedded demo.
    pub fn dossier_source(
        &self,
        portal: Option<HttpPortal>,
    ) -> Result<DossierSource, CatalogError> {
        Ok(match portal {
            Some(portal) => DossierSource::Http(portal),
            None => DossierSource::Demo(self.demo_portal()?),
        })
    }

    /// Starts the demo's story again: its dossiers are new and move again from now, and what
    /// this device kept of the old story's dossiers is forgotten.
    pub fn reset_demo(&self) -> Result<(), CatalogError> {
        let personal = self.personal().map_err(|error| CatalogError::Corrupt {
            reason: error.to_string(),
        })?;
        for (code, _) in self.demo_portal()?.demo_codes() {
            tracking::forget(&personal, &code).map_err(|error| CatalogError::Corrupt {
                reason: error.to_string(),
            })?;
        }
        self.start_demo_story().map(|_| ())
    }

    /// Moves the demo's story forward by `by`, as if that much time had passed: a volunteer
    /// shows the next step of a dossier without waiting for it. The story's start stays put,
    /// so the dossiers keep their codes (even when the jump crosses midnight).
    pub fn advance_demo(&self, by: std::time::Duration) -> Result<(), CatalogError> {
        self.demo_epoch()?;
        let ahead = self.demo_ahead()?.saturating_add(by);
        let mut batch = crate::store::Batch::new();
        batch.put(
            DEMO_AHEAD_KEY,
            (ahead.as_millis() as u64).to_be_bytes().to_vec(),
        );
        self.stores.state().apply(DEMO_TREE, batch)?;
        Ok(())
    }

    fn demo_ahead(&self) -> Result<std::time::Duration, CatalogError> {
        Ok(match self.stores.state().get(DEMO_TREE, DEMO_AHEAD_KEY)? {
            Some(bytes) if bytes.len() == 8 => std::time::Duration::from_millis(
                u64::from_be_bytes(bytes.try_into().unwrap_or([0; 8])),
            ),
            _ => std::time::Duration::ZERO,
        })
    }

    fn demo_epoch(&self) -> Result<std::time::SystemTime, CatalogError> {
        match self.stores.state().get(DEMO_TREE, DEMO_EPOCH_KEY)? {
            Some(bytes) if bytes.len() == 8 => {
                let ms = u64::from_be_bytes(bytes.try_into().unwrap_or([0; 8]));
                Ok(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms))
            }
            _ => self.start_demo_story(),
        }
    }

    fn start_demo_story(&self) -> Result<std::time::SystemTime, CatalogError> {
        let mut batch = crate::store::Batch::new();
        batch.delete(DEMO_AHEAD_KEY);
        self.stores.state().apply(DEMO_TREE, batch)?;
        self.store_demo_epoch(self.clock.now())
    }

    fn store_demo_epoch(
        &self,
        epoch: std::time::SystemTime,
    ) -> Result<std::time::SystemTime, CatalogError> {
        let now = epoch;
        let ms = now
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64;
        let mut batch = crate::store::Batch::new();
        batch.put(DEMO_EPOCH_KEY, ms.to_be_bytes().to_vec());
        self.stores.state().apply(DEMO_TREE, batch)?;
        Ok(std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms))
    }
}
