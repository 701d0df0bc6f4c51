//! Push payloads read as nudges. A push says only *what* to refresh (a dossier, or the feed);
//! the core then fetches the truth from the portal. Its text is never shown or kept: a push can
//! be spoofed or stale, and vendors' services see it in clear.
//!
//! Accepted shapes (values are strings, as FCM data messages require):
//! - an FCM message `{"data": {"type": "dossier", "code": "…"}}` (also inside `"message"`);
//! - the data map alone, as Android's `RemoteMessage.getData()` gives it;
//! - an APNs payload `{"aps": {…}, "type": "dossier", "code": "…"}`.
//!
//! `type` is `dossier` (with `code`) or `feed` (the inbox feed has news). Anything else is
//! rejected with a short reason that never quotes the payload, so it can be logged.

use serde_json::{Map, Value};

use super::render::Language;
use crate::dossier::code::DossierCode;

/// Longest payload read, in bytes: FCM and APNs both cap payloads at 4 KB; this leaves room.
pub const MAX_PUSH_BYTES: usize = 8 * 1024;

/// What a push asks the core to refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushNudge {
    /// One dossier changed: refresh it (if followed).
    Dossier {
        /// Its canonical code.
        code: String,
    },
    /// The notification feed has news: fetch it.
    FeedChanged,
}

/// Why a push was ignored. The reason is a fixed phrase, never the payload's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("push ignored: {reason}")]
pub struct PushRejected {
    /// A short, fixed reason.
    pub reason: &'static str,
}

fn rejected(reason: &'static str) -> PushRejected {
    PushRejected { reason }
}

/// Reads a push payload (FCM data message or APNs payload, as JSON text) as a nudge. Performs
/// no I/O and takes no text from the payload; safe in an iOS notification service extension.
pub fn parse_push(payload: &str) -> Result<PushNudge, PushRejected> {
    if payload.len() > MAX_PUSH_BYTES {
        return Err(rejected("payload too large"));
    }
    let value: Value = serde_json::from_str(payload).map_err(|_| rejected("not JSON"))?;
    let Value::Object(top) = value else {
        return Err(rejected("not a JSON object"));
    };
    let data = data_map(&top)?;
    let kind = match data.get("type") {
        None => return Err(rejected("no type")),
        Some(Value::String(kind)) => kind.as_str(),
        Some(_) => return Err(rejected("type is not a string")),
    };
    match kind {
        "dossier" => {
            let code = match data.get("code") {
                None => return Err(rejected("dossier push without a code")),
                Some(Value::String(code)) => code,
                Some(_) => return Err(rejected("code is not a string")),
            };
            let code = DossierCode::parse(code).map_err(|_| rejected("not a dossier code"))?;
            Ok(PushNudge::Dossier {
                code: code.as_str().to_string(),
            })
        }
        "feed" => Ok(PushNudge::FeedChanged),
        _ => Err(rejected("unknown type")),
    }
}

/// The map holding `type`: FCM's `data` (at the top or inside `message`), else the top level
/// (APNs custom keys, or a bare data map).
fn data_map(top: &Map<String, Value>) -> Result<&Map<String, Value>, PushRejected> {
    let inner = top
        .get("message")
        .and_then(Value::as_object)
        .and_then(|message| message.get("data"))
        .or_else(|| top.get("data"));
    match inner {
        Some(Value::Object(data)) => Ok(data),
        Some(_) => Err(rejected("data is not an object")),
        None => Ok(top),
    }
}

