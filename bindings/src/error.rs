//! The one error type of the API, and how each core error becomes one.
//!
//! A UI branches on the variant; `user_message` is ready to show in the configured language;
//! `is_retryable()` says whether the same call may succeed later unchanged. Messages never carry
//! tokens or personal data.

use longan_core::app::MyDossiersError;
use longan_core::auth::AuthError;
use longan_core::catalog::CatalogError;
use longan_core::dossier::error::DossierError;
use longan_core::net::NetError;
use longan_core::profile::ProfileError;
use longan_core::store::StoreError;

use crate::config::Language;

/// Every way an API call can fail. Kotlin sees it as `LonganException`, Swift as `LonganError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum LonganError {
    /// No network.
    #[error("{user_message}")]
    Offline {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// The server did not answer in time.
    #[error("{user_message}")]
    Timeout {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// The server asks us to slow down.
    #[error("{user_message}")]
    RateLimited {
        /// Readable message in the configured language.
        user_message: String,
        /// Seconds to wait before trying again, when the server said.
        retry_after_seconds: Option<u64>,
    },
    /// What was asked for does not exist.
    #[error("{user_message}")]
    NotFound {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// The input cannot be used (empty query, malformed code, bad page size, unreadable file).
    #[error("{user_message}")]
    InvalidInput {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// The call needs a signed-in citizen.
    #[error("{user_message}")]
    AuthRequired {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// The sign-in expired and could not be renewed: sign in again.
    #[error("{user_message}")]
    SessionExpired {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// The server failed or is down for maintenance.
    #[error("{user_message}")]
    ServerUnavailable {
        /// Readable message in the configured language.
        user_message: String,
        /// Seconds to wait before trying again, when the server said.
        retry_after_seconds: Option<u64>,
    },
    /// The data directory cannot be used (not open yet, damaged, disk full, no permission).
    #[error("{user_message}")]
    StorageUnavailable {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// Another open core, in this process or another, holds the data directory.
    #[error("{user_message}")]
    StoreBusy {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// The server or the stored data needs a newer app.
    #[error("{user_message}")]
    ClientTooOld {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// The call was cancelled and wrote nothing.
    #[error("{user_message}")]
    Cancelled {
        /// Readable message in the configured language.
        user_message: String,
    },
    /// A bug in the core (a panic included). Report it.
    #[error("{user_message}")]
    Internal {
        /// Readable message in the configured language.
        user_message: String,
    },
}

#[uniffi::export]
impl LonganError {
    /// True when the same call may succeed later without any change by the user.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            LonganError::Offline { .. }
                | LonganError::Timeout { .. }
                | LonganError::RateLimited { .. }
                | LonganError::ServerUnavailable { .. }
                | LonganError::StoreBusy { .. }
        )
    }

    /// Seconds to wait before retrying, when known.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            LonganError::RateLimited {
                retry_after_seconds,
                ..
            }
            | LonganError::ServerUnavailable {
                retry_after_seconds,
                ..
            } => *retry_after_seconds,
            _ => None,
        }
    }
}

/// Picks the message of the configured language.
fn say(language: Language, vi: &str, en: &str) -> String {
    match language {
        Language::Vi => vi.to_string(),
        Language::En => en.to_string(),
    }
}

fn server_unavailable(language: Language) -> String {
    say(
        language,
        "Máy chủ tạm thời không phục vụ được. Vui lòng thử lại sau.",
        "The server cannot serve this right now. Please try again later.",
    )
}

/// `message: detail`, keeping the core's detail (in English, free of personal data) for support.
fn with_detail(message: String, detail: &str) -> String {
    format!("{message} ({detail})")
}

impl LonganError {
    /// The core's catalogue error, for a UI.
    pub(crate) fn from_catalog(error: CatalogError, language: Language) -> LonganError {
        let detail = error.to_string();
        match error {
            CatalogError::NotFound { .. } => LonganError::NotFound {
                user_message: with_detail(
                    say(
                        language,
                        "Không tìm thấy thủ tục này.",
                        "This procedure was not found.",
                    ),
                    &detail,
                ),
            },
            CatalogError::InvalidInput { .. } | CatalogError::ImportFailed { .. } => {
                LonganError::InvalidInput {
                    user_message: with_detail(
                        say(
                            language,
                            "Dữ liệu nhập vào không hợp lệ.",
                            "The input is not valid.",
                        ),
                        &detail,
                    ),
                }
            }
            CatalogError::Cancelled(_) => LonganError::cancelled(language),
            CatalogError::Corrupt { .. } => LonganError::storage(language, &detail),
            CatalogError::Store(store) => LonganError::from_store(store, language),
            CatalogError::Network(error) => LonganError::from_net(error, language),
        }
    }

    /// A dossier error, for a UI.
    pub(crate) fn from_dossier(error: DossierError, language: Language) -> LonganError {
        let detail = error.to_string();
        match error {
            DossierError::InvalidCode(_) => LonganError::InvalidInput {
                user_message: with_detail(
                    say(
                        language,
                        "Mã hồ sơ không hợp lệ. Vui lòng kiểm tra lại giấy biên nhận.",
                        "This is not a valid dossier code. Please check the receipt.",
                    ),
                    &detail,
                ),
            },
            // One answer for an unknown code and a wrong verifier, on purpose.
            DossierError::NotFound | DossierError::NotStored => LonganError::NotFound {
                user_message: say(
                    language,
                    "Không tìm thấy hồ sơ với mã và số xác minh này.",
                    "No dossier matches this code and verifier.",
                ),
            },
            DossierError::SignInRequired => LonganError::AuthRequired {
                user_message: say(
                    language,
                    "Vui lòng đăng nhập lại để cập nhật hồ sơ này.",
                    "Please sign in again to update this dossier.",
                ),
            },
            DossierError::Network(error) => LonganError::from_net(error, language),
            DossierError::Profile(error) => LonganError::from_profile(error, language),
            DossierError::Store(error) => {
                LonganError::from_catalog(CatalogError::Store(error), language)
            }
            DossierError::Corrupt { .. } => LonganError::storage(language, &detail),
        }
    }

    /// A session error, for a UI.
    pub(crate) fn from_auth(error: AuthError, language: Language) -> LonganError {
        let detail = error.to_string();
        let sign_in_failed = |vi: &str, en: &str| LonganError::AuthRequired {
            user_message: with_detail(say(language, vi, en), &detail),
        };
        match error {
            AuthError::DemoOnly => LonganError::InvalidInput {
                user_message: say(
                    language,
                    "Chỉ đăng nhập thử được trong chế độ trình diễn.",
                    "The demo sign-in is only available in demo mode.",
                ),
            },
            AuthError::NotConfigured | AuthError::Config { .. } => LonganError::InvalidInput {
                user_message: with_detail(
                    say(
                        language,
                        "Ứng dụng chưa được cấu hình để đăng nhập.",
                        "The app is not set up for signing in.",
                    ),
                    &detail,
                ),
            },
            AuthError::NotSignedIn => LonganError::auth_required(language),
            AuthError::ReauthRequired => LonganError::SessionExpired {
                user_message: say(
                    language,
                    "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
                    "Your sign-in has expired. Please sign in again.",
                ),
            },
            AuthError::Refused { error } if error == "access_denied" => {
                sign_in_failed("Đăng nhập đã bị huỷ.", "The sign-in was cancelled.")
            }
            AuthError::NoLoginInProgress
            | AuthError::StateMismatch
            | AuthError::BadRedirect
            | AuthError::Refused { .. }
            | AuthError::InvalidIdToken { .. } => sign_in_failed(
                "Đăng nhập không thành công. Vui lòng thử lại.",
                "The sign-in did not succeed. Please try again.",
            ),
            AuthError::Provider { reason } => {
                LonganError::from_net(NetError::InvalidResponse { reason }, language)
            }
            AuthError::Network(error) => LonganError::from_net(error, language),
            AuthError::Profile(error) => LonganError::from_profile(error, language),
            AuthError::Store(error) => {
                LonganError::from_catalog(CatalogError::Store(error), language)
            }
            AuthError::SecureStore(_) | AuthError::Corrupt { .. } => {
                LonganError::storage(language, &detail)
            }
        }
    }

    /// A profile error, for a UI.
    pub(crate) fn from_profile(error: ProfileError, language: Language) -> LonganError {
        let detail = error.to_string();
        match error {
            ProfileError::NotFound { .. } => LonganError::NotFound {
                user_message: say(
                    language,
                    "Không tìm thấy hồ sơ người dùng này trên máy.",
                    "This profile is not on this device.",
                ),
            },
            ProfileError::BadName { max } => LonganError::InvalidInput {
                user_message: format!(
                    "{} ({max})",
                    say(
                        language,
                        "Tên hồ sơ người dùng phải có từ 1 ký tự và không quá giới hạn",
                        "A profile name needs at least 1 character and at most the limit",
                    )
                ),
            },
            ProfileError::Store(error) => {
                LonganError::from_catalog(CatalogError::Store(error), language)
            }
            ProfileError::SecureStore(_)
            | ProfileError::Random { .. }
            | ProfileError::Corrupt { .. } => LonganError::storage(language, &detail),
        }
    }

    /// Listing the signed-in citizen's dossiers failed, for a UI.
    pub(crate) fn from_my_dossiers(error: MyDossiersError, language: Language) -> LonganError {
        match error {
            MyDossiersError::Auth(error) => LonganError::from_auth(error, language),
            MyDossiersError::Dossier(error) => LonganError::from_dossier(error, language),
        }
    }

    /// The network layer's error, for a UI.
    pub(crate) fn from_net(error: NetError, language: Language) -> LonganError {
        let detail = error.to_string();
        let seconds = |wait: Option<std::time::Duration>| wait.map(|d| d.as_secs().max(1));
        match error {
            NetError::Offline { .. } => LonganError::Offline {
                user_message: with_detail(
                    say(
                        language,
                        "Không có kết nối mạng. Dữ liệu đã lưu trên máy vẫn dùng được.",
                        "No network connection. The data saved on this device still works.",
                    ),
                    &detail,
                ),
            },
            NetError::Timeout => LonganError::Timeout {
                user_message: say(
                    language,
                    "Máy chủ không phản hồi kịp. Vui lòng thử lại.",
                    "The server did not answer in time. Please try again.",
                ),
            },
            NetError::RateLimited { retry_after } => LonganError::RateLimited {
                user_message: say(
                    language,
                    "Máy chủ đang bận. Vui lòng thử lại sau ít phút.",
                    "The server is busy. Please try again in a few minutes.",
                ),
                retry_after_seconds: seconds(retry_after),
            },
            NetError::ClientTooOld => LonganError::ClientTooOld {
                user_message: say(
                    language,
                    "Phiên bản ứng dụng đã cũ. Vui lòng cập nhật ứng dụng.",
                    "This version of the app is too old. Please update the app.",
                ),
            },
            NetError::NotFound => LonganError::NotFound {
                user_message: with_detail(
                    say(
                        language,
                        "Không tìm thấy trên máy chủ.",
                        "Not found on the server.",
                    ),
                    &detail,
                ),
            },
            NetError::BadUrl { .. } | NetError::Config { .. } => LonganError::InvalidInput {
                user_message: with_detail(
                    say(
                        language,
                        "Địa chỉ máy chủ không hợp lệ.",
                        "The server address is not valid.",
                    ),
                    &detail,
                ),
            },
            NetError::Cancelled(_) => LonganError::cancelled(language),
            NetError::ServerUnavailable { retry_after, .. } => LonganError::ServerUnavailable {
                user_message: with_detail(server_unavailable(language), &detail),
                retry_after_seconds: seconds(retry_after),
            },
            // A refusal is final: retrying the same request cannot help.
            NetError::Rejected {
                status: 401 | 403, ..
            }
            | NetError::Problem {
                status: 401 | 403, ..
            } => LonganError::auth_required(language),
            NetError::Problem { .. } | NetError::Rejected { .. } => LonganError::InvalidInput {
                user_message: with_detail(
                    say(
                        language,
                        "Máy chủ từ chối yêu cầu này.",
                        "The server refused this request.",
                    ),
                    &detail,
                ),
            },
            NetError::InvalidResponse { .. }
            | NetError::TooLarge { .. }
            | NetError::Untrusted { .. } => LonganError::ServerUnavailable {
                user_message: with_detail(server_unavailable(language), &detail),
                retry_after_seconds: None,
            },
        }
    }

    fn from_store(error: StoreError, language: Language) -> LonganError {
        let detail = error.to_string();
        match error {
            StoreError::Busy => LonganError::StoreBusy {
                user_message: say(
                    language,
                    "Dữ liệu của ứng dụng đang được mở ở nơi khác. Vui lòng thử lại sau.",
                    "The app's data is open elsewhere. Please try again later.",
                ),
            },
            StoreError::FormatTooNew { .. } => LonganError::ClientTooOld {
                user_message: with_detail(
                    say(
                        language,
                        "Dữ liệu được tạo bởi phiên bản mới hơn. Vui lòng cập nhật ứng dụng.",
                        "The data was written by a newer version. Please update the app.",
                    ),
                    &detail,
                ),
            },
            StoreError::Corrupt { .. } | StoreError::Migration { .. } | StoreError::Io { .. } => {
                LonganError::storage(language, &detail)
            }
        }
    }

    /// The answer when a call needs a signed-in citizen.
    pub(crate) fn auth_required(language: Language) -> LonganError {
        LonganError::AuthRequired {
            user_message: say(
                language,
                "Vui lòng đăng nhập để tiếp tục.",
                "Please sign in to continue.",
            ),
        }
    }

    pub(crate) fn storage(language: Language, detail: &str) -> LonganError {
        LonganError::StorageUnavailable {
            user_message: with_detail(
                say(
                    language,
                    "Không thể đọc hoặc ghi dữ liệu trên máy.",
                    "The data on this device cannot be read or written.",
                ),
                detail,
            ),
        }
    }

    pub(crate) fn not_open(language: Language) -> LonganError {
        LonganError::storage(language, "the core is not open: call open() first")
    }

    pub(crate) fn cancelled(language: Language) -> LonganError {
        LonganError::Cancelled {
            user_message: say(language, "Đã hủy thao tác.", "The operation was cancelled."),
        }
    }

    pub(crate) fn internal(language: Language, detail: &str) -> LonganError {
        LonganError::Internal {
            user_message: with_detail(
                say(
                    language,
                    "Đã xảy ra lỗi trong ứng dụng.",
                    "Something went wrong inside the app.",
                ),
                detail,
            ),
        }
    }
}

/// An exception a Kotlin or Swift callback threw where none was expected becomes an internal
/// error instead of a panic.
impl From<uniffi::UnexpectedUniFFICallbackError> for LonganError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> LonganError {
        LonganError::internal(
            Language::En,
            &format!("a callback failed: {}", error.reason),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_store_is_retryable_and_says_so_in_vietnamese() {
        let error = LonganError::from_catalog(CatalogError::Store(StoreError::Busy), Language::Vi);
        assert!(matches!(error, LonganError::StoreBusy { .. }));
        assert!(error.is_retryable());
        assert!(error.to_string().contains("thử lại"), "{error}");
    }

    #[test]
    fn bad_input_is_not_retryable_and_keeps_the_reason_in_english_mode() {
        let error = LonganError::from_catalog(
            CatalogError::InvalidInput {
                reason: "the query is empty".into(),
            },
            Language::En,
        );
        assert!(matches!(error, LonganError::InvalidInput { .. }));
        assert!(!error.is_retryable());
        assert!(error.to_string().contains("the query is empty"), "{error}");
        assert_eq!(error.retry_after_seconds(), None);
    }

    #[test]
    fn stored_data_from_a_newer_app_asks_for_an_update() {
        let error = LonganError::from_catalog(
            CatalogError::Store(StoreError::FormatTooNew {
                area: longan_core::store::Area::State,
                found: 9,
                supported: 1,
            }),
            Language::En,
        );
        assert!(
            matches!(error, LonganError::ClientTooOld { .. }),
            "{error:?}"
        );
    }
}
