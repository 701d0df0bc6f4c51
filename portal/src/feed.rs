//! The catalogue as the portal serves it, with its change log: every upsert or delete is a
//! change with the next sequence number; the loaded seed is the state at sequence 0.

use std::collections::BTreeMap;
use std::ops::Bound;

use longan_core::catalog::ProcedureDetails;
use longan_core::portal::wire::{ChangesPage, WireProcedure};

use crate::cursor::Cursor;
use crate::etag;

/// One served procedure: its summary and, when the portal has one, its full record.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The summary the feed carries.
    pub summary: WireProcedure,
    /// The full record, for the details endpoint.
    pub details: Option<ProcedureDetails>,
}

/// A code's latest change: the sequence that made it, and the entry (`None` once deleted).
#[derive(Debug)]
struct Slot {
    seq: u64,
    entry: Option<Entry>,
}

/// Why a cursor cannot be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedError {
    /// The cursor is older than the change log kept, or unknown to this server (a sequence
    /// beyond the head: the server restarted): the client must start a full snapshot.
    Expired,
}

/// The catalogue and its change log.
#[derive(Debug)]
pub struct Feed {
    slots: BTreeMap<String, Slot>,
    /// `log[i]` is the code changed by sequence `i + 1`.
    log: Vec<String>,
    oldest_valid_seq: u64,
}

/// Suffix `touch` appends to names (and removes again the next time).
const TOUCHED: &str = " (sửa đổi)";

impl Feed {
    /// The state at sequence 0.
    pub fn new(entries: impl IntoIterator<Item = Entry>) -> Feed {
        let slots = entries
            .into_iter()
            .map(|entry| {
                let code = entry.summary.code.clone();
                (
                    code,
                    Slot {
                        seq: 0,
                        entry: Some(entry),
                    },
                )
            })
            .collect();
        Feed {
            slots,
            log: Vec::new(),
            oldest_valid_seq: 0,
        }
    }

    /// The sequence of the latest change (0 before any).
    pub fn head(&self) -> u64 {
        self.log.len() as u64
    }

    /// Number of procedures served now.
    pub fn len(&self) -> usize {
        self.live().count()
    }

    /// The procedure with this code, unless absent or deleted.
    pub fn entry(&self, code: &str) -> Option<&Entry> {
        self.slots.get(code)?.entry.as_ref()
    }

    /// Checks that `cursor` can be served and returns the tag of its page.
    pub fn etag(&self, cursor: Option<&Cursor>, limit: u32) -> Result<String, FeedError> {
        let head = self.head();
        match cursor {
            None => Ok(etag::feed(head, limit, Some(head))),
            Some(Cursor::Snapshot { head: start, .. }) if *start <= head => {
                Ok(etag::feed(head, limit, Some(*start)))
            }
            Some(Cursor::Changes { seq }) if (self.oldest_valid_seq..=head).contains(seq) => {
                Ok(etag::feed(head, limit, None))
            }
            Some(_) => Err(FeedError::Expired),
        }
    }

    /// The page `cursor` asks for, at most `limit` procedures.
    pub fn page(&self, cursor: Option<&Cursor>, limit: u32) -> Result<ChangesPage, FeedError> {
        self.etag(cursor, limit)?;
        let limit = limit as usize;
        Ok(match cursor {
            None => self.snapshot_page(self.head(), None, limit),
            Some(Cursor::Snapshot { head, after }) => self.snapshot_page(*head, Some(after), limit),
            Some(Cursor::Changes { seq }) => self.changes_page(*seq, limit),
        })
    }

    fn live(&self) -> impl Iterator<Item = (&String, &Entry)> {
        self.slots
            .iter()
            .filter_map(|(code, slot)| Some((code, slot.entry.as_ref()?)))
    }

    fn snapshot_page(&self, start: u64, after: Option<&String>, limit: usize) -> ChangesPage {
        let from = after.map_or(Bound::Unbounded, |code| Bound::Excluded(code.as_str()));
        let mut rest = self
            .slots
            .range::<str, _>((from, Bound::Unbounded))
            .filter_map(|(code, slot)| Some((code, slot.entry.as_ref()?)));
        let upserts: Vec<WireProcedure> = rest
            .by_ref()
            .take(limit)
            .map(|(_, entry)| entry.summary.clone())
            .collect();
        let has_more = rest.next().is_some();
        let next_cursor = match upserts.last() {
            Some(last) if has_more => Cursor::Snapshot {
                head: start,
                after: last.code.clone(),
            },
            _ => Cursor::Changes { seq: start },
        };
        ChangesPage {
            upserts,
            deletes: Vec::new(),
            next_cursor: next_cursor.to_string(),
            has_more,
            snapshot: true,
        }
    }

    /// The codes changed after `after`, once each (at its latest change), in sequence order.
    fn changes_page(&self, after: u64, limit: usize) -> ChangesPage {
        let mut latest = self.log[after as usize..]
            .iter()
            .zip(after + 1..)
            .filter_map(|(code, seq)| {
                let slot = &self.slots[code];
                (slot.seq == seq).then_some((seq, code, slot))
            });
        let included: Vec<_> = latest.by_ref().take(limit).collect();
        let has_more = latest.next().is_some();
        let last_seq = included.last().map_or(after, |(seq, _, _)| *seq);
        let mut page = ChangesPage {
            upserts: Vec::new(),
            deletes: Vec::new(),
            next_cursor: Cursor::Changes { seq: last_seq }.to_string(),
            has_more,
            snapshot: false,
        };
        for (_, code, slot) in included {
            match &slot.entry {
                Some(entry) => page.upserts.push(entry.summary.clone()),
                None => page.deletes.push(code.clone()),
            }
        }
        page.upserts.sort_by(|a, b| a.code.cmp(&b.code));
        page.deletes.sort();
        page
    }

    fn record(&mut self, code: &str, entry: Option<Entry>) -> u64 {
        self.log.push(code.to_string());
        let seq = self.head();
        self.slots.insert(code.to_string(), Slot { seq, entry });
        seq
    }

    /// Adds or replaces a procedure (keeping its full record, if any); returns the new head.
    pub fn upsert(&mut self, summary: WireProcedure) -> u64 {
        let details = self
            .entry(&summary.code)
            .and_then(|entry| entry.details.clone());
        let code = summary.code.clone();
        self.record(&code, Some(Entry { summary, details }))
    }

    /// Removes a procedure; returns the new head, or `None` when it is not served.
    pub fn delete(&mut self, code: &str) -> Option<u64> {
        self.entry(code)?;
        Some(self.record(code, None))
    }

    /// Makes every incremental cursor before the head expire.
    pub fn expire_cursors(&mut self) {
        self.oldest_valid_seq = self.head();
    }

    /// Renames `percent` % of the served procedures, evenly spread in code order (appending
    /// or removing " (sửa đổi)"), one change each; returns how many.
    pub fn touch(&mut self, percent: u32) -> usize {
        let codes: Vec<String> = self.live().map(|(code, _)| code.clone()).collect();
        let count = (codes.len() * percent.min(100) as usize).div_ceil(100);
        for i in 0..count {
            let code = &codes[i * codes.len() / count];
            let mut entry = self.entry(code).cloned().expect("a served code");
            entry.summary.name = toggled(&entry.summary.name);
            if let Some(details) = &mut entry.details {
                details.name = toggled(&details.name);
            }
            self.record(code, Some(entry));
        }
        count
    }
}

fn toggled(name: &str) -> String {
    match name.strip_suffix(TOUCHED) {
        Some(original) => original.to_string(),
        None => format!("{name}{TOUCHED}"),
    }
}

#[cfg(test)]
mod tests;
