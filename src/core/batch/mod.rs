//! The batch engine: every image of a batch through the model, at the API's
//! allowed rate and never over it, with bounded concurrency, retries that
//! honour the server, cancel and pause, and memory cleanup every 50 ballots.
//!
//! Runs on one thread (the browser's) over the traits in [`super::ports`];
//! its own loop polls the requests in flight, so it needs no executor
//! features beyond waking.
//!
//! 1. The survey ([`survey`]) checks every file's size and first bytes
//!    before any slot is spent, and finds copies (sent once).
//! 2. Each ballot's image is read and prepared once, ahead of its slot and
//!    a bounded number at a time ([`ahead`]); every attempt (retries,
//!    re-asks, the fallback model, the second reading) sends those bytes.
//! 3. Per attempt: waits for admission ([`gate`]: its booked slot, checked
//!    again on the wire right before sending, with the body already made;
//!    no pause, no server hold), sends, and lets [`classify`] decide: a
//!    record, a failure, a retry (backoff, a re-ask, or the server's wait,
//!    which holds the whole batch) or a stop.
//! 4. The [`ledger`] reports every ballot exactly once, its copies with it,
//!    and frees memory every 50 (image handles, the preparation's worker).
//!
//! The batch stops early when the key is refused (401/403), or when the
//! first attempts all fail the same way before any succeeds (no network
//! answer, 404, 402, 400): what finished is kept, the rest is reported as
//! not started, interrupted, or cancelled after sending.

mod ahead;
mod classify;
mod gate;
mod ledger;
mod survey;

pub use super::progress::{StopReason, SystemicCause};
pub use ahead::PrepareAhead;
pub use classify::{classify, Context, Observed, Outcome, RetryWait, Step};

use super::ballot::{BallotRecord, Source};
use super::control::Control;
use super::cost::{cost, Budget};
use super::hash::sha256_hex_sliced;
use super::image::{
    check_image, check_size, check_start_within, MAX_IMAGE_BYTES, MAX_SOURCE_BYTES,
};
use super::pdf::looks_blank;
use super::ports::{
    Clock, ImageData, ImagePrep, ImageSource, Journal, LocalBoxFuture, OcrClient, Sleeper,
};
use super::progress::{BallotOutcome, EngineEvent, FailureKind, ProgressCallback};
use super::prompt::{PROMPT, PROMPT_VERSION};
use super::provider::{
    build_request, HttpRequest, HttpResponse, ProviderSettings, TransportError, Usage,
};
use super::rate_limit::Quota;
use super::registry::Registry;
use super::reread::{failed as reread_failed, prompt as reread_prompt, targets};
use super::retry::RetryPolicy;
use super::rng::SplitMix64;
use ahead::{Ahead, Permit};
use gate::Gate;
use ledger::{Ledger, Tries};
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
    /// idles: ⌈1.5 × rate × slowest recent latency⌉ + 1, at most `max`.
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

/// The most requests in flight a user may ask for.
pub const MAX_FIXED_CONCURRENCY: usize = 64;

fn is_https(endpoint: &str) -> bool {
    endpoint
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("https://")
}

impl Concurrency {
    /// Automatic concurrency for an endpoint: at most 16 in flight over
    /// HTTP/2, at most [`HTTP1_CONNECTIONS_PER_HOST`] over plain HTTP/1.1.
    pub fn auto_for(endpoint: &str) -> Self {
        Concurrency::Auto {
            max: if is_https(endpoint) {
                16
            } else {
                HTTP1_CONNECTIONS_PER_HOST
            },
        }
    }

    /// What a user's setting means for an endpoint: 0 is automatic; a fixed
    /// number is capped like automatic concurrency over plain HTTP/1.1.
    pub fn for_endpoint(requested: usize, endpoint: &str) -> Self {
        if requested == 0 {
            return Concurrency::auto_for(endpoint);
        }
        let cap = if is_https(endpoint) {
            MAX_FIXED_CONCURRENCY
        } else {
            HTTP1_CONNECTIONS_PER_HOST
        };
        Concurrency::Fixed(requested.min(cap))
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
    /// The longest a request may take (the user's setting).
    pub request_timeout: Duration,
    /// The shortest the timeout becomes once latencies are known.
    pub min_request_timeout: Duration,
    /// Attempts failing the same systemic way, before any success, that
    /// stop the batch.
    pub systemic_after: u32,
    /// Ballots finished in an earlier run of this batch (a resume after a
    /// reload): never sent or reported again; the count goes on after them.
    pub already_done: Vec<usize>,
    /// A spending cap, and the tokens one ballot should take (the batch
    /// stops before a ballot that would pass the cap).
    pub budget: Option<(Budget, Usage)>,
    /// Second readings of flagged ballots (see `core::reread`).
    pub reread: RereadOptions,
    /// How many images are prepared ahead of their slots.
    pub prepare_ahead: PrepareAhead,
}

/// How flagged ballots are read a second time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RereadOptions {
    pub enabled: bool,
    /// At most this many re-reads in a batch.
    pub cap: usize,
    /// Ask the fallback model (when one is set) rather than the first.
    pub use_fallback: bool,
}

