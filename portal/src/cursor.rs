//! The change feed's cursors: opaque strings to clients, parsed here.
//!
//! - `s1.<head>.<after>`: continues a full snapshot started at sequence `<head>`, with the
//!   procedures whose code sorts after `<after>`.
//! - `c1.<seq>`: the changes made after sequence `<seq>`.

use std::fmt;

/// A parsed cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// A full snapshot started when the head was `head`; continues after the code `after`.
    Snapshot {
        /// The head when the snapshot started (page 1).
        head: u64,
        /// The last code already sent.
        after: String,
    },
    /// The changes after sequence `seq`.
    Changes {
        /// The last sequence the client has.
        seq: u64,
    },
}

impl Cursor {
    /// Parses a cursor; `None` when it is malformed.
    pub fn parse(text: &str) -> Option<Cursor> {
        if let Some(rest) = text.strip_prefix("s1.") {
            let (head, after) = rest.split_once('.')?;
            let after = after.to_string();
            if !longan_core::text::is_procedure_code(&after) {
                return None;
            }
            return Some(Cursor::Snapshot {
                head: parse_seq(head)?,
                after,
            });
        }
        let seq = parse_seq(text.strip_prefix("c1.")?)?;
        Some(Cursor::Changes { seq })
    }
}

/// Plain decimal digits only (no sign, no spaces), as `Display` writes them.
fn parse_seq(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cursor::Snapshot { head, after } => write!(f, "s1.{head}.{after}"),
            Cursor::Changes { seq } => write!(f, "c1.{seq}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_write() {
        for cursor in [
            Cursor::Changes { seq: 0 },
            Cursor::Changes { seq: 42 },
            Cursor::Snapshot {
                head: 7,
                after: "1.001193".into(),
            },
        ] {
            assert_eq!(Cursor::parse(&cursor.to_string()), Some(cursor));
        }
    }

    #[test]
    fn malformed_cursors_are_rejected() {
        for text in [
            "",
            "c1.",
            "c1.-1",
            "c1.+1",
            "c1.x",
            "c2.1",
            "s1.1",
            "s1.1.",
            "s1.x.1.001193",
            "s1.1.1.00119",
            "c1.99999999999999999999",
            "C1.1",
        ] {
            assert_eq!(Cursor::parse(text), None, "{text}");
        }
    }
}
