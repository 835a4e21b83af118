//! When to try again, and how long to wait: exponential backoff with full
//! jitter inside the Python tool's bounds (3 attempts, 4 s to 10 s), and the
//! waits servers ask for (`Retry-After` in seconds or as an HTTP date,
//! `retry-after-ms`, OpenAI's `x-ratelimit-reset-requests`, Anthropic's
//! `anthropic-ratelimit-requests-reset`). Pure: the wall time comes in.

use super::provider::{HttpResponse, TransportError};
use super::rng::SplitMix64;
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
        Duration::from_secs_f64(min + rng.next_f64() * (cap - min))
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

/// The verdict for a request that got no response.
pub fn transport_verdict(e: &TransportError) -> Verdict {
    match e {
        TransportError::Network(_) | TransportError::Timeout(_) => Verdict::Retry,
        TransportError::Cancelled => Verdict::Fail,
    }
}

/// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") to Unix seconds.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, mon, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: i64 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == mon)? as i64
        + 1;
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

/// Days-from-civil (Howard Hinnant): calendar date to Unix seconds.
fn unix_seconds(year: i64, month: i64, day: i64, h: i64, m: i64, s: i64) -> Option<u64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
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

/// Parses an RFC 3339 time ("2026-11-28T20:30:05Z", fractions and offsets
/// allowed) to Unix milliseconds.
pub fn parse_rfc3339_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let d: Vec<i64> = date
        .split('-')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [y, mo, da] = d.as_slice() else {
        return None;
    };
    let (clock, offset_s) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0i64)
    } else {
        let i = rest.rfind(['+', '-'])?;
        let (c, off) = rest.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off[1..].split_once(':')?;
        (
            c,
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60),
        )
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let t: Vec<i64> = hms
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, se] = t.as_slice() else {
        return None;
    };
    let secs = unix_seconds(*y, *mo, *da, *h, *mi, *se)? as i64 - offset_s;
    let ms: i64 = format!("{frac:0<3}")[..3].parse().unwrap_or(0);
    u64::try_from(secs * 1000 + ms).ok()
}

/// Parses OpenAI's duration format: "1s", "6m0s", "20ms", "1h2m3.5s".
pub fn parse_go_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
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
    Some(Duration::from_secs_f64(total))
}

/// How long the server asked us to wait, from its headers, if it did.
/// `now_unix_ms` is the wall time, for headers that give a moment.
pub fn server_wait(resp: &HttpResponse, now_unix_ms: u64) -> Option<Duration> {
    if let Some(ms) = resp
        .header("retry-after-ms")
        .and_then(|v| v.trim().parse::<f64>().ok())
    {
        return Some(Duration::from_secs_f64(ms.max(0.0) / 1000.0));
    }
    if let Some(v) = resp.header("retry-after") {
        let v = v.trim();
        if let Ok(secs) = v.parse::<f64>() {
            return Some(Duration::from_secs_f64(secs.max(0.0)));
        }
        if let Some(at) = parse_http_date(v) {
            return Some(Duration::from_millis(
                (at * 1000).saturating_sub(now_unix_ms),
            ));
        }
    }
    if let Some(d) = resp
        .header("x-ratelimit-reset-requests")
        .and_then(parse_go_duration)
    {
        return Some(d);
    }
    if let Some(at) = resp
        .header("anthropic-ratelimit-requests-reset")
        .and_then(parse_rfc3339_ms)
    {
        return Some(Duration::from_millis(at.saturating_sub(now_unix_ms)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(headers: &[(&str, &str)]) -> HttpResponse {
        HttpResponse {
            status: 429,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: String::new(),
        }
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
        assert_eq!(
            transport_verdict(&TransportError::Timeout(1)),
            Verdict::Retry
        );
        assert_eq!(
            transport_verdict(&TransportError::Network("x".into())),
            Verdict::Retry
        );
        assert_eq!(transport_verdict(&TransportError::Cancelled), Verdict::Fail);
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
