//! What the outbox holds: items, their kinds and states, and the changes it reports.

use serde::{Deserialize, Serialize};

/// The profile every item belongs to until profiles exist.
pub const DEFAULT_PROFILE: &str = "default";

/// An item's id: a sequence number, increasing in the order items were queued (across all
/// profiles, so also within each). Stable for the item's life; never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub u64);

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What an item is, which says which [`crate::outbox::Sender`] delivers it. Stored by name
/// (`"feedback"`, `"token_revocation"`): a new kind is a new variant, nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A citizen's feedback to the 1022 service (`crate::feedback`).
    Feedback,
    /// Revoking a signed-out session's refresh token at the identity provider (its sender
    /// comes with the login work).
    TokenRevocation,
    /// Registering this installation for the pushes of the profile in use (`crate::device`).
    PushRegistration,
    /// Removing a profile's push registration of this installation (`crate::device`).
    PushUnregistration,
}

impl ItemKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Feedback => "feedback",
            ItemKind::TokenRevocation => "token_revocation",
            ItemKind::PushRegistration => "push_registration",
            ItemKind::PushUnregistration => "push_unregistration",
        }
    }
}

/// Where an item is on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ItemState {
    /// Waiting for its turn (at `next_attempt_at_ms`, after the items before it).
    Queued,
    /// An attempt is under way. Found so on open (the app died meanwhile), it is queued again.
    Sending,
    /// The server has it.
    Sent {
        /// What the server answered to identify it (e.g. the 1022 service's id); may be empty.
        receipt: String,
    },
    /// Given up: refused by the server, or still failing after the limits. Surfaced to the
    /// user, who may try again ([`crate::outbox::Outbox::retry_failed`]) or discard it.
    Failed {
        /// Why, in a few words (a category, never personal data).
        reason: String,
    },
}

impl ItemState {
    /// Still to be delivered (queued or under way).
    pub fn is_pending(&self) -> bool {
        matches!(self, ItemState::Queued | ItemState::Sending)
    }
}

/// The key the server tells repeats of one write apart by (`Idempotency-Key`): 128 random
/// bits, written as a UUID (version 4), made once when the item is queued and sent with every
/// attempt.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A new random key, from the system's generator (keys of all phones meet at the portal,
    /// so they must not repeat; should the system fail to give randomness, a thread-local one).
    pub fn generate() -> IdempotencyKey {
        let mut bytes = [0u8; 16];
        let mut bits = match getrandom::getrandom(&mut bytes) {
            Ok(()) => u128::from_le_bytes(bytes),
            Err(_) => fastrand::u128(..),
        };
        // RFC 9562: version 4 (random), variant 10.
        bits = (bits & !(0xF << 76)) | (0x4 << 76);
        bits = (bits & !(0x3 << 62)) | (0x2 << 62);
        let hex = format!("{bits:032x}");
        IdempotencyKey(format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ))
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One write waiting to reach a server, or that reached it (or gave up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Its id.
    pub id: ItemId,
    /// The profile it belongs to; items of one profile are delivered in order.
    pub profile: String,
    /// What it is.
    pub kind: ItemKind,
    /// The body, opaque to the outbox (its sender knows the format; the caller may encrypt it).
    #[serde(skip)]
    pub payload: Vec<u8>,
    /// Sent as `Idempotency-Key` on every attempt.
    pub idempotency_key: IdempotencyKey,
    /// When it was queued (milliseconds since the Unix epoch, the core's clock).
    pub created_at_ms: i64,
    /// When the current round of attempts began (queued, or retried by the user): the age
    /// limit counts from here.
    pub limits_from_ms: i64,
    /// Attempts made so far.
    pub attempts: u32,
    /// Attempts that count towards the limit: all but those that found no network (a phone
    /// offline for a day must not use up its item's attempts).
    pub counted_attempts: u32,
    /// Not to be tried before this time.
    pub next_attempt_at_ms: i64,
    /// The last failure's category (`offline`, `timeout`, `server_error`, …), never personal
    /// data.
    pub last_error: Option<String>,
    /// Where it is.
    #[serde(flatten)]
    pub state: ItemState,
}

/// A change of an item's state, for the app layer to turn into events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxChange {
    /// The item.
    pub id: ItemId,
    /// Its profile.
    pub profile: String,
    /// Its kind.
    pub kind: ItemKind,
    /// Its state now.
    pub state: ItemState,
    /// Attempts made so far.
    pub attempts: u32,
    /// When it is tried next (meaningful while queued).
    pub next_attempt_at_ms: i64,
    /// The last failure's category (`offline`, `timeout`, …), while it is still to be retried.
    pub last_error: Option<String>,
}

impl OutboxChange {
    pub(crate) fn of(item: &OutboxItem) -> OutboxChange {
        OutboxChange {
            id: item.id,
            profile: item.profile.clone(),
            kind: item.kind,
            state: item.state.clone(),
            attempts: item.attempts,
            next_attempt_at_ms: item.next_attempt_at_ms,
            last_error: item.last_error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_random_version_4_uuids() {
        let first = IdempotencyKey::generate();
        let second = IdempotencyKey::generate();
        assert_ne!(first, second);
        let text = first.as_str();
        assert_eq!(text.len(), 36);
        let groups: Vec<&str> = text.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'));
        assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert!(
            text.bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }

    #[test]
    fn kinds_and_states_are_stored_by_name() {
        assert_eq!(
            serde_json::to_string(&ItemKind::TokenRevocation).unwrap(),
            "\"token_revocation\""
        );
        assert_eq!(ItemKind::Feedback.as_str(), "feedback");
        let sent = ItemState::Sent {
            receipt: "fb-1".into(),
        };
        assert_eq!(
            serde_json::to_string(&sent).unwrap(),
            r#"{"state":"sent","receipt":"fb-1"}"#
        );
    }
}
