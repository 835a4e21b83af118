//! The batch engine, natively, in simulated time: a fake clock, a scripted
//! OCR client and in-memory images. Nothing really sleeps.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::time::Duration;
use tallyscan::core::api::provider::{ProviderSettings, TransportError};
use tallyscan::core::domain::ballot::IssueCode;
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::domain::rng::SplitMix64;
use tallyscan::core::engine::batch::{
    run_batch, BatchOptions, BatchResult, Concurrency, Env, RereadOptions, StopReason,
};
use tallyscan::core::engine::control::Control;
use tallyscan::core::engine::ports::{
    Clock, ImageData, ImagePrep, LocalBoxFuture, PrepError, Prepared, Sleeper,
};
use tallyscan::core::engine::progress::{
    BallotError, BallotResult, EngineEvent, FailureKind, ProgressCallback,
};
use tallyscan::core::engine::rate_limit::Quota;
use tallyscan::core::engine::testing::{join, FakeTime, MemoryImages, Reply, ScriptedOcr};

use tallyscan::core::engine::testing::PHRAE_FORM as FORM;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[derive(Debug, Clone, PartialEq)]
enum Ev {
    Start(usize),
    Progress(usize, usize, String),
    Error(usize, usize, String, FailureKind),
    Complete(usize, usize),
    Event(EngineEvent),
}

#[derive(Default)]
struct Recorder(RefCell<Vec<Ev>>);

impl ProgressCallback for Recorder {
    fn on_start(&self, total: usize) {
        self.0.borrow_mut().push(Ev::Start(total));
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, _: &BallotResult) {
        self.0
            .borrow_mut()
            .push(Ev::Progress(current, total, path.into()));
    }
    fn on_error(&self, current: usize, total: usize, path: &str, e: &BallotError) {
        self.0
            .borrow_mut()
            .push(Ev::Error(current, total, path.into(), e.kind.clone()));
    }
    fn on_complete(&self, r: &[BallotResult], e: &[BallotError]) {
        self.0.borrow_mut().push(Ev::Complete(r.len(), e.len()));
    }
    fn on_event(&self, e: &EngineEvent) {
        self.0.borrow_mut().push(Ev::Event(e.clone()));
    }
}

impl Recorder {
    fn events(&self) -> Vec<EngineEvent> {
        self.0
            .borrow()
            .iter()
            .filter_map(|e| {
                if let Ev::Event(x) = e {
                    Some(x.clone())
                } else {
                    None
                }
            })
            .collect()
    }
    /// Checks the exactly-once contract and returns the reported paths.
    fn assert_exactly_once(&self, total: usize) -> Vec<String> {
        let evs = self.0.borrow();
        let main: Vec<&Ev> = evs.iter().filter(|e| !matches!(e, Ev::Event(_))).collect();
        assert_eq!(main.first(), Some(&&Ev::Start(total)), "on_start first");
        assert!(
            matches!(main.last(), Some(Ev::Complete(..))),
            "on_complete last"
        );
        assert_eq!(
            main.iter()
                .filter(|e| matches!(e, Ev::Complete(..)))
                .count(),
            1
        );
        let mut paths = Vec::new();
        for (k, e) in main[1..main.len() - 1].iter().enumerate() {
            let (cur, tot, path) = match e {
                Ev::Progress(c, t, p) | Ev::Error(c, t, p, _) => (*c, *t, p.clone()),
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!((cur, tot), (k + 1, total), "current counts 1..=total");
            paths.push(path);
        }
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), total, "every ballot reported exactly once");
        paths
    }
}

struct Harness {
    time: FakeTime,
    control: Control,
    settings: ProviderSettings,
    registry: Registry,
    progress: Recorder,
}

impl Harness {
    fn new() -> Self {
        Harness {
            time: FakeTime::new(),
            control: Control::new(),
            settings: ProviderSettings::default(),
            registry: Registry::builtin(),
            progress: Recorder::default(),
        }
    }
    fn env<'a>(&'a self, client: &'a ScriptedOcr, images: &'a MemoryImages) -> Env<'a> {
        Env {
            client,
            clock: &self.time,
            sleeper: &self.time,
            images,
            settings: &self.settings,
            registry: &self.registry,
            progress: &self.progress,
            control: &self.control,
            journal: None,
            prep: None,
            fallback: None,
            shared_limit: None,
        }
    }
    fn run(&self, client: &ScriptedOcr, images: &MemoryImages, opts: &BatchOptions) -> BatchResult {
        self.time.run(run_batch(&self.env(client, images), opts))
    }
}

fn fixed_latency(l: f64) -> impl Fn(usize, Option<usize>) -> Reply {
    move |_, _| Reply::ok(secs(l), FORM)
}

#[test]
fn happy_path_reports_in_order_with_statistics() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(3.0));
    let images = MemoryImages::new(10, 1000);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(
        (r.results.len(), r.errors.len(), r.processed, r.total),
        (10, 0, 10, 10)
    );
    assert_eq!(
        (r.requests_sent, r.retries, r.stopped.clone()),
        (10, 0, None)
    );
    let paths = h.progress.assert_exactly_once(10);
    assert_eq!(paths[0], "ballot_001.png");
    assert_eq!(r.latency_p50_ms, 3000.0);
    assert_eq!(r.tokens.input_tokens, 10_000);
    let rec = &r.results[0].record;
    assert_eq!(rec.province_code, Some(54));
    assert!(!rec.confidence.needs_review, "{:?}", rec.issues);
    assert_eq!(rec.source.sha256.len(), 64);
    assert_eq!(
        rec.source.prompt_version,
        tallyscan::core::read::prompt::PROMPT_VERSION
    );
    // 10 requests at 2/s burst 1: the last goes at 4.5 s and is answered 3 s later.
    assert_eq!(r.duration(), secs(7.5));
    assert!((r.requests_per_second() - 10.0 / 7.5).abs() < 1e-9);
}

/// Over any window of length t, at most burst + rate·t requests.
fn assert_bucket_bound(times: &[Duration], q: Quota) {
    for i in 0..times.len() {
        for j in i..times.len() {
            let window = (times[j] - times[i]).as_secs_f64();
            let count = (j - i + 1) as f64;
            assert!(
                count <= q.burst() as f64 + q.rate_per_sec() * window + 1e-9,
                "{count} requests in {window} s"
            );
        }
    }
}

fn dispatch_ratio(times: &[Duration], rate: f64) -> f64 {
    let span = (times[times.len() - 1] - times[0]).as_secs_f64();
    (times.len() - 1) as f64 / span / rate
}

#[test]
fn bucket_bound_holds_and_auto_concurrency_keeps_it_busy() {
    for (quota, latency) in [
        (Quota::new(2.0, 1), (2.0, 6.0)),
        (Quota::new(5.0, 3), (0.5, 4.0)),
        (Quota::new(1.0 / 3.0, 1), (1.0, 2.0)),
    ] {
        let h = Harness::new();
        let mut rng = SplitMix64::new(5);
        let lat: Vec<f64> = (0..400)
            .map(|_| latency.0 + rng.next_f64() * (latency.1 - latency.0))
            .collect();
        let client = ScriptedOcr::new(&h.time, move |n, _| {
            Reply::ok(secs(lat[n % lat.len()]), FORM)
        });
        let images = MemoryImages::new(120, 500);
        let opts = BatchOptions {
            quota,
            ..BatchOptions::default()
        };
        let r = h.run(&client, &images, &opts);
        assert_eq!(r.results.len(), 120);
        let times: Vec<Duration> = client.sent.borrow().iter().map(|s| s.at).collect();
        assert_bucket_bound(&times, quota);
        let ratio = dispatch_ratio(&times, quota.rate_per_sec());
        assert!(
            ratio >= 0.97,
            "rate {} latency {latency:?}: ratio {ratio}",
            quota.rate_per_sec()
        );
    }
}

