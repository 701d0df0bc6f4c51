//! Dossiers a citizen looked up or follows, kept in `state/` so they stay readable offline,
//! each labelled with when the portal last confirmed it. Callers hand in the profile's sealed
//! view of `state/` (`crate::profile::SealedBackend`), so the records are encrypted.

use serde::{Deserialize, Serialize};

use super::code::DossierCode;
use super::error::DossierError;
use super::model::Dossier;
use crate::cancel::Cancellation;
use crate::clock::Clock;
use crate::net::NetError;
use crate::portal::{Portal, PortalError};
use crate::store::{Backend, Batch};

const TREE: &str = "dossiers";

/// A dossier as this device knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedDossier {
    /// The dossier at the highest version seen.
    pub dossier: Dossier,
    /// When the portal last confirmed it (milliseconds since the epoch, server-corrected).
    pub confirmed_at_ms: i64,
    /// The citizen follows it (refreshes and notifications).
    pub followed: bool,
    /// The verifier that unlocked it, to refresh a followed dossier without asking again.
    verifier: String,
    /// The validator of the last answer.
    etag: Option<String>,
}

impl TrackedDossier {
    /// One of the signed-in citizen's own dossiers (listed by `/v1/me/dossiers`, no
    /// verifier): refreshed with the session, not with a verifier.
    pub fn is_mine(&self) -> bool {
        self.verifier.is_empty()
    }

    /// The validator of the last answer, for a conditional request.
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }
}

fn key(code: &str) -> Vec<u8> {
    code.as_bytes().to_vec()
}

fn load(state: &dyn Backend, code: &str) -> Result<Option<TrackedDossier>, DossierError> {
    state
        .get(TREE, &key(code))?
        .map(|bytes| {
            serde_json::from_slice(&bytes).map_err(|error| DossierError::Corrupt {
                reason: error.to_string(),
            })
        })
        .transpose()
}

fn save(state: &dyn Backend, tracked: &TrackedDossier) -> Result<(), DossierError> {
    let json = serde_json::to_vec(tracked).map_err(|error| DossierError::Corrupt {
        reason: error.to_string(),
    })?;
    let mut batch = Batch::new();
    batch.put(key(&tracked.dossier.code), json);
    state.apply(TREE, batch)?;
    Ok(())
}

