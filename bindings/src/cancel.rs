//! A handle an app keeps to cancel a long call, because Swift task cancellation does not reach
//! Rust through uniffi.

use longan_core::Cancellation;

/// Cancels the long calls it is passed to. One handle may serve several calls; once cancelled it
/// stays cancelled.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelHandle {
    cancellation: Cancellation,
}

#[uniffi::export]
impl CancelHandle {
    /// A handle nobody has cancelled. Performs no I/O.
    #[uniffi::constructor]
    pub fn new() -> CancelHandle {
        CancelHandle::default()
    }

    /// Asks every call given this handle to stop. A call stops at its next safe point and
    /// fails with `LonganError::Cancelled`, having written nothing; a call already past its
    /// last safe point finishes normally. Safe on any thread.
    pub fn cancel(&self) {
        self.cancellation.cancel();
    }

    /// True once [`CancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }
}

/// One call's cancellation: set by the app's handle, if it gave one, and when the call's future
/// is dropped before it finished (a cancelled Kotlin coroutine drops it).
pub(crate) struct CallCancellation {
    cancellation: Cancellation,
}

impl CallCancellation {
    pub(crate) fn new(handle: Option<&CancelHandle>) -> CallCancellation {
        CallCancellation {
            cancellation: handle.map_or_else(Cancellation::new, |h| h.cancellation.child()),
        }
    }

    /// The flag the core's operation reads.
    pub(crate) fn flag(&self) -> Cancellation {
        self.cancellation.clone()
    }
}

impl Drop for CallCancellation {
    fn drop(&mut self) {
        // Only this call's own flag: the app's handle stays as the app left it. After the call
        // finished, nobody reads the flag any more.
        self.cancellation.cancel();
    }
}