#[test]
fn fixed_five_workers_fall_behind_as_the_python_tool_did() {
    let h = Harness::new();
    let mut rng = SplitMix64::new(5);
    let lat: Vec<f64> = (0..400).map(|_| 2.0 + rng.next_f64() * 4.0).collect();
    let client = ScriptedOcr::new(&h.time, move |n, _| Reply::ok(secs(lat[n]), FORM));
    let images = MemoryImages::new(100, 500);
    let opts = BatchOptions {
        concurrency: Concurrency::Fixed(5),
        ..BatchOptions::default()
    };
    h.run(&client, &images, &opts);
    let times: Vec<Duration> = client.sent.borrow().iter().map(|s| s.at).collect();
    let ratio = dispatch_ratio(&times, 2.0);
    assert!(
        ratio < 0.75,
        "5 workers at ~4 s latency cannot keep 2/s: {ratio}"
    );
    assert_bucket_bound(&times, Quota::new(2.0, 1));
}

#[test]
fn retries_are_counted_and_back_off_within_bounds() {
    let h = Harness::new();
    // Image 2 fails twice (503, then a timeout) and then succeeds.
    let client = ScriptedOcr::new(&h.time, |_, image| {
        thread_local!(static SEEN: RefCell<u32> = const { RefCell::new(0) });
        if image == Some(2) {
            let n = SEEN.with(|s| {
                *s.borrow_mut() += 1;
                *s.borrow()
            });
            match n {
                1 => return Reply::status(secs(1.0), 503, &[]),
                2 => return Reply::Fail(secs(1.0), TransportError::Timeout(120_000)),
                _ => {}
            }
        }
        Reply::ok(secs(1.0), FORM)
    });
    let images = MemoryImages::new(5, 500);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!((r.results.len(), r.requests_sent, r.retries), (5, 7, 2));
    let b = r.results.iter().find(|x| x.index == 2).unwrap();
    assert_eq!(b.attempts, 3);
    assert_eq!(
        images.loads.borrow()[2],
        1,
        "read once: every attempt sends the same prepared bytes"
    );
    let sent: Vec<Duration> = client
        .sent
        .borrow()
        .iter()
        .filter(|s| s.image == Some(2))
        .map(|s| s.at)
        .collect();
    for w in sent.windows(2) {
        let gap = (w[1] - w[0]).as_secs_f64() - 1.0; // minus the 1 s latency
        assert!((4.0..=10.5).contains(&gap), "backoff {gap}");
    }
    let retries: Vec<EngineEvent> = h
        .progress
        .events()
        .into_iter()
        .filter(|e| matches!(e, EngineEvent::Retry { .. }))
        .collect();
    assert_eq!(retries.len(), 2);
}

#[test]
fn retries_give_up_after_max_attempts_with_the_last_status() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |_, image| {
        if image == Some(0) {
            Reply::status(secs(0.5), 502, &[])
        } else {
            Reply::ok(secs(0.5), FORM)
        }
    });
    let images = MemoryImages::new(3, 500);
    let r = h.run(&client, &images, &BatchOptions::default());
    let e = &r.errors[0];
    assert_eq!(
        (e.kind.clone(), e.attempts, e.last_status),
        (FailureKind::RetriesExhausted, 3, Some(502))
    );
    assert!(
        e.message.starts_with("gave up after 3 attempts: HTTP 502"),
        "{}",
        e.message
    );
    h.progress.assert_exactly_once(3);
}

#[test]
fn not_retryable_statuses_fail_at_once() {
    for status in [400, 404, 413, 422] {
        let h = Harness::new();
        let client = ScriptedOcr::new(&h.time, move |_, image| {
            if image == Some(1) {
                Reply::status(secs(0.5), status, &[])
            } else {
                Reply::ok(secs(0.5), FORM)
            }
        });
        let images = MemoryImages::new(3, 500);
        let r = h.run(&client, &images, &BatchOptions::default());
        assert_eq!(r.requests_sent, 3, "{status}: no retry");
        assert_eq!(
            (r.errors[0].kind.clone(), r.errors[0].last_status),
            (FailureKind::Api, Some(status))
        );
    }
}

#[test]
fn retry_after_pauses_the_whole_batch() {
    for header in [
        ("retry-after", "20"),
        ("retry-after-ms", "20000"),
        ("x-ratelimit-reset-requests", "20s"),
    ] {
        let h = Harness::new();
        let client = ScriptedOcr::new(&h.time, move |n, _| {
            if n == 4 {
                Reply::status(secs(0.5), 429, &[header])
            } else {
                Reply::ok(secs(0.5), FORM)
            }
        });
        let images = MemoryImages::new(30, 500);
        let r = h.run(&client, &images, &BatchOptions::default());
        assert_eq!(r.results.len(), 30);
        assert_eq!(r.retries, 1);
        let sent = client.sent.borrow();
        let told_at = sent[4].at + secs(0.5);
        let during: Vec<f64> = sent
            .iter()
            .filter(|s| s.at > told_at && s.at < told_at + secs(20.0))
            .map(|s| s.at.as_secs_f64())
            .collect();
        assert!(
            during.is_empty(),
            "{header:?}: requests sent during the server's pause: {during:?}"
        );
        assert!(h.progress.events().contains(&EngineEvent::ServerPause {
            wait: secs(20.0),
            status: 429
        }));
        let times: Vec<Duration> = sent.iter().map(|s| s.at).collect();
        assert_bucket_bound(&times, Quota::default());
    }
}

#[test]
fn retry_after_is_capped() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |n, _| {
        if n == 0 {
            Reply::status(secs(0.1), 503, &[("retry-after", "86400")])
        } else {
            Reply::ok(secs(0.1), FORM)
        }
    });
    let images = MemoryImages::new(2, 500);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.results.len(), 2);
    assert!(
        r.duration() < secs(130.0),
        "capped at 120 s: {:?}",
        r.duration()
    );
}

#[test]
fn refused_key_stops_at_once_keeping_what_finished() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |n, _| {
        if n == 6 {
            Reply::status(secs(1.0), 401, &[])
        } else {
            Reply::ok(secs(3.0), FORM)
        }
    });
    let images = MemoryImages::new(50, 500);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert!(
        matches!(&r.stopped, Some(StopReason::KeyRefused(m)) if m.contains("API key was refused")),
        "{:?}",
        r.stopped
    );
    assert!(
        !r.results.is_empty() && r.results.len() < 10,
        "{}",
        r.results.len()
    );
    assert!(
        r.errors.iter().all(|e| e.kind.is_unfinished()),
        "the rest is not finished, not failed: {:?}",
        r.errors
    );
    assert!(
        r.errors
            .iter()
            .any(|e| e.kind == FailureKind::CancelledAfterSending
                && e.message.starts_with("cancelled after sending")),
        "requests in flight were sent, and may be billed"
    );
    assert!(r.errors.iter().any(|e| e.kind == FailureKind::NotStarted));
    assert_eq!(r.results.len() + r.errors.len(), 50);
    assert_eq!(r.processed, r.results.len());
    assert!(
        client.sent.borrow().len() < 12,
        "no new requests after the 401"
    );
    assert!(client.aborted.get() > 0, "requests in flight are aborted");
    assert!(r.errors[0].message.contains("API key was refused"));
    h.progress.assert_exactly_once(50);
}

#[test]
fn cancel_stops_new_work_and_aborts_what_is_in_flight() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(4.0));
    let images = MemoryImages::new(40, 500);
    let env = h.env(&client, &images);
    let opts = BatchOptions::default();
    let (t, control) = (h.time.clone(), h.control.clone());
    let (r, _) = h.time.run(join(run_batch(&env, &opts), async move {
        t.sleep(secs(10.0)).await;
        control.cancel();
    }));
    assert_eq!(r.stopped, Some(StopReason::Cancelled));
    assert!(client.sent.borrow().iter().all(|s| s.at <= secs(10.0)));
    assert!(client.aborted.get() > 0);
    assert!(r.results.len() >= 10 && r.results.len() < 20);
    assert!(r.errors.iter().all(|e| e.kind.is_unfinished()));
    let after_sending = r
        .errors
        .iter()
        .filter(|e| e.kind == FailureKind::CancelledAfterSending)
        .count();
    assert_eq!(
        after_sending,
        client.aborted.get(),
        "each aborted request is reported as cancelled after sending"
    );
    h.progress.assert_exactly_once(40);
}

