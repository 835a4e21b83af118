//! `localStorage`, for settings the user chose to keep on this device.

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    store()?.get_item(key).ok().flatten()
}

/// Stores a value; storage being unavailable (private mode) is not an error
/// worth stopping for, so it is ignored.
pub fn set(key: &str, value: &str) {
    if let Some(s) = store() {
        let _ = s.set_item(key, value);
    }
}

/// Forgets every value whose key starts with `prefix` (the app's own:
/// "clear this device").
pub fn remove_all_with_prefix(prefix: &str) {
    let Some(s) = store() else { return };
    let n = s.length().unwrap_or(0);
    let keys: Vec<String> = (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect();
    for k in keys {
        let _ = s.remove_item(&k);
    }
}

/// Forgets a value.
pub fn remove(key: &str) {
    if let Some(s) = store() {
        let _ = s.remove_item(key);
    }
}
