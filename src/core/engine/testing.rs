//! Test doubles for the engine's ports, next to the traits they fake:
//! [`FakeTime`] (clock + sleeper + a tiny executor that jumps time forward
//! when every task is waiting, so nothing really sleeps), [`ScriptedOcr`]
//! (answers by script, with latency, and logs when each request was sent),
//! [`MemoryImages`] (images in memory, counting loads and releases),
//! [`MemoryJournal`] (keeps rows, or refuses them when "full"),
//! [`RecordingProgress`] (one line per report).

use crate::core::api::provider::{HttpRequest, HttpResponse, TransportError};
use crate::core::engine::ports::{
    Clock, ImageData, ImageSource, Journal, LocalBoxFuture, OcrClient, PortError, Probe, Rendered,
    Sleeper, PROBE_HEAD_BYTES,
};
use crate::core::engine::progress::{
    BallotError, BallotOutcome, BallotResult, EngineEvent, ProgressCallback,
};
use crate::core::read::pdf::PageError;
use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

/// A model's reading of the real constituency form in `../shared`
/// (ส.ส. ๕/๑๗, แพร่ เขต 1: six candidates, rows 7-10 blank on paper), in the
/// shape the prompt asks for. Transcribed for tests; consistent throughout.
pub const PHRAE_FORM: &str = r#"{"form_code":"5/17","form_label_as_printed":"ส.ส. ๕/๑๗","is_party_list":false,
  "province":"แพร่","constituency_number":1,
  "votes":{"1":{"numeric":108,"thai_text":"หนึ่งร้อยแปด"},"2":{"numeric":54,"thai_text":"ห้าสิบสี่"},
           "3":{"numeric":15,"thai_text":"สิบห้า"},"4":{"numeric":424,"thai_text":"สี่ร้อยยี่สิบสี่"},
           "5":{"numeric":8,"thai_text":"แปด"},"6":{"numeric":5,"thai_text":"ห้า"}},
  "valid_votes":{"numeric":614,"thai_text":"หกร้อยสิบสี่"},"invalid_votes":{"numeric":7,"thai_text":"เจ็ด"},
  "no_vote":{"numeric":36,"thai_text":"สามสิบหก"},"total_votes":657,"ballots_received":657}"#;

#[derive(Default)]
struct TimeState {
    now: Duration,
    seq: u64,
    timers: BinaryHeap<Reverse<(Duration, u64)>>,
    wakers: Vec<(u64, Waker)>,
}

/// Simulated time: a clock, a sleeper, and [`FakeTime::run`] to drive futures.
#[derive(Clone, Default)]
pub struct FakeTime(Rc<RefCell<TimeState>>);

/// Wall time at the fake origin (2026-11-28T00:00:00Z), for HTTP dates.
pub const FAKE_UNIX_ORIGIN_MS: u64 = 1_795_824_000_000;

impl FakeTime {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves time forward by `d`, waking sleepers that are due.
    pub fn advance(&self, d: Duration) {
        let target = self.0.borrow().now + d;
        self.advance_to(target);
    }

    fn advance_to(&self, t: Duration) {
        let due: Vec<Waker> = {
            let mut s = self.0.borrow_mut();
            s.now = s.now.max(t);
            let now = s.now;
            let mut ids = Vec::new();
            while let Some(Reverse((deadline, id))) = s.timers.peek().copied() {
                if deadline > now {
                    break;
                }
                s.timers.pop();
                ids.push(id);
            }
            let (due, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut s.wakers)
                .into_iter()
                .partition(|(id, _)| ids.contains(id));
            s.wakers = rest;
            due.into_iter().map(|(_, w)| w).collect()
        };
        for w in due {
            w.wake();
        }
    }

