//! What a notification is: a stable id derived from the event it tells about, a kind with the
//! data to render it, a time, a target for the UI to open, and whether it was read. Title and
//! body are not stored: they are rendered when read (`render.rs`), in the reader's language.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dossier::model::AppointmentChange;
use crate::dossier::status::DossierStatus;

/// A notification's id: the first 128 bits of a SHA-256 over its identity, in lower-case hex.
/// The same event gives the same id whichever source reported it (the portal's feed, local
/// detection, a push) and on every run, which is what lets the inbox keep it exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NotificationId(String);

impl NotificationId {
    /// The id of a dossier's timeline entry: (dossier code, entry id). Entry ids never change.
    pub fn for_dossier_event(code: &str, entry_id: &str) -> NotificationId {
        NotificationId::of(&[b"event", code.as_bytes(), entry_id.as_bytes()])
    }

    /// The id of a new appointment date: (dossier code, date, when it was set).
    pub fn for_appointment(code: &str, date: &str, set_at_ms: i64) -> NotificationId {
        let set_at = set_at_ms.to_be_bytes();
        NotificationId::of(&[b"appointment", code.as_bytes(), date.as_bytes(), &set_at])
    }

    /// The id of a portal feed item that is not a dossier event: ("feed", item id).
    pub fn for_feed_item(item_id: &str) -> NotificationId {
        NotificationId::of(&[b"feed", item_id.as_bytes()])
    }

    /// The id of a reminder: ("reminder", kind, dossier code, the date it is keyed by).
    pub fn for_reminder(kind: &ReminderKind, code: &str, date: &str) -> NotificationId {
        NotificationId::of(&[
            b"reminder",
            kind.name().as_bytes(),
            code.as_bytes(),
            date.as_bytes(),
        ])
    }

    /// An id as stored or handed back by the UI (any text; unknown ids simply match nothing).
    pub fn from_string(id: impl Into<String>) -> NotificationId {
        NotificationId(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Every part is length-prefixed, so no two identities hash the same bytes.
    fn of(parts: &[&[u8]]) -> NotificationId {
        let mut hash = Sha256::new();
        hash.update(b"longan/notify/v1");
        for part in parts {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        let digest = hash.finalize();
        NotificationId(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl std::fmt::Display for NotificationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a notification tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// The dossier moved to another status (one with no kind of its own).
    StatusChanged {
        /// The national status number, 1–10.
        status: u8,
    },
    /// The office wants more documents (status 5).
    DocumentsRequested,
    /// Fees or taxes are due (status 6).
    FeeRequested,
    /// The result is ready (status 9) or was handed over (status 10).
    ResultReady {
        /// 9 or 10.
        status: u8,
    },
    /// The dossier got a new appointment date.
    AppointmentMoved {
        /// The new date, `YYYY-MM-DD`.
        date: String,
        /// The office issued an apology slip.
        apology: bool,
    },
    /// A message of the portal's feed that is no dossier event, shown as the portal wrote it
    /// (the feed is authenticated; a push payload's text never gets here).
    FeedMessage {
        /// The title, as the portal wrote it.
        title: String,
        /// The body, as the portal wrote it.
        body: String,
    },
    /// A reminder computed on the device.
    Reminder {
        /// Which reminder.
        reminder: ReminderKind,
    },
}

/// The reminders the core computes (`reminders.rs` has the rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// The appointment date is the next working day.
    AppointmentTomorrow,
    /// The appointment date passed and the result is not ready.
    AppointmentPassedWithoutResult,
    /// The office asked for documents and is still waiting.
    DocumentsStillMissing {
        /// Working days since the request, when the reminder was made.
        working_days: u32,
    },
}

impl ReminderKind {
    /// The stable name used in the reminder's identity.
    pub fn name(&self) -> &'static str {
        match self {
            ReminderKind::AppointmentTomorrow => "appointment_tomorrow",
            ReminderKind::AppointmentPassedWithoutResult => "appointment_passed",
            ReminderKind::DocumentsStillMissing { .. } => "documents_missing",
        }
    }
}

/// What the UI opens when the citizen taps a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A dossier, by its canonical code.
    Dossier {
        /// The dossier code.
        code: String,
    },
    /// A procedure of the catalogue, by its national code.
    Procedure {
        /// The procedure code.
        code: String,
    },
    /// Nothing to open.
    None,
}

/// One notification of a profile's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Stable id, from the identity of the event (see [`NotificationId`]).
    pub id: NotificationId,
    /// What it tells, with its own data.
    pub kind: NotificationKind,
    /// When it happened (milliseconds since the epoch): the timeline entry's time, when the
    /// date was set, or 08:00 in Vietnam on a reminder's day.
    pub at_ms: i64,
    /// What to open.
    pub target: Target,
    /// The procedure's name, as the portal gave it (may be empty).
    pub procedure_name: String,
    /// The dossier's national status number when it was made, if about a dossier.
    pub status: Option<u8>,
    /// The appointment date it speaks of, `YYYY-MM-DD`.
    pub appointment: Option<String>,
    /// A reminder's day (`YYYY-MM-DD`): the day it became due.
    pub day: Option<String>,
    /// The office's note (which documents, which fee), as written.
    pub note: Option<String>,
    /// The citizen has seen it.
    pub read: bool,
}

impl Notification {
    /// The notification of a dossier's timeline entry: documents requested (5), fees requested
    /// (6), result ready (9, 10), or a status change. Used by local detection and for feed items
    /// that carry a dossier event, so both give the same id.
    pub fn dossier_event(
        code: &str,
        entry_id: &str,
        status: DossierStatus,
        at_ms: i64,
        procedure_name: &str,
        note: Option<&str>,
    ) -> Notification {
        let kind = match status {
            DossierStatus::DocumentsRequested => NotificationKind::DocumentsRequested,
            DossierStatus::PaymentRequested => NotificationKind::FeeRequested,
            DossierStatus::Processed | DossierStatus::ResultReturned => {
                NotificationKind::ResultReady {
                    status: status.number(),
                }
            }
            other => NotificationKind::StatusChanged {
                status: other.number(),
            },
        };
        Notification {
            id: NotificationId::for_dossier_event(code, entry_id),
            kind,
            at_ms,
            target: dossier_target(code),
            procedure_name: procedure_name.to_string(),
            status: Some(status.number()),
            appointment: None,
            day: None,
            note: note.map(str::to_string),
            read: false,
        }
    }

