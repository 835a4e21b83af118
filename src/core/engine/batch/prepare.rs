//! Each ballot's image, once and ahead of its slot: looked at, read (or
//! drawn, for a PDF page), prepared, hashed.

use super::{source_limit, Engine, Outcome, Ready, PAGE_BYTES};
use crate::core::domain::hash::sha256_hex_sliced;
use crate::core::engine::ports::{ImageData, PrepError};
use crate::core::engine::progress::FailureKind;
use crate::core::read::image::{check_image, check_size, check_start_within};
use crate::core::read::pdf::looks_blank;
use std::time::Duration;

impl<'a> Engine<'_, 'a> {
    /// The ballot's image, read and prepared once, ahead of its slot: it
    /// waits its turn among the images prepared ahead (`None` when the
    /// batch stops meanwhile). A file that cannot be sent fails here,
    /// before any slot is spent on it.
    pub(super) async fn ready(&self, index: usize) -> Result<Ready<'_>, Option<Outcome>> {
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
                let p = prep.prepare(original, media).await.map_err(|e| {
                    let kind = match e {
                        PrepError::Undecodable => FailureKind::Damaged,
                        PrepError::Encode(_) => FailureKind::Image,
                    };
                    Some(Outcome::Failed(kind, e.to_string()))
                })?;
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
        checked.map_err(|e| Some(Outcome::Failed(e.kind(), e.to_string())))?;
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
    pub(super) async fn look_at(&self, index: usize) -> Result<(u64, &'static str), Outcome> {
        let failed = |m: String| Outcome::Failed(FailureKind::Image, m);
        let probe = self
            .env
            .images
            .probe(index)
            .await
            .map_err(|why| failed(format!("cannot read the file: {why}")))?;
        let limit = source_limit(self.env.prep.is_some());
        let media = check_start_within(probe.size, &probe.head, limit)
            .map_err(|e| Outcome::Failed(e.kind(), e.to_string()))?;
        Ok((probe.size, media))
    }

    /// A handle on a picked image.
    pub(super) async fn read(&self, index: usize) -> Result<ImageData, Outcome> {
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
    pub(super) async fn hash(&self, image: &ImageData) -> Result<String, Outcome> {
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
    pub(super) async fn render(
        &self,
        index: usize,
    ) -> Result<(ImageData, &'static str, String), Outcome> {
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
}
