//! The signed-in citizen's notification feed (`GET /v1/me/notifications`): items made from the
//! account's dossiers as they stand now, in one order, read a page at a time after a cursor.
//!
//! - one `dossier_event` per timeline entry of each dossier (id `<code>/<entry id>`);
//! - one `appointment_moved` per appointment date after a dossier's first one (id
//!   `<code>/appointment/<set_at_ms>`);
//! - one welcome `message` per account (id [`WELCOME_ID`]), at the reception of its first
//!   dossier; an account without dossiers gets none.
//!
//! Items are ordered by (`at_ms`, `id`). Dossiers only ever gain entries at the portal's now
//! (its clock never goes back), so what is new sorts after what a client already read, and a
//! cursor — the (`at_ms`, `id`) of the last item read and the epoch of the stories — finds
//! the rest. Cursors are opaque to clients: base64url (no padding) of
//! `n1.<epoch_ms>.<at_ms>.<id>`. One from before a reset of the stories (another epoch), one
//! pointing past the portal's now, or one that does not decode is refused. (An item made in
//! the very millisecond of the cursor's item with an id sorting before it would be missed;
//! test control makes one change per request.)

use longan_core::dossier::model::Dossier;
use longan_core::portal::wire::{FeedItem, NotificationPage};

/// The id of the welcome message.
pub const WELCOME_ID: &str = "msg-welcome";
/// The welcome message's title.
pub const WELCOME_TITLE: &str = "Chào mừng bạn đến với Long An Số";
/// The welcome message's body.
pub const WELCOME_BODY: &str = "Từ nay, ứng dụng báo cho bạn mỗi khi hồ sơ của bạn có thay \
     đổi: khi cơ quan cần bổ sung giấy tờ, khi có phí cần nộp, khi đổi ngày hẹn trả và khi \
     kết quả đã sẵn sàng.";

/// The version prefix of the cursors this portal writes.
const CURSOR_VERSION: &str = "n1";

/// A position in the feed: after the item with this (`at_ms`, `id`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// The item's time.
    pub at_ms: i64,
    /// The item's id.
    pub id: String,
}

/// Why a cursor was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorError {
    /// Not a cursor this portal writes.
    Malformed,
    /// A cursor of stories since reset (another epoch), or one past the portal's now.
    Stale,
}

/// Reads a cursor given with `epoch_ms` at or before `now_ms`.
pub fn parse_cursor(text: &str, epoch_ms: i64, now_ms: i64) -> Result<Position, CursorError> {
    let bytes = base64url_decode(text).ok_or(CursorError::Malformed)?;
    let text = String::from_utf8(bytes).map_err(|_| CursorError::Malformed)?;
    let mut parts = text.splitn(4, '.');
    let (Some(CURSOR_VERSION), Some(epoch), Some(at), Some(id)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CursorError::Malformed);
    };
    let (epoch, at_ms) = (number(epoch)?, number(at)?);
    if id.is_empty() || id.chars().any(char::is_control) {
        return Err(CursorError::Malformed);
    }
    if epoch != epoch_ms || at_ms > now_ms {
        return Err(CursorError::Stale);
    }
    Ok(Position {
        at_ms,
        id: id.to_string(),
    })
}

/// The cursor after `position` in the stories started at `epoch_ms`.
pub fn write_cursor(position: &Position, epoch_ms: i64) -> String {
    let text = format!(
        "{CURSOR_VERSION}.{epoch_ms}.{}.{}",
        position.at_ms, position.id
    );
    base64url_encode(text.as_bytes())
}

/// Plain decimal digits (no sign), as `Display` writes a non-negative `i64`.
fn number(text: &str) -> Result<i64, CursorError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CursorError::Malformed);
    }
    text.parse().map_err(|_| CursorError::Malformed)
}