impl Default for RereadOptions {
    fn default() -> Self {
        RereadOptions {
            enabled: true,
            cap: 500,
            use_fallback: false,
        }
    }
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
            request_timeout: Duration::from_secs(120),
            min_request_timeout: Duration::from_secs(20),
            systemic_after: 5,
            already_done: Vec::new(),
            budget: None,
            reread: RereadOptions::default(),
            prepare_ahead: PrepareAhead::default(),
        }
    }
}

/// A second reading under way: the first reading and what is asked.
struct Second {
    first: Box<BallotRecord>,
    cells: Vec<String>,
    prompt: String,
    /// The ballot's attempts before the re-read (its own are counted apart).
    attempts_before: u32,
}

/// A ballot that ends early (the batch stopped): unfinished, or, during a
/// second reading, the first reading with why the second did not come.
fn leave(index: usize, second: Option<Second>, why: &str) -> Finished {
    Finished {
        index,
        outcome: second.map(|s| {
            let model = s.first.source.model.clone();
            Outcome::Record(Box::new(reread_failed(&s.first, &s.cells, &model, why)))
        }),
        image: None,
    }
}

/// A request that wakes later than this after its slot woke late.
const LATE: Duration = Duration::from_millis(50);

/// Answers needed before the timeout follows the observed latency.
const TIMEOUT_SAMPLES: usize = 10;

/// The timeout for the next request: the setting until enough answers came,
/// then `max(min, 4 × p95 latency)`, never above the setting.
pub fn adaptive_timeout(setting: Duration, min: Duration, ok_latencies_ms: &[f64]) -> Duration {
    if ok_latencies_ms.len() < TIMEOUT_SAMPLES {
        return setting;
    }
    let mut sorted = ok_latencies_ms.to_vec();
    sort_ms(&mut sorted);
    let p95 = percentile(&sorted, 0.95);
    let four = Duration::try_from_secs_f64(4.0 * p95 / 1000.0).unwrap_or(setting);
    four.max(min).min(setting)
}

/// What the engine runs over.
pub struct Env<'a> {
    /// Sends requests.
    pub client: &'a dyn OcrClient,
    /// Monotonic and wall time.
    pub clock: &'a dyn Clock,
    /// Waiting.
    pub sleeper: &'a dyn Sleeper,
    pub images: &'a dyn ImageSource,
    /// Where and how to ask.
    pub settings: &'a ProviderSettings,
    /// Provinces and parties for validation.
    pub registry: &'a Registry,
    /// Who hears about progress.
    pub progress: &'a dyn ProgressCallback,
    /// Cancel and pause.
    pub control: &'a Control,
    /// Where finished ballots are kept before they count as done (none:
    /// results live in memory only).
    pub journal: Option<&'a dyn Journal>,
    /// Prepares each image before it is sent (none: sent as picked).
    pub prep: Option<&'a dyn ImagePrep>,
    /// A second provider and model, asked once for a ballot the first
    /// refused (a failure retrying will not fix) or could not read.
    pub fallback: Option<&'a ProviderSettings>,
}

/// The outcome of a batch, with its statistics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchResult {
    /// Ballots with a record, in the order they finished.
    pub results: Vec<super::progress::BallotResult>,
    /// Ballots without one (including those not finished).
    pub errors: Vec<super::progress::BallotError>,
    /// Ballots in the batch.
    pub total: usize,
    /// Ballots that finished (with a result or a failure), not counting those the batch did not finish.
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
    /// Bytes of the picked files read to send them.
    pub bytes_read: u64,
    /// Bytes of the images sent (after preparation), retries included.
    pub bytes_sent: u64,
    /// Ballots handed to the fallback model.
    pub fallbacks: u32,
    /// Flagged ballots read a second time.
    pub rereads: usize,
    /// Images read and prepared (one per ballot sent: retries, the
    /// fallback model and second readings send the same bytes).
    pub preparations: u64,
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

/// The largest file a batch takes: larger when images are prepared
/// (downscaled) before sending.
pub(super) fn source_limit(prepared: bool) -> usize {
    if prepared {
        MAX_SOURCE_BYTES
    } else {
        MAX_IMAGE_BYTES
    }
}

