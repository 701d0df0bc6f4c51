//! The portal contract's JSON bodies (`portal/openapi.yaml`), shared by the client in this crate
//! and the reference portal, so both sides agree by construction. Field names are the wire names.

use serde::{Deserialize, Serialize};

use crate::catalog::{Level, Procedure, Scope};

/// `GET /v1/catalog/changes`: one page of the catalogue's change feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesPage {
    /// Procedures added or changed, in code order.
    pub upserts: Vec<WireProcedure>,
    /// Codes of procedures removed (empty in a snapshot: what a snapshot lacks is gone).
    pub deletes: Vec<String>,
    /// Where the next request continues. Opaque to clients.
    pub next_cursor: String,
    /// More pages follow right away; `false` means the client is up to date.
    pub has_more: bool,
    /// This page belongs to a full snapshot (asked for without a cursor, or its continuation).
    pub snapshot: bool,
}

/// A procedure's summary as the feed carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireProcedure {
    /// National code, `d.dddddd`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Publishing body.
    pub publisher: String,
    /// Executing agencies.
    pub agencies: Vec<String>,
    /// Levels: `commune`, `province`, `ministry`.
    pub levels: Vec<WireLevel>,
    /// `null` for a national procedure, else the province's name.
    pub province: Option<String>,
    /// Page on the national portal.
    pub source_url: String,
}

/// A level on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireLevel {
    /// Commune or ward.
    Commune,
    /// Province.
    Province,
    /// Ministry or central agency.
    Ministry,
}

/// An RFC 9457 problem document (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// A URI naming the kind of problem; see [`problem_types`].
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    /// A short, human-readable summary.
    #[serde(default)]
    pub title: String,
    /// The HTTP status code.
    #[serde(default)]
    pub status: u16,
    /// An explanation of this occurrence (never personal data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

fn about_blank() -> String {
    "about:blank".to_string()
}

/// The problem types of the contract.
pub mod problem_types {
    /// The cursor is older than the change log the server keeps: start a full snapshot. (410)
    pub const CURSOR_EXPIRED: &str = "https://longan.example/problems/cursor-expired";
    /// The `X-Client-Version` is below what the server supports: update the app. (426)
    pub const CLIENT_TOO_OLD: &str = "https://longan.example/problems/client-too-old";
    /// No such procedure. (404)
    pub const NOT_FOUND: &str = "https://longan.example/problems/not-found";
    /// A parameter is malformed. (400)
    pub const INVALID_REQUEST: &str = "https://longan.example/problems/invalid-request";
    /// Too many requests; see `Retry-After`. (429)
    pub const RATE_LIMITED: &str = "https://longan.example/problems/rate-limited";
    /// The server failed or is in maintenance; see `Retry-After` when present. (5xx)
    pub const UNAVAILABLE: &str = "https://longan.example/problems/unavailable";
    /// The call needs a signed-in citizen. (401)
    pub const AUTH_REQUIRED: &str = "https://longan.example/problems/auth-required";
    /// A status change the dossier lifecycle does not allow (test control). (409)
    pub const IMPOSSIBLE_TRANSITION: &str = "https://longan.example/problems/impossible-transition";
    /// The body is well-formed JSON but breaks the contract's rules (a feedback's text too
    /// long, an unknown category, …); `detail` names the rule, never the value. (422)
    pub const INVALID_CONTENT: &str = "https://longan.example/problems/invalid-content";
    /// The `Idempotency-Key` was already used with a different body. (422)
    pub const IDEMPOTENCY_KEY_REUSED: &str =
        "https://longan.example/problems/idempotency-key-reused";
}

/// Header carrying a public dossier lookup's verifier (the last four digits of the applicant's
/// phone or ID number): never in the URL, never logged.
pub const DOSSIER_VERIFIER_HEADER: &str = "X-Dossier-Verifier";
/// Header naming the client for rate limiting (an install id, not a person).
pub const CLIENT_ID_HEADER: &str = "X-Client-Id";

