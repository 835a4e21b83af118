//! Progress for other systems: each [`Envelope`] (see `core::engine::events`),
//! converted with `serde-wasm-bindgen`, published
//! - as a `CustomEvent` named `tallyscan:progress` on `window`;
//! - on the `BroadcastChannel` `tallyscan` (other tabs of this origin);
//! - to `window.parent` with `postMessage` when the page is embedded, only
//!   to the one origin the volunteer allowed (none by default).
//!
//! Never an image, a key or model text: the events are built so.

use crate::core::engine::events::{Envelope, EventCallback};
use wasm_bindgen::JsValue;

/// The `CustomEvent` type and the channel's name.
pub const EVENT_NAME: &str = "tallyscan:progress";
pub const CHANNEL: &str = "tallyscan";

/// Where events go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishOptions {
    /// Publish at all.
    pub enabled: bool,
    /// The origin an embedding page may have (`https://example.org`); empty:
    /// no `postMessage`.
    pub parent_origin: String,
}

/// Publishes events on this page.
pub struct Publisher {
    options: PublishOptions,
    channel: Option<web_sys::BroadcastChannel>,
    /// The page is in a frame of another page.
    embedded: bool,
}

impl Publisher {
    pub fn new(options: PublishOptions) -> Self {
        let channel = options
            .enabled
            .then(|| web_sys::BroadcastChannel::new(CHANNEL).ok())
            .flatten();
        let embedded = web_sys::window()
            .and_then(|w| Some(w.parent().ok()?? != w))
            .unwrap_or(false);
        Publisher {
            options,
            channel,
            embedded,
        }
    }

    /// Sends one event everywhere it may go.
    pub fn publish(&self, e: &Envelope) {
        if !self.options.enabled {
            return;
        }
        let value = to_js(e);
        let Some(window) = web_sys::window() else {
            return;
        };
        let init = web_sys::CustomEventInit::new();
        init.set_detail(&value);
        if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(EVENT_NAME, &init) {
            let _ = window.dispatch_event(&ev);
        }
        if let Some(c) = &self.channel {
            let _ = c.post_message(&value);
        }
        let origin = self.options.parent_origin.trim();
        if self.embedded && !origin.is_empty() && origin != "*" {
            if let Ok(Some(parent)) = window.parent() {
                let _ = parent.post_message(&value, origin);
            }
        }
    }

    /// This publisher as a progress callback.
    pub fn callback(self) -> EventCallback<impl Fn(&Envelope)> {
        EventCallback::new(move |e: &Envelope| self.publish(e))
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        if let Some(c) = &self.channel {
            c.close();
        }
    }
}

/// An event as a plain JS object (not a `Map`: the envelope is flattened,
/// which serde writes as a map), as JSON would give it.
pub fn to_js(e: &Envelope) -> JsValue {
    use serde::Serialize;
    e.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}
