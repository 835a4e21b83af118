//! Before any slot is spent: each file's size and first bytes are checked
//! ([`ImageSource::probe`]), so empty, oversized or non-image files fail at
//! once without a request; files of equal size and equal start are read and
//! hashed to find copies, which are sent once (each copy still gets its row).

use crate::core::domain::hash::sha256_hex;
use crate::core::engine::control::Control;
use crate::core::engine::ports::{ImagePrep, ImageSource};
use crate::core::engine::progress::FailureKind;
use crate::core::read::image::check_start_within;
use std::collections::BTreeMap;

/// What the survey found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Survey {
    /// Ballots to send, in order (copies left out).
    pub queue: Vec<usize>,
    /// Ballots that cannot be sent, with why.
    pub failed: Vec<(usize, FailureKind, String)>,
    /// For each ballot sent, the later files with the same content.
    pub copies: BTreeMap<usize, Vec<usize>>,
}

/// Surveys every image but those `done` in an earlier run.
pub(super) async fn survey(
    images: &dyn ImageSource,
    prep: Option<&dyn ImagePrep>,
    control: &Control,
    done: &[usize],
    limit: usize,
) -> Survey {
    let mut out = Survey::default();
    let mut by_start: BTreeMap<(u64, Vec<u8>), Vec<usize>> = BTreeMap::new();
    for i in (0..images.len()).filter(|i| !done.contains(i)) {
        if control.is_cancelled() {
            out.queue.push(i); // reported as not started
            continue;
        }
        // A PDF's page is drawn when its turn comes; a PDF that cannot
        // be opened fails then, page by page.
        if images.page(i).is_some() {
            out.queue.push(i);
            continue;
        }
        match images.probe(i).await {
            Err(why) => {
                let why = format!("cannot read the file: {why}");
                out.failed.push((i, FailureKind::Image, why))
            }
            Ok(p) => match check_start_within(p.size, &p.head, limit) {
                Err(e) => out.failed.push((i, e.kind(), e.to_string())),
                Ok(_) => {
                    out.queue.push(i);
                    by_start.entry((p.size, p.head)).or_default().push(i);
                }
            },
        }
    }
    for group in by_start.into_values().filter(|g| g.len() > 1) {
        for (first, rest) in same_content(images, prep, &group, control).await {
            out.copies.insert(first, rest);
        }
    }
    let copies: Vec<usize> = out.copies.values().flatten().copied().collect();
    out.queue.retain(|i| !copies.contains(i));
    out
}

/// Within files of equal size and start, those with the same SHA-256:
/// (first, the others), in file order.
async fn same_content(
    images: &dyn ImageSource,
    prep: Option<&dyn ImagePrep>,
    group: &[usize],
    control: &Control,
) -> Vec<(usize, Vec<usize>)> {
    let mut by_hash: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in group {
        if control.is_cancelled() {
            break;
        }
        // A file that cannot be read here fails with its reason when sent.
        let Ok(image) = images.load(i).await else {
            continue;
        };
        let hash = match (image.bytes(), prep) {
            (Some(bytes), _) => Some(sha256_hex(bytes)),
            (None, Some(prep)) => prep.sha256(image).await.ok(),
            (None, None) => None,
        };
        if let Some(hash) = hash {
            by_hash.entry(hash).or_default().push(i);
        }
    }
    by_hash
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|g| (g[0], g[1..].to_vec()))
        .collect()
}
