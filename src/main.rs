//! The app's entry point: mounts the Leptos UI (unless the page only uses
//! the JavaScript API). Built for wasm32 by Trunk.

#[cfg(target_arch = "wasm32")]
fn main() {
    // A page using only the JavaScript API (`<body data-tallyscan="api">`,
    // see examples/embed.html) gets the engine, not the app's UI.
    let api_only = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-tallyscan"))
        .is_some_and(|v| v == "api");
    if api_only {
        return;
    }
    tallyscan::web::crash::install();
    tallyscan::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("TallyScan runs in the browser: build it with `make run` (Trunk, wasm32).");
    std::process::exit(2);
}
