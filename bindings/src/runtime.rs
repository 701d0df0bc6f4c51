//! The tokio runtime the core owns. Exported calls are `async` for Kotlin and Swift; their
//! blocking work (store I/O, index builds) runs on this runtime's blocking pool, never on the
//! caller's thread, and the foreign side awaits it.

use std::sync::{Mutex, OnceLock};

use tokio::runtime::{Builder, Runtime};

use crate::config::Language;
use crate::error::LonganError;

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// Phones have few cores and the work is mostly storage: two workers are plenty.
const WORKERS: usize = 2;

fn runtime(language: Language) -> Result<&'static Runtime, LonganError> {
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    // One builder at a time: a runtime built by a loser of the race would have to be dropped,
    // and dropping one inside an async context panics.
    static BUILDING: Mutex<()> = Mutex::new(());
    let _one_builder = BUILDING.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let built = Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name("longan-worker")
        .enable_all()
        .build()
        .map_err(|error| {
            LonganError::internal(language, &format!("cannot start the runtime: {error}"))
        })?;
    Ok(RUNTIME.get_or_init(|| built))
}

/// Runs async work (network calls) on the runtime and waits for it from any executor. A panic
/// in the work becomes [`LonganError::Internal`].
pub(crate) async fn run_async<T, F>(language: Language, work: F) -> Result<T, LonganError>
where
    T: Send + 'static,
    F: std::future::Future<Output = Result<T, LonganError>> + Send + 'static,
{
    let task = runtime(language)?.spawn(work);
    joined(language, task.await)
}

/// Runs blocking work on the runtime and waits for it without blocking the caller. A panic in
/// the work becomes [`LonganError::Internal`].
pub(crate) async fn run_blocking<T, F>(language: Language, work: F) -> Result<T, LonganError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, LonganError> + Send + 'static,
{
    let task = runtime(language)?.spawn_blocking(work);
    joined(language, task.await)
}

fn joined<T>(
    language: Language,
    result: Result<Result<T, LonganError>, tokio::task::JoinError>,
) -> Result<T, LonganError> {
    match result {
        Ok(result) => result,
        Err(error) if error.is_panic() => {
            let payload = error.into_panic();
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            log::error!("a core call panicked: {text}");
            Err(LonganError::internal(language, &text))
        }
        Err(_) => Err(LonganError::cancelled(language)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        Builder::new_current_thread()
            .build()
            .expect("a test runtime")
            .block_on(future)
    }

    #[test]
    fn a_panic_in_the_work_becomes_an_internal_error_with_its_message() {
        let result: Result<(), LonganError> = block_on(run_blocking(Language::En, || {
            panic!("the work broke");
        }));
        match result {
            Err(LonganError::Internal { user_message }) => {
                assert!(user_message.contains("the work broke"), "{user_message}")
            }
            other => panic!("expected Internal, got {other:?}"),
        }
    }

    #[test]
    fn the_works_own_result_comes_back_unchanged() {
        let result = block_on(run_blocking(Language::Vi, || Ok(7)));
        assert_eq!(result, Ok(7));
    }
}
