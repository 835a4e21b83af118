//! Reading picked or dropped files, and the engine's [`ImageSource`] over
//! them.

use super::blob_image::BlobImage;
use super::error::WebError;
use crate::core::device::session::FileEntry;
use crate::core::engine::ports::{
    ImageData, ImageSource, LocalBoxFuture, PortError, Probe, Rendered, PROBE_HEAD_BYTES,
};
use crate::core::read::pdf::PageError;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen_futures::JsFuture;

/// The files of an `<input type=file>` or a drop, in order.
pub fn file_list(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The whole content of a file.
pub async fn read_bytes(file: &web_sys::Blob) -> Result<Vec<u8>, WebError> {
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| WebError::js("reading the file", e))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// The whole content of a file as text (UTF-8; invalid bytes replaced).
pub async fn read_text(file: &web_sys::Blob) -> Result<String, WebError> {
    read_bytes(file)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// A batch's images as browser `File`s: one item per image, and one per
/// page of each PDF (its items share the PDF's `File`). A load hands the
/// `File` itself to the engine (which gives it to the preparation worker
/// and lets go of it once prepared); a page is drawn right before it is
/// prepared; `release` drops this source's handle on each finished item
/// and restarts the PDF worker, so its heap goes back to the system.
pub struct FileSource {
    names: Vec<String>,
    files: RefCell<Vec<Option<web_sys::File>>>,
    /// Each file's size and time stamp once read (`File.size` of a picked
    /// file asks the browser process: slow enough that 5,000 of them block
    /// the page).
    sizes: RefCell<Vec<Option<(f64, f64)>>>,
    /// For each item that is a page of a PDF: the page and its document.
    pages: Vec<Option<PageOf>>,
    /// Each document's SHA-256 once hashed, by document.
    hashes: RefCell<HashMap<usize, String>>,
    /// Names this source's documents in the PDF worker.
    key: u64,
    /// The resolution pages are drawn at.
    dpi: u32,
}

/// Page `page` of document `doc` (documents are numbered per source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PageOf {
    page: u32,
    doc: usize,
}

thread_local! {
    static NEXT_KEY: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn next_key() -> u64 {
    NEXT_KEY.with(|k| {
        k.set(k.get() + 1);
        k.get()
    })
}

/// Whether a picked file is a PDF (by its first bytes; a file the browser
/// types as an image is not read for it, so picking thousands of photos
/// reads nothing more).
pub async fn is_pdf_file(f: &web_sys::File) -> bool {
    if f.type_().starts_with("image/") {
        return false;
    }
    let Ok(head) = f.slice_with_f64_and_f64(0.0, 1024.0) else {
        return false;
    };
    read_bytes(&head)
        .await
        .is_ok_and(|h| crate::core::read::pdf::is_pdf(&h))
}

impl FileSource {
    /// A source over `files`, in order, one item each. Names are the
    /// files' relative paths when picked from a folder, else their names.
    pub fn new(files: Vec<web_sys::File>) -> Self {
        let names = files.iter().map(path_of).collect();
        let pages = vec![None; files.len()];
        Self::build(names, files.into_iter().map(Some).collect(), pages)
    }

    fn build(
        names: Vec<String>,
        files: Vec<Option<web_sys::File>>,
        pages: Vec<Option<PageOf>>,
    ) -> Self {
        FileSource {
            names,
            sizes: RefCell::new(vec![None; files.len()]),
            files: RefCell::new(files),
            pages,
            hashes: RefCell::default(),
            key: next_key(),
            dpi: crate::core::read::pdf::DEFAULT_DPI,
        }
    }

    /// A source over `files` where each PDF is one item per page (its
    /// pages counted by the PDF worker, started now if it is the first
    /// PDF). A PDF that cannot be opened is one item, which fails with
    /// why when its turn comes.
    pub async fn open(files: Vec<web_sys::File>, dpi: u32) -> Self {
        let (mut names, mut slots, mut pages) = (Vec::new(), Vec::new(), Vec::new());
        let key = next_key();
        for (doc, f) in files.into_iter().enumerate() {
            let path = path_of(&f);
            let count = match is_pdf_file(&f).await {
                false => None,
                true => Some(count_pages(key, doc, &f).await),
            };
            match count {
                None => {
                    names.push(path);
                    pages.push(None);
                    slots.push(Some(f));
                }
                Some(n) => {
                    for page in 1..=n.max(1) {
                        let name = match n {
                            0 => path.clone(),
                            _ => crate::core::read::pdf::page_name(&path, page),
                        };
                        names.push(name);
                        pages.push(Some(PageOf { page, doc }));
                        slots.push(Some(f.clone()));
                    }
                }
            }
        }
        let mut source = Self::build(names, slots, pages);
        source.key = key;
        source.dpi = dpi.clamp(
            *crate::core::read::pdf::DPI_RANGE.start(),
            *crate::core::read::pdf::DPI_RANGE.end(),
        );
        source
    }

    /// A source for a batch's entries (a resume: the files come from
    /// storage or are picked again, and some may be missing; missing ones
    /// are never sent, see `core::device::session::resume_run`). A PDF's file,
    /// found for one of its pages, serves them all.
    pub fn named(entries: &[FileEntry], mut files: Vec<Option<web_sys::File>>, dpi: u32) -> Self {
        let docs: Vec<Option<(&str, u64)>> = entries
            .iter()
            .map(|e| e.page.map(|_| (e.file_name(), e.size)))
            .collect();
        crate::core::read::pdf::share_document_files(&docs, &mut files);
        let pages = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let doc = docs.iter().position(|d| d.is_some() && *d == docs[i]);
                Some(PageOf {
                    page: e.page?,
                    doc: doc?,
                })
            })
            .collect();
        let names = entries.iter().map(|e| e.name.clone()).collect();
        let mut source = Self::build(names, files, pages);
        source.dpi = dpi;
        source
    }

    /// File `i`'s size in bytes and time stamp (0 when it is not held),
    /// read once.
    fn stat(&self, i: usize) -> (f64, f64) {
        if let Some(Some(s)) = self.sizes.borrow().get(i) {
            return *s;
        }
        let stat = self
            .files
            .borrow()
            .get(i)
            .and_then(|f| f.as_ref().map(|f| (f.size(), f.last_modified())))
            .map(|(size, at)| {
                let ok = |v: f64| if v.is_finite() && v >= 0.0 { v } else { 0.0 };
                (ok(size), ok(at))
            })
            .unwrap_or_default();
        if let Some(slot) = self.sizes.borrow_mut().get_mut(i) {
            *slot = Some(stat);
        }
        stat
    }

    /// Reads every file's size and time stamp in slices of a few
    /// milliseconds, letting the page draw in between (one `File.size`
    /// can take a millisecond), so that no later step blocks on them.
    pub async fn measure(&self) {
        const SLICE_MS: f64 = 8.0;
        let mut from = super::timer::now_ms();
        for i in 0..self.names.len() {
            self.stat(i);
            if super::timer::now_ms() - from > SLICE_MS {
                super::timer::sleep(std::time::Duration::ZERO).await;
                from = super::timer::now_ms();
            }
        }
    }

    /// Whether item `i` is a page after the first of its document (its
    /// file is counted and kept with the first).
    fn later_page(&self, i: usize) -> bool {
        let Some(Some(p)) = self.pages.get(i) else {
            return false;
        };
        self.pages[..i]
            .iter()
            .any(|q| q.is_some_and(|q| q.doc == p.doc))
    }

    /// The bytes of all the files held (a PDF once).
    pub fn total_size(&self) -> f64 {
        (0..self.names.len())
            .filter(|&i| !self.later_page(i))
            .map(|i| self.stat(i).0)
            .sum()
    }

    /// The batch's record of each item: name, size, time stamp, page.
    pub fn entries(&self) -> Vec<FileEntry> {
        (0..self.names.len())
            .map(|i| {
                let (size, last_modified) = self.stat(i);
                FileEntry {
                    name: self.names[i].clone(),
                    size: size as u64,
                    last_modified,
                    page: self.page(i),
                }
            })
            .collect()
    }

    /// The files still held, with their item's index: each file once (a
    /// PDF with its first page).
    pub fn files(&self) -> Vec<(usize, web_sys::File)> {
        let files = self.files.borrow();
        files
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.later_page(*i))
            .filter_map(|(i, f)| Some((i, f.clone()?)))
            .collect()
    }

    pub fn held(&self) -> usize {
        self.files.borrow().iter().filter(|f| f.is_some()).count()
    }

    /// Item `i` as an image to look at: the picked image, or the page of
    /// the PDF drawn now.
    pub async fn preview(&self, i: usize) -> Option<web_sys::File> {
        let file = self.files.borrow().get(i).cloned().flatten()?;
        // A page kept as the image it was sent as is that image.
        let kept_page = file.type_().starts_with("image/");
        let Some(Some(p)) = self.pages.get(i).copied().filter(|_| !kept_page) else {
            return Some(file);
        };
        let worker = super::pdf::PdfWorker::shared().ok()?;
        let drawn = worker
            .render(&self.doc_key(p.doc), &file, p.page, self.dpi)
            .await
            .ok()?;
        let parts = js_sys::Array::of1(&drawn.image);
        let bag = web_sys::FilePropertyBag::new();
        bag.set_type("image/jpeg");
        web_sys::File::new_with_blob_sequence_and_options(&parts, &self.names[i], &bag).ok()
    }

    fn doc_key(&self, doc: usize) -> String {
        format!("{}/{doc}", self.key)
    }

    /// The SHA-256 of document `doc` (the file `f`), hashed once, read in
    /// slices so neither the page nor memory holds the whole PDF at once.
    async fn document_sha256(&self, doc: usize, f: &web_sys::File) -> Result<String, String> {
        if let Some(h) = self.hashes.borrow().get(&doc) {
            return Ok(h.clone());
        }
        let h = super::blob_image::sha256_sliced(f)
            .await
            .map_err(|e| e.to_string())?;
        self.hashes.borrow_mut().insert(doc, h.clone());
        Ok(h)
    }

    async fn draw(&self, i: usize) -> Result<Rendered, PageError> {
        let (Some(file), Some(Some(p))) = (
            self.files.borrow().get(i).cloned().flatten(),
            self.pages.get(i).copied(),
        ) else {
            return Err(PageError::Unavailable(
                "the file was already released".into(),
            ));
        };
        check_pdf_size(&file)?;
        let worker = super::pdf::PdfWorker::shared()?;
        let drawn = worker
            .render(&self.doc_key(p.doc), &file, p.page, self.dpi)
            .await?;
        let document_sha256 = self
            .document_sha256(p.doc, &file)
            .await
            .map_err(PageError::Unavailable)?;
        Ok(Rendered {
            image: ImageData::new(BlobImage(drawn.image)),
            media: "image/jpeg",
            gray: drawn.gray,
            gray_width: drawn.gray_width,
            document_sha256,
        })
    }
}