    /// The notification of a new appointment date given to a dossier.
    pub fn appointment_moved(
        code: &str,
        change: &AppointmentChange,
        status: DossierStatus,
        procedure_name: &str,
    ) -> Notification {
        Notification {
            id: NotificationId::for_appointment(code, &change.date, change.set_at_ms),
            kind: NotificationKind::AppointmentMoved {
                date: change.date.clone(),
                apology: change.apology,
            },
            at_ms: change.set_at_ms,
            target: dossier_target(code),
            procedure_name: procedure_name.to_string(),
            status: Some(status.number()),
            appointment: Some(change.date.clone()),
            day: None,
            note: change.reason.clone(),
            read: false,
        }
    }

    /// A feed message that is no dossier event, kept with the portal's own text.
    pub fn feed_message(
        item_id: &str,
        at_ms: i64,
        title: &str,
        body: &str,
        target: Target,
    ) -> Notification {
        Notification {
            id: NotificationId::for_feed_item(item_id),
            kind: NotificationKind::FeedMessage {
                title: title.to_string(),
                body: body.to_string(),
            },
            at_ms,
            target,
            procedure_name: String::new(),
            status: None,
            appointment: None,
            day: None,
            note: None,
            read: false,
        }
    }

    /// The dossier code it is about, if any.
    pub fn dossier_code(&self) -> Option<&str> {
        match &self.target {
            Target::Dossier { code } => Some(code),
            _ => None,
        }
    }
}

/// The target of a dossier.
pub(super) fn dossier_target(code: &str) -> Target {
    Target::Dossier {
        code: code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "000.00.12.H39-250315-0042";

    #[test]
    fn ids_are_stable_hex_and_differ_between_identities() {
        let event = NotificationId::for_dossier_event(CODE, "e5");
        assert_eq!(event, NotificationId::for_dossier_event(CODE, "e5"));
        assert_eq!(event.as_str().len(), 32);
        assert!(event.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        let others = [
            NotificationId::for_dossier_event(CODE, "e6"),
            NotificationId::for_feed_item("e5"),
            NotificationId::for_appointment(CODE, "2026-03-20", 0),
            NotificationId::for_reminder(&ReminderKind::AppointmentTomorrow, CODE, "2026-03-20"),
            NotificationId::for_reminder(
                &ReminderKind::AppointmentPassedWithoutResult,
                CODE,
                "2026-03-20",
            ),
        ];
        for other in &others {
            assert_ne!(&event, other);
        }
        // Length prefixes keep ("ab", "c") apart from ("a", "bc").
        assert_ne!(
            NotificationId::for_dossier_event("ab", "c"),
            NotificationId::for_dossier_event("a", "bc")
        );
    }

    #[test]
    fn a_timeline_entry_becomes_the_kind_its_status_calls_for() {
        let kind = |status| Notification::dossier_event(CODE, "e", status, 0, "", None).kind;
        assert_eq!(
            kind(DossierStatus::DocumentsRequested),
            NotificationKind::DocumentsRequested
        );
        assert_eq!(
            kind(DossierStatus::PaymentRequested),
            NotificationKind::FeeRequested
        );
        assert_eq!(
            kind(DossierStatus::Processed),
            NotificationKind::ResultReady { status: 9 }
        );
        assert_eq!(
            kind(DossierStatus::ResultReturned),
            NotificationKind::ResultReady { status: 10 }
        );
        assert_eq!(
            kind(DossierStatus::Processing),
            NotificationKind::StatusChanged { status: 4 }
        );
    }

    #[test]
    fn a_notification_survives_its_stored_form() {
        let change = AppointmentChange {
            date: "2026-03-20".into(),
            set_at_ms: 5,
            reason: Some("Chờ xác minh".into()),
            apology: true,
        };
        let moved = Notification::appointment_moved(CODE, &change, DossierStatus::Processing, "X");
        let json = serde_json::to_vec(&moved).unwrap();
        assert_eq!(
            serde_json::from_slice::<Notification>(&json).unwrap(),
            moved
        );
        assert_eq!(moved.dossier_code(), Some(CODE));
    }
}
