//! The options of a batch: concurrency, rate, retries, second readings,
//! preparation ahead.

use super::PrepareAhead;
use crate::core::api::cost::Budget;
use crate::core::api::provider::Usage;
use crate::core::api::retry::RetryPolicy;
use crate::core::engine::rate_limit::Quota;
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

/// Browsers open at most 6 HTTP/1.1 connections per host; requests beyond
/// that wait inside the browser and then leave in bursts when a connection
/// frees, which would break the rate limit on the wire. `https://` endpoints
/// speak HTTP/2 (many requests on one connection), plain `http://` ones
/// (local Ollama, vLLM) HTTP/1.1.
pub const HTTP1_CONNECTIONS_PER_HOST: usize = 6;

/// The most requests in flight a user may ask for.
pub const MAX_FIXED_CONCURRENCY: usize = 64;

pub(super) fn is_https(endpoint: &str) -> bool {
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

impl Default for Concurrency {
    fn default() -> Self {
        Concurrency::Auto { max: 16 }
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
    /// Second readings of flagged ballots (see `core::read::reread`).
    pub reread: RereadOptions,
    /// How many images are prepared ahead of their slots.
    pub prepare_ahead: PrepareAhead,
    /// The token budget an answer cut off at the provider's `max_tokens`
    /// is asked again with, once (`None`: not asked again).
    pub larger_budget: Option<u32>,
}

/// The larger token budget by default (the first is the provider's
/// `max_tokens`, 2048).
pub const LARGER_BUDGET: u32 = 8192;

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
            larger_budget: Some(LARGER_BUDGET),
        }
    }
}
