//! The batch engine: every image of a batch through the model, at the API's
//! allowed rate and never over it, with bounded concurrency, retries that
//! honour the server, cancel and pause, and memory cleanup every 50 ballots.
//!
//! Runs on one thread (the browser's) over the traits in [`super::ports`];
//! its own loop polls the requests in flight, so it needs no executor
//! features beyond waking. Each ballot, per attempt:
//!
//! 1. books the next slot of the token bucket (first come, first served) and
//!    waits for it; a pause or a server-imposed hold makes it book again;
//! 2. reads the image, checks it, builds the request and drops the bytes;
//! 3. sends; reads the answer, extracts and validates the record;
//! 4. on a retryable failure backs off (or, when the server named a wait,
//!    holds the whole batch that long) and goes back to 1.
//!
//! A refused key (401/403) stops the batch: what finished is kept, the rest
//! is reported as not started. Every ballot is reported exactly once.

use super::ballot::{BallotRecord, Source};
use super::control::Control;
use super::extract::extract;
use super::hash::sha256_hex;
use super::image::check_image;
use super::ports::{Clock, ImageSource, LocalBoxFuture, OcrClient, Sleeper};
use super::progress::{BallotError, BallotResult, EngineEvent, FailureKind, ProgressCallback};
use super::prompt::{PROMPT, PROMPT_VERSION};
use super::provider::{
    build_request, interpret, ApiError, ProviderSettings, TransportError, Usage,
};
use super::rate_limit::{Quota, TokenBucket};
use super::registry::Registry;
use super::retry::{server_wait, status_verdict, transport_verdict, RetryPolicy, Verdict};
use super::rng::SplitMix64;
use super::validate::validate;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::task::Poll;
use std::time::Duration;

/// Finished ballots between two memory cleanups (the Python tool's interval).
pub const MEMORY_CLEANUP_INTERVAL: usize = 50;

/// How many requests may be in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concurrency {
    /// Sized from the rate and the observed latency so the bucket never
    /// idles: ⌈rate × slowest recent latency⌉ + 1, at most `max`.
    Auto {
        /// Upper bound.
        max: usize,
    },
    /// Exactly this many (1 = sequential).
    Fixed(usize),
}

impl Default for Concurrency {
    fn default() -> Self {
        Concurrency::Auto { max: 16 }
    }
}

/// Browsers open at most 6 HTTP/1.1 connections per host; requests beyond
/// that wait inside the browser and then leave in bursts when a connection
/// frees, which would break the rate limit on the wire. `https://` endpoints
/// speak HTTP/2 (many requests on one connection), plain `http://` ones
/// (local Ollama, vLLM) HTTP/1.1.
pub const HTTP1_CONNECTIONS_PER_HOST: usize = 6;

impl Concurrency {
    /// Automatic concurrency for an endpoint: at most 16 in flight over
    /// HTTP/2, at most [`HTTP1_CONNECTIONS_PER_HOST`] over plain HTTP/1.1.
    pub fn auto_for(endpoint: &str) -> Self {
        let https = endpoint
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("https://");
        Concurrency::Auto {
            max: if https {
                16
            } else {
                HTTP1_CONNECTIONS_PER_HOST
            },
        }
    }
}

/// Everything that tunes a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOptions {
    /// Rate limit (default 2 requests/s, burst 1).
    pub quota: Quota,
    /// Requests in flight.
    pub concurrency: Concurrency,
    /// Retries and backoff.
    pub retry: RetryPolicy,
    /// Free image data of finished ballots every `memory_cleanup_interval`.
    pub enable_memory_cleanup: bool,
    /// Finished ballots between cleanups.
    pub memory_cleanup_interval: usize,
    /// Latency assumed before any is observed (sizes `Auto` at the start).
    pub initial_latency: Duration,
    /// Seed for backoff jitter.
    pub seed: u64,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            quota: Quota::default(),
            concurrency: Concurrency::default(),
            retry: RetryPolicy::default(),
            enable_memory_cleanup: true,
            memory_cleanup_interval: MEMORY_CLEANUP_INTERVAL,
            initial_latency: Duration::from_secs(6),
            seed: 0x7a11_5ca9,
        }
    }
}

