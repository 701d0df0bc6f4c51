//! Push registration: the app hands over its FCM or APNs token; the core registers the
//! installation for the profile in use and unregisters it when that profile signs out, is
//! switched away from or removed.

use longan_core::device::DeviceError;
use longan_core::portal::wire::PushPlatform as CorePlatform;

use crate::config::Language;
use crate::core_object::LonganCore;
use crate::error::LonganError;

/// The push service a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PushPlatform {
    /// Firebase Cloud Messaging (Android).
    Fcm,
    /// Apple Push Notification service (iOS).
    Apns,
}

impl From<PushPlatform> for CorePlatform {
    fn from(platform: PushPlatform) -> CorePlatform {
        match platform {
            PushPlatform::Fcm => CorePlatform::Fcm,
            PushPlatform::Apns => CorePlatform::Apns,
        }
    }
}

#[uniffi::export]
impl LonganCore {
    /// Hands over the push service's token: call on every start and whenever the service
    /// gives a new one (`onNewToken`, `didRegisterForRemoteNotificationsWithDeviceToken` as
    /// hex). When the profile in use is signed in and the portal does not have this token
    /// from it yet, the registration is queued (returns true); `deliverOutbox` sends it.
    /// Signing in registers, and signing out, switching profile or removing one unregisters,
    /// by themselves. No network; writes the device's data.
    pub async fn register_push_token(
        &self,
        platform: PushPlatform,
        token: String,
    ) -> Result<bool, LonganError> {
        self.call(move |core, language| {
            let code = match language {
                Language::Vi => "vi",
                Language::En => "en",
            };
            core.register_push_token(platform.into(), &token, code)
                .map_err(|error| LonganError::from_device(error, language))
        })
        .await
    }

    /// This installation's id: random, made once per data directory (support staff may ask
    /// for it; it names no person). Reads the device's data.
    pub async fn installation_id(&self) -> Result<String, LonganError> {
        self.call(move |core, language| {
            core.installation_id()
                .map_err(|error| LonganError::from_device(error, language))
        })
        .await
    }
}

impl LonganError {
    /// A push registration error, for a UI.
    pub(crate) fn from_device(error: DeviceError, language: Language) -> LonganError {
        match error {
            DeviceError::InvalidToken { reason } => LonganError::InvalidInput {
                user_message: match language {
                    Language::Vi => format!("Mã thông báo đẩy không hợp lệ: {reason}"),
                    Language::En => format!("The push token is not valid: {reason}"),
                },
            },
            DeviceError::Profile(error) => LonganError::from_profile(error, language),
            other => LonganError::storage(language, &other.to_string()),
        }
    }
}

/// For an iOS notification service extension (or an Android notification shown before the app
/// refreshed): the generic line to show for a push, in `language`, or `None` when the payload
/// is not a nudge of this app (leave it as it is, or drop it). Never the payload's text or a
/// dossier code. Needs no open core and performs no I/O: an extension cannot open the data
/// directory while the app holds it; the app files the notification when it next refreshes.
#[uniffi::export(default(language = None))]
pub fn push_notice(payload: String, language: Option<Language>) -> Option<String> {
    let language = match language.unwrap_or(Language::Vi) {
        Language::Vi => longan_core::notify::Language::Vi,
        Language::En => longan_core::notify::Language::En,
    };
    longan_core::notify::parse_push(&payload)
        .ok()
        .map(|nudge| nudge.notice(language).to_string())
}
