//! The small traits the batch engine runs over. The browser implements them
//! in `web` (fetch, performance.now, gloo-timers, File); tests implement
//! them in [`crate::core::engine::testing`] (fake clock, scripted client, memory images).
//! Futures are `!Send` (`LocalBoxFuture`): the browser is single-threaded.

use crate::core::api::provider::{HttpRequest, HttpResponse, TransportError};
use crate::core::engine::progress::BallotOutcome;
use crate::core::read::pdf::PageError;
use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

/// Polls two futures together until both are done (no executor needed: a
/// pull fetches the next part while it keeps the one it has).
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let mut a = std::pin::pin!(a);
    let mut b = std::pin::pin!(b);
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none() {
            if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => std::task::Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                std::task::Poll::Pending
            }
        }
    })
    .await
}

/// A boxed future that need not be `Send`.
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Sends one request to the vision API. Dropping the future must abort the
/// request (the web client aborts its fetch).
pub trait OcrClient {
    /// Sends `request` (taken by value so its body can be freed as soon as
    /// it is handed to the transport). Any HTTP status is `Ok`.
    fn send(
        &self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// Monotonic time, and the wall time for HTTP dates.
pub trait Clock {
    /// Time since an arbitrary origin; never goes backwards.
    fn now(&self) -> Duration;
    /// Milliseconds since the Unix epoch.
    fn unix_ms(&self) -> u64;
}

/// The longest delay `setTimeout` takes, in milliseconds (2^31 − 1); a
/// longer one fires at once.
pub const MAX_TIMER_MS: u32 = i32::MAX as u32;

/// A wait as `setTimeout` delays: whole milliseconds, rounded up (a timer
/// never fires before its slot), split in pieces `setTimeout` accepts.
pub fn timer_chunks_ms(d: Duration) -> impl Iterator<Item = u32> {
    let mut left = d.as_nanos().div_ceil(1_000_000);
    let mut first = true;
    std::iter::from_fn(move || {
        if left == 0 && !first {
            return None;
        }
        first = false;
        let step = left.min(u128::from(MAX_TIMER_MS));
        left -= step;
        Some(step as u32)
    })
}

/// Waiting without blocking.
pub trait Sleeper {
    /// Resolves after `d`.
    fn sleep(&self, d: Duration) -> LocalBoxFuture<'static, ()>;
}

/// Keeps each finished ballot (in the browser: IndexedDB) before the batch
/// counts it as done, so a reload or a crash loses nothing and a resumed
/// batch sends nothing twice.
pub trait Journal {
    /// Stores the row; `Err` says why it could not (storage full…).
    fn keep(&self, outcome: &BallotOutcome) -> LocalBoxFuture<'_, Result<(), PortError>>;
    /// Keeps the image ballot `index` was read from, as it was sent (the
    /// prepared JPEG, about 0.5 MB), when the volunteer keeps images.
    /// Called before its row is kept; best effort: an image that cannot be
    /// kept loses no result.
    fn keep_image(&self, _index: usize, _image: &ImageData) -> LocalBoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

/// Bytes read from the start of a file by [`ImageSource::probe`]: enough to
/// tell the type, and to tell apart files of equal size.
pub const PROBE_HEAD_BYTES: usize = 4096;

/// What can be learnt of an image without reading all of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Size in bytes.
    pub size: u64,
    /// The first bytes (at most [`PROBE_HEAD_BYTES`]).
    pub head: Vec<u8>,
}

/// Image bytes held where the platform keeps them. In the browser that is
/// a `File` or a `Blob` the preparation worker made (the bytes never enter
/// wasm memory); natively, and in tests, bytes in memory.
pub trait HeldImage: Any {
    /// Size in bytes.
    fn size(&self) -> u64;
    /// The bytes, when they are in this memory.
    fn bytes(&self) -> Option<&[u8]> {
        None
    }
    /// For the adapter that made it, to find its own type again.
    fn as_any(&self) -> &dyn Any;
}

impl HeldImage for Vec<u8> {
    fn size(&self) -> u64 {
        self.len() as u64
    }
    fn bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A handle on an image's bytes (cheap to clone: the bytes are shared and
/// freed when the last handle goes).
#[derive(Clone)]
pub struct ImageData(Rc<dyn HeldImage>);

impl ImageData {
    /// Holds `image`.
    pub fn new(image: impl HeldImage) -> Self {
        ImageData(Rc::new(image))
    }
    /// Bytes in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        ImageData::new(bytes)
    }
    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.0.size()
    }
    /// The bytes, when they are in this memory.
    pub fn bytes(&self) -> Option<&[u8]> {
        self.0.bytes()
    }
    /// The adapter's own type, when it is `T`.
    pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref::<T>()
    }
}

impl fmt::Debug for ImageData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImageData({} bytes)", self.size())
    }
}

impl PartialEq for ImageData {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
            || matches!((self.bytes(), other.bytes()), (Some(a), Some(b)) if a == b)
    }
}

