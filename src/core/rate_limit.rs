//! Token bucket as a pure decision over time the caller passes in.
//!
//! Implemented as GCRA (the "virtual scheduling" form of a token bucket, as in
//! the governor crate): one number, the theoretical arrival time `tat`, says
//! when the bucket is next full enough. With rate `r` per second and burst `b`,
//! over any window of length `t` at most `b + r·t` requests are admitted.
//! Nothing here reads a clock or sleeps: callers pass `now` (a monotonic
//! [`Duration`] since any origin) and wait themselves.

use std::time::Duration;

/// Rate and burst of a bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    /// Requests per second, > 0.
    pub rate_per_sec: f64,
    /// Requests that may go at once after an idle spell, >= 1.
    pub burst: u32,
}

impl Default for Quota {
    fn default() -> Self {
        Quota {
            rate_per_sec: 2.0,
            burst: 1,
        }
    }
}

impl Quota {
    /// A quota; `rate_per_sec` is clamped to at least one request a day and
    /// `burst` to at least 1, so no input can make the bucket divide by zero.
    pub fn new(rate_per_sec: f64, burst: u32) -> Self {
        let rate = if rate_per_sec.is_finite() && rate_per_sec > 0.0 {
            rate_per_sec.max(1.0 / 86_400.0)
        } else {
            Quota::default().rate_per_sec
        };
        Quota {
            rate_per_sec: rate,
            burst: burst.max(1),
        }
    }

    /// Time between two requests at the steady rate, in nanoseconds
    /// (rounded up: never faster than the quota).
    fn interval_ns(&self) -> u64 {
        (1e9 / self.rate_per_sec).ceil().max(1.0) as u64
    }
}

/// A token bucket. `check` is the server's question (may this request go
/// now?), `reserve` the client's (when may my next request go?).
#[derive(Debug, Clone)]
pub struct TokenBucket {
    quota: Quota,
    /// Theoretical arrival time, in nanoseconds since the caller's origin.
    tat_ns: u64,
}

fn ns(d: Duration) -> u64 {
    d.as_nanos().min(u64::MAX as u128) as u64
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(quota: Quota) -> Self {
        TokenBucket { quota, tat_ns: 0 }
    }

    /// The quota this bucket enforces.
    pub fn quota(&self) -> Quota {
        self.quota
    }

    fn tolerance_ns(&self) -> u64 {
        (self.quota.burst as u64 - 1) * self.quota.interval_ns()
    }

    /// Admits a request at `now` if the bucket allows it; otherwise says how
    /// long until it would, and admits nothing.
    pub fn check(&mut self, now: Duration) -> Result<(), Duration> {
        let now = ns(now);
        let earliest = self.tat_ns.saturating_sub(self.tolerance_ns());
        if now < earliest {
            return Err(Duration::from_nanos(earliest - now));
        }
        self.tat_ns = self.tat_ns.max(now) + self.quota.interval_ns();
        Ok(())
    }

    /// Books the next free slot, first come first served, and returns how
    /// long the caller must wait before sending (zero if it may go now).
    /// Every call books one slot, so waiters are served in call order.
    pub fn reserve(&mut self, now: Duration) -> Duration {
        let now = ns(now);
        let earliest = self.tat_ns.saturating_sub(self.tolerance_ns());
        let go_at = earliest.max(now);
        self.tat_ns = self.tat_ns.max(now) + self.quota.interval_ns();
        Duration::from_nanos(go_at - now)
    }

    /// Pushes the bucket so nothing is admitted before `now + wait` (a server
    /// asked us to back off). Bookings already made keep their order.
    pub fn hold_until(&mut self, now: Duration, wait: Duration) {
        let until = ns(now) + ns(wait) + self.tolerance_ns();
        self.tat_ns = self.tat_ns.max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn check_enforces_rate_and_burst() {
        let mut b = TokenBucket::new(Quota::new(2.0, 2));
        assert_eq!(b.check(ms(0)), Ok(()));
        assert_eq!(b.check(ms(0)), Ok(()));
        assert_eq!(b.check(ms(0)), Err(ms(500)));
        assert_eq!(b.check(ms(499)), Err(ms(1)));
        assert_eq!(b.check(ms(500)), Ok(()));
        assert_eq!(b.check(ms(500)), Err(ms(500)));
    }

    #[test]
    fn reserve_is_fifo_and_spaced() {
        let mut b = TokenBucket::new(Quota::new(2.0, 1));
        let waits: Vec<_> = (0..4).map(|_| b.reserve(ms(0))).collect();
        assert_eq!(waits, vec![ms(0), ms(500), ms(1000), ms(1500)]);
        // After an idle spell the bucket is full again, but not fuller.
        assert_eq!(b.reserve(ms(10_000)), ms(0));
        assert_eq!(b.reserve(ms(10_000)), ms(500));
    }

    #[test]
    fn hold_until_delays_everything() {
        let mut b = TokenBucket::new(Quota::new(10.0, 3));
        b.hold_until(ms(0), ms(2_000));
        assert_eq!(b.reserve(ms(0)), ms(2_000));
        assert_eq!(b.check(ms(1_999)), Err(ms(101)));
    }

    #[test]
    fn bad_quota_is_clamped() {
        let q = Quota::new(f64::NAN, 0);
        assert_eq!(q, Quota::new(2.0, 1));
        assert_eq!(Quota::new(-1.0, 1).rate_per_sec, 2.0);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Over any window of length t, at most burst + rate·t requests pass.
        #[test]
        fn window_bound(rate in 0.5f64..20.0, burst in 1u32..5, gaps in proptest::collection::vec(0u64..700, 1..200)) {
            let q = Quota::new(rate, burst);
            let mut b = TokenBucket::new(q);
            let mut now = 0u64;
            let mut sent = Vec::new();
            for g in gaps {
                now += g;
                let wait = b.reserve(Duration::from_millis(now));
                sent.push(now as f64 + wait.as_secs_f64() * 1000.0);
            }
            for i in 0..sent.len() {
                for j in i..sent.len() {
                    let window_s = (sent[j] - sent[i]) / 1000.0;
                    let count = (j - i + 1) as f64;
                    proptest::prop_assert!(count <= burst as f64 + rate * window_s + 1e-6,
                        "{count} requests in {window_s}s");
                }
            }
        }
    }
}
