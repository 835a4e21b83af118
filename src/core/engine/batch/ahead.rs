//! Images are prepared ahead of their slot, a bounded number at a time:
//! a ballot takes a permit before its image is read and prepared and gives
//! it back once its first request is on its way. The bound counts both the
//! ballots and the bytes of their picked files (a 12 MP photo weighs more
//! than a small scan), so a fast rate never has a pile of decoded images in
//! memory, and a slow one never waits on a preparation at its slot.
//! Permits go in the order they were asked for.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::future::poll_fn;
use std::task::{Poll, Waker};

/// How far ahead of their slots images are prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrepareAhead {
    /// Ballots prepared, or being prepared, whose first request has not
    /// left yet.
    pub count: usize,
    /// The picked bytes of those ballots (one ballot is always let
    /// through, whatever its size).
    pub bytes: u64,
}

impl Default for PrepareAhead {
    fn default() -> Self {
        PrepareAhead {
            count: 3,
            bytes: 96 * 1024 * 1024,
        }
    }
}

/// The permits of one batch.
pub(super) struct Ahead {
    limit: PrepareAhead,
    held: Cell<(usize, u64)>,
    /// Tickets of the ballots waiting, lowest first served.
    waiting: RefCell<BTreeSet<u64>>,
    next_ticket: Cell<u64>,
    wakers: RefCell<Vec<Waker>>,
}

/// A ballot's place among those prepared ahead; given back when dropped.
pub(super) struct Permit<'a> {
    ahead: &'a Ahead,
    bytes: u64,
}

/// Gives up a ticket whose wait was dropped (the batch stopped).
struct Ticket<'a> {
    ahead: &'a Ahead,
    id: u64,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.ahead.waiting.borrow_mut().remove(&self.id) {
            self.ahead.wake();
        }
    }
}

impl Ahead {
    pub(super) fn new(limit: PrepareAhead) -> Self {
        Ahead {
            limit,
            held: Cell::new((0, 0)),
            waiting: RefCell::default(),
            next_ticket: Cell::new(0),
            wakers: RefCell::default(),
        }
    }

    /// Whether `bytes` more fit now (one ballot always does).
    pub(super) fn fits(limit: PrepareAhead, held: (usize, u64), bytes: u64) -> bool {
        let (count, held_bytes) = held;
        count == 0
            || (count < limit.count.max(1) && held_bytes.saturating_add(bytes) <= limit.bytes)
    }

    /// Waits for a permit for a ballot of `bytes`, in turn.
    pub(super) async fn take(&self, bytes: u64) -> Permit<'_> {
        let id = self.next_ticket.get();
        self.next_ticket.set(id + 1);
        self.waiting.borrow_mut().insert(id);
        let ticket = Ticket { ahead: self, id };
        poll_fn(|cx| {
            let first = self.waiting.borrow().first() == Some(&id);
            if first && Self::fits(self.limit, self.held.get(), bytes) {
                return Poll::Ready(());
            }
            self.wakers.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        })
        .await;
        let (n, b) = self.held.get();
        self.held.set((n + 1, b.saturating_add(bytes)));
        drop(ticket); // no longer waiting: the next in line may look
        Permit { ahead: self, bytes }
    }

    fn wake(&self) {
        let wakers = std::mem::take(&mut *self.wakers.borrow_mut());
        for w in wakers {
            w.wake();
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let (n, b) = self.ahead.held.get();
        self.ahead
            .held
            .set((n.saturating_sub(1), b.saturating_sub(self.bytes)));
        self.ahead.wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_counts_ballots_and_bytes_and_lets_one_through() {
        let limit = PrepareAhead {
            count: 3,
            bytes: 100,
        };
        let cases = [
            ((0, 0), 1_000, true, "one ballot always goes, however large"),
            ((1, 40), 60, true, "up to the bytes"),
            ((1, 40), 61, false, "past the bytes"),
            ((2, 10), 10, true, "under the count"),
            ((3, 10), 10, false, "at the count"),
        ];
        for (held, bytes, fits, why) in cases {
            assert_eq!(Ahead::fits(limit, held, bytes), fits, "{why}");
        }
        let zero = PrepareAhead { count: 0, bytes: 0 };
        assert!(
            Ahead::fits(zero, (0, 0), 5),
            "a zero setting still lets one through"
        );
        assert!(!Ahead::fits(zero, (1, 0), 0));
    }
}
