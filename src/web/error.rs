//! The error type of the browser edge. Keeps the JS value for the console,
//! and a readable message for people.

use wasm_bindgen::JsValue;

/// What went wrong in a browser API call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WebError {
    /// A browser API threw or rejected.
    #[error("{context}: {message}")]
    Js {
        /// What we were doing.
        context: &'static str,
        /// The JS error's message.
        message: String,
        /// The original value, for the console.
        value: JsValue,
    },
    /// No `window` (not running in a page).
    #[error("not running in a browser window")]
    NoWindow,
    /// This browser lacks the API.
    #[error("this browser has no {0}")]
    Unsupported(&'static str),
}

impl WebError {
    /// Wraps a thrown or rejected JS value.
    pub fn js(context: &'static str, value: JsValue) -> Self {
        WebError::Js {
            context,
            message: js_message(&value),
            value,
        }
    }
}

/// The `message` of a JS Error, or the value as a string.
pub fn js_message(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    js_sys::Reflect::get(value, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// The `name` of a JS Error ("AbortError", "TypeError"), if it has one.
pub fn js_name(value: &JsValue) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str("name"))
        .ok()
        .and_then(|m| m.as_string())
}

/// A browser error as the core's ports report it.
/// This device's storage failed during a sync.
impl From<WebError> for crate::core::sync::couch::SyncError {
    fn from(e: WebError) -> Self {
        crate::core::sync::couch::SyncError::Local(e.to_string())
    }
}

impl From<WebError> for crate::core::engine::ports::PortError {
    fn from(e: WebError) -> Self {
        use crate::core::engine::ports::PortError;
        match e {
            WebError::Js {
                context, message, ..
            } => PortError::Failed {
                doing: context,
                why: message,
            },
            WebError::NoWindow => PortError::Unsupported("window"),
            WebError::Unsupported(what) => PortError::Unsupported(what),
        }
    }
}
