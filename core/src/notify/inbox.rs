//! A profile's inbox, in the `inbox` tree of the backend it is given (the profile's sealed view
//! of `state/`, so it is encrypted at rest and goes with the profile).
//!
//! Exactly once: a notification is added only if its id was never seen; every id added is
//! remembered in a "seen" record, which outlives the notification, so a notification the
//! citizen deleted does not come back when the same event arrives again by another source. Both
//! are in the store, so this holds across restarts.
//!
//! Bounded: at most [`MAX_NOTIFICATIONS`] notifications (beyond, the oldest read one goes first,
//! then the oldest) and [`MAX_SEEN`] seen ids (the oldest forgotten first; a notification still
//! in the inbox is never added twice either way).
//!
//! Records (all small, read by key; nothing scans the tree):
//! - `meta` → the next sequence number and the oldest seen one still kept;
//! - `index` → every notification's id, sequence, time and read flag;
//! - `n/<id>` → a notification;
//! - `seen/<id>` → its sequence number; `seq/<sequence, 8 bytes big-endian>` → the id.
//!
//! Each change is one atomic batch; changes in this process are serialised.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::error::NotifyError;
use super::model::{Notification, NotificationId};
use crate::store::{Backend, Batch};

/// The tree of the inbox (listed in `crate::profile::PERSONAL_TREES`).
pub const TREE: &str = "inbox";
/// Most notifications kept.
pub const MAX_NOTIFICATIONS: usize = 500;
/// Most seen ids kept.
pub const MAX_SEEN: u64 = 5_000;

const META_KEY: &[u8] = b"meta";
const INDEX_KEY: &[u8] = b"index";

/// One read-modify-write at a time (the store has no compare-and-swap).
static WRITING: Mutex<()> = Mutex::new(());

#[derive(Debug, Clone, Copy)]
struct Limits {
    notifications: usize,
    seen: u64,
}

