//! Benchmarks of the batch engine in headless Chromium against the OCR
//! simulator. Not part of `make test`: `scripts/bench` runs each test in a
//! fresh browser session (so memory runs do not share a high-water mark)
//! with `--nocapture` and collects the `key=value` lines they print.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use tallyscan::core::api::provider::ApiKind;
use tallyscan::core::domain::rng::SplitMix64;
use tallyscan::core::engine::batch::{BatchOptions, BatchResult, Concurrency};
use tallyscan::core::engine::control::Control;
use tallyscan::core::engine::rate_limit::Quota;
use tallyscan::web::files::FileSource;
use tallyscan::web::timer;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::*;

async fn run(source: &FileSource, opts: &BatchOptions) -> BatchResult {
    let settings = settings_for(sim_url(), ApiKind::OpenAiCompatible);
    run_in_browser(source, &settings, opts, &Control::new()).await
}

/// 200 ballots at 2/s, burst 1, simulator latency uniform 2-6 s; the
/// simulator's own bucket: same rate, burst one larger.
async fn throughput(concurrency: Concurrency) -> (f64, u64) {
    sim_post(
        "/_sim/scenario",
        r#"{"seed":7,"latency_ms":[2000,6000],"rate_limit":{"rate":2.0,"burst":2}}"#,
    )
    .await;
    let source = FileSource::new((0..200).map(png_file).collect());
    let opts = BatchOptions {
        quota: Quota::new(2.0, 1),
        concurrency,
        ..BatchOptions::default()
    };
    let r = run(&source, &opts).await;
    assert_eq!(r.results.len(), 200, "{:?}", r.errors.first());
    let log = sim_log().await;
    let times: Vec<f64> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"].as_str().unwrap_or("").contains("/v1/"))
        .map(|e| e["at_ms"].as_f64().unwrap())
        .collect();
    let span_s = (times[times.len() - 1] - times[0]) / 1000.0;
    let ratio = (times.len() - 1) as f64 / span_s / 2.0;
    (ratio, log["violations"].as_u64().unwrap_or(u64::MAX))
}

#[wasm_bindgen_test]
async fn bench_throughput_auto() {
    let (ratio, violations) = throughput(Concurrency::auto_for(sim_url())).await;
    console_log!("throughput_ratio={ratio:.3}");
    console_log!("rate_violations={violations}");
}

#[wasm_bindgen_test]
async fn bench_throughput_fixed5() {
    let (ratio, violations) = throughput(Concurrency::Fixed(5)).await;
    console_log!("throughput_ratio_fixed5={ratio:.3}");
    console_log!("rate_violations_fixed5={violations}");
}

/// JS heap (precise with --enable-precise-memory-info) + wasm linear memory, in bytes.
fn memory_bytes() -> f64 {
    let (heap, wasm) = memory_parts();
    heap + wasm
}

fn memory_parts() -> (f64, f64) {
    let heap = web_sys::window()
        .and_then(|w| w.performance())
        .and_then(|p| js_sys::Reflect::get(&p, &"memory".into()).ok())
        .and_then(|m| js_sys::Reflect::get(&m, &"usedJSHeapSize".into()).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    let wasm = js_sys::Reflect::get(&wasm_bindgen::memory(), &"buffer".into())
        .ok()
        .and_then(|b| js_sys::Reflect::get(&b, &"byteLength".into()).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    (heap, wasm)
}

/// `n` files of about 4 MB: a PNG signature, a unique tag, and a shared
/// 4 MB random blob (referenced, not copied, by each File).
fn big_files(n: usize) -> Vec<web_sys::File> {
    let mut rng = SplitMix64::new(11);
    let mut noise = vec![0u8; 4 * 1024 * 1024];
    for chunk in noise.chunks_mut(8) {
        let r = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&r[..chunk.len()]);
    }
    let base = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(
        &js_sys::Uint8Array::from(&noise[..]),
    ))
    .unwrap();
    drop(noise);
    (0..n)
        .map(|i| {
            let mut head = b"\x89PNG\r\n\x1a\n".to_vec();
            head.extend_from_slice(format!("memory image {i};").as_bytes());
            let parts = js_sys::Array::of2(&js_sys::Uint8Array::from(&head[..]), &base);
            web_sys::File::new_with_blob_sequence(
                &JsValue::from(parts),
                &format!("scan_{i:03}.png"),
            )
            .unwrap()
        })
        .collect()
}

