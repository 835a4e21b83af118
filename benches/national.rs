//! The coordinator's national picture natively, over the forms
//! `couch/generate.mjs --dump` writes (every constituency, corrections,
//! conflicts, documents that do not parse; written from the wire format,
//! not by the code under test): the bytes it holds a form, counted by the
//! allocator, and the time to count them, in pages of 500 as a first load
//! takes them. Reads the file named by `NATIONAL_CORPUS`. Prints
//! `key=value` lines:
//!   national_forms             documents read (those that parse)
//!   national_bytes_per_form    held once all are counted (goal <= 1,500)
//!   national_apply_us_per_form counting them, natively
// A counting allocator needs `unsafe impl GlobalAlloc` (this bench only).
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::sync::doc::FormDoc;
use tallyscan::core::sync::national::National;

/// The system allocator, counting the bytes allocated and not yet freed.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size(), Relaxed);
        // SAFETY: as the caller's contract for `alloc`.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Relaxed);
        // SAFETY: as the caller's contract for `dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let Some(path) = std::env::var_os("NATIONAL_CORPUS") else {
        eprintln!("national: set NATIONAL_CORPUS to a file made by couch/generate.mjs --dump");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("national: {}: {e}", path.to_string_lossy());
            std::process::exit(2);
        }
    };
    let registry = Registry::builtin();
    let mut lines = text.lines();
    let before = HELD.load(Relaxed);
    let mut national = National::new();
    let (mut forms, mut busy) = (0usize, std::time::Duration::ZERO);
    loop {
        let page: Vec<FormDoc> = lines
            .by_ref()
            .take(500)
            .filter_map(|l| FormDoc::from_text(l).ok())
            .collect();
        if page.is_empty() {
            break;
        }
        forms += page.len();
        let t = std::time::Instant::now();
        national.apply(page, &registry);
        busy += t.elapsed();
    }
    let held = HELD.load(Relaxed).saturating_sub(before);
    println!("national_forms={forms}");
    println!("national_bytes_per_form={}", held / forms.max(1));
    println!(
        "national_apply_us_per_form={:.1}",
        busy.as_secs_f64() * 1e6 / forms.max(1) as f64
    );
    std::hint::black_box(&national);
}
