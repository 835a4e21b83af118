//! What the simulator does to each request: latency, faults, its own rate
//! limit. Read from JSON (CLI `--scenario`, `POST /_sim/scenario`).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// One scripted outcome for a model request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// A normal answer.
    Ok,
    /// An HTTP error status (429, 500, 502, 503, 529, 401, ...).
    Status {
        /// The status code.
        code: u16,
        /// `Retry-After` to send, if any.
        #[serde(default)]
        retry_after: Option<RetryAfter>,
        /// More headers, sent as written (for waits no server should send).
        #[serde(default)]
        headers: Vec<(String, String)>,
    },
    /// No answer until the client gives up (capped at `hang_cap_ms`).
    Hang,
    /// The connection is closed without any answer.
    Drop,
    /// A 200 whose body is cut-off JSON.
    MalformedBody,
    /// A 200 whose model text is an apology, not JSON.
    NotJson,
    /// A 200 whose model text is JSON inside ```json fences.
    Fenced,
    /// A 200 whose model text is JSON inside prose.
    Prose,
    /// A 200 whose reading has one misread cell: row 1's words say ten
    /// more than its digits (a form the app reads a second time).
    Misread,
    /// The answer is this many tokens long, as a model's answer for a long
    /// party-list form can be: a request allowing fewer (`max_tokens`) gets
    /// it cut off (`finish_reason: "length"`, `stop_reason: "max_tokens"`),
    /// its text cut in proportion.
    Long { tokens: u32 },
}

/// How a `Retry-After` header is written.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <IMF-fixdate>`, this many seconds from now.
    HttpDate(u64),
}

/// The simulator's own token bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateLimitSpec {
    /// Requests per second.
    pub rate: f64,
    pub burst: u32,
}

/// Everything the simulator is told to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// Seed for latency and fault draws.
    pub seed: u64,
    /// Latency before answering, uniform in `[min, max]` ms.
    pub latency_ms: (u64, u64),
    /// The simulator's own limit; a request over it gets 429 and counts as a violation.
    pub rate_limit: Option<RateLimitSpec>,
    /// When set, requests must carry this key (Bearer or x-api-key), else 401.
    pub require_key: Option<String>,
    /// Outcomes for the first model requests, in order.
    pub script: VecDeque<Fault>,
    /// After the script: each fault with its probability, tried in order.
    pub faults: Vec<(f64, Fault)>,
    /// Exact model texts for known images, by the image's SHA-256 (hex).
    pub answers: BTreeMap<String, String>,
    /// Exact texts for second readings (a request whose prompt is the
    /// re-read prompt), by the image's SHA-256: right the second time,
    /// wrong again, or wrong again in the same way, as scripted.
    pub rereads: BTreeMap<String, String>,
    /// Longest a `Hang` lasts, ms.
    pub hang_cap_ms: u64,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            seed: 1,
            latency_ms: (20, 80),
            rate_limit: None,
            require_key: None,
            script: VecDeque::new(),
            faults: Vec::new(),
            answers: BTreeMap::new(),
            rereads: BTreeMap::new(),
            hang_cap_ms: 600_000,
        }
    }
}

/// The longest latency or hang a scenario may ask for, ms (one hour).
pub const MAX_SCENARIO_MS: u64 = 3_600_000;
/// The longest `Retry-After` a scenario may ask for, seconds (~31 years):
/// beyond it no date can be written.
pub const MAX_RETRY_AFTER_S: u64 = 1_000_000_000;

impl Scenario {
    /// Checks every value before the simulator uses it, so no scenario can
    /// make it panic or overflow; says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let (lo, hi) = self.latency_ms;
        if lo > hi || hi > MAX_SCENARIO_MS {
            return Err(format!(
                "latency_ms must be [min, max] with min <= max <= {MAX_SCENARIO_MS}"
            ));
        }
        if self.hang_cap_ms > MAX_SCENARIO_MS {
            return Err(format!("hang_cap_ms must be at most {MAX_SCENARIO_MS}"));
        }
        if let Some(r) = self.rate_limit {
            if !(r.rate.is_finite() && r.rate > 0.0 && r.rate <= 10_000.0)
                || r.burst == 0
                || r.burst > 10_000
            {
                return Err("rate_limit needs 0 < rate <= 10000 and 1 <= burst <= 10000".into());
            }
        }
        for (p, _) in &self.faults {
            if !(p.is_finite() && (0.0..=1.0).contains(p)) {
                return Err(format!("fault probability {p} is not between 0 and 1"));
            }
        }
        for f in self.script.iter().chain(self.faults.iter().map(|(_, f)| f)) {
            f.validate()?;
        }
        Ok(())
    }
}

impl Fault {
    fn validate(&self) -> Result<(), String> {
        let Fault::Status {
            code,
            retry_after,
            headers,
        } = self
        else {
            return Ok(());
        };
        if !(100..=599).contains(code) {
            return Err(format!("status {code} is not an HTTP status"));
        }
        if let Some(RetryAfter::Seconds(s) | RetryAfter::HttpDate(s)) = retry_after {
            if *s > MAX_RETRY_AFTER_S {
                return Err(format!(
                    "retry_after {s} s is more than {MAX_RETRY_AFTER_S}"
                ));
            }
        }
        let bad_header = headers.iter().any(|(k, v)| {
            k.is_empty()
                || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                || v.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0)
        });
        if bad_header {
            return Err(
                "a header name must be letters, digits and '-', and a value one line".into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut Scenario)) -> Result<(), String> {
        let mut s = Scenario::default();
        f(&mut s);
        s.validate()
    }

    #[test]
    fn bad_scenarios_are_refused_with_a_reason() {
        assert_eq!(Scenario::default().validate(), Ok(()));
        assert!(with(|s| s.latency_ms = (10, 5)).is_err());
        assert!(with(|s| s.latency_ms = (0, u64::MAX)).is_err());
        assert!(with(|s| s.hang_cap_ms = u64::MAX).is_err());
        assert!(with(|s| s.rate_limit = Some(RateLimitSpec {
            rate: 0.0,
            burst: 1
        }))
        .is_err());
        assert!(with(|s| s.rate_limit = Some(RateLimitSpec {
            rate: f64::NAN,
            burst: 1
        }))
        .is_err());
        assert!(with(|s| s.rate_limit = Some(RateLimitSpec {
            rate: 1.0,
            burst: 0
        }))
        .is_err());
        assert!(with(|s| s.faults = vec![(1.5, Fault::Hang)]).is_err());
        assert!(with(|s| s.faults = vec![(f64::NAN, Fault::Hang)]).is_err());
        let status = |code, retry_after, headers| Fault::Status {
            code,
            retry_after,
            headers,
        };
        assert!(with(|s| s.script.push_back(status(42, None, vec![]))).is_err());
        assert!(with(|s| s.script.push_back(status(
            503,
            Some(RetryAfter::HttpDate(u64::MAX)),
            vec![]
        )))
        .is_err());
        assert!(with(|s| s
            .script
            .push_back(status(503, None, vec![("a b".into(), "1".into())])))
        .is_err());
        assert!(with(|s| s.script.push_back(status(
            503,
            None,
            vec![("retry-after".into(), "1\r\nx: y".into())]
        )))
        .is_err());
        assert_eq!(
            with(|s| s.script.push_back(status(
                503,
                None,
                vec![("retry-after".into(), "1e400".into())]
            ))),
            Ok(())
        );
    }
}
