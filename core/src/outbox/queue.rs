//! The queue: putting items in durably, reading them for the UI, and the user's hand on them
//! (try again, discard, forget a profile).

use std::sync::{Mutex, MutexGuard, PoisonError};

use super::backoff::RetryPolicy;
use super::error::OutboxError;
use super::model::{IdempotencyKey, ItemId, ItemKind, ItemState, OutboxChange, OutboxItem};
use super::records::{self, NEXT_ID_KEY, TREE};
use crate::store::{Backend, Batch};

/// Largest payload the outbox keeps (a feedback is a few kilobytes; photos travel apart).
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// The durable outbox of one data directory. It holds no data itself: every call reads and
/// writes the `outbox` tree of the `state` backend it is given (always the same one), so one
/// `Outbox` is opened per data directory and kept while it is open.
pub struct Outbox {
    pub(super) policy: RetryPolicy,
    /// Serializes read-modify-write of records (ids, states).
    writes: Mutex<()>,
    /// One delivery run at a time.
    pub(super) delivering: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("policy", &self.policy)
            .finish()
    }
}

impl Outbox {
    /// An outbox with `policy`, its records in whatever `state` each call is given.
    pub fn new(policy: RetryPolicy) -> Outbox {
        Outbox {
            policy,
            writes: Mutex::new(()),
            delivering: tokio::sync::Mutex::new(()),
        }
    }

    /// Opens the outbox of `state` with `policy`, recovering it ([`Outbox::recover`]).
    pub fn open(
        state: &dyn Backend,
        policy: RetryPolicy,
    ) -> Result<(Outbox, Vec<OutboxChange>), OutboxError> {
        let outbox = Outbox::new(policy);
        let changes = outbox.recover(state)?;
        Ok((outbox, changes))
    }

    /// Items of `state` found `Sending` were cut off by the app's end (a crash, a kill): they
    /// are queued again, due at once, and reported; their idempotency key makes the repeat
    /// safe. Alters persisted state; call once per open of `state`, before delivering.
    pub fn recover(&self, state: &dyn Backend) -> Result<Vec<OutboxChange>, OutboxError> {
        let _guard = self.writes.lock().unwrap_or_else(|p| p.into_inner());
        let mut changes = Vec::new();
        let mut batch = Batch::new();
        for mut item in scan(state, records::all_items_prefix())? {
            if item.state == ItemState::Sending {
                item.state = ItemState::Queued;
                item.last_error = Some("interrupted".into());
                batch.put(
                    records::item_key(&item.profile, item.id),
                    records::encode(&item)?,
                );
                changes.push(OutboxChange::of(&item));
            }
        }
        if !batch.is_empty() {
            state.apply(TREE, batch)?;
            log::info!("outbox: {} interrupted item(s) queued again", changes.len());
        }
        Ok(changes)
    }

