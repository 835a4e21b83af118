//! The page's parts, one component a file.

mod constituency_view;
mod export_panel;
mod file_picker;
mod progress_panel;
mod results_table;
mod settings_form;

pub use constituency_view::ConstituencyView;
pub use export_panel::ExportPanel;
pub use file_picker::FilePicker;
pub use progress_panel::ProgressPanel;
pub use results_table::ResultsTable;
pub use settings_form::SettingsForm;
