//! How failures leave the program: an exit code per category and, with `--json`, one JSON
//! object on stderr. Never a stack trace.

use longan_core::auth::AuthError;
use longan_core::catalog::CatalogError;
use longan_core::feedback::FeedbackError;
use longan_core::net::NetError;
use longan_core::notify::NotifyError;
use longan_core::outbox::OutboxError;
use longan_core::profile::ProfileError;
use longan_core::store::StoreError;
use serde_json::json;

/// A failure on its way out.
#[derive(Debug)]
pub struct Failure {
    /// Machine-readable category.
    pub category: &'static str,
    /// Readable message.
    pub message: String,
    /// Process exit code.
    pub exit_code: u8,
}

/// Exit code: nothing found.
pub const EXIT_NOT_FOUND: u8 = 1;
/// Exit code: bad command line or input.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the portal cannot be reached.
pub const EXIT_OFFLINE: u8 = 3;
/// Exit code: the portal asks to retry later.
pub const EXIT_RATE_LIMITED: u8 = 4;
/// Exit code: signing in failed or is needed (refused, expired, a redirect of another sign-in).
pub const EXIT_AUTH: u8 = 5;
/// Exit code: the portal failed or answered nonsense.
pub const EXIT_SERVER: u8 = 7;
/// Exit code: storage failed.
pub const EXIT_STORAGE: u8 = 6;
/// Exit code: stopped on request (128 + SIGINT, as shells report it).
pub const EXIT_CANCELLED: u8 = 130;
/// Exit code: a bug.
pub const EXIT_INTERNAL: u8 = 70;

impl Failure {
    /// A failure of the given category.
    pub fn new(category: &'static str, exit_code: u8, message: impl Into<String>) -> Failure {
        Failure {
            category,
            message: message.into(),
            exit_code,
        }
    }

    /// Prints the failure the way the output mode asks.
    pub fn report(&self, json: bool) {
        if json {
            eprintln!(
                "{}",
                json!({"error": {"category": self.category, "message": self.message}})
            );
        } else {
            eprintln!("longan: {}", self.message);
        }
    }
}

impl From<CatalogError> for Failure {
    fn from(error: CatalogError) -> Failure {
        let message = error.to_string();
        match error {
            CatalogError::NotFound { .. } => Failure::new("not_found", EXIT_NOT_FOUND, message),
            CatalogError::InvalidInput { .. } | CatalogError::ImportFailed { .. } => {
                Failure::new("invalid_input", EXIT_USAGE, message)
            }
            CatalogError::Store(StoreError::Busy) => {
                Failure::new("store_busy", EXIT_STORAGE, message)
            }
            CatalogError::Store(_) | CatalogError::Corrupt { .. } => {
                Failure::new("storage", EXIT_STORAGE, message)
            }
            CatalogError::Cancelled(_) => Failure::new("cancelled", EXIT_CANCELLED, message),
            CatalogError::Network(error) => Failure::from(error),
        }
    }
}

impl From<NetError> for Failure {
    fn from(error: NetError) -> Failure {
        let message = error.to_string();
        match error {
            NetError::Offline { .. } | NetError::Timeout => {
                Failure::new("offline", EXIT_OFFLINE, message)
            }
            NetError::RateLimited { .. } => {
                Failure::new("rate_limited", EXIT_RATE_LIMITED, message)
            }
            NetError::BadUrl { .. } | NetError::Config { .. } => {
                Failure::new("invalid_input", EXIT_USAGE, message)
            }
            NetError::Cancelled(_) => Failure::new("cancelled", EXIT_CANCELLED, message),
            NetError::ClientTooOld => Failure::new("client_too_old", EXIT_SERVER, message),
            NetError::ServerUnavailable { .. }
            | NetError::NotFound
            | NetError::Problem { .. }
            | NetError::Rejected { .. }
            | NetError::InvalidResponse { .. }
            | NetError::TooLarge { .. }
            | NetError::Untrusted { .. } => Failure::new("server", EXIT_SERVER, message),
        }
    }
}

/// A store failure: busy, or anything else that makes the data directory unusable.
fn storage(error: &StoreError, message: String) -> Failure {
    match error {
        StoreError::Busy => Failure::new("store_busy", EXIT_STORAGE, message),
        _ => Failure::new("storage", EXIT_STORAGE, message),
    }
}

impl From<AuthError> for Failure {
    fn from(error: AuthError) -> Failure {
        let message = error.to_string();
        match error {
            AuthError::NotSignedIn
            | AuthError::ReauthRequired
            | AuthError::StateMismatch
            | AuthError::Refused { .. }
            | AuthError::InvalidIdToken { .. }
            | AuthError::NoLoginInProgress
            | AuthError::BadRedirect => Failure::new("auth", EXIT_AUTH, message),
            AuthError::NotConfigured | AuthError::DemoOnly => {
                Failure::new("usage", EXIT_USAGE, message)
            }
            AuthError::Config { .. } => Failure::new("invalid_input", EXIT_USAGE, message),
            AuthError::Provider { .. } => Failure::new("server", EXIT_SERVER, message),
            AuthError::Network(error) => Failure::from(error),
            AuthError::Profile(error) => Failure::from(error),
            AuthError::Store(error) => storage(&error, message),
            AuthError::SecureStore(_) | AuthError::Corrupt { .. } => {
                Failure::new("storage", EXIT_STORAGE, message)
            }
        }
    }
}

impl From<ProfileError> for Failure {
    fn from(error: ProfileError) -> Failure {
        let message = error.to_string();
        match error {
            ProfileError::NotFound { .. } => Failure::new("not_found", EXIT_NOT_FOUND, message),
            ProfileError::BadName { .. } => Failure::new("invalid_input", EXIT_USAGE, message),
            ProfileError::Store(error) => storage(&error, message),
            ProfileError::SecureStore(_)
            | ProfileError::Random { .. }
            | ProfileError::Corrupt { .. } => Failure::new("storage", EXIT_STORAGE, message),
        }
    }
}

impl From<FeedbackError> for Failure {
    fn from(error: FeedbackError) -> Failure {
        let message = error.to_string();
        match error {
            FeedbackError::Outbox(OutboxError::Store(error)) => storage(&error, message),
            FeedbackError::Outbox(OutboxError::TooLarge { .. }) => {
                Failure::new("invalid_input", EXIT_USAGE, message)
            }
            FeedbackError::Outbox(_) => Failure::new("storage", EXIT_STORAGE, message),
            FeedbackError::EmptyText
            | FeedbackError::TooLong { .. }
            | FeedbackError::BadCategory
            | FeedbackError::BadLocation
            | FeedbackError::BadPhotoRef { .. }
            | FeedbackError::BadContactName { .. }
            | FeedbackError::BadPhone => Failure::new("invalid_input", EXIT_USAGE, message),
        }
    }
}

impl From<NotifyError> for Failure {
    fn from(error: NotifyError) -> Failure {
        let message = error.to_string();
        match error {
            NotifyError::Store(error) => storage(&error, message),
            NotifyError::Corrupt { .. } => Failure::new("storage", EXIT_STORAGE, message),
        }
    }
}
