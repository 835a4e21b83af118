//! A simulated vision-LLM HTTP server for tests, benchmarks and the demo.
//!
//! Speaks OpenAI-compatible `POST /v1/chat/completions` and Anthropic
//! `POST /v1/messages` (plus `GET /v1/models`), with CORS, and applies a
//! seeded [`Scenario`] to each request: latency, error statuses with
//! `Retry-After`, hangs, dropped connections, malformed bodies and model text
//! that is not clean JSON. It enforces its own token bucket (the same
//! [`TokenBucket`] the client uses) and counts every violation.
//! `GET /_sim/log` returns the request log; `POST /_sim/reset` clears it;
//! `POST /_sim/scenario` replaces the scenario (browser pages need the
//! control token for these). `POST /redirect/…` answers 307 to `/…`.
//!
//! Built only with the `sim` feature, natively: tokio and one hyper service
//! for both listeners (plain HTTP, and `--tls`), which can hang and drop
//! as scripted. The request and answer bodies are `core::api::wire`'s types.

mod http;
mod model;
mod routes;
pub mod scenario;
pub mod synth;
mod tls;

pub use tls::run_tls;

use crate::core::domain::rng::SplitMix64;
use crate::core::engine::rate_limit::{Quota, TokenBucket};
pub use scenario::{Fault, RateLimitSpec, RetryAfter, Scenario};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::net::TcpListener;

/// One request as the log records it.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// Arrival, ms since the simulator started (or was last reset).
    pub at_ms: f64,
    /// Method and path.
    pub path: String,
    /// Request body size in bytes.
    pub body_bytes: usize,
    /// The `model` field of the request, if any.
    pub model: Option<String>,
    /// SHA-256 of the image sent, if any (tests check no image is read twice).
    pub image_sha256: Option<String>,
    /// The image's type, from its first bytes (`image/jpeg`...), if any.
    #[serde(default)]
    pub image_type: Option<String>,
    /// The image's size in bytes, if any.
    #[serde(default)]
    pub image_bytes: Option<usize>,
    /// A second reading of a flagged ballot.
    #[serde(default)]
    pub reread: bool,
    /// The longest answer the request allowed (`max_tokens`), if any.
    #[serde(default)]
    pub max_tokens: Option<u32>,
    /// Status sent; 0 when no answer was sent (hang, drop).
    pub status: u16,
    /// The scripted outcome, e.g. "ok", "status", "hang".
    pub outcome: String,
}

/// How the simulator is run (not changeable by a scenario).
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    /// The token a browser page must send in `x-sim-control` to use the
    /// `/_sim/*` routes. Requests that carry an `Origin` (browsers) without
    /// it are refused, so a page open during `make run` cannot reprogram
    /// the simulator; tools without an `Origin` (curl, tests) may.
    pub control_token: Option<String>,
}

struct State {
    options: SimOptions,
    scenario: Scenario,
    rng: SplitMix64,
    bucket: Option<TokenBucket>,
    origin: Instant,
    log: Vec<LogEntry>,
    violations: u64,
}

impl State {
    fn new(scenario: Scenario, options: SimOptions) -> Self {
        State {
            options,
            rng: SplitMix64::new(scenario.seed),
            bucket: scenario
                .rate_limit
                .map(|r| TokenBucket::new(Quota::new(r.rate, r.burst))),
            scenario,
            origin: Instant::now(),
            log: Vec::new(),
            violations: 0,
        }
    }
}

type Shared = Arc<Mutex<State>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, State> {
    // A panic while holding the lock cannot leave the log half-written in a
    // way that matters; keep serving.
    s.lock().unwrap_or_else(|e| e.into_inner())
}

fn shared(scenario: Scenario, options: SimOptions) -> Shared {
    Arc::new(Mutex::new(State::new(scenario, options)))
}

/// Serves plain HTTP (HTTP/1.1, or HTTP/2 with prior knowledge) until the
/// process ends. Each connection gets its own task.
pub async fn run(listener: TcpListener, scenario: Scenario) -> std::io::Result<()> {
    run_with(listener, scenario, SimOptions::default()).await
}

/// [`run`] with options.
pub async fn run_with(
    listener: TcpListener,
    scenario: Scenario,
    options: SimOptions,
) -> std::io::Result<()> {
    serve(listener, scenario, options, None).await
}

/// Checks the scenario, then serves (through TLS when an acceptor is given).
async fn serve(
    listener: TcpListener,
    scenario: Scenario,
    options: SimOptions,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> std::io::Result<()> {
    scenario.validate().map_err(std::io::Error::other)?;
    http::accept(listener, shared(scenario, options), tls).await
}

/// IMF-fixdate for a Unix time: "Sun, 06 Nov 1994 08:49:37 GMT".
pub fn http_date(unix_secs: u64) -> String {
    let days = unix_secs / 86_400;
    let secs = unix_secs % 86_400;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil-from-days (Howard Hinnant), valid for dates after 1970.
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!(
        "{weekday}, {day:02} {mon} {year} {:02}:{:02}:{:02} GMT",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates() {
        assert_eq!(
            super::http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(super::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            super::http_date(1_795_000_000),
            "Wed, 18 Nov 2026 11:06:40 GMT"
        );
    }
}