/// Header carrying the key that makes a write safe to repeat (`POST /v1/feedback`): the same
/// key with the same body gets the first answer again, and the write happens once.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// A page of `GET /v1/me/dossiers`: the signed-in citizen's dossiers, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierList {
    /// The dossiers of this page.
    pub dossiers: Vec<crate::dossier::model::Dossier>,
    /// The cursor of the next page; `None` on the last.
    pub next_cursor: Option<String>,
}
/// Header set (`true`) on an answer replayed for a repeated `Idempotency-Key`.
pub const IDEMPOTENT_REPLAYED_HEADER: &str = "Idempotent-Replayed";

/// Header carrying the client's version (semver), on every request.
pub const CLIENT_VERSION_HEADER: &str = "X-Client-Version";
/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Page size when the request says none.
pub const DEFAULT_PAGE_SIZE: u32 = 500;

impl From<&Procedure> for WireProcedure {
    fn from(procedure: &Procedure) -> WireProcedure {
        WireProcedure {
            code: procedure.code.clone(),
            name: procedure.name.clone(),
            field: procedure.field.clone(),
            publisher: procedure.publisher.clone(),
            agencies: procedure.agencies.clone(),
            levels: procedure
                .levels
                .iter()
                .map(|level| match level {
                    Level::Commune => WireLevel::Commune,
                    Level::Province => WireLevel::Province,
                    Level::Ministry => WireLevel::Ministry,
                })
                .collect(),
            province: match &procedure.scope {
                Scope::National => None,
                Scope::Province(name) => Some(name.clone()),
            },
            source_url: procedure.source_url.clone(),
        }
    }
}

impl WireProcedure {
    /// The core's procedure (without a full record; those come from the details endpoint).
    pub fn into_procedure(self) -> Procedure {
        Procedure {
            code: self.code,
            name: self.name,
            field: self.field,
            publisher: self.publisher,
            agencies: self.agencies,
            levels: self
                .levels
                .into_iter()
                .map(|level| match level {
                    WireLevel::Commune => Level::Commune,
                    WireLevel::Province => Level::Province,
                    WireLevel::Ministry => Level::Ministry,
                })
                .collect(),
            scope: self.province.map_or(Scope::National, Scope::Province),
            source_url: self.source_url,
            details: None,
        }
    }
}

/// `GET /v1/catalog/procedures/{code}`: a procedure with its full record when the portal has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureResponse {
    /// The summary, as in the feed.
    #[serde(flatten)]
    pub summary: WireProcedure,
    /// The full record (documents, fees, steps); `null` when the portal has none.
    pub details: Option<crate::catalog::ProcedureDetails>,
}

/// The kinds of feedback the province's 1022 service takes (`docs/decisions/outbox.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackCategory {
    /// Dịch vụ công, thủ tục hành chính: procedures, one-stop offices, officials' conduct.
    PublicService,
    /// Hạ tầng: roads, bridges, street lights, water supply, drainage, power.
    Infrastructure,
    /// Giao thông: traffic safety, signals, congestion.
    Traffic,
    /// Môi trường: waste, pollution, flooding, noise.
    Environment,
    /// Trật tự đô thị, xây dựng: encroached pavements, unlicensed building.
    UrbanOrder,
    /// An ninh, trật tự: public security and order.
    SecurityOrder,
    /// Y tế, an toàn thực phẩm: health services and food safety.
    Health,
    /// Khác: anything else.
    Other,
}

/// A point on the map (WGS 84 degrees), where the feedback is about.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    /// Latitude, -90 to 90.
    pub lat: f64,
    /// Longitude, -180 to 180.
    pub lon: f64,
}

/// How the service may reach the citizen about a feedback (both optional: feedback may be
/// anonymous).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackContact {
    /// A name to address the citizen by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A phone number to call back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `POST /v1/feedback`: a citizen's feedback (phản ánh, kiến nghị) to the 1022 service.