const LIMITS: Limits = Limits {
    notifications: MAX_NOTIFICATIONS,
    seen: MAX_SEEN,
};

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Meta {
    /// The sequence number of the next id seen.
    next: u64,
    /// The oldest sequence number whose seen record is kept.
    seen_first: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct IndexEntry {
    id: NotificationId,
    seq: u64,
    at_ms: i64,
    read: bool,
}

impl IndexEntry {
    /// Newer sorts greater.
    fn age(&self) -> (i64, u64) {
        (self.at_ms, self.seq)
    }
}

fn notification_key(id: &NotificationId) -> Vec<u8> {
    [b"n/".as_slice(), id.as_str().as_bytes()].concat()
}

fn seen_key(id: &NotificationId) -> Vec<u8> {
    [b"seen/".as_slice(), id.as_str().as_bytes()].concat()
}

fn seq_key(seq: u64) -> Vec<u8> {
    [b"seq/".as_slice(), &seq.to_be_bytes()].concat()
}

fn read_json<T: for<'de> Deserialize<'de>>(
    state: &dyn Backend,
    key: &[u8],
    what: &str,
) -> Result<Option<T>, NotifyError> {
    state
        .get(TREE, key)?
        .map(|bytes| {
            serde_json::from_slice(&bytes)
                .map_err(|_| NotifyError::corrupt(format!("the inbox {what} is unreadable")))
        })
        .transpose()
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, NotifyError> {
    serde_json::to_vec(value).map_err(|_| NotifyError::corrupt("an inbox record cannot be encoded"))
}

fn load_index(state: &dyn Backend) -> Result<Vec<IndexEntry>, NotifyError> {
    Ok(read_json(state, INDEX_KEY, "index")?.unwrap_or_default())
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    WRITING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Adds a notification unless one with its id was ever added (and is kept or remembered as
/// seen): `true` when it is new. Stored as unread. Alters persisted state.
pub fn add(state: &dyn Backend, notification: Notification) -> Result<bool, NotifyError> {
    let _writing = lock();
    add_within(state, notification, LIMITS)
}

/// Adds several notifications (see [`add`]) and returns the ones that were new, in order.
/// Alters persisted state.
pub fn add_all(
    state: &dyn Backend,
    notifications: impl IntoIterator<Item = Notification>,
) -> Result<Vec<Notification>, NotifyError> {
    let _writing = lock();
    let mut added = Vec::new();
    for notification in notifications {
        if add_within(state, notification.clone(), LIMITS)? {
            added.push(notification);
        }
    }
    Ok(added)
}

fn add_within(
    state: &dyn Backend,
    mut notification: Notification,
    limits: Limits,
) -> Result<bool, NotifyError> {
    let id = notification.id.clone();
    if state.get(TREE, &seen_key(&id))?.is_some() {
        return Ok(false);
    }
    let mut index = load_index(state)?;
    if index.iter().any(|entry| entry.id == id) {
        return Ok(false);
    }
    let mut meta: Meta = read_json(state, META_KEY, "counter")?.unwrap_or_default();
    let seq = meta.next;
    meta.next += 1;
    notification.read = false;
    let mut batch = Batch::new();
    batch.put(notification_key(&id), to_json(&notification)?);
    batch.put(seen_key(&id), seq.to_be_bytes().to_vec());
    batch.put(seq_key(seq), id.as_str().as_bytes().to_vec());
    index.push(IndexEntry {
        id,
        seq,
        at_ms: notification.at_ms,
        read: false,
    });
    while index.len() > limits.notifications {
        let victim = oldest(&index, true)
            .or_else(|| oldest(&index, false))
            .expect("a non-empty index has an oldest entry");
        let gone = index.swap_remove(victim);
        batch.delete(notification_key(&gone.id));
    }
    while meta.next - meta.seen_first > limits.seen {
        if let Some(forgotten) = state.get(TREE, &seq_key(meta.seen_first))? {
            batch.delete([b"seen/".as_slice(), &forgotten].concat());
        }
        batch.delete(seq_key(meta.seen_first));
        meta.seen_first += 1;
    }
    batch.put(INDEX_KEY, to_json(&index)?);
    batch.put(META_KEY, to_json(&meta)?);
    state.apply(TREE, batch)?;
    Ok(true)
}

/// The position of the oldest entry (among the read ones only, when `read_only`).
fn oldest(index: &[IndexEntry], read_only: bool) -> Option<usize> {
    index
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.read || !read_only)
        .min_by_key(|(_, entry)| entry.age())
        .map(|(position, _)| position)
}

/// The newest `limit` notifications, newest first (by time, then by arrival). Reads the store
/// only.
pub fn list(state: &dyn Backend, limit: usize) -> Result<Vec<Notification>, NotifyError> {
    let mut index = load_index(state)?;
    index.sort_by_key(|entry| std::cmp::Reverse(entry.age()));
    let mut out = Vec::with_capacity(limit.min(index.len()));
    for entry in index.iter().take(limit) {
        // An entry whose record is missing is skipped rather than failing the whole list.
        if let Some(mut notification) =
            read_json::<Notification>(state, &notification_key(&entry.id), "notification")?
        {
            notification.read = entry.read;
            out.push(notification);
        }
    }
    Ok(out)
}

/// One notification, if kept. Reads the store only.
pub fn get(state: &dyn Backend, id: &NotificationId) -> Result<Option<Notification>, NotifyError> {
    let index = load_index(state)?;
    let Some(entry) = index.iter().find(|entry| &entry.id == id) else {
        return Ok(None);
    };
    let notification: Option<Notification> =
        read_json(state, &notification_key(id), "notification")?;
    Ok(notification.map(|mut notification| {
        notification.read = entry.read;
        notification
    }))
}

/// Marks one notification read: `false` when no kept notification has this id. Alters
/// persisted state.
pub fn mark_read(state: &dyn Backend, id: &NotificationId) -> Result<bool, NotifyError> {
    let _writing = lock();
    let mut index = load_index(state)?;
    let Some(entry) = index.iter_mut().find(|entry| &entry.id == id) else {
        return Ok(false);
    };
    if !entry.read {
        entry.read = true;
        save_index(state, &index)?;
    }
    Ok(true)
}

/// Marks every notification read; returns how many were unread. Alters persisted state.
pub fn mark_all_read(state: &dyn Backend) -> Result<usize, NotifyError> {
    let _writing = lock();
    let mut index = load_index(state)?;
    let mut changed = 0;
    for entry in index.iter_mut().filter(|entry| !entry.read) {
        entry.read = true;
        changed += 1;
    }
    if changed > 0 {
        save_index(state, &index)?;
    }
    Ok(changed)
}

/// Deletes one notification: `false` when no kept notification has this id. Its id stays
/// seen, so the same event does not bring it back. Alters persisted state.
pub fn delete(state: &dyn Backend, id: &NotificationId) -> Result<bool, NotifyError> {
    let _writing = lock();
    let mut index = load_index(state)?;
    let before = index.len();
    index.retain(|entry| &entry.id != id);
    if index.len() == before {
        return Ok(false);
    }
    let mut batch = Batch::new();
    batch.delete(notification_key(id));
    batch.put(INDEX_KEY, to_json(&index)?);
    state.apply(TREE, batch)?;
    Ok(true)
}

/// How many notifications are unread. Reads the store only.
pub fn unread_count(state: &dyn Backend) -> Result<usize, NotifyError> {
    Ok(load_index(state)?
        .iter()
        .filter(|entry| !entry.read)
        .count())
}

/// True when a notification with this id was added and is still remembered (kept, read,
/// deleted or dropped by the bound). Reads the store only.
pub fn was_seen(state: &dyn Backend, id: &NotificationId) -> Result<bool, NotifyError> {
    Ok(state.get(TREE, &seen_key(id))?.is_some()
        || load_index(state)?.iter().any(|entry| &entry.id == id))
}

fn save_index(state: &dyn Backend, index: &[IndexEntry]) -> Result<(), NotifyError> {
    let mut batch = Batch::new();
    batch.put(INDEX_KEY, to_json(&index)?);
    state.apply(TREE, batch)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::status::DossierStatus;
    use crate::profile::SealedBackend;
    use crate::profile::keys::DataKey;
    use crate::store::Area;
    use crate::store::sled_backend::SledBackend;

    const CODE: &str = "000.00.12.H39-250315-0042";

    fn open(dir: &std::path::Path) -> SealedBackend<SledBackend> {
        let inner = SledBackend::open(dir, Area::State).unwrap();
        SealedBackend::new(inner, "p.test.", &DataKey::from_bytes(&[3; 32]).unwrap())
    }

    fn event(entry: u32, at_ms: i64) -> Notification {
        Notification::dossier_event(
            CODE,
            &format!("e{entry}"),
            DossierStatus::Processing,
            at_ms,
            "",
            None,
        )
    }

    fn ids(notifications: &[Notification]) -> Vec<NotificationId> {
        notifications.iter().map(|n| n.id.clone()).collect()
    }

    #[test]
    fn a_notification_is_added_once_and_listed_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(dir.path());
        assert!(add(&state, event(1, 100)).unwrap());
        assert!(add(&state, event(3, 300)).unwrap());
        assert!(add(&state, event(2, 200)).unwrap());
        assert!(!add(&state, event(2, 200)).unwrap(), "the same id twice");
        let listed = list(&state, 10).unwrap();
        assert_eq!(ids(&listed), ids(&[event(3, 0), event(2, 0), event(1, 0)]));
        assert_eq!(ids(&list(&state, 2).unwrap()), ids(&listed[..2]));
        assert_eq!(unread_count(&state).unwrap(), 3);
    }

    #[test]
    fn read_flags_change_one_at_a_time_or_all_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(dir.path());
        for entry in 1..=3 {
            add(&state, event(entry, i64::from(entry))).unwrap();
        }
        assert!(mark_read(&state, &event(2, 0).id).unwrap());
        assert!(!mark_read(&state, &NotificationId::from_string("nope")).unwrap());
        assert_eq!(unread_count(&state).unwrap(), 2);
        assert!(get(&state, &event(2, 0).id).unwrap().unwrap().read);
        assert_eq!(mark_all_read(&state).unwrap(), 2);
        assert_eq!(unread_count(&state).unwrap(), 0);
        assert!(list(&state, 10).unwrap().iter().all(|n| n.read));
        // Adding again never resets a read flag.
        assert!(!add(&state, event(1, 1)).unwrap());
        assert_eq!(unread_count(&state).unwrap(), 0);
    }

    #[test]
    fn a_deleted_notification_does_not_come_back_even_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        {
            let state = open(dir.path());
            add(&state, event(1, 1)).unwrap();
            assert!(delete(&state, &event(1, 0).id).unwrap());
            assert!(!delete(&state, &event(1, 0).id).unwrap());
            assert!(list(&state, 10).unwrap().is_empty());
            assert!(
                !add(&state, event(1, 1)).unwrap(),
                "same event, another source"
            );
            add(&state, event(2, 2)).unwrap();
        }
        let state = open(dir.path());
        assert!(!add(&state, event(1, 1)).unwrap(), "after a restart");
        assert!(!add(&state, event(2, 2)).unwrap(), "after a restart");
        assert!(was_seen(&state, &event(1, 0).id).unwrap());
        assert_eq!(ids(&list(&state, 10).unwrap()), ids(&[event(2, 0)]));
    }

    #[test]
    fn the_history_drops_the_oldest_read_notification_first_then_the_oldest() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(dir.path());
        let limits = Limits {
            notifications: 3,
            seen: 100,
        };
        for entry in 1..=3 {
            add_within(&state, event(entry, i64::from(entry)), limits).unwrap();
        }
        mark_read(&state, &event(2, 0).id).unwrap();
        add_within(&state, event(4, 4), limits).unwrap();
        // 2 was read: it goes before the older, unread 1.
        assert_eq!(
            ids(&list(&state, 10).unwrap()),
            ids(&[event(4, 0), event(3, 0), event(1, 0)])
        );
        add_within(&state, event(5, 5), limits).unwrap();
        assert_eq!(
            ids(&list(&state, 10).unwrap()),
            ids(&[event(5, 0), event(4, 0), event(3, 0)])
        );
        // Dropped ones stay seen.
        assert!(!add_within(&state, event(1, 1), limits).unwrap());
    }

    #[test]
    fn seen_ids_are_bounded_and_the_oldest_is_forgotten_first() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(dir.path());
        let limits = Limits {
            notifications: 2,
            seen: 3,
        };
        for entry in 1..=4 {
            add_within(&state, event(entry, i64::from(entry)), limits).unwrap();
        }
        assert!(!was_seen(&state, &event(1, 0).id).unwrap());
        for entry in 2..=4 {
            assert!(was_seen(&state, &event(entry, 0).id).unwrap(), "{entry}");
        }
        // The forgotten id may come in again; it is new then.
        assert!(add_within(&state, event(1, 1), limits).unwrap());
        assert!(!was_seen(&state, &event(2, 0).id).unwrap());
    }

    #[test]
    fn a_kept_notification_is_never_added_twice_even_once_its_seen_record_is_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(dir.path());
        let limits = Limits {
            notifications: 10,
            seen: 2,
        };
        for entry in 1..=3 {
            add_within(&state, event(entry, i64::from(entry)), limits).unwrap();
        }
        assert!(!add_within(&state, event(1, 1), limits).unwrap());
        assert_eq!(list(&state, 10).unwrap().len(), 3);
    }

    #[test]
    fn adding_several_returns_only_the_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(dir.path());
        add(&state, event(1, 1)).unwrap();
        let added = add_all(&state, [event(1, 1), event(2, 2), event(2, 2)]).unwrap();
        assert_eq!(ids(&added), ids(&[event(2, 0)]));
    }

    #[test]
    fn a_damaged_index_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let state = open(dir.path());
        let mut batch = Batch::new();
        batch.put(INDEX_KEY, b"{not json".to_vec());
        state.apply(TREE, batch).unwrap();
        assert!(matches!(
            unread_count(&state),
            Err(NotifyError::Corrupt { .. })
        ));
        assert!(matches!(
            add(&state, event(1, 1)),
            Err(NotifyError::Corrupt { .. })
        ));
    }
}