fn sort_ms(ms: &mut [f64]) {
    ms.sort_unstable_by(f64::total_cmp);
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Consecutive attempts that failed the same systemic way before the
/// first success.
#[derive(Default)]
struct Streak {
    cause: Option<SystemicCause>,
    count: u32,
    any_success: bool,
}

impl Streak {
    /// Counts an attempt; returns the cause once `limit` in a row failed so.
    fn count(&mut self, seen: &Observed, limit: u32) -> Option<(SystemicCause, u32)> {
        if self.any_success || seen.success {
            self.any_success = true;
            return None;
        }
        match seen.systemic {
            Some(c) if self.cause == Some(c) => self.count += 1,
            Some(c) => (self.cause, self.count) = (Some(c), 1),
            None => (self.cause, self.count) = (None, 0),
        }
        self.cause
            .filter(|_| self.count >= limit.max(1))
            .map(|c| (c, self.count))
    }
}

struct Shared {
    gate: Gate,
    rng: SplitMix64,
    recent_latency: VecDeque<Duration>,
    latencies_ms: Vec<f64>,
    ok_latencies_ms: Vec<f64>,
    requests: u64,
    retries: u64,
    tokens: Usage,
    tries: Vec<Tries>,
    /// Each ballot's picked image size in pixels, once prepared.
    pixels: Vec<Option<(u32, u32)>>,
    bytes_read: u64,
    bytes_sent: u64,
    streak: Streak,
    stop: Option<StopReason>,
    timeout_shown: Duration,
    /// Attempts admitted whose answer is not yet observed.
    admitted: usize,
    /// Ballots handed to the fallback model.
    fallbacks: u32,
    /// Second readings started.
    rereads: usize,
    /// The budget would be passed: nothing more is admitted, and the batch
    /// stops once what is on its way has come back.
    budget_hit: bool,
    /// Ballots sleeping before their next attempt: they hold no request,
    /// so they do not count against the concurrency limit.
    backing_off: usize,
    /// Images read and prepared.
    preparations: u64,
}

/// How a ballot's processing ended: `None` when the batch stopped before
/// it finished.
struct Finished {
    index: usize,
    outcome: Option<Outcome>,
    /// The image as it was sent, for the journal to keep.
    image: Option<ImageData>,
}

/// A ballot's image, prepared once and sent by each of its attempts; freed
/// when the ballot is finished.
struct Ready<'p> {
    image: ImageData,
    media: &'static str,
    /// SHA-256 of the picked file (of the whole PDF, for a page).
    sha256: String,
    /// Its place among the images prepared ahead, until the first send.
    permit: Option<Permit<'p>>,
}

/// A drawn PDF page's weight against the bound on images prepared ahead
/// (its file's size says nothing of one page).
const PAGE_BYTES: u64 = 4 * 1024 * 1024;

struct Engine<'e, 'a> {
    env: &'e Env<'a>,
    opts: &'e BatchOptions,
    shared: RefCell<Shared>,
    ahead: Ahead,
}

impl<'e, 'a> Engine<'e, 'a> {
    fn new(env: &'e Env<'a>, opts: &'e BatchOptions) -> Self {
        Engine {
            env,
            opts,
            shared: RefCell::new(Shared {
                gate: Gate::new(opts.quota),
                rng: SplitMix64::new(opts.seed),
                recent_latency: VecDeque::new(),
                latencies_ms: Vec::new(),
                ok_latencies_ms: Vec::new(),
                requests: 0,
                retries: 0,
                tokens: Usage::default(),
                tries: vec![Tries::default(); env.images.len()],
                pixels: vec![None; env.images.len()],
                bytes_read: 0,
                bytes_sent: 0,
                admitted: 0,
                fallbacks: 0,
                rereads: 0,
                budget_hit: false,
                streak: Streak::default(),
                stop: None,
                timeout_shown: opts.request_timeout,
                backing_off: 0,
                preparations: 0,
            }),
            ahead: Ahead::new(opts.prepare_ahead),
        }
    }

    fn event(&self, e: EngineEvent) {
        self.env.progress.on_event(&e);
    }

    fn now(&self) -> Duration {
        self.env.clock.now()
    }

    fn tries(&self, index: usize) -> Tries {
        self.shared
            .borrow()
            .tries
            .get(index)
            .copied()
            .unwrap_or_default()
    }

    fn request_stop(&self, reason: StopReason) {
        let mut s = self.shared.borrow_mut();
        if s.stop.is_none() {
            s.stop = Some(reason);
        }
    }