/// Every item of the feed of an account owning `dossiers`, in feed order.
pub fn items_of(dossiers: &[Dossier]) -> Vec<(Position, FeedItem)> {
    let mut items = Vec::new();
    for dossier in dossiers {
        for entry in &dossier.timeline {
            let id = format!("{}/{}", dossier.code, entry.id);
            let item = FeedItem::DossierEvent {
                id: id.clone(),
                dossier_code: dossier.code.clone(),
                timeline_entry_id: entry.id.clone(),
                status: entry.status.number(),
                at_ms: entry.at_ms,
                procedure_name: dossier.procedure_name.clone(),
                note: entry.note.clone(),
            };
            items.push((
                Position {
                    at_ms: entry.at_ms,
                    id,
                },
                item,
            ));
        }
        for change in dossier.appointment_history.iter().skip(1) {
            let id = format!("{}/appointment/{}", dossier.code, change.set_at_ms);
            let status = dossier
                .timeline
                .iter()
                .rev()
                .find(|entry| entry.at_ms <= change.set_at_ms)
                .map_or(dossier.status, |entry| entry.status);
            let item = FeedItem::AppointmentMoved {
                id: id.clone(),
                dossier_code: dossier.code.clone(),
                date: change.date.clone(),
                apology: change.apology,
                at_ms: change.set_at_ms,
                reason: change.reason.clone(),
                status: Some(status.number()),
                procedure_name: dossier.procedure_name.clone(),
            };
            let at_ms = change.set_at_ms;
            items.push((Position { at_ms, id }, item));
        }
    }
    if let Some(first) = dossiers.iter().map(|d| d.received_at_ms).min() {
        let item = FeedItem::Message {
            id: WELCOME_ID.to_string(),
            title: WELCOME_TITLE.to_string(),
            body: WELCOME_BODY.to_string(),
            at_ms: first,
        };
        let id = WELCOME_ID.to_string();
        items.push((Position { at_ms: first, id }, item));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items
}

/// The page of at most `limit` items after `since` (from the start without one), its
/// `next_cursor` written for `epoch_ms`.
pub fn page(
    items: Vec<(Position, FeedItem)>,
    since: Option<&Position>,
    limit: usize,
    epoch_ms: i64,
) -> NotificationPage {
    let chosen: Vec<(Position, FeedItem)> = items
        .into_iter()
        .filter(|(position, _)| since.is_none_or(|since| position > since))
        .take(limit)
        .collect();
    let next_cursor = chosen
        .last()
        .map(|(position, _)| write_cursor(position, epoch_ms));
    NotificationPage {
        items: chosen.into_iter().map(|(_, item)| item).collect(),
        next_cursor,
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5).
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
        }
    }
    out
}

