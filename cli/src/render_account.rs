//! How the session, profile and feedback commands print: Vietnamese sentences for people, one
//! JSON object for scripts, with the field names of the core's records (and of the FFI's
//! `SessionView`). Never a token.

use longan_core::auth::Session;
use longan_core::feedback::{FeedbackEntry, FeedbackStatus, category_label, category_name};
use longan_core::profile::{Profile, ProfileKind};
use serde_json::{Value, json};

use crate::login::Revocation;

/// A profile: `id`, `name`, `kind`, `created_at_ms`, and whether it is the one in use.
fn profile_json(profile: &Profile, current: bool) -> Value {
    let mut value = serde_json::to_value(profile).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("current".into(), json!(current));
    }
    value
}

fn kind_text(kind: ProfileKind) -> &'static str {
    match kind {
        ProfileKind::Own => "riêng",
        ProfileKind::Assisted => "được hỗ trợ, xoá khi đăng xuất",
    }
}

/// The session's state name, as the FFI's `SessionState` (snake case).
fn state_name(session: &Session) -> &'static str {
    match session {
        Session::SignedOut => "signed_out",
        Session::AwaitingRedirect { .. } => "awaiting_redirect",
        Session::SignedIn { .. } | Session::Demo { .. } => "signed_in",
        Session::ReauthRequired { .. } => "reauth_required",
    }
}

/// The session of the profile in use: the FFI's `SessionView` fields (`state`,
/// `display_name`, `is_demo`, `signed_in_at_ms`), plus `subject` and `profile`.
fn session_json(session: &Session, profile: &Profile) -> Value {
    let (display_name, subject, signed_in_at_ms) = match session {
        Session::SignedOut | Session::AwaitingRedirect { .. } => (None, None, None),
        Session::SignedIn {
            account,
            signed_in_at_ms,
        } => (
            account.display_name.clone(),
            Some(account.subject.clone()),
            Some(*signed_in_at_ms),
        ),
        Session::ReauthRequired { account } => (
            account.display_name.clone(),
            Some(account.subject.clone()),
            None,
        ),
        Session::Demo {
            account,
            signed_in_at_ms,
        } => (
            Some(account.display_name.clone()),
            Some(account.subject.clone()),
            Some(*signed_in_at_ms),
        ),
    };
    json!({
        "state": state_name(session),
        "display_name": display_name,
        "is_demo": matches!(session, Session::Demo { .. }),
        "signed_in_at_ms": signed_in_at_ms,
        "subject": subject,
        "profile": profile_json(profile, true),
    })
}

/// Who is signed in on the profile in use.
pub fn session(session: &Session, profile: &Profile, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", session_json(session, profile));
    }
    let who = |name: &Option<String>, subject: &str| match name {
        Some(name) => format!("{name} ({subject})"),
        None => subject.to_string(),
    };
    let state = match session {
        Session::SignedOut => "Chưa đăng nhập".to_string(),
        Session::AwaitingRedirect { .. } => {
            "Đang chờ đăng nhập trong trình duyệt (`longan login --complete URL` để hoàn tất)"
                .to_string()
        }
        Session::SignedIn { account, .. } => format!(
            "Đã đăng nhập: {}",
            who(&account.display_name, &account.subject)
        ),
        Session::ReauthRequired { account } => format!(
            "Phiên đăng nhập của {} đã hết hạn: hãy đăng nhập lại",
            who(&account.display_name, &account.subject)
        ),
        Session::Demo { account, .. } => format!(
            "Đăng nhập thử (demo): {}",
            who(&Some(account.display_name.clone()), &account.subject)
        ),
    };
    format!(
        "{state} — người dùng “{}” ({}).\n",
        profile.name, profile.id
    )
}

/// What signing out did.
pub fn logout(
    end_session_url: Option<&str>,
    profile: &Profile,
    profile_removed: bool,
    revocation: Option<Revocation>,
    as_json: bool,
) -> String {
    if as_json {
        return format!(
            "{}\n",
            json!({
                "end_session_url": end_session_url,
                "profile_removed": profile_removed,
                "profile": profile_json(profile, !profile_removed),
                "revocation": revocation.map(Revocation::name),
            })
        );
    }
    let mut out = format!("Đã đăng xuất người dùng “{}”.\n", profile.name);
    if profile_removed {
        out.push_str("Người dùng này được hỗ trợ: mọi dữ liệu của họ đã được xoá khỏi máy.\n");
    }
    match revocation {
        Some(Revocation::Sent) => out.push_str("Phiên đăng nhập đã được thu hồi ở nhà cung cấp.\n"),
        Some(Revocation::Queued) => out.push_str(
            "Chưa báo được nhà cung cấp thu hồi phiên (mất mạng?): chạy lại `longan logout` khi có mạng.\n",
        ),
        Some(Revocation::Failed) => {
            out.push_str("Nhà cung cấp không nhận yêu cầu thu hồi phiên đăng nhập.\n")
        }
        None => {}
    }
    if let Some(url) = end_session_url {
        out.push_str(&format!(
            "Để đăng xuất cả khỏi nhà cung cấp, mở địa chỉ này trong trình duyệt:\n  {url}\n"
        ));
    }
    out
}

