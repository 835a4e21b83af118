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
    /// Burst.
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
            hang_cap_ms: 600_000,
        }
    }
}
