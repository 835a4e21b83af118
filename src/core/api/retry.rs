//! When to try again, and how long to wait: exponential backoff with full
//! jitter inside the Python tool's bounds (3 attempts, 4 s to 10 s), and the
//! waits servers ask for (`Retry-After` in seconds or as an HTTP date,
//! `retry-after-ms`, OpenAI's `x-ratelimit-reset-requests`, Anthropic's
//! `anthropic-ratelimit-requests-reset`). Pure: the wall time comes in.

use crate::core::api::provider::HttpResponse;
use crate::core::domain::rng::SplitMix64;
use std::time::Duration;

/// Retry bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Tries per ballot, the first included.
    pub max_attempts: u32,
    /// Shortest backoff.
    pub min_delay: Duration,
    /// Longest backoff.
    pub max_delay: Duration,
    /// Longest wait a server may impose through its headers.
    pub max_server_wait: Duration,
    /// Extra asks when the model's answer cannot be parsed.
    pub reasks_unparseable: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            min_delay: Duration::from_secs(4),
            max_delay: Duration::from_secs(10),
            max_server_wait: Duration::from_secs(120),
            reasks_unparseable: 1,
        }
    }
}

impl RetryPolicy {
    /// Backoff before attempt `failed + 1`, after `failed` failures (>= 1):
    /// uniform in `[min, min(max, min·2^failed)]` ("full jitter" above the floor).
    pub fn backoff(&self, failed: u32, rng: &mut SplitMix64) -> Duration {
        let min = self.min_delay.as_secs_f64();
        let cap = (min * 2f64.powi(failed.min(30) as i32))
            .min(self.max_delay.as_secs_f64())
            .max(min);
        secs(min + rng.next_f64() * (cap - min)).unwrap_or(self.min_delay)
    }
}

/// What a failed attempt means for the ballot and the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Try again (if attempts remain).
    Retry,
    /// This ballot failed; go on with the others.
    Fail,
    /// The key was refused: stop the whole batch.
    StopBatch,
}

/// The verdict for an HTTP status that is not 2xx.
pub fn status_verdict(status: u16) -> Verdict {
    match status {
        401 | 403 => Verdict::StopBatch,
        408 | 429 | 500 | 502 | 503 | 504 | 529 => Verdict::Retry,
        400..=499 => Verdict::Fail,
        _ => Verdict::Retry,
    }
}

/// A wait a server names that is longer than this is not believed: the
/// header is ignored, as if it were absent (the ballot then backs off as
/// usual). Waits up to it are honoured, capped at
/// [`RetryPolicy::max_server_wait`].
pub const ABSURD_WAIT: Duration = Duration::from_secs(3600);

/// Seconds as a duration, if they are a finite, non-negative number that
/// fits.
fn secs(s: f64) -> Option<Duration> {
    if !s.is_finite() || s < 0.0 {
        return None;
    }
    Duration::try_from_secs_f64(s).ok()
}

/// A number of seconds (or milliseconds) as a header writes it: ASCII
/// digits with at most one decimal point, nothing else.
fn plain_number(v: &str) -> Option<f64> {
    let v = v.trim();
    let ok = !v.is_empty()
        && v.len() <= 32
        && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && v.bytes().filter(|b| *b == b'.').count() <= 1
        && v.bytes().any(|b| b.is_ascii_digit());
    ok.then(|| v.parse::<f64>().ok()).flatten()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") to Unix seconds.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, mon, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: i64 = day.parse().ok()?;
    let month = MONTHS.iter().position(|m| m == mon)? as i64 + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, sec] = hms.as_slice() else {
        return None;
    };
    unix_seconds(year, month, day, *h, *m, *sec)
}

/// Days-from-civil (Howard Hinnant): calendar date to Unix seconds, for
/// the years 1970 to 9999 (anything else is no date a server means).
fn unix_seconds(year: i64, month: i64, day: i64, h: i64, m: i64, s: i64) -> Option<u64> {
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..=23).contains(&h)
        && (0..=59).contains(&m)
        && (0..=60).contains(&s);
    if !valid {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + m * 60 + s).ok()
}

fn ascii_int(s: &str) -> Option<i64> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Parses an RFC 3339 time ("2026-11-28T20:30:05Z", fractions and offsets
/// allowed) to Unix milliseconds.
pub fn parse_rfc3339_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    if !s.is_ascii() {
        return None;
    }
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let d: Vec<i64> = date.split('-').map(ascii_int).collect::<Option<_>>()?;
    let [y, mo, da] = d.as_slice() else {
        return None;
    };
    let (clock, offset_s) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else {
        let i = rest.rfind(['+', '-'])?;
        let (c, off) = rest.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off.get(1..)?.split_once(':')?;
        (c, sign * (ascii_int(oh)? * 3600 + ascii_int(om)? * 60))
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let t: Vec<i64> = hms.split(':').map(ascii_int).collect::<Option<_>>()?;
    let [h, mi, se] = t.as_slice() else {
        return None;
    };
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs = unix_seconds(*y, *mo, *da, *h, *mi, *se)? as i64 - offset_s;
    let ms: i64 = frac
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0, |acc, b| acc * 10 + i64::from(b - b'0'));
    u64::try_from(secs.checked_mul(1000)?.checked_add(ms)?).ok()
}

