//! The page's parts, one component a file.

mod constituency_view;
pub(crate) mod export_panel;
mod file_picker;
pub(crate) mod official_view;
mod progress_panel;
mod reports;
mod results_table;
mod resume_panel;
mod review_panel;
mod settings_form;
mod storage_panel;

pub use constituency_view::ConstituencyView;
pub use export_panel::ExportPanel;
pub use file_picker::FilePicker;
pub use official_view::OfficialView;
pub use progress_panel::ProgressPanel;
pub use reports::Reports;
pub use results_table::ResultsTable;
pub use resume_panel::ResumePanel;
pub use review_panel::ReviewPanel;
pub use settings_form::SettingsForm;
pub use storage_panel::StoragePanel;
