//! A dialog over the page: while it is open the rest of the page is inert
//! (no focus, no clicks, hidden from screen readers), and when it closes
//! the focus goes back to where it was.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What is made inert under a dialog.
const UNDER: [&str; 3] = ["header.top", "main", "#update-ready"];

/// The page under an open dialog; dropped: the page back as it was.
pub struct Modal {
    opener: Option<web_sys::HtmlElement>,
}

impl Modal {
    /// Makes the page under the dialog inert, remembering what had the
    /// focus.
    pub fn open() -> Self {
        let document = document();
        let opener = document
            .active_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        for selector in UNDER {
            if let Ok(Some(e)) = document.query_selector(selector) {
                let _ = e.set_attribute("inert", "");
            }
        }
        Modal { opener }
    }
}

impl Drop for Modal {
    fn drop(&mut self) {
        let document = document();
        for selector in UNDER {
            if let Ok(Some(e)) = document.query_selector(selector) {
                let _ = e.remove_attribute("inert");
            }
        }
        if let Some(opener) = self.opener.take().filter(|o| o.is_connected()) {
            let _ = opener.focus();
        }
    }
}

/// A dialog whose openness `open` tells: the page under it inert while it
/// is open, for as long as the calling component lives.
pub fn modal_while(open: impl Fn() -> bool + Send + Sync + 'static) {
    let open = Memo::new(move |_| open());
    let modal = StoredValue::new_local(None::<Modal>);
    Effect::new(move |_| {
        let want = open.get();
        if want != modal.with_value(Option::is_some) {
            modal.set_value(want.then(Modal::open));
        }
    });
    on_cleanup(move || modal.set_value(None));
}

/// Moves the focus to the first element `selectors` names (the first
/// that exists, in order).
pub fn focus_first(selectors: &[&str]) {
    let document = document();
    let found = selectors
        .iter()
        .find_map(|s| document.query_selector(s).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(e) = found {
        let _ = e.focus();
    }
}