/// Personal data: the text and the contact are never logged, on either side (its `Debug`
/// says only how long they are).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRequest {
    /// What it is about.
    pub category: FeedbackCategory,
    /// The citizen's words, 1 to [`MAX_FEEDBACK_TEXT_CHARS`] characters.
    pub text: String,
    /// Where, when the citizen shares it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    /// A reference to a photo uploaded separately (up to [`MAX_PHOTO_REF_CHARS`] characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_ref: Option<String>,
    /// How to reach the citizen, when they want to be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<FeedbackContact>,
}

/// How a personal text shows in `Debug`: its length, never its words.
pub(crate) struct Redacted<'a>(pub(crate) Option<&'a str>);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(text) => write!(f, "<{} chars>", text.chars().count()),
            None => f.write_str("None"),
        }
    }
}

impl std::fmt::Debug for FeedbackContact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedbackContact")
            .field("name", &Redacted(self.name.as_deref()))
            .field("phone", &Redacted(self.phone.as_deref()))
            .finish()
    }
}

impl std::fmt::Debug for FeedbackRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedbackRequest")
            .field("category", &self.category)
            .field("text", &Redacted(Some(&self.text)))
            .field("location", &self.location.is_some())
            .field("photo_ref", &self.photo_ref.is_some())
            .field("contact", &self.contact)
            .finish()
    }
}

/// Where a feedback is in the service's hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackState {
    /// Received by the service, not handled yet.
    Received,
}

/// `201` of `POST /v1/feedback` and `200` of `GET /v1/feedback/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackReceipt {
    /// The service's id of the feedback (opaque).
    pub id: String,
    /// Where it is.
    pub status: FeedbackState,
    /// When the portal received it (milliseconds since the Unix epoch).
    pub received_at_ms: i64,
}

/// Longest feedback text, in characters (Unicode scalar values).
pub const MAX_FEEDBACK_TEXT_CHARS: usize = 2000;
/// Longest photo reference, in characters.
pub const MAX_PHOTO_REF_CHARS: usize = 200;
/// Longest contact name, in characters.
pub const MAX_CONTACT_NAME_CHARS: usize = 100;
/// Longest `Idempotency-Key`, in bytes (visible ASCII).
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 128;

/// Items a page of `GET /v1/me/notifications` holds when the request says no `limit`.
pub const DEFAULT_NOTIFICATIONS_LIMIT: u32 = 100;
/// Most items a page of `GET /v1/me/notifications` may hold.
pub const MAX_NOTIFICATIONS_LIMIT: u32 = 500;

/// A page of `GET /v1/me/notifications`: the signed-in citizen's notification feed, oldest
/// first, after the request's `since`.
///
/// `next_cursor` is the position after the page's last item: the next request's `since`.
/// It is `None` when the page is empty (nothing new after `since`: keep asking with it); a
/// client is caught up when a page comes back empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPage {
    /// The items after `since`, oldest first (by `at_ms`, then `id`).
    pub items: Vec<FeedItem>,
    /// Where the next request continues (opaque); `None` on an empty page.
    pub next_cursor: Option<String>,
}

