//! One way to run a batch in this browser, used by the app and by the
//! JavaScript API alike: the picked files opened as a source (PDFs one
//! item a page), then the engine wired to this browser's fetch, timers,
//! preparation worker and event publishing, with options from the one
//! `core::device::settings::Settings`.

use super::files::FileSource;
use super::progress_events::{PublishOptions, Publisher};
use crate::core::api::provider::ProviderSettings;
use crate::core::device::session::{Replay, ResumeRun};
use crate::core::device::settings::{origin_or_empty, Settings};
use crate::core::domain::registry::Registry;
use crate::core::engine::batch::{run_batch, BatchResult, Env};
use crate::core::engine::control::Control;
use crate::core::engine::ports::{Journal, SharedLimit};
use crate::core::engine::progress::ProgressCallback;

/// What a batch needs beyond its files.
pub struct Run<'a> {
    pub settings: &'a Settings,
    /// The first provider, checked for this page.
    pub provider: &'a ProviderSettings,
    /// The fallback provider, when one is set.
    pub fallback: Option<&'a ProviderSettings>,
    /// Who hears about progress; the events for other pages (when the
    /// settings say so) and the console are added here.
    pub progress: &'a dyn ProgressCallback,
    /// Where each finished ballot is kept before it counts (none: in
    /// memory only).
    pub journal: Option<&'a dyn Journal>,
    /// What an earlier run of this batch finished (a resume): reported
    /// again at the start, never sent again.
    pub resume: &'a ResumeRun,
}

/// The picked files as the batch's items, measured (sizes known, so the
/// preparation ahead keeps its memory bound).
pub async fn open_files(files: Vec<web_sys::File>, settings: &Settings) -> FileSource {
    let source = FileSource::open(files, settings.pdf_dpi).await;
    source.measure().await;
    source
}

/// Runs the engine over `source` until it ends or `control` cancels it.
/// Every item ends as exactly one result or error.
pub async fn run(source: &FileSource, run: Run<'_>, control: &Control) -> BatchResult {
    let s = run.settings;
    let publisher = Publisher::new(PublishOptions {
        enabled: s.publish_events,
        parent_origin: origin_or_empty(&s.embed_origin),
    })
    .callback();
    let console = super::console::ConsoleProgressCallback { verbose: s.verbose };
    let all = (run.progress, (publisher, console));
    let progress = Replay {
        inner: &all,
        rows: &run.resume.replay,
    };
    // Sent as picked or not, every image goes through the worker (which
    // hashes it and writes its base64 off the page's thread).
    let prep = super::image_prep::PagePrep::start(super::image_prep::PrepOptions {
        long_edge: s.long_edge,
        quality: s.quality,
        original: s.send_original,
    });
    // The other tabs sending to this endpoint share its rate.
    let shared = super::shared_limit::BrowserSharedLimit::for_endpoint(&run.provider.endpoint);
    let env = Env {
        client: &super::http::FetchClient::default(),
        clock: &super::timer::BrowserClock,
        sleeper: &super::timer::GlooSleeper,
        images: source,
        settings: run.provider,
        registry: Registry::shared(),
        progress: &progress,
        control,
        journal: run.journal,
        prep: Some(&prep),
        fallback: run.fallback,
        shared_limit: shared.as_ref().map(|s| s as &dyn SharedLimit),
    };
    let mut opts = s.batch_options();
    opts.already_done = run.resume.already_done.clone();
    run_batch(&env, &opts).await
}
