//! Whether the page is hidden (another tab, a minimised window, a tablet
//! screen turned off), and a listener for changes: browsers slow down the
//! timers of hidden pages, which the progress view reports.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Whether the page is hidden now.
pub fn is_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Calls a function on every visibility change until dropped.
pub struct VisibilityListener {
    document: web_sys::Document,
    closure: Closure<dyn FnMut(web_sys::Event)>,
}

impl VisibilityListener {
    /// Listens: `f(hidden)` on each change. `None` outside a page.
    pub fn new(mut f: impl FnMut(bool) + 'static) -> Option<Self> {
        let document = web_sys::window()?.document()?;
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| f(is_hidden()));
        document
            .add_event_listener_with_callback("visibilitychange", closure.as_ref().unchecked_ref())
            .ok()?;
        Some(VisibilityListener { document, closure })
    }
}

impl Drop for VisibilityListener {
    fn drop(&mut self) {
        let _ = self.document.remove_event_listener_with_callback(
            "visibilitychange",
            self.closure.as_ref().unchecked_ref(),
        );
    }
}