/// The profiles on the device.
pub fn profiles(profiles: &[Profile], current: &str, as_json: bool) -> String {
    if as_json {
        let items: Vec<Value> = profiles
            .iter()
            .map(|p| profile_json(p, p.id == current))
            .collect();
        return format!("{}\n", json!({ "profiles": items, "current": current }));
    }
    profiles
        .iter()
        .map(|p| {
            format!(
                "{} {}  {}  ({})\n",
                if p.id == current { "*" } else { " " },
                p.id,
                p.name,
                kind_text(p.kind)
            )
        })
        .collect()
}

/// One profile, after adding or switching to it.
pub fn profile(profile: &Profile, current: bool, verb: &str, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", profile_json(profile, current));
    }
    format!(
        "{verb} người dùng “{}” ({}, {}).\n",
        profile.name,
        profile.id,
        kind_text(profile.kind)
    )
}

/// A removed profile.
pub fn removed(id: &str, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", json!({ "removed": id }));
    }
    format!("Đã xoá người dùng {id} và mọi dữ liệu của họ trên máy.\n")
}

fn status_json(status: &FeedbackStatus) -> Value {
    match status {
        FeedbackStatus::Queued {
            attempts,
            next_attempt_at_ms,
            last_error,
        } => json!({
            "state": "queued",
            "attempts": attempts,
            "next_attempt_at_ms": next_attempt_at_ms,
            "last_error": last_error,
        }),
        FeedbackStatus::Sending => json!({"state": "sending"}),
        FeedbackStatus::Sent => json!({"state": "sent"}),
        FeedbackStatus::Received { id } => json!({"state": "received", "id": id}),
        FeedbackStatus::Failed { reason } => json!({"state": "failed", "reason": reason}),
    }
}

fn status_text(status: &FeedbackStatus) -> String {
    match status {
        FeedbackStatus::Queued {
            attempts: 0,
            last_error: None,
            ..
        } => "đang chờ gửi".into(),
        FeedbackStatus::Queued {
            attempts,
            last_error,
            ..
        } => format!(
            "đang chờ gửi lại (đã thử {attempts} lần{})",
            last_error
                .as_deref()
                .map(|e| format!(", lỗi {e}"))
                .unwrap_or_default()
        ),
        FeedbackStatus::Sending => "đang gửi".into(),
        FeedbackStatus::Sent => "đã gửi".into(),
        FeedbackStatus::Received { id } => format!("đã gửi, mã tiếp nhận {id}"),
        FeedbackStatus::Failed { reason } => format!("không gửi được ({reason})"),
    }
}

/// One feedback: `id`, `created_at_ms`, `category` (its wire name), `status` (`state` and
/// what goes with it).
fn entry_json(entry: &FeedbackEntry) -> Value {
    json!({
        "id": entry.id.0,
        "created_at_ms": entry.created_at_ms,
        "category": entry.category.map(category_name),
        "status": status_json(&entry.status),
    })
}

fn entry_text(entry: &FeedbackEntry) -> String {
    format!(
        "#{}  {}: {}\n",
        entry.id,
        entry.category.map(category_label).unwrap_or("?"),
        status_text(&entry.status)
    )
}

/// A feedback just queued (and perhaps sent).
pub fn feedback(entry: &FeedbackEntry, portal_given: bool, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", entry_json(entry));
    }
    let mut out = format!("Phản ánh {}", entry_text(entry));
    if !portal_given {
        out.push_str("Chưa gửi: phản ánh được giữ trên máy và gửi ở lần chạy có --portal URL.\n");
    }
    out
}

/// The profile's feedback.
pub fn feedback_list(entries: &[FeedbackEntry], as_json: bool) -> String {
    if as_json {
        let items: Vec<Value> = entries.iter().map(entry_json).collect();
        return format!("{}\n", json!({ "feedback": items }));
    }
    if entries.is_empty() {
        return "Chưa có phản ánh nào.\n".into();
    }
    entries.iter().map(entry_text).collect()
}
