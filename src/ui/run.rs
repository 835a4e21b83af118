//! The run store: the files picked, the run under way and its controls.

use crate::core::api::provider::SettingsError;
use crate::core::engine::control::Control;
use crate::web;
use leptos::prelude::*;
use std::rc::Rc;

/// The files and the run, as signals, given by context.
#[derive(Clone, Copy)]
pub struct RunStore {
    /// The picked files (browser objects, not Send).
    pub files: RwSignal<Vec<web_sys::File>, LocalStorage>,
    /// A run is under way (from the click that starts it to its summary).
    pub running: RwSignal<bool>,
    /// Cancel/pause of the running batch.
    pub control: StoredValue<Option<Control>, LocalStorage>,
    /// The images of the batch run last on this page (one item per image
    /// and per page of a PDF), for the review panel's preview.
    pub source: StoredValue<Option<Rc<web::files::FileSource>>, LocalStorage>,
    /// A problem that kept the batch from starting.
    pub setup_error: RwSignal<Option<SettingsError>>,
}

impl RunStore {
    pub fn new() -> Self {
        RunStore {
            files: RwSignal::new_local(Vec::new()),
            running: RwSignal::new(false),
            control: StoredValue::new_local(None),
            source: StoredValue::new_local(None),
            setup_error: RwSignal::new(None),
        }
    }

    /// Cancels the running batch.
    pub fn cancel(&self) {
        if let Some(c) = self.control.get_value() {
            c.cancel();
        }
    }
}

impl Default for RunStore {
    fn default() -> Self {
        Self::new()
    }
}
