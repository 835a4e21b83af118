//! The page's parts, one component a file.

mod advanced_settings;
mod connection_test;
mod constituency_view;
pub(crate) mod export_panel;
mod file_picker;
mod national_conflicts;
mod national_map;
mod national_panel;
pub(crate) mod official_view;
mod progress_panel;
mod reports;
mod result_tabs;
mod results_table;
mod resume_panel;
mod review_panel;
mod settings_form;
mod start_panel;
mod storage_panel;
mod sync_panel;

pub use constituency_view::ConstituencyView;
pub use export_panel::ExportPanel;
pub use file_picker::FilePicker;
pub use national_conflicts::NationalConflicts;
pub use national_map::NationalMap;
pub use national_panel::NationalPanel;
pub use official_view::OfficialView;
pub use progress_panel::ProgressPanel;
pub use reports::Reports;
pub use result_tabs::ResultTabs;
pub use results_table::ResultsTable;
pub use resume_panel::ResumePanel;
pub use review_panel::ReviewPanel;
pub use settings_form::SettingsForm;
pub use start_panel::StartPanel;
pub use storage_panel::StoragePanel;
pub use sync_panel::SyncPanel;