    /// Whether one more request fits the budget; if not, the batch stops.
    fn within_budget(&self) -> bool {
        let Some((budget, next)) = &self.opts.budget else {
            return true;
        };
        let (spent, in_flight) = {
            let s = self.shared.borrow();
            (s.tokens, s.admitted as u64)
        };
        // What is on its way will be paid for too.
        let coming = Usage {
            input_tokens: next.input_tokens.saturating_mul(in_flight + 1),
            output_tokens: next.output_tokens.saturating_mul(in_flight + 1),
        };
        if budget.allows(&spent, &coming) {
            return true;
        }
        // Not a stop that aborts: what is on its way is paid for, so its
        // answers are kept; nothing new goes.
        self.shared.borrow_mut().budget_hit = true;
        false
    }

    /// Whether a ballot that failed so with `used` goes to the fallback
    /// model: once, for a refusal retrying will not fix or an answer that
    /// could not be read, when there is one.
    fn falls_back(&self, kind: &FailureKind, used: &ProviderSettings) -> bool {
        let Some(fallback) = self.env.fallback else {
            return false;
        };
        matches!(kind, FailureKind::Api | FailureKind::Unreadable)
            && !std::ptr::eq(used, fallback)
            && !self.stopping()
    }

    /// Why the batch stopped at its budget, with what it spent in the end.
    fn budget_reason(&self) -> StopReason {
        let micros = |d: f64| (d.max(0.0) * 1e6).min(u64::MAX as f64) as u64;
        let spent = self.shared.borrow().tokens;
        let (spent, cap) = match &self.opts.budget {
            Some((b, _)) => (cost(&spent, &b.prices), b.cap),
            None => (0.0, 0.0),
        };
        StopReason::Budget {
            spent_micros: micros(spent),
            cap_micros: micros(cap),
        }
    }

