//! The 1022 feedback the portal received, in memory, with the idempotency keys it was sent
//! under: one record per key, however often the key arrives.
//!
//! Holds citizens' words and phone numbers: its `Debug` shows counts only, and nothing here
//! is ever logged.

use std::collections::{BTreeMap, HashMap};

use longan_core::portal::wire::{FeedbackReceipt, FeedbackRequest, FeedbackState};
use serde_json::Value;

/// One stored feedback.
struct Record {
    /// The body as first received (parsed), to tell a replay from a reuse of the key.
    body: Value,
    receipt: FeedbackReceipt,
    /// Kept as a real service would keep it (the reference portal only counts it).
    _request: FeedbackRequest,
}

/// What a `POST` with a key already stored gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repeat {
    /// The same body again: the first answer again.
    Replay(FeedbackReceipt),
    /// Another body under the same key.
    Conflict,
}

/// The feedback received.
#[derive(Default)]
pub struct FeedbackBook {
    records: Vec<Record>,
    by_key: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
    posts: BTreeMap<String, u64>,
}

impl std::fmt::Debug for FeedbackBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedbackBook")
            .field("stored", &self.records.len())
            .field("keys_posted", &self.posts.len())
            .finish()
    }
}

impl FeedbackBook {
    /// Counts a `POST` carrying `key` (whatever becomes of it).
    pub fn count_post(&mut self, key: &str) {
        *self.posts.entry(key.to_string()).or_default() += 1;
    }

    /// What a `POST` of `body` under `key` repeats, if the key is stored.
    pub fn repeat(&self, key: &str, body: &Value) -> Option<Repeat> {
        let record = &self.records[*self.by_key.get(key)?];
        Some(match record.body == *body {
            true => Repeat::Replay(record.receipt.clone()),
            false => Repeat::Conflict,
        })
    }

    /// Stores a new feedback under `key`, received at `now_ms`; its receipt.
    pub fn store(
        &mut self,
        key: &str,
        body: Value,
        request: FeedbackRequest,
        now_ms: i64,
    ) -> FeedbackReceipt {
        let index = self.records.len();
        let receipt = FeedbackReceipt {
            id: format!("fb-{:06}", index + 1),
            status: FeedbackState::Received,
            received_at_ms: now_ms,
        };
        self.records.push(Record {
            body,
            receipt: receipt.clone(),
            _request: request,
        });
        self.by_key.insert(key.to_string(), index);
        self.by_id.insert(receipt.id.clone(), index);
        receipt
    }

    /// The receipt of the feedback with this id.
    pub fn receipt(&self, id: &str) -> Option<&FeedbackReceipt> {
        self.by_id
            .get(id)
            .map(|index| &self.records[*index].receipt)
    }

    /// Feedback stored.
    pub fn stored(&self) -> usize {
        self.records.len()
    }

    /// `POST`s received per idempotency key.
    pub fn posts(&self) -> &BTreeMap<String, u64> {
        &self.posts
    }
}

#[cfg(test)]
mod tests {
    use longan_core::portal::wire::FeedbackCategory;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_key_stores_once_then_replays_or_conflicts() {
        let mut book = FeedbackBook::default();
        let body = json!({ "category": "traffic", "text": "Đèn tín hiệu hỏng" });
        let request: FeedbackRequest = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(request.category, FeedbackCategory::Traffic);
        assert_eq!(book.repeat("k", &body), None);
        let receipt = book.store("k", body.clone(), request, 5);
        assert_eq!(
            book.repeat("k", &body),
            Some(Repeat::Replay(receipt.clone()))
        );
        let other = json!({ "category": "traffic", "text": "khác" });
        assert_eq!(book.repeat("k", &other), Some(Repeat::Conflict));
        assert_eq!(book.receipt(&receipt.id), Some(&receipt));
        assert_eq!(book.stored(), 1);
        let shown = format!("{book:?}");
        assert!(!shown.contains("Đèn"), "{shown}");
    }
}
