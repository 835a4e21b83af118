//! Token bucket as a pure decision over time the caller passes in.
//!
//! Implemented as GCRA (the "virtual scheduling" form of a token bucket, as in
//! the governor crate): one number, the theoretical arrival time `tat`, says
//! when the bucket is next full enough. With rate `r` per second and burst `b`,
//! over any window of length `t` at most `b + r·t` requests are admitted.
//! Nothing here reads a clock or sleeps: callers pass `now` (a monotonic
//! [`Duration`] since any origin) and wait themselves.

use std::time::Duration;

/// Rate and burst of a bucket. Its fields are private: every `Quota` that
/// exists has a finite rate of at least one request a day and a burst of
/// at least one, so no input can make a bucket divide by zero or stall.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    rate_per_sec: f64,
    burst: u32,
}

impl Default for Quota {
    fn default() -> Self {
        Quota {
            rate_per_sec: 2.0,
            burst: 1,
        }
    }
}

/// The slowest rate a quota may have: one request a day.
pub const MIN_RATE_PER_SEC: f64 = 1.0 / 86_400.0;
/// The fastest: a thousand requests a second.
pub const MAX_RATE_PER_SEC: f64 = 1_000.0;
/// The largest burst.
pub const MAX_BURST: u32 = 1_000;

impl Quota {
    /// A quota. A rate that is not a positive finite number gives the
    /// default rate; the rate is clamped to
    /// [`MIN_RATE_PER_SEC`]..=[`MAX_RATE_PER_SEC`] and `burst` to 1..=[`MAX_BURST`].
    pub fn new(rate_per_sec: f64, burst: u32) -> Self {
        let rate = if rate_per_sec.is_finite() && rate_per_sec > 0.0 {
            rate_per_sec.clamp(MIN_RATE_PER_SEC, MAX_RATE_PER_SEC)
        } else {
            Quota::default().rate_per_sec
        };
        Quota {
            rate_per_sec: rate,
            burst: burst.clamp(1, MAX_BURST),
        }
    }

    /// A quota of `per_minute` requests a minute (see [`Quota::new`]).
    pub fn per_minute(per_minute: f64, burst: u32) -> Self {
        Quota::new(per_minute / 60.0, burst)
    }

    /// Requests per second.
    pub fn rate_per_sec(&self) -> f64 {
        self.rate_per_sec
    }

    /// Requests per minute.
    pub fn per_minute_rate(&self) -> f64 {
        self.rate_per_sec * 60.0
    }

    /// Requests that may go at once after an idle spell.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// The same burst at another rate (clamped as in [`Quota::new`]).
    pub fn with_rate(&self, rate_per_sec: f64) -> Self {
        Quota::new(rate_per_sec, self.burst)
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
    pub fn new(quota: Quota) -> Self {
        TokenBucket { quota, tat_ns: 0 }
    }

    /// The quota this bucket enforces.
    pub fn quota(&self) -> Quota {
        self.quota
    }

    /// Enforces `quota` from now on; what was admitted stays admitted.
    pub fn set_quota(&mut self, quota: Quota) {
        self.quota = quota;
    }

    fn tolerance_ns(&self) -> u64 {
        u64::from(self.quota.burst - 1).saturating_mul(self.quota.interval_ns())
    }

    /// Admits a request at `now` if the bucket allows it; otherwise says how
    /// long until it would, and admits nothing.
    pub fn check(&mut self, now: Duration) -> Result<(), Duration> {
        let now = ns(now);
        let earliest = self.tat_ns.saturating_sub(self.tolerance_ns());
        if now < earliest {
            return Err(Duration::from_nanos(earliest - now));
        }
        self.tat_ns = self
            .tat_ns
            .max(now)
            .saturating_add(self.quota.interval_ns());
        Ok(())
    }

    /// Books the next free slot, first come first served, and returns how
    /// long the caller must wait before sending (zero if it may go now).
    /// Every call books one slot, so waiters are served in call order.
    pub fn reserve(&mut self, now: Duration) -> Duration {
        let now = ns(now);
        let earliest = self.tat_ns.saturating_sub(self.tolerance_ns());
        let go_at = earliest.max(now);
        self.tat_ns = self
            .tat_ns
            .max(now)
            .saturating_add(self.quota.interval_ns());
        Duration::from_nanos(go_at - now)
    }

    /// Pushes the bucket so nothing is admitted before `now + wait` (a server
    /// asked us to back off). Bookings already made keep their order.
    pub fn hold_until(&mut self, now: Duration, wait: Duration) {
        let until = ns(now)
            .saturating_add(ns(wait))
            .saturating_add(self.tolerance_ns());
        self.tat_ns = self.tat_ns.max(until);
    }

    /// Books nothing before `other` would admit: used when requests left
    /// later than booked, so new bookings start after what really went.
    pub fn catch_up(&mut self, other: &TokenBucket) {
        self.tat_ns = self.tat_ns.max(other.tat_ns);
    }
}

/// The rate a batch keeps to when the server pushes back: halved on each
/// 429 that names no wait (multiplicative decrease), a tenth of the
/// ceiling back with each answer (additive increase), never above the
/// ceiling; the ceiling is the configured rate, lowered when the server
/// states a smaller limit.
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptiveRate {
    ceiling: Quota,
    current: Quota,
}

impl AdaptiveRate {
    /// Starts at the configured quota.
    pub fn new(configured: Quota) -> Self {
        AdaptiveRate {
            ceiling: configured,
            current: configured,
        }
    }

