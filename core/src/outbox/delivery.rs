//! Delivering what is due: each profile's items in order, one attempt each per run, the
//! outcome written down before the next item is touched.

use std::future::Future;
use std::time::Duration;

use super::backoff::millis;
use super::error::{OutboxError, SendError};
use super::model::{ItemKind, ItemState, OutboxChange, OutboxItem};
use super::queue::{Outbox, save, scan};
use super::records;
use crate::cancel::Cancellation;
use crate::store::Backend;

/// Delivers items to a server: one attempt, no retries of its own (the outbox decides).
pub trait Sender: Send + Sync {
    /// Whether this sender delivers items of `kind`. An item it does not deliver stays
    /// queued, untouched, and holds its profile's later items back until a sender that does
    /// comes (order matters more than speed).
    fn handles(&self, kind: ItemKind) -> bool;

    /// Makes one attempt to deliver `item`, sending `item.idempotency_key` with it. `Ok` holds
    /// what the server answered to identify it (may be empty).
    fn send(
        &self,
        item: &OutboxItem,
        cancel: &Cancellation,
    ) -> impl Future<Output = Result<String, SendError>> + Send;
}

impl Outbox {
    /// Delivers what is due at `now_ms`: for each profile, its oldest pending item, then the
    /// next, while they are due and go through. An item waiting for its backoff, or a sender
    /// that does not handle it, holds back the later items of its profile, never other
    /// profiles'. A refused item fails (surfaced) and steps out of the line. One run at a time:
    /// a second call waits for the first.
    ///
    /// Returns every state change, in order, for the app layer to report. Cancelling stops
    /// after the current attempt, which is then queued again as it was. Performs network I/O
    /// through `sender`; alters persisted state before and after each attempt.
    pub async fn deliver_due<S: Sender>(
        &self,
        state: &dyn Backend,
        now_ms: i64,
        sender: &S,
        cancel: &Cancellation,
    ) -> Result<Vec<OutboxChange>, OutboxError> {
        let _running = self.delivering.lock().await;
        let mut changes = Vec::new();
        let profiles = self.profiles(state)?;
        'profiles: for profile in profiles {
            loop {
                if cancel.is_cancelled() {
                    break 'profiles;
                }
                let head = scan(state, &records::profile_prefix(&profile))?
                    .into_iter()
                    .find(|item| item.state.is_pending());
                let Some(head) = head else { break };
                if head.next_attempt_at_ms > now_ms || !sender.handles(head.kind) {
                    break;
                }
                let Some(sending) = self.mark_sending(state, &head, now_ms)? else {
                    continue; // changed meanwhile (discarded, retried): look again
                };
                changes.push(OutboxChange::of(&sending));
                let outcome = sender.send(&sending, cancel).await;
                let cancelled = matches!(outcome, Err(SendError::Cancelled));
                let next = match self.record_outcome(state, &sending, outcome, now_ms)? {
                    Some(after) => {
                        let next = match after.state {
                            ItemState::Sent { .. } | ItemState::Failed { .. } => Next::Continue,
                            _ => Next::HoldProfile,
                        };
                        changes.push(OutboxChange::of(&after));
                        next
                    }
                    // Discarded while it was under way: nothing to write back.
                    None => Next::Continue,
                };
                if cancelled {
                    break 'profiles;
                }
                if next == Next::HoldProfile {
                    break;
                }
            }
        }
        Ok(changes)
    }

    /// Marks `head` as under way, one attempt more. `None` when it changed since it was read.
    fn mark_sending(
        &self,
        state: &dyn Backend,
        head: &OutboxItem,
        now_ms: i64,
    ) -> Result<Option<OutboxItem>, OutboxError> {
        let _writing = self.lock();
        let Some(mut item) = self.get(state, head.id)? else {
            return Ok(None);
        };
        if !item.state.is_pending() || item.next_attempt_at_ms > now_ms {
            return Ok(None);
        }
        item.state = ItemState::Sending;
        item.attempts += 1;
        save(state, &item)?;
        Ok(Some(item))
    }

    /// Writes down how the attempt on `sent` ended. `None` when the item is gone meanwhile.
    fn record_outcome(
        &self,
        state: &dyn Backend,
        sent: &OutboxItem,
        outcome: Result<String, SendError>,
        now_ms: i64,
    ) -> Result<Option<OutboxItem>, OutboxError> {
        let _writing = self.lock();
        let Some(mut item) = self.get(state, sent.id)? else {
            return Ok(None);
        };
        match outcome {
            Ok(receipt) => {
                item.state = ItemState::Sent { receipt };
                item.last_error = None;
            }
            Err(SendError::Permanent { reason }) => {
                log::info!(
                    "outbox: item {} ({}) refused: {reason}",
                    item.id,
                    item.kind.as_str()
                );
                item.last_error = Some(reason.clone());
                item.state = ItemState::Failed { reason };
            }
            Err(SendError::Cancelled) => {
                // Not the item's doing: as it was before the attempt.
                item.state = ItemState::Queued;
                item.attempts = item.attempts.saturating_sub(1);
            }
            Err(SendError::Transient {
                category,
                retry_after,
                offline,
            }) => {
                if !offline {
                    item.counted_attempts += 1;
                }
                item.last_error = Some(category.clone());
                let policy = &self.policy;
                if policy.exhausted(item.counted_attempts, item.limits_from_ms, now_ms) {
                    log::info!(
                        "outbox: item {} ({}) given up after {} attempts: {category}",
                        item.id,
                        item.kind.as_str(),
                        item.attempts
                    );
                    item.state = ItemState::Failed {
                        reason: format!("gave_up_{category}"),
                    };
                } else {
                    let wait: Duration = policy.jittered_delay(item.attempts, retry_after);
                    item.state = ItemState::Queued;
                    item.next_attempt_at_ms = now_ms.saturating_add(millis(wait));
                }
            }
        }
        save(state, &item)?;
        Ok(Some(item))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Continue,
    HoldProfile,
}