    /// Runs `fut` to completion. Whenever nothing can make progress, time
    /// jumps to the next timer. Panics on a deadlock (pending, no timers).
    pub fn run<F: Future>(&self, fut: F) -> F::Output {
        struct Flag(AtomicBool);
        impl Wake for Flag {
            fn wake(self: Arc<Self>) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let flag = Arc::new(Flag(AtomicBool::new(true)));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        let mut fut = pin!(fut);
        let mut idle_polls = 0;
        loop {
            flag.0.store(false, Ordering::SeqCst);
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                return v;
            }
            if flag.0.load(Ordering::SeqCst) {
                idle_polls += 1;
                assert!(
                    idle_polls < 1_000_000,
                    "FakeTime::run: future keeps waking itself without progress"
                );
                continue;
            }
            idle_polls = 0;
            let next = self.0.borrow().timers.peek().map(|Reverse((d, _))| *d);
            match next {
                Some(t) => self.advance_to(t),
                None => panic!(
                    "FakeTime::run: deadlock, the future is pending with no timer to wait for"
                ),
            }
        }
    }
}

impl Clock for FakeTime {
    fn now(&self) -> Duration {
        self.0.borrow().now
    }
    fn unix_ms(&self) -> u64 {
        FAKE_UNIX_ORIGIN_MS + self.now().as_millis() as u64
    }
}

struct Sleep {
    time: FakeTime,
    deadline: Duration,
    id: Option<u64>,
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.time.0.borrow_mut();
        if s.now >= self.deadline {
            return Poll::Ready(());
        }
        let id = match self.id {
            Some(id) => id,
            None => {
                s.seq += 1;
                let id = s.seq;
                let deadline = self.deadline;
                s.timers.push(Reverse((deadline, id)));
                drop(s);
                self.id = Some(id);
                s = self.time.0.borrow_mut();
                id
            }
        };
        s.wakers.retain(|(i, _)| *i != id);
        s.wakers.push((id, cx.waker().clone()));
        Poll::Pending
    }
}

impl Sleeper for FakeTime {
    fn sleep(&self, d: Duration) -> LocalBoxFuture<'static, ()> {
        Box::pin(Sleep {
            time: self.clone(),
            deadline: self.now() + d,
            id: None,
        })
    }
}

/// A sleeper whose timers fire late: each wake-up is rounded up to the next
/// multiple of `granularity` (a hidden tab whose timers run once a second,
/// or once a minute).
#[derive(Clone)]
pub struct LateSleeper {
    /// The time it sleeps in.
    pub time: FakeTime,
    /// Wake-ups happen only at multiples of this.
    pub granularity: Duration,
}

impl Sleeper for LateSleeper {
    fn sleep(&self, d: Duration) -> LocalBoxFuture<'static, ()> {
        let now = self.time.now();
        let g = self.granularity.as_nanos().max(1);
        let due = (now + d).as_nanos();
        let late = due.div_ceil(g) * g;
        let wait = Duration::from_nanos((late - now.as_nanos()) as u64);
        self.time.sleep(wait)
    }
}

pub use crate::core::engine::ports::join;

/// What a scripted request does.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer after `latency` with this response.
    Http(Duration, HttpResponse),
    /// Fail after `latency` with this transport error.
    Fail(Duration, TransportError),
}

impl Reply {
    /// A 200 whose answer the token budget cut off after `text`.
    pub fn cut_off(latency: Duration, text: &str) -> Reply {
        let mut body = crate::core::api::wire::ChatResponse::answer(text, 1000, 2048);
        if let Some(c) = body.choices.first_mut() {
            c.finish_reason = Some("length".into());
        }
        let body = serde_json::to_string(&body).unwrap_or_default();
        Reply::Http(latency, HttpResponse::new(200, &[], &body))
    }

    /// A 200 with an OpenAI-style body carrying `text`.
    pub fn ok(latency: Duration, text: &str) -> Reply {
        let body = crate::core::api::wire::ChatResponse::answer(text, 1000, 100);
        Reply::Http(
            latency,
            HttpResponse {
                status: 200,
                headers: vec![],
                body: serde_json::to_string(&body).unwrap_or_default(),
            },
        )
    }
    /// An error status with optional headers.
    pub fn status(latency: Duration, status: u16, headers: &[(&str, &str)]) -> Reply {
        let body = crate::core::api::wire::ErrorBody::openai(
            status,
            "api_error",
            &format!("scripted {status}"),
        );
        let body = serde_json::to_string(&body).unwrap_or_default();
        Reply::Http(latency, HttpResponse::new(status, headers, &body))
    }
}