    /// The quota to keep to now.
    pub fn current(&self) -> Quota {
        self.current
    }

    /// The highest rate this batch may reach.
    pub fn ceiling(&self) -> Quota {
        self.ceiling
    }

    /// Halves the rate (not below a sixteenth of the ceiling). Returns
    /// whether it changed.
    pub fn decrease(&mut self) -> bool {
        let floor = self.ceiling.rate_per_sec / 16.0;
        let next = (self.current.rate_per_sec / 2.0).max(floor);
        self.set(next)
    }

    /// Adds a tenth of the ceiling. Returns whether this step brought the
    /// rate back to the ceiling.
    pub fn increase(&mut self) -> bool {
        if self.current.rate_per_sec >= self.ceiling.rate_per_sec {
            return false;
        }
        let ceiling = self.ceiling.rate_per_sec;
        let next = self.current.rate_per_sec + ceiling / 10.0;
        // Ten steps from zero reach the ceiling exactly, whatever rounding says.
        self.set(if next >= ceiling * (1.0 - 1e-9) {
            ceiling
        } else {
            next
        });
        self.current.rate_per_sec >= self.ceiling.rate_per_sec
    }

    /// Lowers the ceiling to `per_minute` when it is above it. Returns
    /// whether it did.
    pub fn lower_ceiling(&mut self, per_minute: f64) -> bool {
        let limit = Quota::per_minute(per_minute, self.ceiling.burst);
        if limit.rate_per_sec >= self.ceiling.rate_per_sec {
            return false;
        }
        self.ceiling = limit;
        if self.current.rate_per_sec > limit.rate_per_sec {
            self.current = limit;
        }
        true
    }

    fn set(&mut self, rate_per_sec: f64) -> bool {
        let next = self.current.with_rate(rate_per_sec);
        let changed = next != self.current;
        self.current = next;
        changed
    }
}

/// One booking in a bucket that several pages share (the tabs of a kiosk
/// sending to one endpoint), kept as its theoretical arrival time in
/// wall-clock milliseconds: the wait before the booked slot, and the new
/// arrival time to keep. Over any window the pages together get at most
/// burst + rate · t slots. A stored time that is not a number or lies more
/// than an hour ahead (a clock changed) is read as "now".
pub fn book_shared(tat_ms: f64, now_ms: f64, quota: Quota) -> (f64, f64) {
    const HOUR_MS: f64 = 3_600_000.0;
    let interval = 1000.0 / quota.rate_per_sec();
    let tolerance = f64::from(quota.burst().saturating_sub(1)) * interval;
    let sane = tat_ms.is_finite() && tat_ms <= now_ms + HOUR_MS;
    let tat = if sane { tat_ms.max(now_ms) } else { now_ms };
    let slot = now_ms.max(tat - tolerance);
    (slot - now_ms, tat + interval)
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

    #[test]
    fn pages_sharing_a_bucket_get_burst_plus_rate_slots_together() {
        for (rate, burst) in [(2.0, 1u32), (0.5, 3), (8.0, 5)] {
            let quota = Quota::new(rate, burst);
            // Three pages asking in turn, each as soon as its last slot came.
            let mut tat = f64::NAN;
            let mut slots = Vec::new();
            let mut ready = [0.0f64; 3];
            for k in 0..60 {
                let page = k % 3;
                let (wait, next) = book_shared(tat, ready[page], quota);
                assert!(wait >= 0.0);
                tat = next;
                ready[page] += wait;
                slots.push(ready[page]);
            }
            slots.sort_by(f64::total_cmp);
            for (i, &start) in slots.iter().enumerate() {
                for window_ms in [0.0, 250.0, 1000.0, 10_000.0] {
                    let n = slots[i..]
                        .iter()
                        .take_while(|&&s| s <= start + window_ms + 1e-6)
                        .count();
                    let allowed = f64::from(burst) + rate * window_ms / 1000.0;
                    assert!(
                        n as f64 <= allowed + 1e-9,
                        "{n} slots in {window_ms} ms at {rate}/s burst {burst}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_stored_time_from_a_changed_clock_is_read_as_now() {
        let q = Quota::new(1.0, 1);
        assert_eq!(book_shared(f64::NAN, 5_000.0, q), (0.0, 6_000.0));
        assert_eq!(book_shared(1e15, 5_000.0, q), (0.0, 6_000.0));
        assert_eq!(book_shared(5_500.0, 5_000.0, q), (500.0, 6_500.0));
    }
}
