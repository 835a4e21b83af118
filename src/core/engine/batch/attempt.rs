//! One attempt of a ballot: the request around its prepared image, sent under
//! the timeout, judged; retries and the fallback model.

use super::{
    adaptive_timeout, classify, leave, Context, Engine, Finished, Observed, OnDrop, Outcome, Ready,
    RetryWait, Second, Step, StopReason,
};
use crate::core::api::provider::{
    build_request, HttpRequest, HttpResponse, ProviderSettings, TransportError,
};
use crate::core::domain::ballot::Source;
use crate::core::engine::progress::EngineEvent;
use crate::core::read::prompt::{PROMPT, PROMPT_VERSION};
use std::time::Duration;

impl<'a> Engine<'_, 'a> {
    /// The request for this attempt: the JSON around the prepared image
    /// (nothing of the image is copied).
    pub(super) fn request(
        &self,
        ready: &Ready<'_>,
        settings: &ProviderSettings,
        (prompt, budget): (&str, Option<u32>),
    ) -> HttpRequest {
        self.shared.borrow_mut().bytes_sent += ready.image.size();
        let larger;
        let settings = match budget {
            Some(max_tokens) => {
                larger = ProviderSettings {
                    max_tokens,
                    ..settings.clone()
                };
                &larger
            }
            None => settings,
        };
        let mut request = build_request(settings, ready.media, &ready.image, prompt);
        request.timeout = Some(self.request_timeout());
        request
    }

    pub(super) fn request_timeout(&self) -> Duration {
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
    pub(super) async fn send(
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
    pub(super) fn observe(&self, seen: &Observed, reason: Option<&str>) {
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

    pub(super) async fn wait_before_retry(&self, index: usize, wait: RetryWait, reason: String) {
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

    /// Asks the model about a prepared image until the ballot is finished:
    /// each attempt takes its token right before sending.
    pub(super) async fn ask(&self, index: usize, mut ready: Ready<'_>) -> Finished {
        let mut reasks = 0u32;
        let mut settings = self.env.settings;
        // The larger token budget, once an answer was cut off.
        let mut budget: Option<u32> = None;
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
            let request = self.request(&ready, settings, (prompt, budget));
            ready.permit = None; // on its way: the next image may be prepared
            let response = self.send(index, request).await;
            let so_far = (reasks, second.as_ref(), budget);
            let step = self.judge(index, &ready, settings, so_far, response);
            match step {
                Step::Done(Outcome::Record(first)) if second.is_none() => {
                    match self.second_reading(index, first, settings) {
                        Ok((s, with)) => {
                            (second, settings, reasks, budget) = (Some(s), with, 0, None);
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
                    (reasks, budget) = (0, None);
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
                    if let RetryWait::Larger(b) = wait {
                        budget = Some(b);
                    }
                    self.wait_before_retry(index, wait, reason).await;
                }
            }
        }
    }

    /// What one attempt's answer means (`classify`), with what it showed
    /// (tokens, throttling, systemic failures) taken into account.
    pub(super) fn judge(
        &self,
        index: usize,
        ready: &Ready<'_>,
        settings: &ProviderSettings,
        (reasks, second, budget): (u32, Option<&Second>, Option<u32>),
        response: Result<HttpResponse, TransportError>,
    ) -> Step {
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
            attempts: self.tries(index).attempts - second.map_or(0, |s| s.attempts_before),
            reasks,
            policy: &self.opts.retry,
            reread: second.map(|s| (&*s.first, &s.cells[..])),
            budget: budget.unwrap_or(settings.max_tokens),
            larger_budget: budget
                .is_none()
                .then_some(self.opts.larger_budget)
                .flatten(),
        };
        let (step, seen) = classify(response.as_ref(), &ctx);
        let reason = match &step {
            Step::Retry { reason, .. } => Some(reason.as_str()),
            Step::Done(Outcome::Failed(_, m)) => Some(m.as_str()),
            _ => None,
        };
        self.observe(&seen, reason);
        step
    }
}
