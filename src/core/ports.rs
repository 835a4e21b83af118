//! The small traits the batch engine runs over. The browser implements them
//! in `web` (fetch, performance.now, gloo-timers, File); tests implement
//! them in [`super::testing`] (fake clock, scripted client, memory images).
//! Futures are `!Send` (`LocalBoxFuture`): the browser is single-threaded.

use super::pdf::PageError;
use super::progress::BallotOutcome;
use super::provider::{HttpRequest, HttpResponse, TransportError};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

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
    fn keep(&self, outcome: &BallotOutcome) -> LocalBoxFuture<'_, Result<(), String>>;
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

/// An image as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    /// Its media type.
    pub media: &'static str,
    /// The picked image's size in pixels (width, height), upright.
    pub source_pixels: (u32, u32),
    /// The size sent.
    pub pixels: (u32, u32),
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
    /// The image to send for `original` (of type `media`); `original` is
    /// dropped as soon as the browser has it.
    fn prepare(
        &self,
        original: Vec<u8>,
        media: &'static str,
    ) -> LocalBoxFuture<'_, Result<Prepared, PrepError>>;
}

/// A page of a document (a PDF) drawn as an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The page as an image.
    pub bytes: Vec<u8>,
    /// Its media type.
    pub media: &'static str,
    /// A small grayscale copy (one byte a pixel), for the blank-page check.
    pub gray: Vec<u8>,
    /// SHA-256 of the whole document, hex: with the page number, the
    /// page's identity.
    pub document_sha256: String,
}

/// The images of a batch, by index. Loading reads the bytes fresh each time
/// (a retry reads again), so nothing holds an image between attempts.
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
    fn probe(&self, i: usize) -> LocalBoxFuture<'_, Result<Probe, String>>;
    /// The bytes of image `i`, or why they cannot be read.
    fn load(&self, i: usize) -> LocalBoxFuture<'_, Result<Vec<u8>, String>>;
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
