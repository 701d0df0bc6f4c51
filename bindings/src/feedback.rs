//! Feedback to the province's 1022 service, sent through the outbox.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use longan_core::feedback::{
    Feedback, FeedbackCategory as CoreCategory, FeedbackEntry, FeedbackError, FeedbackStatus,
    GeoPoint,
};

use crate::cancel::CancelHandle;
use crate::core_object::LonganCore;
use crate::error::LonganError;

/// What a feedback is about (the 1022 service's categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FeedbackCategory {
    /// Dịch vụ công, thủ tục hành chính.
    PublicService,
    /// Hạ tầng (đường, điện, nước, chiếu sáng).
    Infrastructure,
    /// Giao thông.
    Traffic,
    /// Môi trường.
    Environment,
    /// Trật tự đô thị, xây dựng.
    UrbanOrder,
    /// An ninh, trật tự.
    SecurityOrder,
    /// Y tế, an toàn thực phẩm.
    Health,
    /// Khác.
    Other,
}

impl FeedbackCategory {
    fn to_core(self) -> CoreCategory {
        match self {
            FeedbackCategory::PublicService => CoreCategory::PublicService,
            FeedbackCategory::Infrastructure => CoreCategory::Infrastructure,
            FeedbackCategory::Traffic => CoreCategory::Traffic,
            FeedbackCategory::Environment => CoreCategory::Environment,
            FeedbackCategory::UrbanOrder => CoreCategory::UrbanOrder,
            FeedbackCategory::SecurityOrder => CoreCategory::SecurityOrder,
            FeedbackCategory::Health => CoreCategory::Health,
            FeedbackCategory::Other => CoreCategory::Other,
        }
    }

    fn from_core(category: CoreCategory) -> FeedbackCategory {
        match category {
            CoreCategory::PublicService => FeedbackCategory::PublicService,
            CoreCategory::Infrastructure => FeedbackCategory::Infrastructure,
            CoreCategory::Traffic => FeedbackCategory::Traffic,
            CoreCategory::Environment => FeedbackCategory::Environment,
            CoreCategory::UrbanOrder => FeedbackCategory::UrbanOrder,
            CoreCategory::SecurityOrder => FeedbackCategory::SecurityOrder,
            CoreCategory::Health => FeedbackCategory::Health,
            CoreCategory::Other => FeedbackCategory::Other,
        }
    }
}

/// A feedback the citizen wrote.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FeedbackDraft {
    /// What it is about.
    pub category: FeedbackCategory,
    /// The citizen's words (1 to 2,000 characters).
    pub text: String,
    /// Where, if the citizen shares it: latitude.
    #[uniffi(default = None)]
    pub latitude: Option<f64>,
    /// Where, if the citizen shares it: longitude.
    #[uniffi(default = None)]
    pub longitude: Option<f64>,
    /// A photo uploaded separately.
    #[uniffi(default = None)]
    pub photo_ref: Option<String>,
    /// A name to address the citizen by.
    #[uniffi(default = None)]
    pub contact_name: Option<String>,
    /// A phone number to call back.
    #[uniffi(default = None)]
    pub contact_phone: Option<String>,
}

/// Where a feedback is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FeedbackState {
    /// Waiting for the network (or for its next attempt).
    Queued,
    /// Being sent right now.
    Sending,
    /// Sent; the service's receipt is being confirmed.
    Sent,
    /// The 1022 service has it (`receiptId`).
    Received,
    /// Refused or given up: show `failure`, offer to try again or discard.
    Failed,
}

/// A feedback and where it is.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FeedbackView {
    /// Its id on this device.
    pub id: u64,
    /// What it is about (`None` if its record cannot be read).
    pub category: Option<FeedbackCategory>,
    /// When it was written.
    pub created_at: SystemTime,
    /// Where it is.
    pub state: FeedbackState,
    /// Attempts made so far.
    pub attempts: u32,
    /// The 1022 service's id, once received.
    pub receipt_id: Option<String>,
    /// Why it failed, or why the last attempt did.
    pub failure: Option<String>,
}