impl PushNudge {
    /// The fixed line an iOS notification service extension (or an Android notification built
    /// before the app refreshed) shows for this push instead of the payload's text: generic, with
    /// no dossier code, so nothing a push carries is ever shown.
    pub fn notice(&self, language: Language) -> &'static str {
        match (self, language) {
            (PushNudge::Dossier { .. }, Language::Vi) => "Hồ sơ của bạn có cập nhật mới",
            (PushNudge::Dossier { .. }, Language::En) => "Your dossier has an update",
            (PushNudge::FeedChanged, Language::Vi) => "Bạn có thông báo mới",
            (PushNudge::FeedChanged, Language::En) => "You have a new notification",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CODE: &str = "000.00.12.H39-250315-0042";

    fn dossier() -> Result<PushNudge, PushRejected> {
        Ok(PushNudge::Dossier { code: CODE.into() })
    }

    #[test]
    fn fcm_and_apns_shapes_name_the_same_dossier() {
        for payload in [
            format!(r#"{{"data": {{"type": "dossier", "code": "{CODE}"}}}}"#),
            format!(r#"{{"message": {{"data": {{"type": "dossier", "code": "{CODE}"}}}}}}"#),
            format!(r#"{{"type": "dossier", "code": "{CODE}"}}"#),
            format!(
                r#"{{"aps": {{"content-available": 1, "alert": {{"title": "x"}}}}, "type": "dossier", "code": "{CODE}"}}"#
            ),
            // Typed loosely, as codes are: the canonical code comes out.
            r#"{"type": "dossier", "code": " 000.00.12.h39 250315 0042 "}"#.to_string(),
        ] {
            assert_eq!(parse_push(&payload), dossier(), "{payload}");
        }
        assert_eq!(
            parse_push(r#"{"aps": {"content-available": 1}, "type": "feed"}"#),
            Ok(PushNudge::FeedChanged)
        );
    }

    #[test]
    fn a_pushs_title_and_body_are_never_taken() {
        let payload = format!(
            r#"{{"notification": {{"title": "Nộp phí ngay tại link lạ", "body": "http://evil"}},
                "data": {{"type": "dossier", "code": "{CODE}", "title": "x", "body": "y"}}}}"#
        );
        assert_eq!(parse_push(&payload), dossier());
    }

    #[test]
    fn garbage_and_wrong_types_are_rejected_with_a_reason_that_quotes_nothing() {
        let cases: [(&str, &str); 11] = [
            ("", "not JSON"),
            ("\u{0}\u{1}garbage", "not JSON"),
            (r#"["dossier"]"#, "not a JSON object"),
            ("42", "not a JSON object"),
            (r#"{"data": "type=dossier"}"#, "data is not an object"),
            (r#"{"aps": {}}"#, "no type"),
            (r#"{"type": 1, "code": "x"}"#, "type is not a string"),
            (r#"{"type": "dossier"}"#, "dossier push without a code"),
            (r#"{"type": "dossier", "code": 42}"#, "code is not a string"),
            (
                r#"{"type": "dossier", "code": "<script>"}"#,
                "not a dossier code",
            ),
            (
                r#"{"type": "promo", "code": "SECRET-0042"}"#,
                "unknown type",
            ),
        ];
        for (payload, reason) in cases {
            let error = parse_push(payload).unwrap_err();
            assert_eq!(error.reason, reason, "{payload:?}");
            assert!(!error.to_string().contains("SECRET"));
        }
    }

    #[test]
    fn a_huge_or_deeply_nested_payload_is_rejected_without_parsing_it_all() {
        let huge = format!(
            r#"{{"type": "feed", "pad": "{}"}}"#,
            "x".repeat(MAX_PUSH_BYTES)
        );
        assert_eq!(parse_push(&huge).unwrap_err().reason, "payload too large");
        let deep = format!("{}{}", "[".repeat(4_000), "]".repeat(4_000));
        assert_eq!(parse_push(&deep).unwrap_err().reason, "not JSON");
    }

    /// Payloads of the accepted shapes with any type and code, and any text at all.
    fn payload() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            proptest::sample::select(vec!["dossier", "feed", CODE, "Dossier", ""])
                .prop_map(String::from),
            any::<String>(),
        ]
        .prop_map(|text| serde_json::Value::String(text).to_string());
        let value = prop_oneof![
            3 => value,
            1 => proptest::sample::select(vec!["1", "null", "{}", "[]", "true"]).prop_map(String::from),
        ];
        let shaped = (value.clone(), value, 0..4usize).prop_map(|(kind, code, shape)| {
            let data = format!(r#"{{"type": {kind}, "code": {code}}}"#);
            match shape {
                0 => data,
                1 => format!(r#"{{"data": {data}}}"#),
                2 => format!(r#"{{"message": {{"data": {data}}}}}"#),
                _ => format!(
                    r#"{{"aps": {{"content-available": 1}}, "type": {kind}, "code": {code}}}"#
                ),
            }
        });
        prop_oneof![3 => shaped, 1 => any::<String>()]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn reading_any_payload_never_panics_and_a_nudge_names_a_canonical_code(
            payload in payload()
        ) {
            if let Ok(PushNudge::Dossier { code }) = parse_push(&payload) {
                let reparsed = DossierCode::parse(&code).map(|code| code.as_str().to_string());
                prop_assert_eq!(reparsed, Ok(code));
            }
        }
    }

    #[test]
    fn the_notice_shown_for_a_push_is_generic_and_never_names_the_dossier() {
        let nudge = PushNudge::Dossier { code: CODE.into() };
        for language in [Language::Vi, Language::En] {
            assert!(!nudge.notice(language).contains(CODE));
        }
        assert_eq!(nudge.notice(Language::Vi), "Hồ sơ của bạn có cập nhật mới");
        assert_ne!(
            PushNudge::FeedChanged.notice(Language::En),
            nudge.notice(Language::En)
        );
    }
}
