//! How the dossier commands print: Vietnamese sentences for people, one JSON object with the
//! record's own field names for scripts.

use longan_core::calendar::LocalDate;
use longan_core::catalog::Procedure;
use longan_core::dossier::due::DueState;
use longan_core::dossier::tracking::TrackedDossier;
use serde_json::{Value, json};

fn due_json(due: &DueState) -> Value {
    match due {
        DueState::Finished => json!({"state": "finished"}),
        DueState::NotScheduled => json!({"state": "not_scheduled"}),
        DueState::Paused { date } => json!({"state": "paused", "date": date.to_string()}),
        DueState::DueIn { date, working_days } => {
            json!({"state": "due_in", "date": date.to_string(), "working_days": working_days})
        }
        DueState::DueToday { date } => json!({"state": "due_today", "date": date.to_string()}),
        DueState::Overdue { date, working_days } => {
            json!({"state": "overdue", "date": date.to_string(), "working_days": working_days})
        }
    }
}

fn due_text(due: &DueState) -> String {
    match due {
        DueState::Finished => "đã kết thúc".into(),
        DueState::NotScheduled => "chưa có ngày hẹn".into(),
        DueState::Paused { date } => {
            format!("tạm dừng chờ bổ sung giấy tờ (nếu bổ sung hôm nay: hẹn {date})")
        }
        DueState::DueIn { date, working_days } => {
            format!("hẹn trả {date}, còn {working_days} ngày làm việc")
        }
        DueState::DueToday { date } => format!("hẹn trả hôm nay ({date})"),
        DueState::Overdue { date, working_days } => {
            format!("quá hạn {working_days} ngày làm việc (hẹn {date})")
        }
    }
}

fn tracked_json(tracked: &TrackedDossier, due: &DueState) -> Value {
    let mut value = serde_json::to_value(&tracked.dossier).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("confirmed_at_ms".into(), json!(tracked.confirmed_at_ms));
        map.insert("followed".into(), json!(tracked.followed));
        map.insert("due".into(), due_json(due));
    }
    value
}

/// One dossier.
pub fn tracked(tracked: &TrackedDossier, due: &DueState, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", tracked_json(tracked, due));
    }
    let dossier = &tracked.dossier;
    let mut out = format!(
        "Hồ sơ {}{}\n  {}\n  Thủ tục: {} ({})\n  Nơi tiếp nhận: {}\n  Người nộp: {}\n  Trạng thái: {} — {}\n",
        dossier.code,
        if tracked.followed {
            " (đang theo dõi)"
        } else {
            ""
        },
        dossier.status_text,
        dossier.procedure_name,
        dossier.procedure_code,
        dossier.agency,
        dossier.applicant,
        dossier.status.number(),
        due_text(due),
    );
    for change in &dossier.appointment_history {
        out.push_str(&format!(
            "  Ngày hẹn: {}{}\n",
            change.date,
            if change.apology {
                " (hẹn lại, có phiếu xin lỗi)"
            } else {
                ""
            }
        ));
    }
    for entry in &dossier.timeline {
        out.push_str(&format!(
            "  • {}{}\n",
            entry.status_text,
            entry
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default()
        ));
    }
    out
}

/// The followed dossiers.
pub fn followed(list: &[(&TrackedDossier, DueState)], as_json: bool) -> String {
    if as_json {
        let items: Vec<Value> = list.iter().map(|(t, due)| tracked_json(t, due)).collect();
        return format!("{}\n", json!({ "dossiers": items }));
    }
    if list.is_empty() {
        return "Chưa theo dõi hồ sơ nào.\n".into();
    }
    list.iter()
        .map(|(t, due)| {
            format!(
                "{}  {} — {}\n",
                t.dossier.code,
                t.dossier.status_text,
                due_text(due)
            )
        })
        .collect()
}

/// The demo's codes and verifiers.
pub fn demo_codes(codes: &[(String, String)], as_json: bool) -> String {
    if as_json {
        let items: Vec<Value> = codes
            .iter()
            .map(|(code, verifier)| json!({"code": code, "verifier": verifier}))
            .collect();
        return format!("{}\n", json!({ "dossiers": items }));
    }
    codes
        .iter()
        .map(|(code, verifier)| format!("{code}  (mã xác minh {verifier})\n"))
        .collect()
}

/// The demo's story moved forward.
pub fn demo_advanced(minutes: u64, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", json!({ "advanced_minutes": minutes }));
    }
    format!(
        "Đã cho câu chuyện demo đi tiếp {minutes} phút; chạy `longan refresh` để xem hồ sơ đang theo dõi thay đổi.\n"
    )
}

/// The demo's story started again.
pub fn demo_reset(as_json: bool) -> String {
    if as_json {
        return format!("{}\n", json!({ "reset": true }));
    }
    "Đã bắt đầu lại câu chuyện demo: các hồ sơ mẫu là hồ sơ mới.\n".into()
}

/// A procedure's result date if filed today, per filing channel.
pub fn procedure_due(
    procedure: &Procedure,
    today: Option<LocalDate>,
    estimates: &[(&str, String, LocalDate)],
    as_json: bool,
) -> String {
    if as_json {
        let items: Vec<Value> = estimates
            .iter()
            .map(|(channel, time, date)| json!({"channel": channel, "processing_time": time, "due": date.to_string()}))
            .collect();
        return format!(
            "{}\n",
            json!({"code": procedure.code, "submitted": today.map(|d| d.to_string()), "estimates": items})
        );
    }
    if estimates.is_empty() {
        return format!(
            "{}: chưa có thời hạn giải quyết để tính ngày hẹn.\n",
            procedure.code
        );
    }
    let mut out = format!("{} — nộp hôm nay:\n", procedure.name);
    for (channel, time, date) in estimates {
        out.push_str(&format!("  {channel} ({time}): có kết quả ngày {date}\n"));
    }
    out
}