impl FeedbackView {
    fn new(entry: FeedbackEntry) -> FeedbackView {
        let (state, attempts, receipt_id, failure) = match entry.status {
            FeedbackStatus::Queued {
                attempts,
                last_error,
                ..
            } => (FeedbackState::Queued, attempts, None, last_error),
            FeedbackStatus::Sending => (FeedbackState::Sending, 0, None, None),
            FeedbackStatus::Sent => (FeedbackState::Sent, 0, None, None),
            FeedbackStatus::Received { id } => (FeedbackState::Received, 0, Some(id), None),
            FeedbackStatus::Failed { reason } => (FeedbackState::Failed, 0, None, Some(reason)),
        };
        FeedbackView {
            id: entry.id.0,
            category: entry.category.map(FeedbackCategory::from_core),
            created_at: UNIX_EPOCH + Duration::from_millis(entry.created_at_ms.max(0) as u64),
            state,
            attempts,
            receipt_id,
            failure,
        }
    }
}

#[uniffi::export]
impl LonganCore {
    /// Queues a feedback to the 1022 service for the profile in use (durable when it returns)
    /// and tries to send it at once through the configured portal; offline, it waits in the
    /// outbox and goes out with `deliverOutbox`. Exactly once at the service, whatever the
    /// network does. Writes the device's data; network when available.
    #[uniffi::method(default(cancel = None))]
    pub async fn send_feedback(
        &self,
        draft: FeedbackDraft,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<FeedbackView, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        let portal = self.configured_portal(&core)?;
        self.network_call(cancel, move |flag| async move {
            let mut feedback = Feedback::new(draft.category.to_core(), draft.text);
            feedback.location = match (draft.latitude, draft.longitude) {
                (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
                _ => None,
            };
            feedback.photo_ref = draft.photo_ref;
            feedback.contact_name = draft.contact_name;
            feedback.contact_phone = draft.contact_phone;
            let failed = |error| LonganError::from_feedback(error, language);
            let id = core.queue_feedback(&feedback).map_err(failed)?;
            if let Err(error) = core.deliver_outbox(portal.as_ref(), &flag).await {
                log::info!("the feedback stays queued: {error}");
            }
            core.feedback_list()
                .map_err(failed)?
                .into_iter()
                .find(|entry| entry.id == id)
                .map(FeedbackView::new)
                .ok_or_else(|| LonganError::storage(language, "the queued feedback is missing"))
        })
        .await
    }

    /// The profile's feedback, oldest first, with where each is. Reads the device's data.
    pub async fn feedback_list(&self) -> Result<Vec<FeedbackView>, LonganError> {
        self.call(move |core, language| {
            Ok(core
                .feedback_list()
                .map_err(|error| LonganError::from_feedback(error, language))?
                .into_iter()
                .map(FeedbackView::new)
                .collect())
        })
        .await
    }

    /// Sends what waits in the outbox (feedback, revocations): call it when the network comes
    /// back and from background work. Returns how many items changed state. Network.
    #[uniffi::method(default(cancel = None))]
    pub async fn deliver_outbox(
        &self,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<u32, LonganError> {
        let language = self.language();
        let core = self.opened_core()?;
        let portal = self.configured_portal(&core)?;
        self.network_call(cancel, move |flag| async move {
            core.deliver_outbox(portal.as_ref(), &flag)
                .await
                .map(|changes| changes.len() as u32)
                .map_err(|error| LonganError::storage(language, &error.to_string()))
        })
        .await
    }
}

impl LonganError {
    /// A feedback error, for a UI.
    pub(crate) fn from_feedback(
        error: FeedbackError,
        language: crate::config::Language,
    ) -> LonganError {
        match error {
            FeedbackError::Outbox(_) => LonganError::storage(language, &error.to_string()),
            invalid => LonganError::InvalidInput {
                user_message: match language {
                    crate::config::Language::Vi => format!("Phản ánh chưa hợp lệ: {invalid}"),
                    crate::config::Language::En => format!("The feedback is not valid: {invalid}"),
                },
            },
        }
    }
}
