//! How the inbox and refresh commands print: one line per notification for people, one JSON
//! object for scripts with the FFI's `NotificationView` field names (`at` as `at_ms`).

use longan_core::app::RefreshReport;
use longan_core::calendar::LocalDate;
use longan_core::notify::{Language, Notification, Target, render};
use serde_json::{Value, json};

use crate::failure::Failure;

const MS_PER_DAY: i64 = 86_400_000;
const VIETNAM_OFFSET_MS: i64 = 7 * 3_600_000;

/// An instant in Vietnam's time (UTC+07:00, no daylight saving): the date and the seconds
/// since its midnight.
fn in_vietnam(ms: i64) -> Option<(LocalDate, i64)> {
    let local = ms.checked_add(VIETNAM_OFFSET_MS)?;
    let date = LocalDate::from_epoch_day(local.div_euclid(MS_PER_DAY))?;
    Some((date, local.rem_euclid(MS_PER_DAY) / 1000))
}

/// RFC 3339 in Vietnam's offset: `2026-03-16T08:00:00+07:00`.
pub fn rfc3339_vietnam(ms: i64) -> String {
    match in_vietnam(ms) {
        Some((date, secs)) => format!(
            "{date}T{:02}:{:02}:{:02}+07:00",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        ),
        None => format!("{ms} ms"),
    }
}

/// Date and minute in Vietnam, for a person: `2026-03-16 08:00`.
fn short_time(ms: i64) -> String {
    match in_vietnam(ms) {
        Some((date, secs)) => format!("{date} {:02}:{:02}", secs / 3600, secs / 60 % 60),
        None => format!("{ms} ms"),
    }
}

fn language_tag(language: Language) -> &'static str {
    match language {
        Language::Vi => "vi",
        Language::En => "en",
    }
}

/// A notification as the FFI's `NotificationView`: `id`, `title`, `body`, `at_ms`,
/// `dossier_code`, `procedure_code`, `read`.
fn notification_json(notification: &Notification, language: Language) -> Value {
    let words = render(notification, language);
    let (dossier_code, procedure_code) = match &notification.target {
        Target::Dossier { code } => (Some(code.as_str()), None),
        Target::Procedure { code } => (None, Some(code.as_str())),
        Target::None => (None, None),
    };
    json!({
        "id": notification.id.as_str(),
        "title": words.title,
        "body": words.body,
        "at_ms": notification.at_ms,
        "dossier_code": dossier_code,
        "procedure_code": procedure_code,
        "read": notification.read,
    })
}

fn unread_line(unread: usize, language: Language) -> String {
    match language {
        Language::Vi => format!("{unread} thông báo chưa đọc.\n"),
        Language::En => format!("{unread} unread.\n"),
    }
}

/// The inbox, newest first: `{"notifications": [...], "unread": n, "language": "vi"}`.
pub fn inbox(list: &[Notification], unread: usize, language: Language, as_json: bool) -> String {
    if as_json {
        let items: Vec<Value> = list
            .iter()
            .map(|notification| notification_json(notification, language))
            .collect();
        return format!(
            "{}\n",
            json!({"notifications": items, "unread": unread, "language": language_tag(language)})
        );
    }
    if list.is_empty() {
        return match language {
            Language::Vi => "Chưa có thông báo nào.\n".into(),
            Language::En => "No notifications.\n".into(),
        };
    }
    let mut out: String = list
        .iter()
        .map(|notification| {
            let words = render(notification, language);
            format!(
                "{} {}  {}  {} — {}\n",
                if notification.read { " " } else { "•" },
                notification.id,
                short_time(notification.at_ms),
                words.title,
                words.body
            )
        })
        .collect();
    out.push_str(&unread_line(unread, language));
    out
}

/// One notification marked read.
pub fn marked_one(id: &str, unread: usize, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", json!({"id": id, "read": true, "unread": unread}));
    }
    format!("Đã đánh dấu đã đọc. {}", unread_line(unread, Language::Vi))
}

/// Every notification marked read.
pub fn marked_all(marked: usize, unread: usize, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", json!({"marked": marked, "unread": unread}));
    }
    format!(
        "Đã đánh dấu đã đọc {marked} thông báo. {}",
        unread_line(unread, Language::Vi)
    )
}

/// One notification deleted.
pub fn deleted(id: &str, unread: usize, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", json!({"id": id, "deleted": true, "unread": unread}));
    }
    format!("Đã xoá thông báo. {}", unread_line(unread, Language::Vi))
}

/// What a refresh did: `{"refreshed", "skipped", "notified", "unread", "failure": null |
/// {"category", "message"}, "next_wakeup_ms", "next_wakeup"}`.
pub fn refresh(
    report: &RefreshReport,
    failure: Option<&Failure>,
    unread: usize,
    next_wakeup: Option<i64>,
    as_json: bool,
) -> String {
    if as_json {
        let failure = failure.map(|f| json!({"category": f.category, "message": f.message}));
        return format!(
            "{}\n",
            json!({
                "refreshed": report.refreshed,
                "skipped": report.skipped,
                "notified": report.notified,
                "unread": unread,
                "failure": failure,
                "next_wakeup_ms": next_wakeup,
                "next_wakeup": next_wakeup.map(rfc3339_vietnam),
            })
        );
    }
    let mut out = format!(
        "Đã làm mới {} hồ sơ đang theo dõi, bỏ qua {}; {} thông báo mới ({} chưa đọc).\n",
        report.refreshed, report.skipped, report.notified, unread
    );
    if let Some(failure) = failure {
        out.push_str(&format!(
            "Dừng giữa chừng: {} (các hồ sơ còn lại giữ trạng thái đã xác nhận trước đó).\n",
            failure.message
        ));
    }
    match next_wakeup {
        Some(ms) => out.push_str(&format!(
            "Lần nhắc lịch tiếp theo: {}\n",
            rfc3339_vietnam(ms)
        )),
        None => out.push_str("Không có nhắc lịch nào đang chờ.\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_written_in_vietnam_time() {
        // 2026-03-16T01:00:00Z is 08:00 in Vietnam.
        assert_eq!(
            rfc3339_vietnam(1_773_622_800_000),
            "2026-03-16T08:00:00+07:00"
        );
        // 17:30 UTC is already the next day in Vietnam.
        assert_eq!(short_time(1_773_595_800_000), "2026-03-16 00:30");
    }
}