/// Parses OpenAI's duration format: "1s", "6m0s", "20ms", "1h2m3.5s".
pub fn parse_go_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 {
        return None;
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = match (c, chars.peek()) {
            ('m', Some('s')) => {
                chars.next();
                0.001
            }
            ('h', _) => 3600.0,
            ('m', _) => 60.0,
            ('s', _) => 1.0,
            _ => return None,
        };
        total += num.parse::<f64>().ok()? * unit;
        num.clear();
    }
    if !num.is_empty() {
        total += num.parse::<f64>().ok()?; // bare number: seconds
    }
    secs(total)
}

/// The time from `now_unix_ms` until `at_unix_ms` (zero when it is past).
fn until(at_unix_ms: u64, now_unix_ms: u64) -> Duration {
    Duration::from_millis(at_unix_ms.saturating_sub(now_unix_ms))
}

/// Every wait the headers name, in order of precedence; unreadable ones
/// are `None`.
fn named_waits(resp: &HttpResponse, now_unix_ms: u64) -> [Option<Duration>; 4] {
    let retry_after = resp
        .header("retry-after")
        .and_then(|v| match plain_number(v) {
            Some(s) => secs(s),
            None => parse_http_date(v.trim())
                .and_then(|at| at.checked_mul(1000))
                .map(|at| until(at, now_unix_ms)),
        });
    [
        resp.header("retry-after-ms")
            .and_then(plain_number)
            .and_then(|ms| secs(ms / 1000.0)),
        retry_after,
        resp.header("x-ratelimit-reset-requests")
            .and_then(parse_go_duration),
        resp.header("anthropic-ratelimit-requests-reset")
            .and_then(parse_rfc3339_ms)
            .map(|at| until(at, now_unix_ms)),
    ]
}

/// How long the server asked us to wait, from its headers, if it did.
/// `now_unix_ms` is the wall time, for headers that give a moment. Values
/// that cannot be read (negative, infinite, not a number, not a date) or
/// that are longer than [`ABSURD_WAIT`] are ignored; never panics.
pub fn server_wait(resp: &HttpResponse, now_unix_ms: u64) -> Option<Duration> {
    named_waits(resp, now_unix_ms)
        .into_iter()
        .flatten()
        .find(|d| *d <= ABSURD_WAIT)
}

