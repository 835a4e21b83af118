//! The small traits the batch engine runs over. The browser implements them
//! in `web` (fetch, performance.now, gloo-timers, File); tests implement
//! them in [`super::testing`] (fake clock, scripted client, memory images).
//! Futures are `!Send` (`LocalBoxFuture`): the browser is single-threaded.

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

/// Waiting without blocking.
pub trait Sleeper {
    /// Resolves after `d`.
    fn sleep(&self, d: Duration) -> LocalBoxFuture<'static, ()>;
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
    /// The bytes of image `i`, or why they cannot be read.
    fn load(&self, i: usize) -> LocalBoxFuture<'_, Result<Vec<u8>, String>>;
    /// Frees what is still held for these finished images (file handles,
    /// blobs, object URLs). Returns how many objects were freed.
    fn release(&self, finished: &[usize]) -> usize;
}