#[test]
fn pause_stops_dispatch_and_resume_loses_nothing() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(2.0));
    let images = MemoryImages::new(40, 500);
    let env = h.env(&client, &images);
    let opts = BatchOptions::default();
    let (t, control) = (h.time.clone(), h.control.clone());
    let (r, _) = h.time.run(join(run_batch(&env, &opts), async move {
        t.sleep(secs(5.0)).await;
        control.pause();
        t.sleep(secs(30.0)).await;
        control.resume();
    }));
    assert_eq!(
        (r.results.len(), r.errors.len(), r.stopped.clone()),
        (40, 0, None)
    );
    let during: Vec<f64> = client
        .sent
        .borrow()
        .iter()
        .map(|s| s.at.as_secs_f64())
        .filter(|t| *t > 5.0 && *t < 35.0)
        .collect();
    assert!(during.is_empty(), "sent while paused: {during:?}");
    let ev = h.progress.events();
    assert!(ev.contains(&EngineEvent::Paused) && ev.contains(&EngineEvent::Resumed));
    h.progress.assert_exactly_once(40);
}

#[test]
fn memory_is_released_every_50_finished_ballots() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(0.2));
    let images = MemoryImages::new(120, 500);
    let opts = BatchOptions {
        quota: Quota::new(50.0, 5),
        ..BatchOptions::default()
    };
    let r = h.run(&client, &images, &opts);
    assert_eq!(r.memory_cleanups, 2);
    let released = images.released.borrow();
    assert_eq!(released.len(), 120, "every image released exactly once");
    let mut sorted = released.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 120);
    let cleanups: Vec<usize> = h
        .progress
        .events()
        .iter()
        .filter_map(|e| {
            if let EngineEvent::MemoryCleanup { released, .. } = e {
                Some(*released)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(cleanups, vec![50, 50]);

    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(0.2));
    let images = MemoryImages::new(120, 500);
    let off = BatchOptions {
        enable_memory_cleanup: false,
        ..opts
    };
    assert_eq!(h.run(&client, &images, &off).memory_cleanups, 0);
    assert!(images.released.borrow().is_empty());
}

#[test]
fn bad_images_fail_without_a_request() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let images = MemoryImages::new(4, 500).with_bad(&[1]);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.requests_sent, 3);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].kind, FailureKind::NotAnImage);
    assert!(r.errors[0].message.contains("not an image"));
    let big = MemoryImages::new(1, tallyscan::core::read::image::MAX_IMAGE_BYTES + 1);
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let r = h.run(&client, &big, &BatchOptions::default());
    assert!(
        r.errors[0].message.contains("too large"),
        "{}",
        r.errors[0].message
    );
    assert_eq!(r.errors[0].kind, FailureKind::TooLarge);
    assert_eq!(r.requests_sent, 0);
}

#[test]
fn pdf_pages_are_drawn_when_sent_and_each_outcome_is_said() {
    use tallyscan::core::engine::testing::PageDraw::*;
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let pages = [
        (0, 1, Form),
        (1, 2, Blank),
        (2, 3, Broken),
        (3, 4, Form),
        (5, 1, Locked),
    ];
    let images = MemoryImages::new(6, 500).with_pages(&pages);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(
        r.requests_sent, 3,
        "two drawn pages and the image; blank and failed pages never"
    );
    let mut kinds: Vec<_> = r.errors.iter().map(|e| (e.index, e.kind.clone())).collect();
    kinds.sort_by_key(|k| k.0);
    assert_eq!(
        kinds,
        vec![
            (1, FailureKind::BlankPage),
            (2, FailureKind::PageFailed),
            (5, FailureKind::PdfLocked)
        ]
    );
    let message = |i: usize| &r.errors.iter().find(|e| e.index == i).unwrap().message;
    assert!(message(1).contains("blank"));
    assert!(message(5).contains("password"));
    let by_index = |i: usize| r.results.iter().find(|b| b.index == i).unwrap();
    let first = &by_index(0).record.source;
    assert_eq!((first.sha256.as_str(), first.page), ("pdf", Some(1)));
    assert_eq!(first.file_name, "scan.pdf · หน้า 1 / page 1");
    assert_eq!(by_index(3).record.source.page, Some(4));
    assert_eq!(by_index(4).record.source.page, None, "an image is no page");
    // A page is never read as a file (it is drawn), an image is.
    assert_eq!(images.loads.borrow()[0], 0);
    assert_eq!(images.loads.borrow()[4], 1);
}

#[test]
fn unparseable_answers_are_asked_again_once() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |n, image| match (image, n) {
        (Some(0), 0) => Reply::ok(secs(1.0), "Sorry, I cannot read this."),
        (Some(1), _) => Reply::ok(
            secs(1.0),
            "```json\n{\"province\": \"แพร่\", \"votes\": {\n```",
        ),
        _ => Reply::ok(secs(1.0), FORM),
    });
    let images = MemoryImages::new(2, 500);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.results.len(), 1);
    assert_eq!(r.results[0].attempts, 2);
    let e = &r.errors[0];
    assert_eq!((e.kind.clone(), e.attempts), (FailureKind::Unreadable, 2));
    assert!(
        e.message.contains("broken JSON") && e.message.ends_with("(also after asking again)"),
        "{}",
        e.message
    );
}

#[test]
fn plain_http_endpoints_stay_within_the_browsers_six_connections() {
    use tallyscan::core::engine::batch::HTTP1_CONNECTIONS_PER_HOST;
    assert_eq!(
        Concurrency::auto_for("http://127.0.0.1:11434/v1"),
        Concurrency::Auto {
            max: HTTP1_CONNECTIONS_PER_HOST
        }
    );
    assert_eq!(
        Concurrency::auto_for("https://openrouter.ai/api/v1"),
        Concurrency::Auto { max: 16 }
    );
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(5.0));
    let images = MemoryImages::new(30, 500);
    let opts = BatchOptions {
        concurrency: Concurrency::auto_for("http://localhost:8000/v1"),
        ..BatchOptions::default()
    };
    h.run(&client, &images, &opts);
    let sent = client.sent.borrow();
    // At any moment at most 6 requests are unanswered.
    for s in sent.iter() {
        let open = sent
            .iter()
            .filter(|o| o.at <= s.at && o.at + secs(5.0) > s.at)
            .count();
        assert!(
            open <= HTTP1_CONNECTIONS_PER_HOST,
            "{open} in flight at {:?}",
            s.at
        );
    }
}

#[test]
fn sequential_mode_sends_one_at_a_time() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(3.0));
    let images = MemoryImages::new(5, 500);
    let opts = BatchOptions {
        concurrency: Concurrency::Fixed(1),
        ..BatchOptions::default()
    };
    let r = h.run(&client, &images, &opts);
    let t: Vec<f64> = client
        .sent
        .borrow()
        .iter()
        .map(|s| s.at.as_secs_f64())
        .collect();
    assert_eq!(t, vec![0.0, 3.0, 6.0, 9.0, 12.0]);
    assert_eq!(r.end, secs(15.0));
    assert_eq!(h.time.now(), secs(15.0));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Whatever fails, every ballot is reported exactly once and the counts add up.
    #[test]
    fn exactly_once_under_random_failures(seed in 0u64..1_000_000, n in 1usize..40, fixed in proptest::option::of(1usize..6)) {
        let h = Harness::new();
        let client = ScriptedOcr::new(&h.time, move |k, _| {
            let mut rng = SplitMix64::new(seed ^ (k as u64).wrapping_mul(0x9E37));
            let l = secs(0.1 + rng.next_f64() * 5.0);
            match rng.range(0, 19) {
                0 => Reply::status(l, 429, &[("retry-after", "3")]),
                1 => Reply::status(l, 503, &[]),
                2 => Reply::status(l, 400, &[]),
                3 => Reply::Fail(l, TransportError::Network("reset".into())),
                4 => Reply::ok(l, "not json"),
                5 if rng.range(0, 9) == 0 => Reply::status(l, 401, &[]),
                _ => Reply::ok(l, FORM),
            }
        });
        let bad: Vec<usize> = (0..n).filter(|i| (seed as usize + i).is_multiple_of(13)).collect();
        let images = MemoryImages::new(n, 300).with_bad(&bad);
        let opts = BatchOptions {
            concurrency: fixed.map(Concurrency::Fixed).unwrap_or_default(),
            quota: Quota::new(3.0, 2),
            ..BatchOptions::default()
        };
        let r = h.run(&client, &images, &opts);
        h.progress.assert_exactly_once(n);
        proptest::prop_assert_eq!(r.results.len() + r.errors.len(), n);
        let not_started = r.errors.iter().filter(|e| e.kind.is_unfinished()).count();
        proptest::prop_assert_eq!(r.processed + not_started, n);
        proptest::prop_assert_eq!(r.requests_sent as usize, client.sent.borrow().len());
        let times: Vec<Duration> = client.sent.borrow().iter().map(|s| s.at).collect();
        assert_bucket_bound(&times, opts.quota);
        if r.stopped.is_none() {
            proptest::prop_assert_eq!(not_started, 0);
        }
    }
}