    /// The policy in use.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Queues `payload` (opaque: the outbox never reads it) for `profile`, due at once, with a
    /// new idempotency key. Durable when it returns (written and flushed). Alters persisted
    /// state; performs no network I/O.
    pub fn enqueue(
        &self,
        state: &dyn Backend,
        profile: &str,
        kind: ItemKind,
        payload: Vec<u8>,
        now_ms: i64,
    ) -> Result<ItemId, OutboxError> {
        records::check_profile(profile)?;
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(OutboxError::TooLarge {
                limit: MAX_PAYLOAD_BYTES,
            });
        }
        let _writing = self.lock();
        let next = match state.get(TREE, NEXT_ID_KEY)? {
            Some(bytes) => records::decode_id(&bytes)?,
            None => 1,
        };
        let id = ItemId(next);
        let item = OutboxItem {
            id,
            profile: profile.to_string(),
            kind,
            payload,
            idempotency_key: IdempotencyKey::generate(),
            created_at_ms: now_ms,
            limits_from_ms: now_ms,
            attempts: 0,
            counted_attempts: 0,
            next_attempt_at_ms: now_ms,
            last_error: None,
            state: ItemState::Queued,
        };
        let mut batch = Batch::new();
        batch.put(records::item_key(profile, id), records::encode(&item)?);
        batch.put(records::index_key(id), profile.as_bytes().to_vec());
        batch.put(NEXT_ID_KEY, (next + 1).to_be_bytes().to_vec());
        state.apply(TREE, batch)?;
        Ok(id)
    }

    /// The item with this id, if it is still kept.
    pub fn get(&self, state: &dyn Backend, id: ItemId) -> Result<Option<OutboxItem>, OutboxError> {
        let Some(profile) = state.get(TREE, &records::index_key(id))? else {
            return Ok(None);
        };
        let profile = String::from_utf8(profile).map_err(|_| OutboxError::Corrupt {
            reason: "an index entry is not UTF-8".into(),
        })?;
        state
            .get(TREE, &records::item_key(&profile, id))?
            .map(|value| records::decode(&value))
            .transpose()
    }

    /// Every item of `profile` (sent and failed ones too), in the order they were queued: what
    /// a status screen shows.
    pub fn list(&self, state: &dyn Backend, profile: &str) -> Result<Vec<OutboxItem>, OutboxError> {
        records::check_profile(profile)?;
        scan(state, &records::profile_prefix(profile))
    }

    /// The items of `profile` still to be delivered, in order.
    pub fn pending(
        &self,
        state: &dyn Backend,
        profile: &str,
    ) -> Result<Vec<OutboxItem>, OutboxError> {
        let mut items = self.list(state, profile)?;
        items.retain(|item| item.state.is_pending());
        Ok(items)
    }

    /// Deletes every item of `profile`, whatever its state (the profile is being removed).
    /// Returns how many were deleted. Alters persisted state.
    pub fn remove_profile(&self, state: &dyn Backend, profile: &str) -> Result<usize, OutboxError> {
        records::check_profile(profile)?;
        let _writing = self.lock();
        let items = scan(state, &records::profile_prefix(profile))?;
        let mut batch = Batch::new();
        for item in &items {
            batch.delete(records::item_key(profile, item.id));
            batch.delete(records::index_key(item.id));
        }
        if !batch.is_empty() {
            state.apply(TREE, batch)?;
        }
        Ok(items.len())
    }

    /// The user asks to try a failed item again: it is queued again, due at once, with fresh
    /// limits (attempts and age count from now) and the same idempotency key. Alters
    /// persisted state.
    pub fn retry_failed(
        &self,
        state: &dyn Backend,
        id: ItemId,
        now_ms: i64,
    ) -> Result<OutboxChange, OutboxError> {
        let _writing = self.lock();
        let mut item = self
            .get(state, id)?
            .ok_or(OutboxError::NotFound { id: id.0 })?;
        if !matches!(item.state, ItemState::Failed { .. }) {
            return Err(OutboxError::WrongState {
                id: id.0,
                state: state_name(&item.state),
            });
        }
        item.state = ItemState::Queued;
        item.counted_attempts = 0;
        item.limits_from_ms = now_ms;
        item.next_attempt_at_ms = now_ms;
        save(state, &item)?;
        Ok(OutboxChange::of(&item))
    }

    /// Removes one item, whatever its state (a sent one the user has seen, a failed one they
    /// give up, a queued one they take back: one already under way may still arrive).
    /// Alters persisted state.
    pub fn discard(&self, state: &dyn Backend, id: ItemId) -> Result<(), OutboxError> {
        let _writing = self.lock();
        let item = self
            .get(state, id)?
            .ok_or(OutboxError::NotFound { id: id.0 })?;
        let mut batch = Batch::new();
        batch.delete(records::item_key(&item.profile, id));
        batch.delete(records::index_key(id));
        state.apply(TREE, batch)?;
        Ok(())
    }

    /// The network came back (the platform said so): every queued item waiting for its
    /// backoff becomes due now. `Retry-After` is not kept past this (the server asked one
    /// client to slow down; a new network is a new start). Returns how many items moved.
    /// Alters persisted state.
    pub fn nudge(&self, state: &dyn Backend, now_ms: i64) -> Result<usize, OutboxError> {
        let _writing = self.lock();
        let mut batch = Batch::new();
        let mut moved = 0;
        for mut item in scan(state, records::all_items_prefix())? {
            if item.state == ItemState::Queued && item.next_attempt_at_ms > now_ms {
                item.next_attempt_at_ms = now_ms;
                batch.put(
                    records::item_key(&item.profile, item.id),
                    records::encode(&item)?,
                );
                moved += 1;
            }
        }
        if !batch.is_empty() {
            state.apply(TREE, batch)?;
        }
        Ok(moved)
    }

    /// The profiles that have items, in key order.
    pub fn profiles(&self, state: &dyn Backend) -> Result<Vec<String>, OutboxError> {
        let mut profiles: Vec<String> = Vec::new();
        for item in scan(state, records::all_items_prefix())? {
            if profiles.last() != Some(&item.profile) {
                profiles.push(item.profile);
            }
        }
        Ok(profiles)
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, ()> {
        self.writes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Writes one item back.
pub(super) fn save(state: &dyn Backend, item: &OutboxItem) -> Result<(), OutboxError> {
    let mut batch = Batch::new();
    batch.put(
        records::item_key(&item.profile, item.id),
        records::encode(item)?,
    );
    state.apply(TREE, batch)?;
    Ok(())
}

/// The items under a key prefix, in key order.
pub(super) fn scan(state: &dyn Backend, prefix: &[u8]) -> Result<Vec<OutboxItem>, OutboxError> {
    state
        .scan_prefix(TREE, prefix)?
        .iter()
        .map(|(_, value)| records::decode(value))
        .collect()
}

fn state_name(state: &ItemState) -> &'static str {
    match state {
        ItemState::Queued => "queued",
        ItemState::Sending => "sending",
        ItemState::Sent { .. } => "sent",
        ItemState::Failed { .. } => "failed",
    }
}
