//! The durable outbox (DESIGN §3): every write a citizen makes goes here first, survives the
//! app's end, and reaches its server once, in order, when the network allows.
//!
//! - **Durable**: an item is written and flushed to `state/` before [`Outbox::enqueue`]
//!   returns; its state is written before and after each attempt.
//! - **Ordered per profile**: a profile's items go out in the order they were queued; an item
//!   waiting for its backoff holds back the later items of its profile, not other profiles'.
//! - **Exactly once at the server**: each item carries an idempotency key made when it was
//!   queued and sent with every attempt, so the server can tell a repeat (a lost answer, an
//!   app killed mid-send) from a new write.
//! - **Never forever**: transient failures back off (full jitter, 2 s doubling to 15 min, at
//!   least `Retry-After`) and give up after 20 attempts or 7 days; refusals fail at once. A
//!   failed item is shown to the user, who may try again or discard it.
//!
//! The outbox never reads payloads: a [`Sender`] per kind does (see `crate::feedback`).
//! Decisions and the table of failures: `docs/decisions/outbox.md`.

mod backoff;
mod delivery;
mod error;
mod model;
mod queue;
mod records;

pub use backoff::RetryPolicy;
pub use delivery::Sender;
pub use error::{OutboxError, SendError};
pub use model::{
    DEFAULT_PROFILE, IdempotencyKey, ItemId, ItemKind, ItemState, OutboxChange, OutboxItem,
};
pub use queue::{MAX_PAYLOAD_BYTES, Outbox};
pub use records::{MAX_PROFILE_BYTES, TREE};

#[cfg(test)]
mod tests;