// ---- Hardening: the wire bound under late timers, early stops, throttling,
// copies, timeouts.

use tallyscan::core::engine::batch::SystemicCause;
use tallyscan::core::engine::progress::RateChange;
use tallyscan::core::engine::testing::LateSleeper;

#[test]
fn late_timers_never_send_a_burst() {
    // Timers that fire only at whole seconds, or whole minutes (a hidden
    // tab): requests that wake together must not leave together.
    for (granularity, quota, n) in [
        (secs(1.0), Quota::new(4.0, 1), 40),
        (secs(1.0), Quota::new(2.0, 3), 40),
        (secs(60.0), Quota::new(2.0, 1), 12),
        (secs(60.0), Quota::new(10.0, 2), 12),
    ] {
        let h = Harness::new();
        let client = ScriptedOcr::new(&h.time, fixed_latency(0.7));
        let images = MemoryImages::new(n, 300);
        let late = LateSleeper {
            time: h.time.clone(),
            granularity,
        };
        let mut env = h.env(&client, &images);
        env.sleeper = &late;
        let opts = BatchOptions {
            quota,
            ..BatchOptions::default()
        };
        let r = h.time.run(run_batch(&env, &opts));
        assert_eq!(r.results.len(), n, "{granularity:?}");
        let times: Vec<Duration> = client.sent.borrow().iter().map(|s| s.at).collect();
        assert_bucket_bound(&times, quota);
        // With a burst of one, wake-ups a minute late are refused on the
        // wire and book again (a larger burst may absorb them; a refusal of
        // at most one interval just waits it).
        if quota.burst() == 1 && granularity >= secs(60.0) {
            assert!(
                h.progress
                    .events()
                    .iter()
                    .any(|e| matches!(e, EngineEvent::Rebooked { .. })),
                "late wake-ups book again ({granularity:?})"
            );
        }
        h.progress.assert_exactly_once(n);
    }
}

#[test]
fn systemic_failures_stop_the_batch_early_with_the_cause() {
    let cases: Vec<(Reply, SystemicCause)> = vec![
        (
            Reply::Fail(secs(0.2), TransportError::Network("Failed to fetch".into())),
            SystemicCause::Network,
        ),
        (Reply::status(secs(0.2), 404, &[]), SystemicCause::NotFound),
        (Reply::status(secs(0.2), 402, &[]), SystemicCause::NoCredit),
        (Reply::status(secs(0.2), 400, &[]), SystemicCause::Refused),
    ];
    for (reply, want) in cases {
        let h = Harness::new();
        let client = ScriptedOcr::new(&h.time, move |_, _| reply.clone());
        let images = MemoryImages::new(60, 300);
        let r = h.run(&client, &images, &BatchOptions::default());
        match &r.stopped {
            Some(StopReason::Systemic {
                cause, failures, ..
            }) => {
                assert_eq!((*cause, *failures), (want, 5))
            }
            other => panic!("{want:?}: {other:?}"),
        }
        assert!(
            client.sent.borrow().len() <= 7,
            "{want:?}: {} requests",
            client.sent.borrow().len()
        );
        assert!(r.errors.iter().any(
            |e| e.kind == FailureKind::NotStarted && e.message.contains(want_advice_word(want))
        ));
        h.progress.assert_exactly_once(60);
    }
}

fn want_advice_word(c: SystemicCause) -> &'static str {
    match c {
        SystemicCause::Network => "CORS",
        SystemicCause::NotFound => "model name",
        SystemicCause::NoCredit => "credit",
        SystemicCause::Refused => "reads images",
    }
}

#[test]
fn failures_after_a_success_are_not_systemic() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |n, _| {
        if n == 0 {
            Reply::ok(secs(0.2), FORM)
        } else {
            Reply::status(secs(0.2), 404, &[])
        }
    });
    let images = MemoryImages::new(12, 300);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.stopped, None);
    assert_eq!((r.results.len(), r.errors.len()), (1, 11));
}

#[test]
fn throttling_without_a_wait_slows_the_whole_batch_then_recovers() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |n, _| {
        if n == 10 {
            Reply::status(secs(0.3), 429, &[])
        } else {
            Reply::ok(secs(0.3), FORM)
        }
    });
    let images = MemoryImages::new(60, 300);
    let opts = BatchOptions {
        quota: Quota::new(4.0, 1),
        ..BatchOptions::default()
    };
    let r = h.run(&client, &images, &opts);
    assert_eq!(r.results.len(), 60);
    let rates: Vec<(f64, RateChange)> = h
        .progress
        .events()
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Rate { per_minute, change } => Some((*per_minute, *change)),
            _ => None,
        })
        .collect();
    assert_eq!(rates.first(), Some(&(120.0, RateChange::Throttled)));
    assert_eq!(rates.last(), Some(&(240.0, RateChange::Recovered)));
    // Right after the 429 the requests are spaced at the halved rate.
    let sent = client.sent.borrow();
    let told = sent[10].at + secs(0.3);
    let after: Vec<f64> = sent
        .iter()
        .filter(|s| s.at > told)
        .map(|s| s.at.as_secs_f64())
        .take(3)
        .collect();
    assert!(
        after.windows(2).all(|w| w[1] - w[0] >= 0.5 - 1e-9),
        "{after:?}"
    );
}

#[test]
fn a_stated_limit_lowers_the_rate() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |_, _| {
        let Reply::Http(l, mut resp) = Reply::ok(secs(0.2), FORM) else {
            unreachable!()
        };
        resp.headers
            .push(("x-ratelimit-limit-requests".into(), "30".into()));
        Reply::Http(l, resp)
    });
    let images = MemoryImages::new(8, 300);
    let opts = BatchOptions {
        quota: Quota::per_minute(120.0, 1),
        ..BatchOptions::default()
    };
    let r = h.run(&client, &images, &opts);
    assert_eq!(r.results.len(), 8);
    assert!(h.progress.events().contains(&EngineEvent::Rate {
        per_minute: 30.0,
        change: RateChange::ServerLimit(30.0)
    }));
    let sent = client.sent.borrow();
    let last = &sent[sent.len() - 3..];
    assert!(
        last.windows(2).all(|w| (w[1].at - w[0].at) >= secs(2.0)),
        "30 a minute: 2 s apart"
    );
}