    fn stopping(&self) -> bool {
        self.shared.borrow().stop.is_some() || self.env.control.is_cancelled()
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
                // Half again as many as the mean would need: latencies vary,
                // and a slot with no request ready is lost for good.
                let rate = s.gate.ceiling().rate_per_sec();
                let need = (1.5 * rate * slowest.as_secs_f64()).ceil();
                (need.min(1e6) as usize + 1).clamp(1, max.max(1))
            }
        }
    }

    /// Waits until this ballot may send: its booked slot, admitted on the
    /// wire, no pause, no server hold. `false` when the batch stops.
    async fn acquire(&self, index: usize) -> bool {
        let control = self.env.control;
        loop {
            while control.is_paused() && !self.stopping() {
                control.changed_future().await;
            }
            if self.stopping() {
                return false;
            }
            let booked_at = self.now();
            let wait = self.shared.borrow_mut().gate.book(booked_at);
            let due = booked_at.saturating_add(wait);
            if !wait.is_zero() {
                self.event(EngineEvent::LimiterWait { index, wait });
                self.env.sleeper.sleep(wait).await;
            }
            let now = self.now();
            if self.shared.borrow().gate.held(now) || control.is_paused() || self.stopping() {
                continue;
            }
            if self.admit_on_the_wire(index, due).await {
                return true;
            }
        }
    }

    /// The wire's last word before sending. A request that woke late
    /// (more than [`LATE`] after its slot: a hidden tab, a busy tablet)
    /// and is refused books again (`false`), so late wake-ups never leave
    /// together. One on time that is refused (its timer fired a hair early,
    /// or the request before it left late) waits what the wire says and
    /// asks again: booking again would lose its slot for nothing.
    async fn admit_on_the_wire(&self, index: usize, due: Duration) -> bool {
        loop {
            let now = self.now();
            let admitted = self.shared.borrow_mut().gate.admit(now);
            match admitted {
                Ok(()) => return true,
                Err(wait) if now.saturating_sub(due) <= LATE => {
                    self.env.sleeper.sleep(wait).await;
                }
                Err(wait) => {
                    self.event(EngineEvent::Rebooked { index, wait });
                    return false;
                }
            }
            if self.stopping() || self.env.control.is_paused() {
                return false;
            }
        }
    }

    /// The ballot's image, read and prepared once, ahead of its slot: it
    /// waits its turn among the images prepared ahead (`None` when the
    /// batch stops meanwhile). A file that cannot be sent fails here,
    /// before any slot is spent on it.
    async fn ready(&self, index: usize) -> Result<Ready<'_>, Option<Outcome>> {
        let failed = |m: String| Some(Outcome::Failed(FailureKind::Image, m));
        let page = self.env.images.page(index).is_some();
        // A page's type is known once it is drawn.
        let (bytes, media) = if page {
            (PAGE_BYTES, "")
        } else {
            self.look_at(index).await.map_err(Some)?
        };
        let permit = self.ahead.take(bytes).await;
        if self.stopping() {
            return Err(None);
        }
        self.shared.borrow_mut().preparations += 1;
        let (original, media, mut sha256) = if page {
            self.render(index).await?
        } else {
            (self.read(index).await?, media, String::new())
        };
        self.shared.borrow_mut().bytes_read += original.size();
        if sha256.is_empty() && original.bytes().is_some() {
            sha256 = self.hash(&original).await.map_err(Some)?;
        }
        let (image, media) = match self.env.prep {
            None => (original, media),
            Some(prep) => {
                let p = prep
                    .prepare(original, media)
                    .await
                    .map_err(|e| failed(e.to_string()))?;
                if let Some(slot) = self.shared.borrow_mut().pixels.get_mut(index) {
                    *slot = p.source_pixels;
                }
                if sha256.is_empty() {
                    sha256 = p.sha256.unwrap_or_default();
                }
                (p.image, p.media)
            }
        };
        let checked = match image.bytes() {
            Some(bytes) => check_image(bytes).map(|_| ()),
            None => check_size(image.size()),
        };
        checked.map_err(|e| failed(e.to_string()))?;
        // The record's identity is the picked file's hash, never the
        // prepared image's: without it the ballot is not sent.
        if sha256.is_empty() {
            return Err(failed(
                "cannot read the file: it could not be hashed".into(),
            ));
        }
        Ok(Ready {
            image,
            media,
            sha256,
            permit: Some(permit),
        })
    }

    /// What a picked file weighs and what it is (from its size and first
    /// bytes), or why it cannot be sent.
    async fn look_at(&self, index: usize) -> Result<(u64, &'static str), Outcome> {
        let failed = |m: String| Outcome::Failed(FailureKind::Image, m);
        let probe = self
            .env
            .images
            .probe(index)
            .await
            .map_err(|why| failed(format!("cannot read the file: {why}")))?;
        let limit = source_limit(self.env.prep.is_some());
        let media = check_start_within(probe.size, &probe.head, limit)
            .map_err(|e| failed(e.to_string()))?;
        Ok((probe.size, media))
    }

    /// A handle on a picked image.
    async fn read(&self, index: usize) -> Result<ImageData, Outcome> {
        let image = self.env.images.load(index).await.map_err(|why| {
            Outcome::Failed(FailureKind::Image, format!("cannot read the file: {why}"))
        })?;
        // The page draws between one ballot's steps and another's.
        self.env.sleeper.sleep(Duration::ZERO).await;
        Ok(image)
    }

    /// SHA-256 of bytes in this memory, hashed in slices between pauses
    /// so the page keeps drawing (the browser's worker hashes its files
    /// itself, off the page's thread).
    async fn hash(&self, image: &ImageData) -> Result<String, Outcome> {
        let Some(bytes) = image.bytes() else {
            let why = "cannot read the file: it is not in memory to hash".to_string();
            return Err(Outcome::Failed(FailureKind::Image, why));
        };
        let sleeper = self.env.sleeper;
        Ok(sha256_hex_sliced(bytes, || sleeper.sleep(Duration::ZERO)).await)
    }

    /// A page of a PDF, drawn now, with its type and its document's
    /// SHA-256; a blank
    /// page is not sent.
    async fn render(&self, index: usize) -> Result<(ImageData, &'static str, String), Outcome> {
        let page = self
            .env
            .images
            .render(index)
            .await
            .map_err(|e| Outcome::Failed(e.kind(), e.to_string()))?;
        if looks_blank(&page.gray, page.gray_width) {
            let why = "a blank page: nothing to read, not sent".to_string();
            return Err(Outcome::Failed(FailureKind::BlankPage, why));
        }
        Ok((page.image, page.media, page.document_sha256))
    }

    /// The request for this attempt: the JSON around the prepared image
    /// (nothing of the image is copied).
    fn request(&self, ready: &Ready<'_>, settings: &ProviderSettings, prompt: &str) -> HttpRequest {
        self.shared.borrow_mut().bytes_sent += ready.image.size();
        let mut request = build_request(settings, ready.media, &ready.image, prompt);
        request.timeout = Some(self.request_timeout());
        request
    }

    fn request_timeout(&self) -> Duration {
        let mut s = self.shared.borrow_mut();
        let t = adaptive_timeout(
            self.opts.request_timeout,
            self.opts.min_request_timeout,
            &s.ok_latencies_ms,
        );
        if t.abs_diff(s.timeout_shown) >= Duration::from_secs(1) {
            s.timeout_shown = t;
            drop(s);
            self.event(EngineEvent::Timeout(t));
        }
        t
    }

    /// Sends, keeping the books: attempts, the request awaiting its answer,
    /// latency.
    async fn send(
        &self,
        index: usize,
        request: HttpRequest,
    ) -> Result<HttpResponse, TransportError> {
        {
            let mut s = self.shared.borrow_mut();
            s.requests += 1;
            if let Some(t) = s.tries.get_mut(index) {
                t.attempts += 1;
                t.awaiting = true;
            }
        }
        let sent_at = self.now();
        let response = self.env.client.send(request).await;
        let latency = self.now().saturating_sub(sent_at);
        let mut s = self.shared.borrow_mut();
        if let Some(t) = s.tries.get_mut(index) {
            t.awaiting = false;
        }
        if let Ok(resp) = &response {
            if let Some(t) = s.tries.get_mut(index) {
                t.last_status = Some(resp.status);
            }
            let ms = latency.as_secs_f64() * 1000.0;
            s.latencies_ms.push(ms);
            if (200..300).contains(&resp.status) {
                s.ok_latencies_ms.push(ms);
                s.recent_latency.push_back(latency);
                if s.recent_latency.len() > 20 {
                    s.recent_latency.pop_front();
                }
            }
        }
        response
    }

    /// Applies what an attempt taught: tokens, the systemic streak, the
    /// server's hold, throttling and stated limits.
    fn observe(&self, seen: &Observed, reason: Option<&str>) {
        let mut events = Vec::new();
        {
            let mut s = self.shared.borrow_mut();
            if let Some(u) = seen.usage {
                s.tokens.input_tokens = s.tokens.input_tokens.saturating_add(u.input_tokens);
                s.tokens.output_tokens = s.tokens.output_tokens.saturating_add(u.output_tokens);
                events.push(EngineEvent::Spent(s.tokens));
            }
            if let Some((cause, failures)) = s.streak.count(seen, self.opts.systemic_after) {
                let last = reason.unwrap_or("").to_string();
                if s.stop.is_none() {
                    s.stop = Some(StopReason::Systemic {
                        cause,
                        failures,
                        last,
                    });
                }
            }
            let changes = [
                seen.success.then(|| s.gate.answered()).flatten(),
                seen.throttled.then(|| s.gate.throttled()).flatten(),
                seen.stated_limit.and_then(|l| s.gate.limit_stated(l)),
            ];
            for (per_minute, change) in changes.into_iter().flatten() {
                events.push(EngineEvent::Rate { per_minute, change });
            }
            if let (Some(wait), Some(status)) = (seen.server_wait, seen.status) {
                let wait = wait.min(self.opts.retry.max_server_wait);
                let now = self.env.clock.now();
                s.gate.hold(now, wait);
                events.push(EngineEvent::ServerPause { wait, status });
            }
        }
        for e in events {
            self.event(e);
        }
    }

    async fn wait_before_retry(&self, index: usize, wait: RetryWait, reason: String) {
        let attempt = self.tries(index).attempts;
        let delay = {
            let mut s = self.shared.borrow_mut();
            s.retries += 1;
            let held = s.gate.held(self.env.clock.now());
            match wait {
                RetryWait::Backoff if !held => self.opts.retry.backoff(attempt, &mut s.rng),
                _ => Duration::ZERO,
            }
        };
        self.event(EngineEvent::Retry {
            index,
            attempt,
            delay,
            reason,
        });
        if !delay.is_zero() {
            self.shared.borrow_mut().backing_off += 1;
            let _awake = OnDrop(|| self.shared.borrow_mut().backing_off -= 1);
            self.env.sleeper.sleep(delay).await;
        }
    }

    /// Ballots sleeping before a retry (they hold no request).
    fn backing_off(&self) -> usize {
        self.shared.borrow().backing_off
    }

    async fn process(&self, index: usize) -> Finished {
        let ready = match self.ready(index).await {
            Ok(r) => r,
            Err(outcome) => {
                return Finished {
                    index,
                    outcome,
                    image: None,
                }
            }
        };
        let image = ready.image.clone();
        let mut finished = self.ask(index, ready).await;
        if finished.outcome.is_some() {
            finished.image = Some(image);
        }
        finished
    }

    /// Asks the model about a prepared image until the ballot is finished:
    /// each attempt takes its token right before sending.
    async fn ask(&self, index: usize, mut ready: Ready<'_>) -> Finished {
        let mut reasks = 0u32;
        let mut settings = self.env.settings;
        // A second reading under way.
        let mut second: Option<Second> = None;
        loop {
            // The budget is checked at admission, with what is on its way.
            if !self.acquire(index).await || !self.within_budget() {
                return leave(index, second, "the batch stopped before it was sent");
            }
            // Admitted until its answer is observed: the budget counts it.
            self.shared.borrow_mut().admitted += 1;
            let _admitted = OnDrop(|| self.shared.borrow_mut().admitted -= 1);
            let prompt = second.as_ref().map_or(PROMPT, |s| s.prompt.as_str());
            let request = self.request(&ready, settings, prompt);
            ready.permit = None; // on its way: the next image may be prepared
            let response = self.send(index, request).await;
            let source = Source {
                file_name: self.env.images.name(index),
                sha256: ready.sha256.clone(),
                model: settings.model.clone(),
                prompt_version: PROMPT_VERSION.into(),
                imported_from: None,
                pixels: self.shared.borrow().pixels.get(index).copied().flatten(),
                page: self.env.images.page(index),
            };
            let ctx = Context {
                kind: settings.kind,
                source: &source,
                registry: self.env.registry,
                now_unix_ms: self.env.clock.unix_ms(),
                attempts: self.tries(index).attempts
                    - second.as_ref().map_or(0, |s| s.attempts_before),
                reasks,
                policy: &self.opts.retry,
                reread: second.as_ref().map(|s| (&*s.first, &s.cells[..])),
            };
            let (step, seen) = classify(response.as_ref(), &ctx);
            let reason = match &step {
                Step::Retry { reason, .. } => Some(reason.as_str()),
                Step::Done(Outcome::Failed(_, m)) => Some(m.as_str()),
                _ => None,
            };
            self.observe(&seen, reason);
            match step {
                Step::Done(Outcome::Record(first)) if second.is_none() => {
                    match self.second_reading(index, first, settings) {
                        Ok((s, with)) => {
                            (second, settings, reasks) = (Some(s), with, 0);
                        }
                        Err(record) => {
                            return Finished {
                                index,
                                outcome: Some(Outcome::Record(record)),
                                image: None,
                            }
                        }
                    }
                }
                Step::Done(Outcome::Failed(_, why)) if second.is_some() => {
                    return leave(index, second, &why)
                }
                Step::Done(Outcome::Failed(kind, why)) if self.falls_back(&kind, settings) => {
                    settings = self.env.fallback.unwrap_or(settings);
                    reasks = 0;
                    self.shared.borrow_mut().fallbacks += 1;
                    self.event(EngineEvent::Fallback {
                        index,
                        model: settings.model.clone(),
                        reason: why,
                    });
                }
                Step::Done(outcome) => {
                    return Finished {
                        index,
                        outcome: Some(outcome),
                        image: None,
                    }
                }
                Step::StopBatch(message) => {
                    self.request_stop(StopReason::KeyRefused(message.clone()));
                    return leave(index, second, &message);
                }
                Step::Retry { .. } if self.stopping() => {
                    return leave(index, second, "the batch stopped")
                }
                Step::Retry { wait, reason } => {
                    reasks += u32::from(wait == RetryWait::Now);
                    self.wait_before_retry(index, wait, reason).await;
                }
            }
        }
    }

    /// Whether `first` is read a second time (its errors are ones a second
    /// look may settle, re-reads are on and the batch's cap not reached):
    /// the re-read and the settings to ask with, or the record as it is.
    fn second_reading(
        &self,
        index: usize,
        first: Box<BallotRecord>,
        settings: &'a ProviderSettings,
    ) -> Result<(Second, &'a ProviderSettings), Box<BallotRecord>> {
        let opts = self.opts.reread;
        let Some((cells, rows_present)) = targets(&first).filter(|_| opts.enabled) else {
            return Err(first);
        };
        {
            let mut s = self.shared.borrow_mut();
            if s.rereads >= opts.cap {
                return Err(first);
            }
            s.rereads += 1;
        }
        let with = match (opts.use_fallback, self.env.fallback) {
            (true, Some(f)) => f,
            _ => settings,
        };
        self.event(EngineEvent::Reread {
            index,
            cells: cells.len(),
        });
        Ok((
            Second {
                prompt: reread_prompt(&cells, rows_present),
                cells,
                first,
                attempts_before: self.tries(index).attempts,
            },
            with,
        ))
    }

    /// Runs the queue with bounded concurrency until it is done or the
    /// batch stops; returns what did not finish.
    async fn dispatch(&self, queue: &[usize], ledger: &mut Ledger<'_>) -> Vec<(usize, Tries)> {
        let control = self.env.control;
        let mut next = 0usize;
        let mut in_flight: Vec<(usize, LocalBoxFuture<'_, Finished>)> = Vec::new();
        let mut unfinished: Vec<usize> = Vec::new();
        let (mut last_limit, mut was_paused) = (0usize, false);
        loop {
            if control.is_cancelled() {
                ledger.stop(StopReason::Cancelled);
            }
            if let Some(reason) = self.shared.borrow_mut().stop.take() {
                ledger.stop(reason);
            }
            if ledger.stopped() {
                break;
            }
            let paused = control.is_paused();
            if paused != was_paused {
                self.event(if paused {
                    EngineEvent::Paused
                } else {
                    EngineEvent::Resumed
                });
                was_paused = paused;
            }
            let limit = self.concurrency_limit();
            if limit != last_limit {
                self.event(EngineEvent::Concurrency(limit));
                last_limit = limit;
            }
            let budget_hit = self.shared.borrow().budget_hit;
            while !paused
                && !budget_hit
                && in_flight.len().saturating_sub(self.backing_off()) < limit
                && next < queue.len()
            {
                let i = queue[next];
                in_flight.push((i, Box::pin(self.process(i))));
                next += 1;
            }
            if in_flight.is_empty() {
                if budget_hit {
                    ledger.stop(self.budget_reason());
                    break;
                }
                if next >= queue.len() {
                    break;
                }
                control.changed_future().await; // paused with nothing in flight
                continue;
            }
            let Some(f) = poll_any(&mut in_flight, control, || self.backing_off()).await else {
                continue;
            };
            match f.outcome {
                Some(outcome) => {
                    if let (Some(j), Some(image)) = (self.env.journal, &f.image) {
                        j.keep_image(f.index, image).await;
                    }
                    drop(f.image);
                    let rows = ledger.rows(f.index, outcome, self.tries(f.index));
                    keep_and_commit(self.env.journal, rows, ledger).await;
                }
                None => unfinished.push(f.index),
            }
        }
        unfinished.extend(in_flight.iter().map(|(i, _)| *i));
        drop(in_flight); // aborts requests still in flight
        unfinished.extend_from_slice(&queue[next.min(queue.len())..]);
        unfinished.into_iter().map(|i| (i, self.tries(i))).collect()
    }

    /// Latency percentiles, requests, retries and tokens, into the result.
    fn statistics(self, result: &mut BatchResult) {
        let s = self.shared.into_inner();
        let mut lat = s.latencies_ms;
        sort_ms(&mut lat);
        result.latency_p50_ms = percentile(&lat, 0.5);
        result.latency_p95_ms = percentile(&lat, 0.95);
        result.requests_sent = s.requests;
        result.bytes_read = s.bytes_read;
        result.bytes_sent = s.bytes_sent;
        result.fallbacks = s.fallbacks;
        result.rereads = s.rereads;
        result.preparations = s.preparations;
        result.retries = s.retries;
        result.tokens = s.tokens;
    }
}

