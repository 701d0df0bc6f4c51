//! Cancelling a long operation from another thread.
//!
//! Swift task cancellation does not reach Rust through uniffi, and a dropped Kotlin coroutine
//! only drops the future, so long operations take a [`Cancellation`] and look at it at points
//! where stopping loses nothing: before anything is written, never halfway through a commit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared flag: set once by whoever wants the operation stopped, read by the operation.
/// A child is also cancelled by its ancestors, not the other way round.
#[derive(Debug, Clone, Default)]
pub struct Cancellation {
    cancelled: Arc<AtomicBool>,
    ancestors: Vec<Arc<AtomicBool>>,
}

/// The operation stopped because it was cancelled; nothing it would have written was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operation was cancelled")]
pub struct Cancelled;

impl Cancellation {
    /// A flag nobody has set yet.
    pub fn new() -> Cancellation {
        Cancellation::default()
    }

    /// A flag of its own that is also set whenever this one is: one call's cancellation under a
    /// handle the app shares between calls.
    pub fn child(&self) -> Cancellation {
        let mut ancestors = self.ancestors.clone();
        ancestors.push(self.cancelled.clone());
        Cancellation {
            cancelled: Arc::default(),
            ancestors,
        }
    }

    /// Asks the operation to stop. Later checks fail; an operation past its last check finishes.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
    }

    /// True once [`Cancellation::cancel`] was called on this flag or an ancestor.
    pub fn is_cancelled(&self) -> bool {
        std::iter::once(&self.cancelled)
            .chain(&self.ancestors)
            .any(|flag| flag.load(Ordering::Acquire))
    }

    /// `Err(Cancelled)` once cancelled.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_sees_the_cancel_of_the_original() {
        let original = Cancellation::new();
        let clone = original.clone();
        assert_eq!(clone.check(), Ok(()));
        original.cancel();
        assert_eq!(clone.check(), Err(Cancelled));
    }

    #[test]
    fn a_child_is_cancelled_by_its_parent_but_not_the_reverse() {
        let parent = Cancellation::new();
        let first = parent.child();
        let second = parent.child();
        first.cancel();
        assert!(first.is_cancelled());
        assert!(!second.is_cancelled() && !parent.is_cancelled());
        parent.cancel();
        assert!(second.is_cancelled());
        assert!(second.child().is_cancelled());
    }
}