#[test]
fn absurd_wait_headers_are_survived() {
    for value in [
        "99999999999999999999999",
        "1e400",
        "inf",
        "NaN",
        "-5",
        "๓",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "🙂",
        "",
    ] {
        for header in [
            "retry-after",
            "retry-after-ms",
            "x-ratelimit-reset-requests",
            "anthropic-ratelimit-requests-reset",
        ] {
            let h = Harness::new();
            let client = ScriptedOcr::new(&h.time, move |n, _| {
                if n == 0 {
                    Reply::status(secs(0.1), 503, &[(header, value)])
                } else {
                    Reply::ok(secs(0.1), FORM)
                }
            });
            let images = MemoryImages::new(3, 300);
            let r = h.run(&client, &images, &BatchOptions::default());
            assert_eq!(r.results.len(), 3, "{header}: {value}");
            assert!(
                r.duration() < secs(130.0),
                "{header}: {value}: {:?}",
                r.duration()
            );
        }
    }
}

#[test]
fn copies_are_sent_once_and_each_gets_its_row() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(0.5));
    let images = MemoryImages::new(6, 500).with_copies(&[(3, 1), (5, 1), (4, 0)]);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.requests_sent, 3, "images 0, 1 and 2 are sent");
    assert_eq!(r.results.len(), 6);
    let copy_of = |i: usize| {
        r.results
            .iter()
            .find(|x| x.index == i)
            .and_then(|x| x.copy_of)
    };
    assert_eq!(
        (copy_of(0), copy_of(1), copy_of(3), copy_of(4), copy_of(5)),
        (None, None, Some(1), Some(0), Some(1))
    );
    let copy = r.results.iter().find(|x| x.index == 5).unwrap();
    assert_eq!(copy.record.source.file_name, "ballot_006.png");
    assert_eq!(copy.attempts, 0);
    h.progress.assert_exactly_once(6);
    assert_eq!(images.released.borrow().len(), 6);
}

#[test]
fn unsendable_files_fail_before_any_slot_or_read() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let images = MemoryImages::new(4, 500).with_bad(&[0, 2]);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.requests_sent, 2);
    assert_eq!(images.loads.borrow().as_slice(), &[0, 1, 0, 1]);
    // The good ones go in the first two slots: the bad ones took none.
    let t: Vec<f64> = client
        .sent
        .borrow()
        .iter()
        .map(|s| s.at.as_secs_f64())
        .collect();
    assert_eq!(t, vec![0.0, 0.5]);
}

#[test]
fn the_timeout_follows_the_observed_latency() {
    let h = Harness::new();
    // Answers in 1-2 s; request 15 hangs.
    let client = ScriptedOcr::new(&h.time, |n, _| {
        if n == 15 {
            Reply::ok(secs(1000.0), FORM)
        } else {
            Reply::ok(secs(1.0 + (n % 3) as f64 * 0.5), FORM)
        }
    });
    let images = MemoryImages::new(20, 300);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.results.len(), 20);
    let sent = client.sent.borrow();
    assert!(sent[..10].iter().all(|s| s.timeout == Some(secs(120.0))));
    assert_eq!(
        sent[15].timeout,
        Some(secs(20.0)),
        "max(20 s, 4 × p95 of 2 s)"
    );
    assert!(
        r.duration() < secs(60.0),
        "a hung request no longer holds the batch for two minutes: {:?}",
        r.duration()
    );
    assert!(h
        .progress
        .events()
        .contains(&EngineEvent::Timeout(secs(20.0))));
}

#[test]
fn fixed_concurrency_over_plain_http_is_capped() {
    assert_eq!(
        Concurrency::for_endpoint(20, "http://192.168.1.5:11434/v1"),
        Concurrency::Fixed(6)
    );
    assert_eq!(
        Concurrency::for_endpoint(20, "https://openrouter.ai/api/v1"),
        Concurrency::Fixed(20)
    );
    assert_eq!(
        Concurrency::for_endpoint(500, "https://openrouter.ai/api/v1"),
        Concurrency::Fixed(64)
    );
    assert_eq!(
        Concurrency::for_endpoint(0, "http://127.0.0.1:8787/v1"),
        Concurrency::auto_for("http://127.0.0.1:8787/v1")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Any header text on any status: the batch ends, every ballot once.
    #[test]
    fn arbitrary_wait_headers_never_break_a_batch(
        headers in proptest::collection::vec(("retry-after|retry-after-ms|x-ratelimit-reset-requests|anthropic-ratelimit-requests-reset|x-ratelimit-limit-requests", "\\PC{0,24}"), 0..4),
        status in proptest::sample::select(vec![200u16, 429, 500, 503, 529]),
    ) {
        let h = Harness::new();
        let hs = headers.clone();
        let client = ScriptedOcr::new(&h.time, move |n, _| {
            if n % 2 == 0 {
                let pairs: Vec<(&str, &str)> = hs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                if status == 200 {
                    let Reply::Http(l, mut r) = Reply::ok(secs(0.2), FORM) else { unreachable!() };
                    r.headers = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                    Reply::Http(l, r)
                } else {
                    Reply::status(secs(0.2), status, &pairs)
                }
            } else {
                Reply::ok(secs(0.2), FORM)
            }
        });
        let images = MemoryImages::new(6, 300);
        let r = h.run(&client, &images, &BatchOptions::default());
        h.progress.assert_exactly_once(6);
        proptest::prop_assert!(r.duration() < secs(6.0 * 3.0 * 130.0));
    }
}

#[test]
fn a_ballot_backing_off_holds_no_request_slot() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |n, _| {
        if n == 0 {
            Reply::status(secs(1.0), 503, &[])
        } else {
            Reply::ok(secs(1.0), FORM)
        }
    });
    let images = MemoryImages::new(4, 300);
    let opts = BatchOptions {
        concurrency: Concurrency::Fixed(1),
        ..BatchOptions::default()
    };
    let r = h.run(&client, &images, &opts);
    assert_eq!(r.results.len(), 4);
    let sent = client.sent.borrow();
    let retry_at = sent.iter().rev().find(|s| s.image == Some(0)).unwrap().at;
    let during: Vec<Option<usize>> = sent
        .iter()
        .filter(|s| s.at > secs(1.0) && s.at < retry_at)
        .map(|s| s.image)
        .collect();
    assert!(
        !during.is_empty(),
        "the others were sent while ballot 1 waited to retry"
    );
}

// ---- The journal: kept before counted.

use tallyscan::core::engine::testing::MemoryJournal;

/// Checks at each report that the row was kept first.
struct KeptFirst<'a> {
    journal: &'a MemoryJournal,
    inner: &'a Recorder,
}

impl ProgressCallback for KeptFirst<'_> {
    fn on_start(&self, total: usize) {
        self.inner.on_start(total);
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, r: &BallotResult) {
        assert!(
            self.journal
                .kept
                .borrow()
                .iter()
                .any(|k| k.index() == r.index),
            "{path} reported before it was kept"
        );
        self.inner.on_progress(current, total, path, r);
    }
    fn on_error(&self, current: usize, total: usize, path: &str, e: &BallotError) {
        if !e.kind.is_unfinished() && self.journal.capacity.is_none() {
            assert!(
                self.journal
                    .kept
                    .borrow()
                    .iter()
                    .any(|k| k.index() == e.index),
                "{path} reported before it was kept"
            );
        }
        self.inner.on_error(current, total, path, e);
    }
    fn on_complete(&self, r: &[BallotResult], e: &[BallotError]) {
        self.inner.on_complete(r, e);
    }
    fn on_event(&self, e: &EngineEvent) {
        self.inner.on_event(e);
    }
}

#[test]
fn every_finished_ballot_is_kept_before_it_counts() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |n, _| {
        if n == 3 {
            Reply::status(secs(0.3), 400, &[])
        } else {
            Reply::ok(secs(0.3), FORM)
        }
    });
    let images = MemoryImages::new(12, 300)
        .with_bad(&[5])
        .with_copies(&[(7, 1)]);
    let journal = MemoryJournal::default();
    let progress = KeptFirst {
        journal: &journal,
        inner: &h.progress,
    };
    let mut env = h.env(&client, &images);
    env.progress = &progress;
    env.journal = Some(&journal);
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert_eq!(r.results.len() + r.errors.len(), 12);
    assert_eq!(
        journal.kept.borrow().len(),
        12,
        "results, errors, the refused file and the copy"
    );
    h.progress.assert_exactly_once(12);
}