/// Reads base64url without padding; `None` for anything [`base64url_encode`] never writes.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let value = |c: u8| ALPHABET.iter().position(|a| *a == c).map(|v| v as u32);
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (k, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * k);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let kept = chunk.len() - 1;
        // The bits past the last byte must be zero, as the encoder leaves them.
        if bytes[kept..].iter().any(|b| *b != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[..kept]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use longan_core::dossier::model::{AppointmentChange, TimelineEntry};
    use longan_core::dossier::status::DossierStatus;

    use super::*;

    fn dossier(code: &str, received_at_ms: i64, steps: &[(i64, DossierStatus)]) -> Dossier {
        let timeline: Vec<TimelineEntry> = steps
            .iter()
            .enumerate()
            .map(|(k, (at_ms, status))| TimelineEntry {
                id: format!("{code}#{}", k + 1),
                at_ms: *at_ms,
                status: *status,
                status_text: status.label_vi().into(),
                note: None,
            })
            .collect();
        let status = timeline
            .last()
            .map_or(DossierStatus::Registered, |e| e.status);
        Dossier {
            code: code.into(),
            version: timeline.len() as u64,
            status,
            status_text: status.label_vi().into(),
            procedure_code: "1.001193".into(),
            procedure_name: "Đăng ký khai sinh".into(),
            agency: "UBND".into(),
            applicant: "Trần T** L**".into(),
            received_at_ms,
            appointment: None,
            appointment_history: Vec::new(),
            timeline,
        }
    }

    fn ids(page: &NotificationPage) -> Vec<&str> {
        page.items.iter().filter_map(FeedItem::id).collect()
    }

    #[test]
    fn base64url_reads_back_what_it_writes_and_nothing_else() {
        for text in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "n1.1.2.a/b#3 ư",
        ] {
            let encoded = base64url_encode(text.as_bytes());
            assert!(!encoded.contains('='), "{encoded}");
            assert_eq!(base64url_decode(&encoded).unwrap(), text.as_bytes());
        }
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"fo"), "Zm8");
        for garbage in ["Z", "Zm9=", "Zm+v", "Zm/v", "Zm9 ", "Zn"] {
            assert_eq!(base64url_decode(garbage), None, "{garbage}");
        }
    }

    #[test]
    fn cursors_read_back_and_stale_or_garbage_ones_are_refused() {
        let position = Position {
            at_ms: 1_000,
            id: "000.00.27.H39-251128-0007/000.00.27.H39-251128-0007#2".into(),
        };
        let cursor = write_cursor(&position, 5);
        assert_eq!(parse_cursor(&cursor, 5, 1_000), Ok(position.clone()));
        assert_eq!(parse_cursor(&cursor, 6, 1_000), Err(CursorError::Stale));
        assert_eq!(parse_cursor(&cursor, 5, 999), Err(CursorError::Stale));
        for garbage in [
            "",
            "abc",
            "c1.0",
            &base64url_encode(b"n1.5.1000."),
            &base64url_encode(b"n2.5.1000.x"),
            &base64url_encode(b"n1.5.-1.x"),
            &base64url_encode(b"n1.x.1.x"),
            &base64url_encode(b"n1.5.1000"),
            &base64url_encode(b"n1.5.99999999999999999999.x"),
            &base64url_encode(&[0xff, 0xfe]),
        ] {
            assert_eq!(
                parse_cursor(garbage, 5, 1_000),
                Err(CursorError::Malformed),
                "{garbage}"
            );
        }
    }

    #[test]
    fn items_are_ordered_by_time_then_id_and_pages_continue_after_the_cursor() {
        use DossierStatus::*;
        let mut moved = dossier(
            "B",
            100,
            &[(100, Registered), (200, Accepted), (400, Processing)],
        );
        moved.appointment_history = vec![
            AppointmentChange {
                date: "2025-01-10".into(),
                set_at_ms: 200,
                reason: None,
                apology: false,
            },
            AppointmentChange {
                date: "2025-01-15".into(),
                set_at_ms: 300,
                reason: Some("xác minh".into()),
                apology: true,
            },
        ];
        let other = dossier("A", 50, &[(50, Registered), (200, Accepted)]);
        let items = items_of(&[moved, other]);
        let all = page(items.clone(), None, 100, 7);
        assert_eq!(
            ids(&all),
            [
                "A/A#1",
                WELCOME_ID,
                "B/B#1",
                "A/A#2",
                "B/B#2",
                "B/appointment/300",
                "B/B#3"
            ]
        );
        let FeedItem::AppointmentMoved {
            status, apology, ..
        } = &all.items[5]
        else {
            panic!("{:?}", all.items[5]);
        };
        assert_eq!((*status, *apology), (Some(Accepted.number()), true));
        let FeedItem::Message { at_ms, .. } = &all.items[1] else {
            panic!("{:?}", all.items[1]);
        };
        assert_eq!(*at_ms, 50);

        // Pages of three, each after the last one's cursor, give the same items.
        let mut since: Option<Position> = None;
        let mut read = Vec::new();
        loop {
            let part = page(items.clone(), since.as_ref(), 3, 7);
            let Some(cursor) = part.next_cursor.clone() else {
                assert!(part.items.is_empty());
                break;
            };
            assert!(part.items.len() <= 3);
            read.extend(part.items);
            since = Some(parse_cursor(&cursor, 7, 1_000).unwrap());
        }
        assert_eq!(read, all.items);
        assert!(items_of(&[]).is_empty());
    }
}