fn now_ms(clock: &Clock) -> i64 {
    clock
        .now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Looks a dossier up on the portal by its code (typed any way, or a receipt's QR payload
/// already decoded) and verifier, and keeps it for offline reading.
pub async fn look_up<P: Portal>(
    state: &dyn Backend,
    portal: &P,
    clock: &Clock,
    code: &str,
    verifier: &str,
    cancel: &Cancellation,
) -> Result<TrackedDossier, DossierError> {
    let code = DossierCode::parse(code)?;
    let code = code.as_str();
    let verifier = verifier.trim();
    let stored = load(state, code)?;
    let etag = stored
        .as_ref()
        .filter(|tracked| tracked.verifier == verifier)
        .and_then(|tracked| tracked.etag.clone());
    let answer = portal
        .dossier(code, verifier, etag.as_deref(), cancel)
        .await
        .map_err(dossier_error)?;
    keep_answer(state, clock, code, verifier, stored, answer)
}

/// A portal's failure as tracking reports it.
pub fn dossier_error(error: PortalError) -> DossierError {
    match error {
        PortalError::Net(NetError::NotFound) => DossierError::NotFound,
        PortalError::Net(error) => DossierError::Network(error),
        PortalError::CursorExpired => DossierError::Network(NetError::InvalidResponse {
            reason: "a cursor problem answered a dossier lookup".into(),
        }),
    }
}

/// Keeps what the portal answered about `code` (unlocked by `verifier`, empty for the
/// signed-in citizen's own): `None` confirms `stored`.
fn keep_answer(
    state: &dyn Backend,
    clock: &Clock,
    code: &str,
    verifier: &str,
    stored: Option<TrackedDossier>,
    answer: Option<(Dossier, Option<String>)>,
) -> Result<TrackedDossier, DossierError> {
    let confirmed_at_ms = now_ms(clock);
    let tracked = match (answer, stored) {
        (None, Some(mut stored)) => {
            stored.confirmed_at_ms = confirmed_at_ms;
            stored
        }
        (None, None) => {
            return Err(DossierError::Network(NetError::InvalidResponse {
                reason: "the portal said nothing changed about a dossier never seen".into(),
            }));
        }
        (Some((dossier, etag)), stored) => {
            if dossier.code != code {
                return Err(DossierError::Network(NetError::InvalidResponse {
                    reason: "the portal answered with another dossier".into(),
                }));
            }
            let followed = stored.as_ref().is_some_and(|s| s.followed);
            // Versions only grow: an older answer (a lagging replica) does not replace newer data.
            let dossier = match stored {
                Some(stored) if stored.dossier.version > dossier.version => stored.dossier,
                _ => dossier,
            };
            TrackedDossier {
                dossier,
                confirmed_at_ms,
                followed,
                verifier: verifier.to_string(),
                etag,
            }
        }
    };
    save(state, &tracked)?;
    Ok(tracked)
}

/// Keeps what `/v1/me/dossiers/{code}` answered about `stored`, one of the signed-in
/// citizen's own dossiers (`None`: unchanged).
pub fn keep_mine_answer(
    state: &dyn Backend,
    clock: &Clock,
    stored: &TrackedDossier,
    answer: Option<(Dossier, Option<String>)>,
) -> Result<TrackedDossier, DossierError> {
    let code = stored.dossier.code.clone();
    keep_answer(state, clock, &code, "", Some(stored.clone()), answer)
}

/// Asks the portal again about a dossier kept before, with the verifier that unlocked it and
/// its validator (a 304 when nothing changed).
pub async fn refresh<P: Portal>(
    state: &dyn Backend,
    portal: &P,
    clock: &Clock,
    stored: &TrackedDossier,
    cancel: &Cancellation,
) -> Result<TrackedDossier, DossierError> {
    look_up(
        state,
        portal,
        clock,
        &stored.dossier.code,
        &stored.verifier,
        cancel,
    )
    .await
}

/// Keeps a dossier the portal listed for the signed-in citizen (`/v1/me/dossiers`, no
/// verifier needed): readable offline like a looked-up one; an older version never replaces a
/// newer one, and a follow stays.
pub fn keep_mine(
    state: &dyn Backend,
    dossier: Dossier,
    confirmed_at_ms: i64,
) -> Result<TrackedDossier, DossierError> {
    let stored = load(state, &dossier.code)?;
    let tracked = match stored {
        Some(mut stored) => {
            if dossier.version >= stored.dossier.version {
                stored.dossier = dossier;
                stored.etag = None;
            }
            stored.confirmed_at_ms = confirmed_at_ms;
            stored
        }
        None => TrackedDossier {
            dossier,
            confirmed_at_ms,
            followed: false,
            verifier: String::new(),
            etag: None,
        },
    };
    save(state, &tracked)?;
    Ok(tracked)
}

/// Follows (or stops following) a dossier already looked up on this device.
pub fn set_followed(
    state: &dyn Backend,
    code: &str,
    followed: bool,
) -> Result<TrackedDossier, DossierError> {
    let code = DossierCode::parse(code)?;
    let mut tracked = load(state, code.as_str())?.ok_or(DossierError::NotStored)?;
    tracked.followed = followed;
    save(state, &tracked)?;
    Ok(tracked)
}

/// Forgets a stored dossier (the demo's, when its story starts again).
pub fn forget(state: &dyn Backend, code: &str) -> Result<(), DossierError> {
    let mut batch = Batch::new();
    batch.delete(key(code));
    state.apply(TREE, batch)?;
    Ok(())
}

/// The stored dossier with this code, with no network.
pub fn cached(state: &dyn Backend, code: &str) -> Result<Option<TrackedDossier>, DossierError> {
    let code = DossierCode::parse(code)?;
    load(state, code.as_str())
}

/// Every followed dossier, with no network, most recently received first.
pub fn followed(state: &dyn Backend) -> Result<Vec<TrackedDossier>, DossierError> {
    let mut all: Vec<TrackedDossier> = state
        .scan_prefix(TREE, b"")?
        .into_iter()
        .filter_map(|(_, bytes)| serde_json::from_slice::<TrackedDossier>(&bytes).ok())
        .filter(|tracked| tracked.followed)
        .collect();
    all.sort_by_key(|tracked| std::cmp::Reverse(tracked.dossier.received_at_ms));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::TestClock;
    use crate::portal::DemoPortal;
    use crate::store::Area;
    use crate::store::sled_backend::SledBackend;
    use std::sync::Arc;
    use std::time::Duration;

    fn setup() -> (
        tempfile::TempDir,
        SledBackend,
        DemoPortal,
        Clock,
        Arc<TestClock>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let state = SledBackend::open(dir.path(), Area::State).unwrap();
        let time = Arc::new(TestClock::at_unix(1_764_300_000));
        let clock = Clock::new(time.clone());
        let procedures = vec![("1.001193".into(), "Thủ tục đăng ký khai sinh".into())];
        let demo = DemoPortal::new(clock.clone(), procedures);
        (dir, state, demo, clock, time)
    }

    #[tokio::test]
    async fn a_looked_up_dossier_can_be_followed_and_read_offline_with_its_confirmation_time() {
        let (_dir, state, demo, clock, time) = setup();
        let (code, verifier) = demo.demo_codes()[0].clone();
        let cancel = Cancellation::new();
        let typed = code.to_lowercase().replace('-', " ");
        let first = look_up(&state, &demo, &clock, &typed, &verifier, &cancel)
            .await
            .unwrap();
        assert_eq!(first.dossier.code, code);
        assert!(!first.followed);
        set_followed(&state, &code, true).unwrap();
        time.advance(Duration::from_secs(20 * 60));
        let later = look_up(&state, &demo, &clock, &code, &verifier, &cancel)
            .await
            .unwrap();
        assert!(later.followed, "following survives a refresh");
        assert!(later.dossier.version > first.dossier.version);
        assert!(later.confirmed_at_ms > first.confirmed_at_ms);
        // Offline: what is stored is what the last lookup saw.
        let offline = followed(&state).unwrap();
        assert_eq!(offline.len(), 1);
        assert_eq!(offline[0].dossier, later.dossier);
        assert_eq!(cached(&state, &code).unwrap().unwrap(), later);
        set_followed(&state, &code, false).unwrap();
        assert!(followed(&state).unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_wrong_verifier_is_not_found_and_keeps_nothing() {
        let (_dir, state, demo, clock, _) = setup();
        let (code, verifier) = demo.demo_codes()[0].clone();
        let wrong = if verifier == "0000" { "1111" } else { "0000" };
        let result = look_up(&state, &demo, &clock, &code, wrong, &Cancellation::new()).await;
        assert_eq!(result, Err(DossierError::NotFound));
        assert_eq!(cached(&state, &code).unwrap(), None);
        assert_eq!(
            set_followed(&state, &code, true),
            Err(DossierError::NotStored)
        );
        assert!(matches!(
            look_up(&state, &demo, &clock, "??", "1234", &Cancellation::new()).await,
            Err(DossierError::InvalidCode(_))
        ));
    }
}
