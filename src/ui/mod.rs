//! Leptos components and reactive state. Logic lives in `core`; browser
//! access goes through `web`. Components read [`state::AppState`] from
//! context.

pub mod app;
pub mod chart;
pub mod components;
pub mod coordinator;
pub mod device;
pub mod i18n;
pub mod issue_text;
pub mod modal;
pub mod progress;
pub mod results;
pub mod review;
pub mod row_text;
pub mod run;
pub mod settings;
pub mod settings_fields;
pub mod state;
pub mod sync;

pub use app::App;

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}