/// PDF.js holds the whole file while its pages are drawn: a PDF above
/// [`MAX_PDF_BYTES`](crate::core::read::pdf::MAX_PDF_BYTES) is not opened.
fn check_pdf_size(f: &web_sys::File) -> Result<(), PageError> {
    let limit = crate::core::read::pdf::MAX_PDF_BYTES as f64;
    if f.size() > limit {
        let mb = |b: f64| (b / 1_048_576.0).round();
        return Err(PageError::Unavailable(format!(
            "the PDF is too large to open here ({} MB; the limit is {} MB): split it into smaller PDFs",
            mb(f.size()),
            mb(limit)
        )));
    }
    Ok(())
}

/// The number of pages of PDF `f` (0 when it cannot be opened: it is
/// then one item that fails with why when drawn).
async fn count_pages(key: u64, doc: usize, f: &web_sys::File) -> u32 {
    if check_pdf_size(f).is_err() {
        return 0;
    }
    let Ok(worker) = super::pdf::PdfWorker::shared() else {
        return 0;
    };
    worker.count(&format!("{key}/{doc}"), f).await.unwrap_or(0)
}

impl ImageSource for FileSource {
    fn len(&self) -> usize {
        self.names.len()
    }
    fn name(&self, i: usize) -> String {
        self.names.get(i).cloned().unwrap_or_default()
    }
    /// `File.size` and the first bytes through `Blob.slice`: the file is
    /// not read.
    fn probe(&self, i: usize) -> LocalBoxFuture<'_, Result<Probe, PortError>> {
        let file = self.files.borrow().get(i).cloned().flatten();
        let size = self.stat(i).0;
        Box::pin(async move {
            let file = file.ok_or(PortError::Released)?;
            let head = file
                .slice_with_f64_and_f64(0.0, PROBE_HEAD_BYTES as f64)
                .map_err(|e| WebError::js("reading the start of the file", e))?;
            let head = read_bytes(&head).await?;
            Ok(Probe {
                size: size as u64,
                head,
            })
        })
    }
    /// A handle on the file: nothing is read here (the preparation worker
    /// reads it).
    fn load(&self, i: usize) -> LocalBoxFuture<'_, Result<ImageData, PortError>> {
        let file = self.files.borrow().get(i).cloned().flatten();
        Box::pin(async move {
            let file = file.ok_or(PortError::Released)?;
            Ok(ImageData::new(BlobImage(file.into())))
        })
    }
    fn page(&self, i: usize) -> Option<u32> {
        self.pages.get(i).copied().flatten().map(|p| p.page)
    }
    fn render(&self, i: usize) -> LocalBoxFuture<'_, Result<Rendered, PageError>> {
        Box::pin(self.draw(i))
    }
    fn release(&self, finished: &[usize]) -> usize {
        if self.pages.iter().any(Option::is_some) {
            super::pdf::PdfWorker::recycle();
        }
        let mut files = self.files.borrow_mut();
        finished
            .iter()
            .filter(|&&i| files.get_mut(i).and_then(Option::take).is_some())
            .count()
    }
}

/// A file's path in the folder it was picked from, else its name.
pub fn path_of(f: &web_sys::File) -> String {
    // Set when picked from a folder (not in web-sys' File bindings).
    let rel = js_sys::Reflect::get(f, &"webkitRelativePath".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    if rel.is_empty() {
        f.name()
    } else {
        rel
    }
}

/// A folder's files in the order a person reads their paths
/// (`หน่วย 2` before `หน่วย 10`), whatever order the browser listed them.
pub fn in_path_order(files: Vec<web_sys::File>) -> Vec<web_sys::File> {
    let mut keyed: Vec<(String, web_sys::File)> =
        files.into_iter().map(|f| (path_of(&f), f)).collect();
    keyed.sort_by(|a, b| crate::core::read::path_hints::natural_cmp(&a.0, &b.0));
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// A `File` made of `bytes` (an image carried in a session file).
pub fn file_from_bytes(name: &str, bytes: &[u8]) -> Result<web_sys::File, WebError> {
    let data = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&data);
    web_sys::File::new_with_u8_array_sequence(&parts, name)
        .map_err(|e| WebError::js("rebuilding an image", e))
}