#[test]
fn a_full_storage_stops_the_batch_and_keeps_what_was_read_in_view() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(0.3));
    let images = MemoryImages::new(30, 300);
    let journal = MemoryJournal {
        capacity: Some(5),
        ..MemoryJournal::default()
    };
    let mut env = h.env(&client, &images);
    env.journal = Some(&journal);
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert!(
        matches!(&r.stopped, Some(StopReason::Storage(m)) if m.contains("Quota")),
        "{:?}",
        r.stopped
    );
    assert_eq!(journal.kept.borrow().len(), 5);
    assert!(
        r.results.len() >= 6,
        "the row that could not be kept is still shown"
    );
    assert!(
        client.sent.borrow().len() < 12,
        "no more is paid for once storage is full"
    );
    h.progress.assert_exactly_once(30);
}

#[test]
fn a_resumed_batch_sends_nothing_twice_and_counts_on() {
    // First run: cancelled at 6 s, the journal holds what finished.
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let images = MemoryImages::new(30, 300);
    let journal = MemoryJournal::default();
    let mut env = h.env(&client, &images);
    env.journal = Some(&journal);
    let t = h.time.clone();
    let control = h.control.clone();
    let opts = BatchOptions::default();
    h.time.run(join(run_batch(&env, &opts), async move {
        use tallyscan::core::engine::ports::Sleeper;
        t.sleep(secs(6.0)).await;
        control.cancel();
    }));
    let done: Vec<usize> = journal.kept.borrow().iter().map(|k| k.index()).collect();
    assert!(done.len() >= 8 && done.len() < 30, "{}", done.len());
    let sent_first: Vec<Option<usize>> = client.sent.borrow().iter().map(|s| s.image).collect();

    // Second run, as after a reload: the same files, the finished ones skipped.
    let h2 = Harness::new();
    let client2 = ScriptedOcr::new(&h2.time, fixed_latency(1.0));
    let mut env2 = h2.env(&client2, &images);
    env2.journal = Some(&journal);
    let opts2 = BatchOptions {
        already_done: done.clone(),
        ..BatchOptions::default()
    };
    let r = h2.time.run(run_batch(&env2, &opts2));
    assert_eq!(r.results.len(), 30 - done.len());
    let resent: Vec<usize> = client2
        .sent
        .borrow()
        .iter()
        .filter_map(|s| s.image)
        .filter(|i| done.contains(i))
        .collect();
    assert!(resent.is_empty(), "finished ballots sent again: {resent:?}");
    assert!(
        sent_first.len() + client2.sent.borrow().len() <= 30 + 6,
        "only the ones cut off in flight are sent twice"
    );
    let mut all: Vec<usize> = journal.kept.borrow().iter().map(|k| k.index()).collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (0..30).collect::<Vec<_>>(),
        "every file kept exactly once over both runs"
    );
    let currents: Vec<usize> = h2
        .progress
        .0
        .borrow()
        .iter()
        .filter_map(|e| match e {
            Ev::Progress(c, ..) | Ev::Error(c, ..) => Some(*c),
            _ => None,
        })
        .collect();
    assert_eq!(
        currents.first(),
        Some(&(done.len() + 1)),
        "the count goes on"
    );
    assert_eq!(currents.last(), Some(&30));
}

// ---- Image preparation: what is sent is prepared, what is kept is the original's.

/// Keeps a tenth of each image as a "JPEG" of a 800 × 600 source; image 3
/// cannot be decoded.
struct TenthPrep;

impl ImagePrep for TenthPrep {
    fn prepare(
        &self,
        original: ImageData,
        _media: &'static str,
    ) -> LocalBoxFuture<'_, Result<Prepared, PrepError>> {
        Box::pin(async move {
            let original = original.bytes().unwrap_or_default();
            if original.windows(8).any(|w| w == b"image#3;") {
                return Err(PrepError::Undecodable);
            }
            // The "JPEG" keeps the image's tag, so the client knows it.
            let mut bytes = b"\xff\xd8\xff\xe0\0\0\0\0".to_vec();
            bytes.extend_from_slice(original.get(8..24).unwrap_or_default());
            bytes.resize(original.len() / 10, 0);
            Ok(Prepared {
                image: ImageData::from_bytes(bytes),
                media: "image/jpeg",
                source_pixels: Some((800, 600)),
                pixels: (800, 600),
                sha256: None,
            })
        })
    }
}

#[test]
fn prepared_images_are_sent_and_the_original_is_what_the_record_names() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let images = MemoryImages::new(6, 10_000);
    let mut env = h.env(&client, &images);
    env.prep = Some(&TenthPrep);
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert_eq!((r.results.len(), r.errors.len()), (5, 1));
    let e = &r.errors[0];
    assert_eq!((e.index, e.kind.clone()), (3, FailureKind::Damaged));
    assert!(e.message.contains("cannot be decoded"), "{}", e.message);
    assert_eq!(r.bytes_read, 6 * 10_000, "each file read once");
    assert_eq!(r.bytes_sent, 5 * 1_000, "a tenth sent");
    for res in &r.results {
        let rec = &res.record;
        assert_eq!(rec.source.pixels, Some((800, 600)));
        assert!(
            rec.issues.iter().any(|i| i.code == IssueCode::SmallImage),
            "a 800 px scan is worth a warning"
        );
        let original = tallyscan::core::domain::hash::sha256_hex(&images_bytes(&images, res.index));
        assert_eq!(rec.source.sha256, original, "the original's hash");
    }
}

fn images_bytes(images: &MemoryImages, i: usize) -> Vec<u8> {
    use tallyscan::core::engine::ports::ImageSource;
    let mut out = Vec::new();
    let time = FakeTime::new();
    time.run(async {
        out = images.load(i).await.unwrap().bytes().unwrap().to_vec();
    });
    out
}

#[test]
fn a_large_scan_is_taken_when_it_will_be_prepared() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let images = MemoryImages::new(1, 20 * 1024 * 1024);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.errors.len(), 1, "sent as picked, 20 MB is too large");
    assert!(r.errors[0].message.contains("too large"));
    let mut env = h.env(&client, &images);
    env.prep = Some(&TenthPrep);
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert_eq!((r.results.len(), r.errors.len()), (1, 0));
}

// ---- The budget: the batch stops cleanly before passing it.

#[test]
fn the_batch_stops_at_the_budget_and_keeps_what_it_read() {
    use tallyscan::core::api::cost::{Budget, Prices};
    use tallyscan::core::api::provider::Usage;
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let images = MemoryImages::new(10, 1000);
    let per_ballot = Usage {
        input_tokens: 1000,
        output_tokens: 0,
    };
    let opts = BatchOptions {
        // Five may go at once: the budget counts those on their way.
        quota: Quota::new(10.0, 5),
        budget: Some((
            Budget {
                prices: Prices {
                    input: 1.0,
                    output: 0.0,
                },
                cap: 0.0035,
            },
            per_ballot,
        )),
        ..BatchOptions::default()
    };
    let r = h.run(&client, &images, &opts);
    assert_eq!(
        r.results.len(),
        3,
        "three ballots fit $0.0035 at $0.001 each"
    );
    assert_eq!(r.requests_sent, 3);
    assert!(matches!(
        r.stopped,
        Some(StopReason::Budget {
            spent_micros: 3000,
            cap_micros: 3500
        })
    ));
    assert_eq!(r.errors.len(), 7);
    assert!(r.errors.iter().all(|e| e.kind == FailureKind::NotStarted));
    assert!(
        r.errors[0].message.contains("budget reached"),
        "{}",
        r.errors[0].message
    );
    h.progress.assert_exactly_once(10);
}

