//! Reading picked or dropped files, and the engine's [`ImageSource`] over
//! them.

use super::error::WebError;
use crate::core::ports::{ImageSource, LocalBoxFuture, Probe, PROBE_HEAD_BYTES};
use std::cell::RefCell;
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

/// A batch's images as browser `File`s. Each load reads the file afresh
/// into a new buffer that the engine drops as soon as the request is built;
/// `release` drops this source's handle on each finished file. (It makes no
/// object URLs; previews for the review screen will, and release them here.)
pub struct FileSource {
    names: Vec<String>,
    files: RefCell<Vec<Option<web_sys::File>>>,
    /// Each file's size and time stamp once read (`File.size` of a picked
    /// file asks the browser process: slow enough that 5,000 of them block
    /// the page).
    sizes: RefCell<Vec<Option<(f64, f64)>>>,
}

impl FileSource {
    /// A source over `files`, in order. Names are the files' relative paths
    /// when picked from a folder, else their names.
    pub fn new(files: Vec<web_sys::File>) -> Self {
        let names = files.iter().map(path_of).collect();
        let sizes = RefCell::new(vec![None; files.len()]);
        FileSource {
            names,
            files: RefCell::new(files.into_iter().map(Some).collect()),
            sizes,
        }
    }

    /// A source whose files are named by the batch (a resume: the files
    /// come from storage or are picked again, and some may be missing;
    /// missing ones are never sent, see `core::session::resume_run`).
    pub fn named(names: Vec<String>, files: Vec<Option<web_sys::File>>) -> Self {
        FileSource {
            names,
            sizes: RefCell::new(vec![None; files.len()]),
            files: RefCell::new(files),
        }
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

    fn size_of(&self, i: usize) -> f64 {
        self.stat(i).0
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

    /// The bytes of all the files held.
    pub fn total_size(&self) -> f64 {
        (0..self.names.len()).map(|i| self.size_of(i)).sum()
    }

    /// The batch's record of each file: name, size, time stamp.
    pub fn entries(&self) -> Vec<crate::core::session::FileEntry> {
        (0..self.names.len())
            .map(|i| {
                let (size, last_modified) = self.stat(i);
                crate::core::session::FileEntry {
                    name: self.names[i].clone(),
                    size: size as u64,
                    last_modified,
                }
            })
            .collect()
    }

    /// The files still held, with their index.
    pub fn files(&self) -> Vec<(usize, web_sys::File)> {
        let files = self.files.borrow();
        files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((i, f.clone()?)))
            .collect()
    }

    pub fn held(&self) -> usize {
        self.files.borrow().iter().filter(|f| f.is_some()).count()
    }
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
    fn probe(&self, i: usize) -> LocalBoxFuture<'_, Result<Probe, String>> {
        let file = self.files.borrow().get(i).cloned().flatten();
        let size = self.size_of(i);
        Box::pin(async move {
            let file = file.ok_or_else(|| "the file was already released".to_string())?;
            let head = file
                .slice_with_f64_and_f64(0.0, PROBE_HEAD_BYTES as f64)
                .map_err(|e| WebError::js("reading the start of the file", e).to_string())?;
            let head = read_bytes(&head).await.map_err(|e| e.to_string())?;
            let size = if size.is_finite() && size >= 0.0 {
                size as u64
            } else {
                0
            };
            Ok(Probe { size, head })
        })
    }
    fn load(&self, i: usize) -> LocalBoxFuture<'_, Result<Vec<u8>, String>> {
        let file = self.files.borrow().get(i).cloned().flatten();
        Box::pin(async move {
            let file = file.ok_or_else(|| "the file was already released".to_string())?;
            read_bytes(&file).await.map_err(|e| e.to_string())
        })
    }
    fn release(&self, finished: &[usize]) -> usize {
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
    keyed.sort_by(|a, b| crate::core::path_hints::natural_cmp(&a.0, &b.0));
    keyed.into_iter().map(|(_, f)| f).collect()
}

/// A `File` made of `bytes` (an image carried in a session file).
pub fn file_from_bytes(name: &str, bytes: &[u8]) -> Result<web_sys::File, WebError> {
    let data = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&data);
    web_sys::File::new_with_u8_array_sequence(&parts, name)
        .map_err(|e| WebError::js("rebuilding an image", e))
}
