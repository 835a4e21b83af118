//! Admission: when a request may leave. A request books a slot in the
//! `booking` bucket (first come, first served) and sleeps until it; right
//! before sending, the `wire` bucket, which counts only what really left,
//! is asked again. A request whose timer fired late (a hidden tab, a busy
//! tablet, throttled timers), or that booked before the rate was lowered,
//! is refused there and books again after what really went, so requests
//! never leave in a burst: over any window `t` at most `burst + rate·t`
//! are sent. A server-imposed hold stops everything until it ends.

use crate::core::engine::progress::RateChange;
use crate::core::engine::rate_limit::{AdaptiveRate, Quota, TokenBucket};
use std::time::Duration;

pub(super) struct Gate {
    booking: TokenBucket,
    wire: TokenBucket,
    hold_until: Duration,
    rate: AdaptiveRate,
}

impl Gate {
    pub(super) fn new(quota: Quota) -> Self {
        Gate {
            booking: TokenBucket::new(quota),
            wire: TokenBucket::new(quota),
            hold_until: Duration::ZERO,
            rate: AdaptiveRate::new(quota),
        }
    }

    /// The highest quota this batch may reach (the configured one, or the
    /// server's stated limit).
    pub(super) fn ceiling(&self) -> Quota {
        self.rate.ceiling()
    }

    /// Books the next slot; how long until it comes.
    pub(super) fn book(&mut self, now: Duration) -> Duration {
        self.booking.reserve(now)
    }

    /// Admits a request that is about to be sent, or says how long it must
    /// still wait (it must then book again).
    pub(super) fn admit(&mut self, now: Duration) -> Result<(), Duration> {
        self.wire.check(now).inspect_err(|_| {
            self.booking.catch_up(&self.wire);
        })
    }

    /// Nothing is sent before `now + wait`.
    pub(super) fn hold(&mut self, now: Duration, wait: Duration) {
        self.hold_until = self.hold_until.max(now.saturating_add(wait));
        self.booking.hold_until(now, wait);
    }

    /// Whether a server-imposed hold lasts at `now`.
    pub(super) fn held(&self, now: Duration) -> bool {
        self.hold_until > now
    }

    /// A 429 without a wait: halve the rate.
    pub(super) fn throttled(&mut self) -> Option<(f64, RateChange)> {
        self.rate
            .decrease()
            .then(|| self.apply(RateChange::Throttled))
    }

    /// An answer came: the rate grows back towards the ceiling.
    pub(super) fn answered(&mut self) -> Option<(f64, RateChange)> {
        self.rate
            .increase()
            .then(|| self.apply(RateChange::Recovered))
    }

    /// The server states its limit a minute: keep under it.
    pub(super) fn limit_stated(&mut self, per_minute: f64) -> Option<(f64, RateChange)> {
        self.rate
            .lower_ceiling(per_minute)
            .then(|| self.apply(RateChange::ServerLimit(per_minute)))
    }

    fn apply(&mut self, change: RateChange) -> (f64, RateChange) {
        let q = self.rate.current();
        self.booking.set_quota(q);
        self.wire.set_quota(q);
        (q.per_minute_rate(), change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn late_wake_ups_are_refused_and_book_after_what_went() {
        let mut g = Gate::new(Quota::new(2.0, 1));
        let waits: Vec<Duration> = (0..3).map(|_| g.book(ms(0))).collect();
        assert_eq!(waits, vec![ms(0), ms(500), ms(1000)]);
        // All three timers fire late, together, at 2 s.
        assert_eq!(g.admit(ms(2000)), Ok(()));
        assert_eq!(g.admit(ms(2000)), Err(ms(500)));
        // Booking again lands after the one that went.
        assert_eq!(g.book(ms(2000)), ms(500));
        assert_eq!(g.admit(ms(2500)), Ok(()));
    }

    #[test]
    fn on_time_wake_ups_all_pass() {
        let mut g = Gate::new(Quota::new(4.0, 2));
        let mut now = ms(0);
        for _ in 0..20 {
            let w = g.book(now);
            now += w;
            assert_eq!(g.admit(now), Ok(()), "at {now:?}");
        }
    }

    #[test]
    fn throttling_halves_and_answers_restore() {
        let mut g = Gate::new(Quota::new(4.0, 1));
        assert_eq!(g.throttled(), Some((120.0, RateChange::Throttled)));
        assert_eq!(g.rate.current().rate_per_sec(), 2.0);
        let mut recovered = None;
        for k in 0..10 {
            if let Some(c) = g.answered() {
                recovered = Some((k, c));
            }
        }
        assert_eq!(recovered, Some((4, (240.0, RateChange::Recovered))));
        assert_eq!(g.answered(), None, "already at the ceiling");
        assert_eq!(
            g.limit_stated(60.0),
            Some((60.0, RateChange::ServerLimit(60.0)))
        );
        assert_eq!(g.limit_stated(600.0), None, "never raised by a header");
        assert_eq!(g.rate.current().per_minute_rate(), 60.0);
    }
}