/// A request the scripted client received.
#[derive(Debug, Clone)]
pub struct Sent {
    /// When (fake time).
    pub at: Duration,
    /// Which image: the request body's `image_id` tag (see [`MemoryImages`]).
    pub image: Option<usize>,
    /// Body size.
    pub body_bytes: usize,
    /// The timeout the engine set.
    pub timeout: Option<Duration>,
    /// The longest answer the request allowed, tokens.
    pub max_tokens: u32,
}

type ScriptFn = dyn Fn(usize, Option<usize>) -> Reply;

/// An [`OcrClient`] that answers by script: `script(request_number, image)`.
pub struct ScriptedOcr {
    time: FakeTime,
    script: Box<ScriptFn>,
    /// Every request, in order.
    pub sent: RefCell<Vec<Sent>>,
    /// Requests whose futures were dropped before answering (aborted).
    pub aborted: Rc<Cell<usize>>,
}

impl ScriptedOcr {
    /// A client answering `script(n, image)` for the n-th request (0-based).
    pub fn new(time: &FakeTime, script: impl Fn(usize, Option<usize>) -> Reply + 'static) -> Self {
        ScriptedOcr {
            time: time.clone(),
            script: Box::new(script),
            sent: RefCell::new(Vec::new()),
            aborted: Rc::new(Cell::new(0)),
        }
    }
}

/// Recovers the image index [`MemoryImages`] wrote into the image bytes.
fn image_tag(body: &str) -> Option<usize> {
    use base64::Engine as _;
    let request: crate::core::api::wire::AnyRequest = serde_json::from_str(body).ok()?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(request.image_base64()?)
        .ok()?;
    let text = String::from_utf8_lossy(data.get(8..)?).to_string();
    text.strip_prefix("image#")?.split(';').next()?.parse().ok()
}

struct AbortGuard(Rc<Cell<usize>>, bool);
impl Drop for AbortGuard {
    fn drop(&mut self) {
        if !self.1 {
            self.0.set(self.0.get() + 1);
        }
    }
}

impl OcrClient for ScriptedOcr {
    fn send(
        &self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let n = self.sent.borrow().len();
        let text = request.body.text();
        let image = text.as_deref().and_then(image_tag);
        let max_tokens = text
            .as_deref()
            .and_then(|t| serde_json::from_str::<crate::core::api::wire::AnyRequest>(t).ok())
            .map_or(0, |r| r.max_tokens());
        let timeout = request.timeout;
        self.sent.borrow_mut().push(Sent {
            at: self.time.now(),
            image,
            body_bytes: request.body.len() as usize,
            timeout,
            max_tokens,
        });
        drop(request);
        let reply = (self.script)(n, image);
        let time = self.time.clone();
        let aborted = self.aborted.clone();
        Box::pin(async move {
            let mut guard = AbortGuard(aborted, false);
            let (latency, out) = match reply {
                Reply::Http(l, r) => (l, Ok(r)),
                Reply::Fail(l, e) => (l, Err(e)),
            };
            // A transport gives up at the request's timeout, as fetch does.
            let (latency, out) = match timeout {
                Some(t) if latency > t => (t, Err(TransportError::Timeout(t.as_millis() as u64))),
                _ => (latency, out),
            };
            time.sleep(latency).await;
            guard.1 = true;
            out
        })
    }
}

/// How a PDF page of [`MemoryImages`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageDraw {
    /// A page with a form on it.
    Form,
    /// A blank page.
    Blank,
    /// Its PDF asks for a password.
    Locked,
    /// The page does not draw.
    Broken,
}

