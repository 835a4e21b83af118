//! The app's entry point: mounts the Leptos UI. Built for wasm32 by Trunk.

#[cfg(target_arch = "wasm32")]
fn main() {
    tallyscan::web::crash::install();
    tallyscan::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("TallyScan runs in the browser: build it with `make run` (Trunk, wasm32).");
    std::process::exit(2);
}