/// Runs a closure when dropped (also when the future holding it is
/// dropped mid-await).
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

/// Polls the futures in flight until one finishes (`Some`), or the control
/// changes or a ballot started backing off (`None`: the caller looks again).
async fn poll_any<T>(
    in_flight: &mut Vec<(usize, LocalBoxFuture<'_, T>)>,
    control: &Control,
    backing_off: impl Fn() -> usize,
) -> Option<T> {
    let version = control.version();
    let sleeping = backing_off();
    std::future::poll_fn(|cx| {
        for k in 0..in_flight.len() {
            if let Poll::Ready(d) = in_flight[k].1.as_mut().poll(cx) {
                drop(in_flight.swap_remove(k));
                return Poll::Ready(Some(d));
            }
        }
        if control.version() != version || backing_off() > sleeping {
            return Poll::Ready(None);
        }
        control.register(cx.waker());
        Poll::Pending
    })
    .await
}

/// Keeps each row in the journal, then reports it. A row that cannot be
/// kept is still reported (it was read), and the batch stops: nothing more
/// is paid for that could not be kept.
async fn keep_and_commit(
    journal: Option<&dyn Journal>,
    rows: Vec<BallotOutcome>,
    ledger: &mut Ledger<'_>,
) {
    for row in rows {
        if let Some(j) = journal {
            if let Err(why) = j.keep(&row).await {
                ledger.stop(StopReason::Storage(why));
            }
        }
        ledger.commit(row);
    }
}

/// Runs a batch to the end (or until cancelled or stopped early).
pub async fn run_batch(env: &Env<'_>, opts: &BatchOptions) -> BatchResult {
    let engine = Engine::new(env, opts);
    let mut ledger = Ledger::new(env.images, env.prep, env.progress, opts);
    let start = env.clock.now();
    env.progress.on_start(env.images.len());
    let limit = source_limit(env.prep.is_some());
    let found = survey::survey(env.images, env.prep, env.control, &opts.already_done, limit).await;
    let refused = found
        .failed
        .into_iter()
        .map(|(i, m)| ledger.refused(i, m))
        .collect();
    keep_and_commit(env.journal, refused, &mut ledger).await;
    ledger.set_copies(found.copies);
    let unfinished = engine.dispatch(&found.queue, &mut ledger).await;
    let mut result = ledger.finish(unfinished);
    engine.statistics(&mut result);
    result.start = start;
    result.end = env.clock.now();
    env.progress.on_complete(&result.results, &result.errors);
    result
}
