//! Leptos components and reactive state. Logic lives in `core`; browser
//! access goes through `web`. Components read [`state::AppState`] from
//! context.

pub mod app;
pub mod chart;
pub mod components;
pub mod device;
pub mod i18n;
pub mod progress;
pub mod review;
pub mod row_text;
pub mod state;

pub use app::App;

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}