/// Images in memory: image `i` is a PNG signature followed by "image#i;"
/// and padding to `size` bytes. Entries listed in `bad` are not images;
/// a copy has the same bytes as the image it copies.
pub struct MemoryImages {
    names: Vec<String>,
    size: usize,
    bad: Vec<usize>,
    copies: Vec<(usize, usize)>,
    /// Items that are pages of a PDF: page number and how it draws.
    pages: Vec<(usize, u32, PageDraw)>,
    pub loads: RefCell<Vec<u32>>,
    /// Images released, in order.
    pub released: RefCell<Vec<usize>>,
}

impl MemoryImages {
    /// `n` images "ballot_001.png"... of `size` bytes.
    pub fn new(n: usize, size: usize) -> Self {
        MemoryImages {
            names: (1..=n).map(|i| format!("ballot_{i:03}.png")).collect(),
            size: size.max(32),
            bad: Vec::new(),
            copies: Vec::new(),
            pages: Vec::new(),
            loads: RefCell::new(vec![0; n]),
            released: RefCell::new(Vec::new()),
        }
    }
    /// Makes these images unreadable as images.
    pub fn with_bad(mut self, bad: &[usize]) -> Self {
        self.bad = bad.to_vec();
        self
    }
    /// Makes these items pages of one PDF ("scan.pdf", SHA-256 "pdf"):
    /// (item, page, how it draws).
    pub fn with_pages(mut self, pages: &[(usize, u32, PageDraw)]) -> Self {
        for &(i, page, _) in pages {
            self.names[i] = crate::core::read::pdf::page_name("scan.pdf", page);
        }
        self.pages = pages.to_vec();
        self
    }
    /// Makes image `copy` the same bytes as image `of`, for each pair.
    pub fn with_copies(mut self, pairs: &[(usize, usize)]) -> Self {
        self.copies = pairs.to_vec();
        self
    }

    fn bytes(&self, i: usize) -> Vec<u8> {
        let i = self
            .copies
            .iter()
            .find(|(copy, _)| *copy == i)
            .map_or(i, |(_, of)| *of);
        let mut bytes = if self.bad.contains(&i) {
            b"%PDF-1.4".to_vec()
        } else {
            b"\x89PNG\r\n\x1a\n".to_vec()
        };
        bytes.extend_from_slice(format!("image#{i};").as_bytes());
        bytes.resize(self.size, 0);
        bytes
    }
}

impl ImageSource for MemoryImages {
    fn len(&self) -> usize {
        self.names.len()
    }
    fn name(&self, i: usize) -> String {
        self.names.get(i).cloned().unwrap_or_default()
    }
    fn probe(&self, i: usize) -> LocalBoxFuture<'_, Result<Probe, PortError>> {
        let mut head = self.bytes(i);
        head.truncate(PROBE_HEAD_BYTES);
        let size = self.size as u64;
        Box::pin(async move { Ok(Probe { size, head }) })
    }
    fn load(&self, i: usize) -> LocalBoxFuture<'_, Result<ImageData, PortError>> {
        if let Some(l) = self.loads.borrow_mut().get_mut(i) {
            *l += 1;
        }
        let bytes = self.bytes(i);
        Box::pin(async move { Ok(ImageData::from_bytes(bytes)) })
    }
    fn page(&self, i: usize) -> Option<u32> {
        self.pages.iter().find(|p| p.0 == i).map(|p| p.1)
    }
    fn render(&self, i: usize) -> LocalBoxFuture<'_, Result<Rendered, PageError>> {
        let draw = self.pages.iter().find(|p| p.0 == i).map(|p| (p.1, p.2));
        let size = self.size;
        Box::pin(async move {
            let (page, draw) = draw.ok_or(PageError::Unavailable("not a page".into()))?;
            let mut gray = vec![240u8; 64 * 90];
            match draw {
                PageDraw::Form => gray[..500].fill(20),
                PageDraw::Blank => {}
                PageDraw::Locked => return Err(PageError::Locked),
                PageDraw::Broken => return Err(PageError::Page("bad stream".into())),
            }
            let mut bytes = vec![0xFF, 0xD8, 0xFF];
            bytes.extend_from_slice(format!("page#{page};").as_bytes());
            bytes.resize(size, 0);
            Ok(Rendered {
                image: ImageData::from_bytes(bytes),
                media: "image/jpeg",
                gray,
                gray_width: 64,
                document_sha256: "pdf".into(),
            })
        })
    }
    fn release(&self, finished: &[usize]) -> usize {
        self.released.borrow_mut().extend_from_slice(finished);
        finished.len()
    }
}