#[test]
fn budget_counts_what_is_on_its_way_at_any_concurrency() {
    use tallyscan::core::api::cost::{Budget, Prices};
    use tallyscan::core::api::provider::Usage;
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(0.1));
    let images = MemoryImages::new(10, 1000);
    let opts = BatchOptions {
        quota: Quota::new(10.0, 5),
        budget: Some((
            Budget {
                prices: Prices {
                    input: 1000.0,
                    output: 0.0,
                },
                cap: 3.0,
            },
            Usage {
                input_tokens: 2005,
                output_tokens: 700,
            },
        )),
        ..BatchOptions::default()
    };
    let r = h.run(&client, &images, &opts);
    assert_eq!(
        r.results.len(),
        1,
        "$2 expected a ballot, $3 cap: one at a time, one in all"
    );
}

// ---- The fallback model: asked once for what the first refused or could not read.

#[test]
fn a_refused_ballot_goes_once_to_the_fallback_model() {
    let h = Harness::new();
    // The first request is refused (400: retrying will not help); the
    // fallback's answer reads.
    let client = ScriptedOcr::new(&h.time, |n, _| {
        if n == 0 {
            Reply::status(secs(1.0), 400, &[])
        } else {
            Reply::ok(secs(1.0), FORM)
        }
    });
    let images = MemoryImages::new(1, 1000);
    let fallback = ProviderSettings {
        model: "second-model".into(),
        ..h.settings.clone()
    };
    let mut env = h.env(&client, &images);
    env.fallback = Some(&fallback);
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert_eq!((r.results.len(), r.errors.len(), r.fallbacks), (1, 0, 1));
    assert_eq!(
        r.results[0].record.source.model, "second-model",
        "says which model read it"
    );
    assert_eq!(r.requests_sent, 2);

    // Refused by both: one failure, the fallback asked once.
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |_, _| Reply::status(secs(1.0), 400, &[]));
    let mut env = h.env(&client, &images);
    env.fallback = Some(&fallback);
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert_eq!((r.results.len(), r.errors.len(), r.fallbacks), (0, 1, 1));
    assert_eq!(r.requests_sent, 2);
}

/// A แพร่ เขต 1 form; `words2` is how row 2 (30 votes) is written.
fn phrae_form(words2: &str) -> String {
    format!(
        r#"{{"form_type":"ส.ส. 5/18","province":"แพร่","constituency_number":1,"polling_unit":4,
        "votes":{{"1":{{"numeric":40,"thai_text":"สี่สิบ"}},"2":{{"numeric":30,"thai_text":"{words2}"}},"3":{{"numeric":20,"thai_text":"ยี่สิบ"}},
          "4":{{"numeric":4,"thai_text":"สี่"}},"5":{{"numeric":5,"thai_text":"ห้า"}},"6":{{"numeric":1,"thai_text":"หนึ่ง"}}}},
        "valid_votes":{{"numeric":100,"thai_text":"หนึ่งร้อย"}},"invalid_votes":{{"numeric":3,"thai_text":"สาม"}},
        "no_vote":{{"numeric":2,"thai_text":"สอง"}},"total_votes":{{"numeric":105,"thai_text":"หนึ่งร้อยห้า"}}}}"#
    )
}

fn reread_answer(words2: &str) -> String {
    format!(r#"{{"cells":{{"row 2":{{"numeric":30,"thai_text":"{words2}"}}}}}}"#)
}

/// Counts one more request for image `i`; the count so far.
fn count_ask(asked: &RefCell<Vec<u32>>, i: usize) -> u32 {
    let mut a = asked.borrow_mut();
    a[i] += 1;
    a[i]
}

/// Ballot 0 is clean; 1, 2 and 3 have row 2's words misread (หกสิบ): the
/// re-read of 1 is right, of 2 repeats the misreading, of 3 is no answer.
fn rereading_client(h: &Harness) -> ScriptedOcr {
    let asked = RefCell::new(vec![0u32; 8]);
    ScriptedOcr::new(&h.time, move |_, image| {
        let i = image.unwrap_or(0);
        let k = count_ask(&asked, i);
        let text = match (i, k) {
            (0, _) => phrae_form("สามสิบ"),
            (_, 1) => phrae_form("หกสิบ"),
            (1, _) => reread_answer("สามสิบ"),
            (2, _) => reread_answer("หกสิบ"),
            _ => "Sorry, I cannot see that.".to_string(),
        };
        Reply::ok(secs(1.0), &text)
    })
}

#[test]
fn flagged_ballots_are_read_again_and_settled_only_when_the_readings_agree() {
    let h = Harness::new();
    let client = rereading_client(&h);
    let images = MemoryImages::new(4, 500);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!(r.requests_sent, 7, "one re-read for each flagged ballot");
    assert_eq!(r.rereads, 3);
    assert_eq!(r.errors, vec![], "a re-read never fails a ballot");
    let rec = |i: usize| &r.results.iter().find(|b| b.index == i).unwrap().record;
    assert!(rec(0).reread.is_none() && !rec(0).has_errors());
    let settled = rec(1);
    assert!(!settled.has_errors() && !settled.confidence.needs_review);
    assert!(settled.reread.as_ref().unwrap().settled);
    assert_eq!(settled.rows[1].votes.words.as_deref(), Some("สามสิบ"));
    for i in [2, 3] {
        let r = rec(i);
        assert!(
            r.has_errors() && r.confidence.needs_review,
            "ballot {i} stays in review"
        );
        assert_eq!(
            r.rows[1].votes.words.as_deref(),
            Some("หกสิบ"),
            "its first reading stands"
        );
        assert!(!r.reread.as_ref().unwrap().settled);
    }
    assert!(rec(3).reread.as_ref().unwrap().note.contains("failed"));
    // Every request, re-reads included, went through the one rate limit.
    let times: Vec<Duration> = client.sent.borrow().iter().map(|s| s.at).collect();
    assert_bucket_bound(&times, BatchOptions::default().quota);
}

#[test]
fn rereads_respect_the_cap_and_the_switch() {
    for (opts, requests, rereads) in [
        (
            RereadOptions {
                cap: 1,
                ..RereadOptions::default()
            },
            5,
            1,
        ),
        (
            RereadOptions {
                enabled: false,
                ..RereadOptions::default()
            },
            4,
            0,
        ),
    ] {
        let h = Harness::new();
        let client = rereading_client(&h);
        let images = MemoryImages::new(4, 500);
        let r = h.run(
            &client,
            &images,
            &BatchOptions {
                reread: opts,
                ..BatchOptions::default()
            },
        );
        assert_eq!(
            (r.requests_sent, r.rereads),
            (requests, rereads),
            "{opts:?}"
        );
        assert_eq!(r.results.len(), 4);
    }
}

// ---- Real images: prepared once, ahead of their slots; the wire keeps the bucket.

/// A preparation that takes a scripted time (fake time) and counts itself:
/// how many it made, and the most under way at once.
struct SlowPrep {
    time: FakeTime,
    delays: Vec<Duration>,
    made: Cell<usize>,
    under_way: Cell<usize>,
    most_under_way: Cell<usize>,
}

impl SlowPrep {
    fn new(time: &FakeTime, delays: Vec<Duration>) -> Self {
        SlowPrep {
            time: time.clone(),
            delays,
            made: Cell::new(0),
            under_way: Cell::new(0),
            most_under_way: Cell::new(0),
        }
    }
}

impl ImagePrep for SlowPrep {
    fn prepare(
        &self,
        original: ImageData,
        media: &'static str,
    ) -> LocalBoxFuture<'_, Result<Prepared, PrepError>> {
        let n = self.made.get();
        self.made.set(n + 1);
        self.under_way.set(self.under_way.get() + 1);
        self.most_under_way
            .set(self.most_under_way.get().max(self.under_way.get()));
        let delay = self.delays[n % self.delays.len()];
        // What is sent: the first 4 KB (the image's tag is in them).
        let bytes = original.bytes().unwrap_or_default();
        let sent = ImageData::from_bytes(bytes[..bytes.len().min(4096)].to_vec());
        Box::pin(async move {
            self.time.sleep(delay).await;
            self.under_way.set(self.under_way.get() - 1);
            Ok(Prepared {
                image: sent,
                media,
                source_pixels: Some((2480, 3509)),
                pixels: (1448, 2048),
                sha256: None,
            })
        })
    }
}