/// What the engine runs over.
pub struct Env<'a> {
    /// Sends requests.
    pub client: &'a dyn OcrClient,
    /// Monotonic and wall time.
    pub clock: &'a dyn Clock,
    /// Waiting.
    pub sleeper: &'a dyn Sleeper,
    /// The images.
    pub images: &'a dyn ImageSource,
    /// Where and how to ask.
    pub settings: &'a ProviderSettings,
    /// Provinces and parties for validation.
    pub registry: &'a Registry,
    /// Who hears about progress.
    pub progress: &'a dyn ProgressCallback,
    /// Cancel and pause.
    pub control: &'a Control,
}

/// Why a batch ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// The user cancelled.
    Cancelled,
    /// The API refused the key (401/403); the message says what it said.
    KeyRefused(String),
}

/// The outcome of a batch, with its statistics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchResult {
    /// Ballots with a record, in the order they finished.
    pub results: Vec<BallotResult>,
    /// Ballots without one (including those not started).
    pub errors: Vec<BallotError>,
    /// Ballots in the batch.
    pub total: usize,
    /// Ballots that finished (with a result or a failure), not counting those not started.
    pub processed: usize,
    /// Why it ended early, if it did.
    pub stopped: Option<StopReason>,
    /// Engine clock at the start.
    pub start: Duration,
    /// Engine clock at the end.
    pub end: Duration,
    /// Requests sent, retries included.
    pub requests_sent: u64,
    /// Retries (requests beyond each ballot's first), counted.
    pub retries: u64,
    /// Memory cleanups made.
    pub memory_cleanups: u32,
    /// Median latency of answered requests, ms.
    pub latency_p50_ms: f64,
    /// 95th percentile latency, ms.
    pub latency_p95_ms: f64,
    /// Token usage, when the API reported it.
    pub tokens: Usage,
}

impl BatchResult {
    /// Wall duration of the batch.
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }
    /// Requests per second achieved over the whole batch.
    pub fn requests_per_second(&self) -> f64 {
        let s = self.duration().as_secs_f64();
        if s > 0.0 {
            self.requests_sent as f64 / s
        } else {
            0.0
        }
    }
}

enum Outcome {
    Record(Box<BallotRecord>),
    Failed(FailureKind, String),
    KeyRefused(String),
    Cancelled,
}

struct Done {
    index: usize,
    outcome: Outcome,
    attempts: u32,
    last_status: Option<u16>,
}

struct Shared {
    bucket: TokenBucket,
    hold_until: Duration,
    rng: SplitMix64,
    recent_latency: VecDeque<Duration>,
    latencies_ms: Vec<f64>,
    requests: u64,
    retries: u64,
    tokens: Usage,
}

struct Engine<'e, 'a> {
    env: &'e Env<'a>,
    opts: &'e BatchOptions,
    shared: RefCell<Shared>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

impl Engine<'_, '_> {
    fn event(&self, e: EngineEvent) {
        self.env.progress.on_event(&e);
    }

    fn concurrency_limit(&self) -> usize {
        match self.opts.concurrency {
            Concurrency::Fixed(n) => n.max(1),
            Concurrency::Auto { max } => {
                let s = self.shared.borrow();
                let slowest = s
                    .recent_latency
                    .iter()
                    .max()
                    .copied()
                    .unwrap_or(self.opts.initial_latency);
                let need =
                    (s.bucket.quota().rate_per_sec * slowest.as_secs_f64()).ceil() as usize + 1;
                need.clamp(1, max.max(1))
            }
        }
    }