/// One item of the notification feed, tagged by its `kind`. Items of a kind this client does
/// not know yet come back as [`FeedItem::Unknown`] instead of failing the page: a client
/// skips them and still moves its cursor past them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeedItem {
    /// A timeline entry of one of the citizen's dossiers. Its identity is (`dossier_code`,
    /// `timeline_entry_id`), the same as local detection's for that entry.
    DossierEvent {
        /// The feed's id of the item (`<code>/<entry id>`), unique within the feed.
        id: String,
        /// The dossier's canonical code.
        dossier_code: String,
        /// The timeline entry's id (stable, unique within the dossier).
        timeline_entry_id: String,
        /// The national status (1–10) the entry moved the dossier to; see
        /// [`crate::dossier::status::DossierStatus::from_number`].
        status: u8,
        /// When it happened (milliseconds since the Unix epoch).
        at_ms: i64,
        /// The procedure's name, as the portal has it.
        #[serde(default)]
        procedure_name: String,
        /// The office's note (which documents, which fee), when any.
        #[serde(default)]
        note: Option<String>,
    },
    /// A dossier got a new appointment date (every date after the first one).
    AppointmentMoved {
        /// The feed's id of the item (`<code>/appointment/<set_at_ms>`).
        id: String,
        /// The dossier's canonical code.
        dossier_code: String,
        /// The new date, `YYYY-MM-DD`.
        date: String,
        /// The office issued an apology slip.
        apology: bool,
        /// When the date was set (the `set_at_ms` of the dossier's appointment change).
        at_ms: i64,
        /// Why it moved, as the office wrote it.
        #[serde(default)]
        reason: Option<String>,
        /// The dossier's national status (1–10) when the date was set.
        #[serde(default)]
        status: Option<u8>,
        /// The procedure's name, as the portal has it.
        #[serde(default)]
        procedure_name: String,
    },
    /// A message to the citizen that is no dossier event, with the portal's own text.
    Message {
        /// The feed's id of the item (e.g. `msg-welcome`): the message's identity.
        id: String,
        /// The title, as the portal wrote it.
        title: String,
        /// The body, as the portal wrote it.
        body: String,
        /// When it was sent.
        at_ms: i64,
    },
    /// An item of a kind this client does not know (a newer portal): skipped.
    #[serde(other)]
    Unknown,
}

impl FeedItem {
    /// The item's feed id; `None` for an [`FeedItem::Unknown`] one.
    pub fn id(&self) -> Option<&str> {
        match self {
            FeedItem::DossierEvent { id, .. }
            | FeedItem::AppointmentMoved { id, .. }
            | FeedItem::Message { id, .. } => Some(id),
            FeedItem::Unknown => None,
        }
    }

    /// When it happened; `None` for an [`FeedItem::Unknown`] one.
    pub fn at_ms(&self) -> Option<i64> {
        match self {
            FeedItem::DossierEvent { at_ms, .. }
            | FeedItem::AppointmentMoved { at_ms, .. }
            | FeedItem::Message { at_ms, .. } => Some(*at_ms),
            FeedItem::Unknown => None,
        }
    }
}

/// The push service a device's token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushPlatform {
    /// Firebase Cloud Messaging (Android).
    Fcm,
    /// Apple Push Notification service (iOS).
    Apns,
}

impl PushPlatform {
    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            PushPlatform::Fcm => "fcm",
            PushPlatform::Apns => "apns",
        }
    }
}

/// `PUT /v1/me/devices/{installation_id}`: this installation receives the signed-in citizen's
/// pushes at `token`. One installation has one registration: a `PUT` replaces whatever the
/// installation had, whoever's it was (a phone shows one person's notifications at a time).
/// Its `Debug` output shows neither the token nor the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRegistration {
    /// The push service.
    pub platform: PushPlatform,
    /// The push service's token for this installation (1 to [`MAX_PUSH_TOKEN_BYTES`] visible
    /// ASCII characters). A secret of the device: never logged.
    pub token: String,
    /// The language pushes are written in (`vi` or `en`).
    pub language: String,
    /// A random secret of this registration ([`MIN_REGISTRATION_SECRET_BYTES`] to
    /// [`MAX_REGISTRATION_SECRET_BYTES`] visible ASCII characters). Presented in
    /// [`REGISTRATION_SECRET_HEADER`] to remove the registration without a session: the
    /// unregistration of a signed-out profile must not depend on the session it ended.
    pub registration_secret: String,
}

impl std::fmt::Debug for DeviceRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceRegistration")
            .field("platform", &self.platform)
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

/// `200` of `PUT /v1/me/devices/{installation_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceReceipt {
    /// The installation registered.
    pub installation_id: String,
    /// When the portal registered it (milliseconds since the Unix epoch).
    pub registered_at_ms: i64,
}

