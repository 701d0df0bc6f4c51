//! Notifications: one inbox per profile, fed by three sources, with reminders computed offline.
//!
//! **What the inbox promises.** Each event is in the inbox **exactly once**, whichever source
//! reported it first — the portal's feed (`GET /v1/me/notifications`), local detection when a
//! followed dossier is refreshed ([`detect`]), or a push ([`parse_push`], which only says what
//! to refresh) — and also across restarts: a notification's id is derived from the identity of
//! its event ((dossier code, timeline entry id); (dossier code, date, set at) for a new
//! appointment date; ("feed", item id) for other feed items; ("reminder", kind, dossier code,
//! date) for reminders), and the inbox remembers every id it took in the store, also after the
//! citizen deleted the notification. The first follow of a dossier sets a baseline, so its past
//! does not flood the inbox. History is bounded ([`inbox::MAX_NOTIFICATIONS`], the oldest read
//! ones dropped first).
//!
//! **Rendering.** Titles and bodies are not stored: they are rendered when read from the kind
//! and its data ([`render`]), in Vietnamese by default or in English; a push's text is never
//! used, and only the portal's authenticated feed may bring its own text ([`NotificationKind::FeedMessage`]).
//!
//! **Reminders** ([`due_reminders`], [`next_wakeup`]) are computed in Vietnam's working days;
//! the rules are in `reminders.rs`.
//!
//! **iOS notification service extension.** The extension runs in its own process while the app
//! may hold the store open (one opener per data directory), so it must not open the store and
//! cannot add to the inbox. It may call [`parse_push`] (pure, no I/O) to decide whether the push
//! is a nudge at all, and replace the visible text with a fixed, generic line in the device's
//! language ("Hồ sơ của bạn có cập nhật mới" / "Your dossier has an update") — never the
//! payload's text nor a dossier code. The app adds the notification to the inbox when it next
//! refreshes (in the foreground or in background refresh); the id makes that exactly once.
//!
//! Pure logic over a [`crate::store::Backend`] (the profile's sealed view of `state/`): no
//! network, no FFI types.

mod detect;
mod error;
pub mod inbox;
mod model;
mod push;
mod reminders;
mod render;
mod schedule;

pub use detect::detect;
pub use error::NotifyError;
pub use model::{Notification, NotificationId, NotificationKind, ReminderKind, Target};
pub use push::{MAX_PUSH_BYTES, PushNudge, PushRejected, parse_push};
pub use reminders::{
    DEFAULT_DOCUMENTS_MISSING_AFTER, REMINDER_HOUR, due_reminders, next_wakeup, reminder_instant_ms,
};
pub use render::{Language, Rendered, render};
pub use schedule::RefreshSchedule;