    /// Waits until this ballot may send: its booked slot in the bucket, no
    /// pause, no server hold. `false` when cancelled.
    async fn acquire(&self, index: usize) -> bool {
        let control = self.env.control;
        loop {
            if control.is_cancelled() {
                return false;
            }
            while control.is_paused() {
                control.changed_future().await;
            }
            if control.is_cancelled() {
                return false;
            }
            let wait = self
                .shared
                .borrow_mut()
                .bucket
                .reserve(self.env.clock.now());
            if !wait.is_zero() {
                self.event(EngineEvent::LimiterWait { index, wait });
                self.env.sleeper.sleep(wait).await;
            }
            let held = self.shared.borrow().hold_until > self.env.clock.now();
            if !held && !control.is_paused() && !control.is_cancelled() {
                return true;
            }
        }
    }

    async fn process(&self, index: usize) -> Done {
        let env = self.env;
        let policy = &self.opts.retry;
        let name = env.images.name(index);
        let mut attempts = 0u32;
        let mut reasks = 0u32;
        let mut last_status = None;
        let mut sha256 = String::new();
        let done = |outcome, attempts, last_status| Done {
            index,
            outcome,
            attempts,
            last_status,
        };
        loop {
            if !self.acquire(index).await {
                return done(Outcome::Cancelled, attempts, last_status);
            }
            let bytes = match env.images.load(index).await {
                Ok(b) => b,
                Err(why) => {
                    return done(
                        Outcome::Failed(FailureKind::Image, format!("cannot read the file: {why}")),
                        attempts,
                        last_status,
                    )
                }
            };
            let media = match check_image(&bytes) {
                Ok(m) => m,
                Err(e) => {
                    return done(
                        Outcome::Failed(FailureKind::Image, e.to_string()),
                        attempts,
                        last_status,
                    )
                }
            };
            if sha256.is_empty() {
                sha256 = sha256_hex(&bytes);
            }
            let request = build_request(env.settings, media, &bytes, PROMPT);
            drop(bytes);
            attempts += 1;
            self.shared.borrow_mut().requests += 1;
            let sent_at = env.clock.now();
            let response = env.client.send(request).await;
            let latency = env.clock.now().saturating_sub(sent_at);

            // Decide: a record, a failure, or a retry with a reason.
            let (verdict, reason, unparseable) = match response {
                Err(TransportError::Cancelled) => {
                    return done(Outcome::Cancelled, attempts, last_status)
                }
                Err(e) => (transport_verdict(&e), e.to_string(), false),
                Ok(resp) => {
                    last_status = Some(resp.status);
                    {
                        let mut s = self.shared.borrow_mut();
                        s.latencies_ms.push(latency.as_secs_f64() * 1000.0);
                        if (200..300).contains(&resp.status) {
                            s.recent_latency.push_back(latency);
                            if s.recent_latency.len() > 20 {
                                s.recent_latency.pop_front();
                            }
                        }
                    }
                    match interpret(env.settings.kind, &resp) {
                        Ok(answer) => {
                            if let Some(u) = answer.usage {
                                let mut s = self.shared.borrow_mut();
                                s.tokens.input_tokens += u.input_tokens;
                                s.tokens.output_tokens += u.output_tokens;
                            }
                            let source = Source {
                                file_name: name.clone(),
                                sha256: sha256.clone(),
                                model: env.settings.model.clone(),
                                prompt_version: PROMPT_VERSION.into(),
                            };
                            match extract(&answer.text, source) {
                                Ok(record) => {
                                    let record = validate(record, env.registry);
                                    return done(
                                        Outcome::Record(Box::new(record)),
                                        attempts,
                                        last_status,
                                    );
                                }
                                Err(e) => (Verdict::Retry, e.to_string(), true),
                            }
                        }
                        Err(ApiError::Answer(e)) => (Verdict::Retry, e.to_string(), true),
                        Err(e @ ApiError::KeyRefused { .. }) => {
                            return done(Outcome::KeyRefused(e.to_string()), attempts, last_status)
                        }
                        Err(e) => {
                            let verdict = status_verdict(resp.status);
                            if verdict == Verdict::Retry {
                                if let Some(wait) = server_wait(&resp, env.clock.unix_ms()) {
                                    let wait = wait.min(policy.max_server_wait);
                                    let now = env.clock.now();
                                    let mut s = self.shared.borrow_mut();
                                    s.hold_until = s.hold_until.max(now + wait);
                                    s.bucket.hold_until(now, wait);
                                    drop(s);
                                    self.event(EngineEvent::ServerPause {
                                        wait,
                                        status: resp.status,
                                    });
                                }
                            }
                            (verdict, e.to_string(), false)
                        }
                    }
                }
            };
            match verdict {
                Verdict::StopBatch => {
                    return done(Outcome::KeyRefused(reason), attempts, last_status)
                }
                Verdict::Fail => {
                    return done(
                        Outcome::Failed(FailureKind::Api, reason),
                        attempts,
                        last_status,
                    )
                }
                Verdict::Retry => {}
            }
            if unparseable {
                if reasks >= policy.reasks_unparseable {
                    let msg = if attempts > 1 {
                        format!("{reason} (also after asking again)")
                    } else {
                        reason
                    };
                    return done(
                        Outcome::Failed(FailureKind::Unreadable, msg),
                        attempts,
                        last_status,
                    );
                }
                reasks += 1;
            } else if attempts >= policy.max_attempts {
                let msg = format!("gave up after {attempts} attempts: {reason}");
                return done(
                    Outcome::Failed(FailureKind::RetriesExhausted, msg),
                    attempts,
                    last_status,
                );
            }
            // Back off, unless the server named its wait (the hold covers it).
            let held = self.shared.borrow().hold_until > env.clock.now();
            let delay = if held || unparseable {
                Duration::ZERO
            } else {
                policy.backoff(attempts, &mut self.shared.borrow_mut().rng)
            };
            self.shared.borrow_mut().retries += 1;
            self.event(EngineEvent::Retry {
                index,
                attempt: attempts,
                delay,
                reason,
            });
            if !delay.is_zero() {
                env.sleeper.sleep(delay).await;
            }
        }
    }
}

/// Runs a batch to the end (or until cancelled or the key is refused).
pub async fn run_batch(env: &Env<'_>, opts: &BatchOptions) -> BatchResult {
    let total = env.images.len();
    let engine = Engine {
        env,
        opts,
        shared: RefCell::new(Shared {
            bucket: TokenBucket::new(opts.quota),
            hold_until: Duration::ZERO,
            rng: SplitMix64::new(opts.seed),
            recent_latency: VecDeque::new(),
            latencies_ms: Vec::new(),
            requests: 0,
            retries: 0,
            tokens: Usage::default(),
        }),
    };
    let control = env.control;
    let mut result = BatchResult {
        total,
        start: env.clock.now(),
        ..BatchResult::default()
    };
    env.progress.on_start(total);
    let mut current = 0usize;
    let mut finished_since_cleanup: Vec<usize> = Vec::new();
    let mut finished_count = 0usize;
    let mut next = 0usize;
    let mut in_flight: Vec<(usize, LocalBoxFuture<'_, Done>)> = Vec::new();
    let mut last_limit = 0usize;
    let mut was_paused = false;
    // Ballots that ended without finishing: (index, attempts, last status).
    let mut unfinished: Vec<(usize, u32, Option<u16>)> = Vec::new();

    loop {
        if result.stopped.is_none() && control.is_cancelled() {
            result.stopped = Some(StopReason::Cancelled);
            engine.event(EngineEvent::Stopping("cancelled".into()));
        }
        if result.stopped.is_some() {
            break;
        }
        let paused = control.is_paused();
        if paused != was_paused {
            engine.event(if paused {
                EngineEvent::Paused
            } else {
                EngineEvent::Resumed
            });
            was_paused = paused;
        }
        let limit = engine.concurrency_limit();
        if limit != last_limit {
            engine.event(EngineEvent::Concurrency(limit));
            last_limit = limit;
        }
        if !paused {
            while in_flight.len() < limit && next < total {
                in_flight.push((next, Box::pin(engine.process(next))));
                next += 1;
            }
        }
        if in_flight.is_empty() {
            if next >= total {
                break;
            }
            control.changed_future().await; // paused with nothing in flight
            continue;
        }
        let version = control.version();
        let done = std::future::poll_fn(|cx| {
            for k in 0..in_flight.len() {
                if let Poll::Ready(d) = in_flight[k].1.as_mut().poll(cx) {
                    drop(in_flight.swap_remove(k));
                    return Poll::Ready(Some(d));
                }
            }
            if control.version() != version {
                return Poll::Ready(None);
            }
            control.register(cx.waker());
            Poll::Pending
        })
        .await;
        let Some(d) = done else { continue };
        let name = env.images.name(d.index);
        match d.outcome {
            Outcome::Record(record) => {
                current += 1;
                let r = BallotResult {
                    index: d.index,
                    file: name.clone(),
                    record: *record,
                    attempts: d.attempts,
                };
                env.progress.on_progress(current, total, &name, &r);
                result.results.push(r);
            }
            Outcome::Failed(kind, message) => {
                current += 1;
                let e = BallotError {
                    index: d.index,
                    file: name.clone(),
                    kind,
                    message,
                    attempts: d.attempts,
                    last_status: d.last_status,
                };
                env.progress.on_error(current, total, &name, &e);
                result.errors.push(e);
            }
            Outcome::KeyRefused(message) => {
                engine.event(EngineEvent::Stopping(message.clone()));
                result.stopped = Some(StopReason::KeyRefused(message));
                unfinished.push((d.index, d.attempts, d.last_status));
                continue;
            }
            Outcome::Cancelled => {
                unfinished.push((d.index, d.attempts, d.last_status));
                continue;
            }
        }
        result.processed += 1;
        finished_count += 1;
        finished_since_cleanup.push(d.index);
        if opts.enable_memory_cleanup
            && finished_count.is_multiple_of(opts.memory_cleanup_interval.max(1))
        {
            let released = env.images.release(&finished_since_cleanup);
            finished_since_cleanup.clear();
            result.memory_cleanups += 1;
            engine.event(EngineEvent::MemoryCleanup {
                count: result.memory_cleanups,
                released,
            });
        }
    }

    // Whatever did not finish is reported once, as not started.
    unfinished.extend(in_flight.iter().map(|(i, _)| (*i, 0, None)));
    drop(in_flight); // aborts requests still in flight
    unfinished.extend((next..total).map(|i| (i, 0, None)));
    unfinished.sort_unstable();
    let why = match &result.stopped {
        Some(StopReason::KeyRefused(m)) => format!("not started: the batch stopped because {m}"),
        _ => "not started: the batch was cancelled".to_string(),
    };
    for &(index, attempts, last_status) in &unfinished {
        current += 1;
        let name = env.images.name(index);
        let e = BallotError {
            index,
            file: name.clone(),
            kind: FailureKind::NotStarted,
            message: why.clone(),
            attempts,
            last_status,
        };
        env.progress.on_error(current, total, &name, &e);
        result.errors.push(e);
    }
    // Free what is left (not counted as a periodic cleanup).
    if opts.enable_memory_cleanup {
        finished_since_cleanup.extend(unfinished.iter().map(|(i, _, _)| *i));
        env.images.release(&finished_since_cleanup);
    }

    let s = engine.shared.into_inner();
    let mut lat = s.latencies_ms;
    lat.sort_by(|a, b| a.total_cmp(b));
    result.latency_p50_ms = percentile(&lat, 0.5);
    result.latency_p95_ms = percentile(&lat, 0.95);
    result.requests_sent = s.requests;
    result.retries = s.retries;
    result.tokens = s.tokens;
    result.end = env.clock.now();
    env.progress.on_complete(&result.results, &result.errors);
    result
}
