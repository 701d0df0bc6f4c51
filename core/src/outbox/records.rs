//! How items lie in the `outbox` tree of `state/`.
//!
//! - `q/<profile>\0<id, 8 bytes big-endian>` → the item: so a profile's items scan in the order
//!   they were queued, and profiles never mix (a profile id holds no NUL).
//! - `i/<id, 8 bytes big-endian>` → the profile, to find an item by id alone.
//! - `next_id` → the next id (8 bytes big-endian).
//!
//! An item's value is a version byte, the length of its JSON header (4 bytes big-endian), the
//! header (everything but the payload), then the payload's bytes as they are.

use super::error::OutboxError;
use super::model::{ItemId, OutboxItem};

/// The tree of the outbox in `state/`.
pub const TREE: &str = "outbox";
/// The key of the id counter.
pub const NEXT_ID_KEY: &[u8] = b"next_id";
const ITEM_PREFIX: &[u8] = b"q/";
const INDEX_PREFIX: &[u8] = b"i/";
const RECORD_VERSION: u8 = 1;

/// Longest profile id, in bytes.
pub const MAX_PROFILE_BYTES: usize = 128;

/// Checks a profile id can be part of a key.
pub fn check_profile(profile: &str) -> Result<(), OutboxError> {
    let bad = |reason: &str| {
        Err(OutboxError::BadProfile {
            reason: reason.to_string(),
        })
    };
    if profile.is_empty() {
        return bad("empty");
    }
    if profile.len() > MAX_PROFILE_BYTES {
        return bad("longer than 128 bytes");
    }
    if profile.chars().any(char::is_control) {
        return bad("holds a control character");
    }
    Ok(())
}

/// The prefix of every item key of `profile`.
pub fn profile_prefix(profile: &str) -> Vec<u8> {
    let mut key = ITEM_PREFIX.to_vec();
    key.extend_from_slice(profile.as_bytes());
    key.push(0);
    key
}

/// The prefix of every item key.
pub fn all_items_prefix() -> &'static [u8] {
    ITEM_PREFIX
}

/// The key of an item.
pub fn item_key(profile: &str, id: ItemId) -> Vec<u8> {
    let mut key = profile_prefix(profile);
    key.extend_from_slice(&id.0.to_be_bytes());
    key
}

/// The key of an item's index entry.
pub fn index_key(id: ItemId) -> Vec<u8> {
    let mut key = INDEX_PREFIX.to_vec();
    key.extend_from_slice(&id.0.to_be_bytes());
    key
}

/// Encodes an item.
pub fn encode(item: &OutboxItem) -> Result<Vec<u8>, OutboxError> {
    let header = serde_json::to_vec(item).map_err(|error| OutboxError::Corrupt {
        reason: format!("an item cannot be encoded: {error}"),
    })?;
    let length = u32::try_from(header.len()).map_err(|_| OutboxError::Corrupt {
        reason: "an item's header is too large".into(),
    })?;
    let mut value = Vec::with_capacity(5 + header.len() + item.payload.len());
    value.push(RECORD_VERSION);
    value.extend_from_slice(&length.to_be_bytes());
    value.extend_from_slice(&header);
    value.extend_from_slice(&item.payload);
    Ok(value)
}

/// Decodes an item.
pub fn decode(value: &[u8]) -> Result<OutboxItem, OutboxError> {
    let corrupt = |reason: String| OutboxError::Corrupt { reason };
    let (&version, rest) = value
        .split_first()
        .ok_or_else(|| corrupt("an empty item record".into()))?;
    if version != RECORD_VERSION {
        return Err(corrupt(format!("an item record of version {version}")));
    }
    let (length, rest) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| corrupt("an item record cut short".into()))?;
    let length = u32::from_be_bytes(*length) as usize;
    if rest.len() < length {
        return Err(corrupt("an item record cut short".into()));
    }
    let (header, payload) = rest.split_at(length);
    let mut item: OutboxItem = serde_json::from_slice(header)
        .map_err(|error| corrupt(format!("an item header is unreadable: {error}")))?;
    item.payload = payload.to_vec();
    Ok(item)
}

/// Decodes the counter.
pub fn decode_id(value: &[u8]) -> Result<u64, OutboxError> {
    <[u8; 8]>::try_from(value)
        .map(u64::from_be_bytes)
        .map_err(|_| OutboxError::Corrupt {
            reason: "the id counter is unreadable".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::model::{IdempotencyKey, ItemKind, ItemState};

    fn item(id: u64, payload: &[u8]) -> OutboxItem {
        OutboxItem {
            id: ItemId(id),
            profile: "default".into(),
            kind: ItemKind::Feedback,
            payload: payload.to_vec(),
            idempotency_key: IdempotencyKey::generate(),
            created_at_ms: 1_000,
            limits_from_ms: 1_000,
            attempts: 2,
            counted_attempts: 1,
            next_attempt_at_ms: 5_000,
            last_error: Some("timeout".into()),
            state: ItemState::Failed {
                reason: "refused_422".into(),
            },
        }
    }

    #[test]
    fn an_item_round_trips_with_its_payload_byte_for_byte() {
        let original = item(7, &[0, 255, 1, 0xA5]);
        assert_eq!(decode(&encode(&original).unwrap()).unwrap(), original);
        let empty = item(8, &[]);
        assert_eq!(decode(&encode(&empty).unwrap()).unwrap(), empty);
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        let value = encode(&item(7, b"x")).unwrap();
        for bad in [&[][..], &[9][..], &value[..3], &value[..value.len() - 3]] {
            assert!(matches!(decode(bad), Err(OutboxError::Corrupt { .. })));
        }
    }

    #[test]
    fn keys_order_by_profile_then_id() {
        let keys = [
            item_key("a", ItemId(2)),
            item_key("a", ItemId(256)),
            item_key("a", ItemId(u64::MAX)),
            item_key("a b", ItemId(1)),
            item_key("ab", ItemId(0)),
        ];
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(item_key("a", ItemId(9)).starts_with(&profile_prefix("a")));
        assert!(!item_key("ab", ItemId(9)).starts_with(&profile_prefix("a")));
    }

    #[test]
    fn profile_ids_must_fit_in_a_key() {
        assert!(check_profile("default").is_ok());
        assert!(check_profile("").is_err());
        assert!(check_profile("a\0b").is_err());
        assert!(check_profile(&"x".repeat(129)).is_err());
    }
}