async fn memory_run(n: usize) -> (f64, u32) {
    assert_eq!(
        200,
        sim_post("/_sim/scenario", r#"{"seed":3,"latency_ms":[50,150]}"#).await
    );
    let source = FileSource::new(big_files(n));
    let peak = std::rc::Rc::new(std::cell::Cell::new(memory_bytes()));
    let done = std::rc::Rc::new(std::cell::Cell::new(false));
    let samples = std::rc::Rc::new(std::cell::RefCell::new(Vec::<(f64, f64)>::new()));
    {
        let (peak, done, samples) = (peak.clone(), done.clone(), samples.clone());
        wasm_bindgen_futures::spawn_local(async move {
            while !done.get() {
                let m = memory_bytes();
                peak.set(peak.get().max(m));
                samples.borrow_mut().push((timer::now_ms(), m));
                timer::sleep(Duration::from_millis(20)).await;
            }
        });
    }
    let opts = BatchOptions {
        quota: Quota::new(20.0, 2),
        ..BatchOptions::default()
    };
    let r = run(&source, &opts).await;
    done.set(true);
    peak.set(peak.get().max(memory_bytes()));
    assert_eq!(r.results.len(), n, "{:?}", r.errors.first());
    // Diagnostics: the peak in each fifth of the run, to tell growth from GC timing.
    let samples = samples.borrow();
    if let (Some(first), Some(last)) = (samples.first(), samples.last()) {
        let span = (last.0 - first.0).max(1.0);
        let mut fifths = [0f64; 5];
        for (t, m) in samples.iter() {
            let k = (((t - first.0) / span) * 5.0).min(4.0) as usize;
            fifths[k] = fifths[k].max(*m / 1048576.0);
        }
        console_log!(
            "diag: memory peaks by fifth of the {n} run (MB): {:.0?}",
            fifths
        );
    }
    let (heap, wasm) = memory_parts();
    console_log!("memory_end_js_heap_mb_{n}={:.1}", heap / 1048576.0);
    console_log!("memory_end_wasm_mb_{n}={:.1}", wasm / 1048576.0);
    (peak.get() / (1024.0 * 1024.0), r.memory_cleanups)
}

#[wasm_bindgen_test]
async fn bench_memory_100() {
    let (mb, _) = memory_run(100).await;
    console_log!("memory_peak_mb_100={mb:.1}");
}

#[wasm_bindgen_test]
async fn bench_memory_500() {
    let (mb, cleanups) = memory_run(500).await;
    console_log!("memory_peak_mb_500={mb:.1}");
    console_log!("memory_cleanups={cleanups}");
}

/// A scan-like A4 page at 300 dpi (2480 × 3509): paper with grain, a form's
/// grid, handwritten-looking digits, as a PNG the browser writes.
async fn scan_png(seed: u64) -> Vec<u8> {
    use wasm_bindgen::JsCast;
    let (w, h) = (2480u32, 3509u32);
    let canvas = web_sys::OffscreenCanvas::new(w, h).unwrap();
    let ctx: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let mut rng = SplitMix64::new(seed);
    // Paper grain: light grey noise.
    let mut px = vec![0u8; (w * h * 4) as usize];
    for p in px.chunks_mut(4) {
        let v = 236 + (rng.next_u64() % 14) as u8;
        p.copy_from_slice(&[v, v, v.saturating_sub(3), 255]);
    }
    let data =
        web_sys::ImageData::new_with_u8_clamped_array(wasm_bindgen::Clamped(&px), w).unwrap();
    ctx.put_image_data(&data, 0.0, 0.0).unwrap();
    drop(px);
    ctx.set_stroke_style_str("#222");
    ctx.set_line_width(3.0);
    for row in 0..40 {
        let y = 500.0 + f64::from(row) * 70.0;
        ctx.stroke_rect(200.0, y, 2080.0, 70.0);
    }
    ctx.set_fill_style_str("#1a3d8f");
    ctx.set_font("48px cursive");
    for row in 0..40 {
        let y = 550.0 + f64::from(row) * 70.0;
        let n = rng.next_u64() % 1000;
        ctx.fill_text(&format!("{row}   {n}   {n} votes"), 260.0, y)
            .unwrap();
    }
    let opts = web_sys::ImageEncodeOptions::new();
    opts.set_type("image/png");
    let blob =
        wasm_bindgen_futures::JsFuture::from(canvas.convert_to_blob_with_options(&opts).unwrap())
            .await
            .unwrap();
    tallyscan::web::files::read_bytes(&blob.dyn_into().unwrap())
        .await
        .unwrap()
}

/// Preparing one 2480 × 3509 scan (decode, downscale, JPEG), 15 times:
/// p50 and p95 of the time it takes, and source ÷ sent bytes.
#[wasm_bindgen_test]
async fn bench_prep() {
    use tallyscan::core::engine::ports::ImagePrep;
    let prep = tallyscan::web::image_prep::WorkerPrep::from_source(Default::default()).unwrap();
    let mut ms = Vec::new();
    let (mut source, mut sent) = (0usize, 0usize);
    for i in 0..15u64 {
        let png = scan_png(i).await;
        source += png.len();
        let t0 = timer::now_ms();
        let p = prep
            .prepare(
                tallyscan::core::engine::ports::ImageData::from_bytes(png),
                "image/png",
            )
            .await
            .unwrap();
        ms.push(timer::now_ms() - t0);
        sent += p.image.size() as usize;
    }
    ms.sort_by(f64::total_cmp);
    console_log!("prep_ms_p50={:.0}", ms[ms.len() / 2]);
    console_log!("prep_ms_p95={:.0}", ms[(ms.len() * 95).div_ceil(100) - 1]);
    console_log!(
        "bench: prep source {:.1} MB a scan, sent {:.0} KB",
        source as f64 / 15.0 / 1048576.0,
        sent as f64 / 15.0 / 1024.0
    );
    console_log!("prep_bytes_ratio={:.2}", source as f64 / sent.max(1) as f64);
}
