//! PDF scans as input: each page is one ballot. Pure rules only: what is a
//! PDF, how a page's row is named, when a rendered page is blank, and how
//! the pages of one document share its file when a batch is resumed. The
//! drawing itself is in `web::pdf` (Mozilla's PDF.js in a worker).

use crate::core::engine::progress::FailureKind;

/// Whether `head` (a file's first bytes) is a PDF: `%PDF-` within the
/// first kilobyte, as readers accept it.
pub fn is_pdf(head: &[u8]) -> bool {
    let head = &head[..head.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Largest PDF accepted: PDF.js holds the whole file while its pages are
/// drawn (one at a time).
pub const MAX_PDF_BYTES: u64 = 300 * 1024 * 1024;

/// The resolution pages are drawn at, dots per inch: the Python tool used
/// 150; up to 200 for small handwriting.
pub const DPI_RANGE: std::ops::RangeInclusive<u32> = 150..=200;

/// The default drawing resolution.
pub const DEFAULT_DPI: u32 = 150;

/// What separates a PDF's path from its page in a row's name.
const PAGE_MARK: &str = " · หน้า ";

/// The row name of page `page` of the PDF at `path`:
/// `scan.pdf · หน้า 3 / page 3`.
pub fn page_name(path: &str, page: u32) -> String {
    format!("{path}{PAGE_MARK}{page} / page {page}")
}

/// A row name split into the file's path and its page, if it names one.
pub fn split_page_name(name: &str) -> (&str, Option<u32>) {
    let Some((path, rest)) = name.rsplit_once(PAGE_MARK) else {
        return (name, None);
    };
    let page = rest
        .split_once(" / page ")
        .filter(|(a, b)| a == b)
        .and_then(|(a, _)| a.parse().ok());
    match page {
        Some(p) => (path, Some(p)),
        None => (name, None),
    }
}

/// Neighbouring pixels this far apart (of 255) make an edge: the side of
/// a stroke, a line or a letter, whatever the paper's shade.
const EDGE_CONTRAST: u8 = 24;

/// A page is blank when fewer than one pixel in this many is on an edge.
const BLANK_BELOW_ONE_IN: usize = 1000;

/// Whether a drawn page is blank: uniform, with almost no edges (the sides
/// of strokes, lines, letters). `gray` is a small grayscale copy of the page
/// (one byte a pixel, `width` pixels a row, sampled rather than averaged so
/// thin strokes keep their contrast). Uniformity, not darkness: a form
/// photographed in dim light is dark all over but full of edges, and is
/// sent; an empty white or black page, or one with only a soft shadow or
/// scanner noise across it, is not. The outer 2 % of each side is left
/// out: a scanner's dark border or the page's edge is no writing.
/// Conservative: a stamp or a few written words are enough to send it.
pub fn looks_blank(gray: &[u8], width: usize) -> bool {
    if gray.is_empty() || width == 0 {
        return true;
    }
    let height = gray.len() / width;
    let (mx, my) = (margin(width), margin(height));
    let inside = |i: usize| {
        let (x, y) = (i % width, i / width);
        x >= mx && x + mx < width && y >= my && y + my < height
    };
    let edge = |a: u8, b: u8| a.abs_diff(b) >= EDGE_CONTRAST;
    let edges = (0..width * height)
        .filter(|&i| inside(i))
        .filter(|&i| {
            let v = gray[i];
            let right = (i % width + 1 < width).then(|| gray[i + 1]);
            let below = gray.get(i + width).copied();
            right.is_some_and(|r| edge(v, r)) || below.is_some_and(|b| edge(v, b))
        })
        .count();
    let area = (width - 2 * mx) * (height.saturating_sub(2 * my));
    edges * BLANK_BELOW_ONE_IN < area.max(1)
}

/// Pixels left out at each side of a row or column of `n`: 2 %, at least
/// one where there is room.
fn margin(n: usize) -> usize {
    if n < 5 {
        0
    } else {
        (n / 50).max(1)
    }
}

/// Why a page of a PDF could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// The PDF asks for a password to open.
    #[error("the PDF is protected by a password: open it, print it to a new PDF without a password, and pick that one")]
    Locked,
    /// Not a PDF that can be opened (truncated, damaged).
    #[error("the PDF is damaged and cannot be opened ({0})")]
    Damaged(String),
    /// The document opened but this page did not draw.
    #[error("this page of the PDF could not be drawn ({0})")]
    Page(String),
    /// This browser cannot draw PDFs (no worker, PDF.js missing).
    #[error("this browser cannot open PDFs here ({0})")]
    Unavailable(String),
}

impl PageError {
    /// The row's failure kind.
    pub fn kind(&self) -> FailureKind {
        match self {
            PageError::Locked => FailureKind::PdfLocked,
            PageError::Damaged(_) => FailureKind::PdfDamaged,
            PageError::Page(_) | PageError::Unavailable(_) => FailureKind::PageFailed,
        }
    }
}

/// For a resumed batch whose files were kept once per document: gives
/// every page of a document the file kept for any of its pages. `pages`
/// names each item's document (its path and size) when it is a page.
pub fn share_document_files<T: Clone>(pages: &[Option<(&str, u64)>], slots: &mut [Option<T>]) {
    for i in 0..slots.len().min(pages.len()) {
        let Some(doc) = pages[i] else { continue };
        if slots[i].is_some() {
            continue;
        }
        let found = (0..pages.len())
            .filter(|&j| pages[j] == Some(doc))
            .find_map(|j| slots.get(j).cloned().flatten());
        slots[i] = found;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdfs_are_known_by_their_start() {
        assert!(is_pdf(b"%PDF-1.7\n%\xe2\xe3"));
        assert!(is_pdf(b"\xef\xbb\xbf  %PDF-1.4")); // junk before the header
        assert!(!is_pdf(b"\x89PNG\r\n"));
        assert!(!is_pdf(b""));
        let mut late = vec![b' '; 2000];
        late.extend_from_slice(b"%PDF-1.4");
        assert!(!is_pdf(&late));
    }

    #[test]
    fn page_names_read_back() {
        let name = page_name("เขต 1/scan.pdf", 3);
        assert_eq!(name, "เขต 1/scan.pdf · หน้า 3 / page 3");
        assert_eq!(split_page_name(&name), ("เขต 1/scan.pdf", Some(3)));
        assert_eq!(split_page_name("scan.png"), ("scan.png", None));
        assert_eq!(
            split_page_name("a · หน้า 3 / page 4"),
            ("a · หน้า 3 / page 4", None)
        );
        assert_eq!(split_page_name("a · หน้า x / page x").1, None);
    }

    fn page(w: usize, h: usize, paper: u8, marks: &[(usize, usize)], ink: u8) -> Vec<u8> {
        let mut g = vec![paper; w * h];
        for &(x, y) in marks {
            g[y * w + x] = ink;
        }
        g
    }

    /// A grid of ruled lines every 20 pixels, as a form's table.
    fn grid(w: usize, h: usize) -> Vec<(usize, usize)> {
        (0..w * h)
            .map(|i| (i % w, i / w))
            .filter(|(x, y)| x % 20 == 0 || y % 20 == 0)
            .collect()
    }

    #[test]
    fn blank_pages_table() {
        let (w, h) = (180, 256);
        let noisy = |base: u8| -> Vec<u8> {
            (0..w * h)
                .map(|i| base.saturating_add((i * 7 % 9) as u8))
                .collect()
        };
        // A soft shadow from left to right: 255 down to 155, no edges.
        let shadow: Vec<u8> = (0..w * h).map(|i| 255 - (i % w * 100 / w) as u8).collect();
        let few = |n: usize| (0..n).map(|i| (i % w, 100 + i / w)).collect::<Vec<_>>();
        let cases: &[(&str, Vec<u8>, bool)] = &[
            ("empty", vec![], true),
            ("white", page(w, h, 255, &[], 0), true),
            ("grey paper", page(w, h, 200, &[], 0), true),
            ("black", page(w, h, 0, &[], 0), true),
            ("paper noise", noisy(236), true),
            ("black with noise", noisy(2), true),
            ("a shadow across a white page", shadow, true),
            (
                "a white page with a scanner's dark border",
                {
                    let border: Vec<(usize, usize)> = (0..w * h)
                        .map(|i| (i % w, i / w))
                        .filter(|&(x, y)| x < 2 || x >= w - 2 || y < 2 || y >= h - 2)
                        .collect();
                    page(w, h, 250, &border, 10)
                },
                true,
            ),
            ("a speck of dust", page(w, h, 250, &few(20), 20), true),
            ("a few words", page(w, h, 250, &few(60), 20), false),
            ("a form", page(w, h, 240, &grid(w, h), 20), false),
            (
                "dark scan of a form",
                page(w, h, 120, &few(3000), 20),
                false,
            ),
            (
                "a form in dim light: dark all over, its lines darker still",
                page(w, h, 70, &grid(w, h), 40),
                false,
            ),
            (
                "more than half of it dark, written on",
                {
                    let mut g = page(w, h, 60, &grid(w, h), 25);
                    g[..w * 60].fill(230);
                    g
                },
                false,
            ),
            (
                "light lines on a black page",
                page(w, h, 10, &grid(w, h), 200),
                false,
            ),
        ];
        for (what, gray, blank) in cases {
            assert_eq!(looks_blank(gray, w), *blank, "{what}");
        }
        assert!(looks_blank(&[0, 255], 0), "no width: nothing to judge");
    }

    #[test]
    fn page_errors_have_their_kind() {
        assert_eq!(PageError::Locked.kind(), FailureKind::PdfLocked);
        assert_eq!(
            PageError::Damaged("x".into()).kind(),
            FailureKind::PdfDamaged
        );
        assert_eq!(PageError::Page("x".into()).kind(), FailureKind::PageFailed);
        assert!(PageError::Locked.to_string().contains("password"));
    }

    #[test]
    fn pages_share_their_document_file() {
        let pages = [
            Some(("a.pdf", 10)),
            Some(("a.pdf", 10)),
            None,
            Some(("b.pdf", 5)),
            Some(("b.pdf", 5)),
        ];
        let mut slots = [Some('a'), None, Some('x'), None, Some('b')];
        share_document_files(&pages, &mut slots);
        assert_eq!(
            slots,
            [Some('a'), Some('a'), Some('x'), Some('b'), Some('b')]
        );
        let mut none: [Option<char>; 2] = [None, None];
        share_document_files(&pages[..2], &mut none);
        assert_eq!(none, [None, None]);
    }
}