/// The request limit per minute the server states in its headers
/// (`x-ratelimit-limit-requests`, `anthropic-ratelimit-requests-limit`), if
/// it is a believable whole number.
pub fn stated_limit_per_minute(resp: &HttpResponse) -> Option<f64> {
    [
        "x-ratelimit-limit-requests",
        "anthropic-ratelimit-requests-limit",
    ]
    .iter()
    .filter_map(|h| resp.header(h))
    .map(str::trim)
    .find(|v| !v.is_empty() && v.len() <= 9 && v.bytes().all(|b| b.is_ascii_digit()))
    .and_then(|v| v.parse::<u32>().ok())
    .filter(|n| *n >= 1)
    .map(f64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(headers: &[(&str, &str)]) -> HttpResponse {
        HttpResponse::new(429, headers, "")
    }

    #[test]
    fn verdicts() {
        for s in [408, 429, 500, 502, 503, 504, 529] {
            assert_eq!(status_verdict(s), Verdict::Retry, "{s}");
        }
        for s in [400, 404, 413, 422] {
            assert_eq!(status_verdict(s), Verdict::Fail, "{s}");
        }
        assert_eq!(status_verdict(401), Verdict::StopBatch);
        assert_eq!(status_verdict(403), Verdict::StopBatch);
    }

    #[test]
    fn backoff_stays_in_bounds_and_grows() {
        let p = RetryPolicy::default();
        let mut rng = SplitMix64::new(1);
        for failed in 1..6 {
            for _ in 0..200 {
                let d = p.backoff(failed, &mut rng).as_secs_f64();
                assert!((4.0..=10.0).contains(&d), "{d}");
                if failed == 1 {
                    assert!(d <= 8.0);
                }
            }
        }
    }

    #[test]
    fn server_waits() {
        let now = 784_111_777_000; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            server_wait(&resp(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            server_wait(
                &resp(&[("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT")]),
                now
            ),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            server_wait(
                &resp(&[("retry-after", "Sun, 06 Nov 1994 08:49:00 GMT")]),
                now
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(
            server_wait(
                &resp(&[("retry-after-ms", "1500"), ("retry-after", "9")]),
                now
            ),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            server_wait(&resp(&[("x-ratelimit-reset-requests", "6m0s")]), now),
            Some(Duration::from_secs(360))
        );
        assert_eq!(
            server_wait(&resp(&[("x-ratelimit-reset-requests", "20ms")]), now),
            Some(Duration::from_millis(20))
        );
        assert_eq!(
            server_wait(
                &resp(&[("anthropic-ratelimit-requests-reset", "1994-11-06T08:49:47Z")]),
                now
            ),
            Some(Duration::from_secs(10))
        );
        assert_eq!(server_wait(&resp(&[("retry-after", "soon")]), now), None);
        assert_eq!(server_wait(&resp(&[]), now), None);
    }

    #[test]
    fn absurd_and_unreadable_waits_are_ignored() {
        let now = 1_795_000_000_000;
        for (header, value) in [
            ("retry-after", "99999999999999999999999999"),
            ("retry-after", "1e400"),
            ("retry-after", "inf"),
            ("retry-after", "NaN"),
            ("retry-after", "-5"),
            ("retry-after", "3601"),
            ("retry-after", "๓"),
            ("retry-after", "٣"),
            ("retry-after", "🙂"),
            ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
            ("retry-after", "Fri, 31 Dec 99999999999 23:59:59 GMT"),
            ("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT ."),
            ("retry-after-ms", "1e309"),
            ("retry-after-ms", "-1"),
            ("retry-after-ms", "3600001"),
            ("x-ratelimit-reset-requests", "99999999999999999999h"),
            ("x-ratelimit-reset-requests", "2h"),
            ("x-ratelimit-reset-requests", "1..5s"),
            ("anthropic-ratelimit-requests-reset", "9999-12-31T23:59:59Z"),
            (
                "anthropic-ratelimit-requests-reset",
                "2026-11-18T11:06:40.9🙂Z",
            ),
            (
                "anthropic-ratelimit-requests-reset",
                "2026-11-18T11:06:40+99999999999:00",
            ),
        ] {
            assert_eq!(
                server_wait(&resp(&[(header, value)]), now),
                None,
                "{header}: {value}"
            );
        }
        // A date in the past is "now"; a fraction is honoured; the first
        // believable header wins.
        assert_eq!(
            server_wait(
                &resp(&[("retry-after", "Thu, 01 Jan 1970 00:00:01 GMT")]),
                now
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(
            server_wait(&resp(&[("retry-after", "2.5")]), now),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(
            server_wait(
                &resp(&[("retry-after-ms", "1e309"), ("retry-after", "4")]),
                now
            ),
            Some(Duration::from_secs(4))
        );
    }

    #[test]
    fn stated_limits() {
        assert_eq!(
            stated_limit_per_minute(&resp(&[("x-ratelimit-limit-requests", "500")])),
            Some(500.0)
        );
        assert_eq!(
            stated_limit_per_minute(&resp(&[("anthropic-ratelimit-requests-limit", " 50 ")])),
            Some(50.0)
        );
        for v in ["0", "-5", "1e3", "ten", "9999999999999"] {
            assert_eq!(
                stated_limit_per_minute(&resp(&[("x-ratelimit-limit-requests", v)])),
                None,
                "{v}"
            );
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// No header text makes reading waits panic, and every wait read is bounded.
        #[test]
        fn server_wait_never_panics(
            values in proptest::collection::vec("\\PC{0,40}", 4),
            digits in "[0-9]{1,30}(\\.[0-9]{0,20})?",
            now in 0u64..u64::MAX,
        ) {
            let names = ["retry-after", "retry-after-ms", "x-ratelimit-reset-requests", "anthropic-ratelimit-requests-reset"];
            let headers: Vec<(&str, &str)> = names.iter().copied().zip(values.iter().map(String::as_str)).collect();
            if let Some(w) = server_wait(&resp(&headers), now) {
                proptest::prop_assert!(w <= ABSURD_WAIT);
            }
            for n in names {
                if let Some(w) = server_wait(&resp(&[(n, digits.as_str())]), now) {
                    proptest::prop_assert!(w <= ABSURD_WAIT);
                }
            }
            let _ = parse_http_date(&values[0]);
            let _ = parse_rfc3339_ms(&values[1]);
            let _ = parse_go_duration(&values[2]);
            let _ = stated_limit_per_minute(&resp(&[("x-ratelimit-limit-requests", values[3].as_str())]));
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Wed, 18 Nov 2026 11:06:40 GMT"),
            Some(1_795_000_000)
        );
        assert_eq!(parse_http_date("06 Nov 1994"), None);
        assert_eq!(
            parse_rfc3339_ms("2026-11-18T11:06:40.250Z"),
            Some(1_795_000_000_250)
        );
        assert_eq!(
            parse_rfc3339_ms("2026-11-18T18:06:40+07:00"),
            Some(1_795_000_000_000)
        );
        assert_eq!(
            parse_go_duration("1h2m3.5s"),
            Some(Duration::from_secs_f64(3723.5))
        );
        assert_eq!(parse_go_duration("abc"), None);
    }
}
