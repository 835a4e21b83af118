//! Cancel and pause for a running batch: a cheap, clonable handle the UI
//! keeps while the engine runs. Waking is built in, so the engine can wait
//! for "something changed" without polling.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct State {
    cancelled: bool,
    paused: bool,
    version: u64,
    wakers: Vec<Waker>,
}

/// A batch's cancel/pause switch. Clones share the same switch.
#[derive(Clone, Default)]
pub struct Control(Rc<RefCell<State>>);

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0.borrow();
        f.debug_struct("Control")
            .field("cancelled", &s.cancelled)
            .field("paused", &s.paused)
            .finish()
    }
}

impl Control {
    /// A fresh switch: running, not paused.
    pub fn new() -> Self {
        Self::default()
    }

    fn changed(&self, f: impl FnOnce(&mut State)) {
        let wakers = {
            let mut s = self.0.borrow_mut();
            f(&mut s);
            s.version += 1;
            std::mem::take(&mut s.wakers)
        };
        for w in wakers {
            w.wake();
        }
    }

    /// Stops the batch: no new work, what is in flight is aborted.
    pub fn cancel(&self) {
        self.changed(|s| s.cancelled = true);
    }
    /// Stops dispatching new requests; what is in flight finishes.
    pub fn pause(&self) {
        self.changed(|s| s.paused = true);
    }
    /// Dispatches again.
    pub fn resume(&self) {
        self.changed(|s| s.paused = false);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.borrow().cancelled
    }
    /// Whether paused (and not cancelled).
    pub fn is_paused(&self) -> bool {
        let s = self.0.borrow();
        s.paused && !s.cancelled
    }
    /// A number that changes on every cancel/pause/resume.
    pub fn version(&self) -> u64 {
        self.0.borrow().version
    }
    /// Wakes `waker` on the next change.
    pub fn register(&self, waker: &Waker) {
        let mut s = self.0.borrow_mut();
        if !s.wakers.iter().any(|w| w.will_wake(waker)) {
            s.wakers.push(waker.clone());
        }
    }
    /// Resolves at the next change after this call.
    pub fn changed_future(&self) -> Changed {
        Changed {
            control: self.clone(),
            version: self.version(),
        }
    }
}

/// See [`Control::changed_future`].
pub struct Changed {
    control: Control,
    version: u64,
}

impl Future for Changed {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.control.version() != self.version {
            Poll::Ready(())
        } else {
            self.control.register(cx.waker());
            Poll::Pending
        }
    }
}