/// An image as it will be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The bytes to send.
    pub image: ImageData,
    /// Its media type.
    pub media: &'static str,
    /// The picked image's size in pixels (width, height), upright, when
    /// known (an image sent as picked is not decoded).
    pub source_pixels: Option<(u32, u32)>,
    /// The size sent.
    pub pixels: (u32, u32),
    /// SHA-256 of the picked file, hex, when the preparation hashed it (the
    /// browser's worker does, off the page's thread).
    pub sha256: Option<String>,
}

/// Why an image could not be prepared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepError {
    /// Not decodable here: damaged, or a format this browser cannot read.
    #[error(
        "the image cannot be decoded: the file is damaged or in a format this browser cannot read"
    )]
    Undecodable,
    /// The browser could not re-encode it.
    #[error("the image could not be re-encoded: {0}")]
    Encode(String),
}

/// Prepares each image before it is sent: downscaled to the size the
/// model reads anyway, re-encoded (which drops its metadata: location,
/// camera). Optional: without it the file is sent as picked.
pub trait ImagePrep {
    /// The image to send for `original` (of type `media`); the handle on
    /// `original` is dropped as soon as the preparation has it.
    fn prepare(
        &self,
        original: ImageData,
        media: &'static str,
    ) -> LocalBoxFuture<'_, Result<Prepared, PrepError>>;
    /// SHA-256 of `image`, hex (to tell copies apart before any slot).
    fn sha256(&self, image: ImageData) -> LocalBoxFuture<'_, Result<String, PrepError>> {
        Box::pin(async move {
            image
                .bytes()
                .map(crate::core::domain::hash::sha256_hex)
                .ok_or_else(|| PrepError::Encode("the image is not in memory".into()))
        })
    }
    /// Gives the memory the preparation holds back to the system (the
    /// browser restarts its worker once the work in hand is done). Called
    /// at each memory cleanup.
    fn recycle(&self) {}
}

/// A page of a document (a PDF) drawn as an image.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The page as an image.
    pub image: ImageData,
    /// Its media type.
    pub media: &'static str,
    /// A small grayscale copy (one byte a pixel), for the blank-page check.
    pub gray: Vec<u8>,
    /// Its width in pixels.
    pub gray_width: usize,
    /// SHA-256 of the whole document, hex: with the page number, the
    /// page's identity.
    pub document_sha256: String,
}

/// The images of a batch, by index. The engine loads and prepares each
/// image once, right before its turn, and lets go of it when the ballot
/// is finished.
pub trait ImageSource {
    /// Number of images.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The file name (or path) of image `i`.
    fn name(&self, i: usize) -> String;
    /// The size and first bytes of image `i` (cheap: no full read), or why
    /// they cannot be read.
    fn probe(&self, i: usize) -> LocalBoxFuture<'_, Result<Probe, PortError>>;
    /// Image `i` (a handle: the browser does not read the file here), or
    /// why it cannot be had.
    fn load(&self, i: usize) -> LocalBoxFuture<'_, Result<ImageData, PortError>>;
    /// When item `i` is a page of a document (a PDF): its page number,
    /// from 1. Such an item is drawn with [`ImageSource::render`], not
    /// loaded.
    fn page(&self, _i: usize) -> Option<u32> {
        None
    }
    /// Page item `i` drawn as an image, right before it is sent.
    fn render(&self, _i: usize) -> LocalBoxFuture<'_, Result<Rendered, PageError>> {
        Box::pin(async { Err(PageError::Unavailable("not a page of a document".into())) })
    }
    /// Frees what is still held for these finished images (file handles,
    /// blobs, object URLs). Returns how many objects were freed.
    fn release(&self, finished: &[usize]) -> usize;
}

/// Why a port (this device's files or storage) could not do what was
/// asked. The browser's errors become these at the edge (`web::error`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// The file is no longer at hand (released at a cleanup, or gone).
    #[error("the file was already released")]
    Released,
    /// This browser lacks what is needed.
    #[error("this browser has no {0}")]
    Unsupported(&'static str),
    /// The platform refused or failed: what was being done, and its words.
    #[error("{doing}: {why}")]
    Failed { doing: &'static str, why: String },
}

/// A rate limit shared with the other pages of this browser (tabs,
/// windows) that send to the same endpoint, so that together they keep
/// the rate: books the next slot and says how long to wait for it.
pub trait SharedLimit {
    /// Books one slot under `quota`; the wait until it (zero: now).
    fn book(&self, quota: crate::core::engine::rate_limit::Quota) -> LocalBoxFuture<'_, Duration>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_waits_round_up_and_split() {
        let ms = |d: Duration| timer_chunks_ms(d).collect::<Vec<_>>();
        assert_eq!(ms(Duration::ZERO), vec![0]);
        assert_eq!(ms(Duration::from_nanos(1)), vec![1]);
        assert_eq!(ms(Duration::from_micros(1500)), vec![2]);
        assert_eq!(ms(Duration::from_secs(2)), vec![2000]);
        let long = Duration::from_millis(u64::from(MAX_TIMER_MS) * 2 + 5);
        assert_eq!(ms(long), vec![MAX_TIMER_MS, MAX_TIMER_MS, 5]);
        assert_eq!(timer_chunks_ms(Duration::MAX).next(), Some(MAX_TIMER_MS));
    }
}