#[test]
fn wire_times_keep_the_bucket_whatever_the_preparation_times() {
    for (rate, seed) in [(8.0, 1), (2.0, 2), (8.0, 3)] {
        let h = Harness::new();
        let mut rng = SplitMix64::new(seed);
        // Each image takes between 0 and 2 s to prepare.
        let delays: Vec<Duration> = (0..300).map(|_| secs(rng.next_f64() * 2.0)).collect();
        let prep = SlowPrep::new(&h.time, delays);
        let lat: Vec<f64> = (0..300).map(|_| 1.0 + rng.next_f64() * 5.0).collect();
        let client = ScriptedOcr::new(&h.time, move |n, _| {
            Reply::ok(secs(lat[n % lat.len()]), FORM)
        });
        let images = MemoryImages::new(150, 5_000);
        let mut env = h.env(&client, &images);
        env.prep = Some(&prep);
        let quota = Quota::new(rate, 1);
        let opts = BatchOptions {
            quota,
            ..BatchOptions::default()
        };
        let r = h.time.run(run_batch(&env, &opts));
        assert_eq!(r.results.len(), 150);
        let times: Vec<Duration> = client.sent.borrow().iter().map(|s| s.at).collect();
        assert_bucket_bound(&times, quota);
        assert_eq!((prep.made.get(), r.preparations), (150, 150));
        assert!(
            prep.most_under_way.get() <= opts.prepare_ahead.count,
            "at most {} prepared ahead, saw {}",
            opts.prepare_ahead.count,
            prep.most_under_way.get()
        );
        // Preparing 3 at a time at 1 s each keeps about 3/s going: the
        // slower of that and the rate is what the wire should see.
        let capacity = opts.prepare_ahead.count as f64 / 1.0;
        let ratio = dispatch_ratio(&times, rate.min(capacity));
        assert!(ratio >= 0.85, "rate {rate}: {ratio}");
    }
}

#[test]
fn images_prepared_ahead_are_bounded_by_bytes() {
    let h = Harness::new();
    let prep = SlowPrep::new(&h.time, vec![secs(1.0)]);
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    // 20 MB scans against a 48 MB bound: two at a time, not three.
    let images = MemoryImages::new(12, 20 * 1024 * 1024);
    let mut env = h.env(&client, &images);
    env.prep = Some(&prep);
    let opts = BatchOptions {
        quota: Quota::new(50.0, 1),
        prepare_ahead: tallyscan::core::engine::batch::PrepareAhead {
            count: 3,
            bytes: 48 * 1024 * 1024,
        },
        ..BatchOptions::default()
    };
    let r = h.time.run(run_batch(&env, &opts));
    assert_eq!(r.results.len(), 12);
    assert_eq!(prep.most_under_way.get(), 2);
}

#[test]
fn a_ballot_is_prepared_once_through_429s_timeouts_reasks_and_second_readings() {
    let h = Harness::new();
    let prep = SlowPrep::new(&h.time, vec![secs(0.3)]);
    // Every 10th request is a 429, every 7th a timeout; ballots 1-3 are
    // read a second time (see `rereading_client`), 3's first answer is
    // unreadable.
    let asked = RefCell::new(vec![0u32; 40]);
    let client = ScriptedOcr::new(&h.time, move |n, image| {
        if n % 10 == 9 {
            return Reply::status(secs(0.5), 429, &[]);
        }
        if n % 7 == 6 {
            return Reply::Fail(secs(1.0), TransportError::Timeout(120_000));
        }
        let i = image.unwrap_or(0);
        let k = count_ask(&asked, i);
        let text = match (i, k) {
            (1..=3, 1) => phrae_form("หกสิบ"),
            (1..=3, _) => reread_answer("สามสิบ"),
            (4, 1) => "Sorry, I cannot see that.".to_string(),
            _ => phrae_form("สามสิบ"),
        };
        Reply::ok(secs(1.0), &text)
    });
    let images = MemoryImages::new(30, 5_000);
    let mut env = h.env(&client, &images);
    env.prep = Some(&prep);
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert_eq!(r.results.len() + r.errors.len(), 30);
    assert!(
        r.retries >= 5 && r.rereads == 3,
        "{} {}",
        r.retries,
        r.rereads
    );
    assert!(r.requests_sent > 36, "{}", r.requests_sent);
    assert_eq!(
        (prep.made.get(), r.preparations),
        (30, 30),
        "one preparation a ballot"
    );
    assert!(
        images.loads.borrow().iter().all(|&n| n == 1),
        "each file read once"
    );
    let times: Vec<Duration> = client.sent.borrow().iter().map(|s| s.at).collect();
    assert_bucket_bound(&times, BatchOptions::default().quota);
}

#[test]
fn a_file_that_cannot_be_prepared_spends_no_slot() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, fixed_latency(1.0));
    let images = MemoryImages::new(4, 10_000);
    let mut env = h.env(&client, &images);
    env.prep = Some(&TenthPrep); // image 3 cannot be decoded
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert_eq!(
        (r.results.len(), r.errors.len(), r.requests_sent),
        (3, 1, 3)
    );
    // 3 requests at 2/s burst 1: the last leaves at 1 s, as if image 3
    // had never been there.
    let times: Vec<Duration> = client.sent.borrow().iter().map(|s| s.at).collect();
    assert_eq!(times.last(), Some(&secs(1.0)));
}

#[test]
fn the_journal_keeps_each_finished_ballot_image_as_it_was_sent() {
    let h = Harness::new();
    let client = ScriptedOcr::new(&h.time, |n, _| match n {
        1 => Reply::status(secs(0.5), 400, &[]),
        _ => Reply::ok(secs(0.5), FORM),
    });
    // Image 3 cannot be decoded: never sent, no image to keep.
    let images = MemoryImages::new(5, 10_000);
    let journal = MemoryJournal::default();
    let mut env = h.env(&client, &images);
    env.prep = Some(&TenthPrep);
    env.journal = Some(&journal);
    let r = h.time.run(run_batch(&env, &BatchOptions::default()));
    assert_eq!((r.results.len(), r.errors.len()), (3, 2));
    let mut kept = journal.images.borrow().clone();
    kept.sort();
    assert_eq!(
        kept,
        vec![(0, 1_000), (1, 1_000), (2, 1_000), (4, 1_000)],
        "the prepared image (a tenth), for read and refused ballots alike"
    );
    assert_eq!(journal.kept.borrow().len(), 5, "every row");
}

/// An answer the token budget cut off is asked again once with the larger
/// budget; cut off again, the ballot fails with its own reason.
#[test]
fn a_cut_off_answer_is_asked_again_with_a_larger_budget_then_fails_with_why() {
    let half: String = FORM.chars().take(FORM.chars().count() / 2).collect();
    // Images 0-5 are cut off at the first budget only; 6-9 at both.
    let h = Harness::new();
    let asked = RefCell::new(vec![0u32; 10]);
    let client = ScriptedOcr::new(&h.time, move |_, image| {
        let i = image.unwrap_or(0);
        match (i, count_ask(&asked, i)) {
            (0..=5, 2..) => Reply::ok(secs(1.0), FORM),
            _ => Reply::cut_off(secs(1.0), &half),
        }
    });
    let images = MemoryImages::new(10, 500);
    let r = h.run(&client, &images, &BatchOptions::default());
    assert_eq!((r.results.len(), r.errors.len()), (6, 4));
    for e in &r.errors {
        assert_eq!(e.kind, FailureKind::CutOff { tokens: 8192 }, "{e:?}");
        assert!(
            e.message.contains("cut off at 8192 tokens"),
            "{}",
            e.message
        );
    }
    let sent = client.sent.borrow();
    for i in 0..10 {
        let budgets: Vec<u32> = sent
            .iter()
            .filter(|s| s.image == Some(i))
            .map(|s| s.max_tokens)
            .collect();
        assert_eq!(
            budgets,
            vec![2048, 8192],
            "image {i}: asked once more, larger"
        );
    }
    h.progress.assert_exactly_once(10);
}