/// A journal in memory; refuses every row after the first `capacity`
/// (a full storage).
#[derive(Default)]
pub struct MemoryJournal {
    /// Rows kept, in order.
    pub kept: RefCell<Vec<BallotOutcome>>,
    /// Rows it can hold (`None`: no limit).
    pub capacity: Option<usize>,
    /// Images kept: (ballot, size in bytes), in order.
    pub images: RefCell<Vec<(usize, u64)>>,
}

impl Journal for MemoryJournal {
    fn keep(&self, outcome: &BallotOutcome) -> LocalBoxFuture<'_, Result<(), PortError>> {
        let full = self.capacity.is_some_and(|c| self.kept.borrow().len() >= c);
        if !full {
            self.kept.borrow_mut().push(outcome.clone());
        }
        Box::pin(async move {
            if full {
                Err(PortError::Failed {
                    doing: "keeping a result",
                    why: "QuotaExceededError".into(),
                })
            } else {
                Ok(())
            }
        })
    }
    fn keep_image(&self, index: usize, image: &ImageData) -> LocalBoxFuture<'_, ()> {
        self.images.borrow_mut().push((index, image.size()));
        Box::pin(async {})
    }
}

/// A progress callback that writes one line per call ("start 3",
/// "progress 1/3 a.png", "error 2/3 b.png", "complete 1 1", "event …").
#[derive(Default)]
pub struct RecordingProgress(RefCell<Vec<String>>);

impl RecordingProgress {
    /// The lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

impl ProgressCallback for RecordingProgress {
    fn on_start(&self, total: usize) {
        self.0.borrow_mut().push(format!("start {total}"));
    }
    fn on_progress(&self, current: usize, total: usize, path: &str, _: &BallotResult) {
        self.0
            .borrow_mut()
            .push(format!("progress {current}/{total} {path}"));
    }
    fn on_error(&self, current: usize, total: usize, path: &str, _: &BallotError) {
        self.0
            .borrow_mut()
            .push(format!("error {current}/{total} {path}"));
    }
    fn on_complete(&self, r: &[BallotResult], e: &[BallotError]) {
        self.0
            .borrow_mut()
            .push(format!("complete {} {}", r.len(), e.len()));
    }
    fn on_event(&self, e: &EngineEvent) {
        self.0.borrow_mut().push(format!("event {e:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_jumps_only_when_everything_waits() {
        let t = FakeTime::new();
        let t2 = t.clone();
        let out = t.run(async move {
            let a = t2.sleep(Duration::from_secs(5));
            let b = t2.sleep(Duration::from_secs(3));
            join(a, b).await;
            t2.now()
        });
        assert_eq!(out, Duration::from_secs(5));
    }

    #[test]
    fn scripted_client_logs_and_answers() {
        let t = FakeTime::new();
        let c = ScriptedOcr::new(&t, |n, _| {
            if n == 0 {
                Reply::status(Duration::from_secs(1), 503, &[])
            } else {
                Reply::ok(Duration::from_secs(2), "{}")
            }
        });
        let req = || HttpRequest {
            timeout: None,
            url: "u".into(),
            headers: vec![],
            body: crate::core::api::provider::Body::Text("{}".into()),
        };
        let (a, b) = t.run(join(c.send(req()), c.send(req())));
        assert_eq!(a.unwrap().status, 503);
        assert_eq!(b.unwrap().status, 200);
        assert_eq!(t.now(), Duration::from_secs(2));
        assert_eq!(c.sent.borrow().len(), 2);
    }
}