/// The header of `DELETE /v1/devices/{installation_id}` holding the registration's secret.
pub const REGISTRATION_SECRET_HEADER: &str = "Registration-Secret";
/// Longest push token, in bytes.
pub const MAX_PUSH_TOKEN_BYTES: usize = 4096;
/// Shortest registration secret, in bytes (128 bits written in hex would be 32).
pub const MIN_REGISTRATION_SECRET_BYTES: usize = 32;
/// Longest registration secret, in bytes.
pub const MAX_REGISTRATION_SECRET_BYTES: usize = 128;
/// Longest installation id, in bytes.
pub const MAX_INSTALLATION_ID_BYTES: usize = 64;

/// Whether `id` can name an installation in a path: 1 to [`MAX_INSTALLATION_ID_BYTES`] ASCII
/// letters, digits, `-` and `_`.
pub fn is_installation_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_INSTALLATION_ID_BYTES
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Which rule of [`DeviceRegistration`] a body breaks (`None`: none).
pub fn registration_problem(registration: &DeviceRegistration) -> Option<&'static str> {
    let visible = |text: &str| text.bytes().all(|b| (0x21..=0x7e).contains(&b));
    let token = &registration.token;
    if token.is_empty() || token.len() > MAX_PUSH_TOKEN_BYTES || !visible(token) {
        return Some("the token must be 1 to 4096 visible ASCII characters");
    }
    if !matches!(registration.language.as_str(), "vi" | "en") {
        return Some("the language must be vi or en");
    }
    let secret = &registration.registration_secret;
    if !(MIN_REGISTRATION_SECRET_BYTES..=MAX_REGISTRATION_SECRET_BYTES).contains(&secret.len())
        || !visible(secret)
    {
        return Some("the registration secret must be 32 to 128 visible ASCII characters");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_items_read_by_kind_and_unknown_kinds_do_not_fail_the_page() {
        let page: NotificationPage = serde_json::from_str(
            r#"{"items": [
                {"kind": "dossier_event", "id": "C/C#2", "dossier_code": "C",
                 "timeline_entry_id": "C#2", "status": 5, "at_ms": 10, "extra": true},
                {"kind": "appointment_moved", "id": "C/appointment/20", "dossier_code": "C",
                 "date": "2025-12-01", "apology": true, "at_ms": 20},
                {"kind": "survey", "id": "s-1", "at_ms": 25, "url": "https://x"},
                {"kind": "message", "id": "msg-welcome", "title": "Chào", "body": "Xin chào",
                 "at_ms": 30}
            ], "next_cursor": "abc"}"#,
        )
        .unwrap();
        assert_eq!(page.next_cursor.as_deref(), Some("abc"));
        assert_eq!(page.items.len(), 4);
        assert!(matches!(
            &page.items[0],
            FeedItem::DossierEvent { status: 5, note: None, procedure_name, .. }
                if procedure_name.is_empty()
        ));
        assert!(matches!(
            &page.items[1],
            FeedItem::AppointmentMoved {
                apology: true,
                reason: None,
                status: None,
                ..
            }
        ));
        assert_eq!(page.items[2], FeedItem::Unknown);
        assert_eq!(page.items[2].id(), None);
        assert_eq!(page.items[3].id(), Some("msg-welcome"));
        assert_eq!(page.items[3].at_ms(), Some(30));

        let message = FeedItem::Message {
            id: "msg-welcome".into(),
            title: "Chào".into(),
            body: "Xin chào".into(),
            at_ms: 30,
        };
        let json = serde_json::to_value(&message).unwrap();
        assert_eq!(json["kind"], "message");
        assert_eq!(serde_json::from_value::<FeedItem>(json).unwrap(), message);
        let empty: NotificationPage =
            serde_json::from_str(r#"{"items": [], "next_cursor": null}"#).unwrap();
        assert!(empty.items.is_empty() && empty.next_cursor.is_none());
    }
}
