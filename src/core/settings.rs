//! The settings kept on this device, as one serde struct with one clamp
//! rule: whatever was stored (an older version, a hand-edited value, a
//! number out of range) is read as far as it goes and brought into range.
//! The API key is never in it (it is kept apart, and only when the
//! volunteer asks).

use serde::{Deserialize, Serialize};

/// The saved settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedSettings {
    /// The API dialect's id (`openai`, `anthropic`).
    pub kind: String,
    pub endpoint: String,
    pub model: String,
    /// Requests per minute.
    pub per_minute: f64,
    pub burst: u32,
    /// Requests in flight; 0 = automatic.
    pub concurrency: usize,
    /// Request timeout, seconds.
    pub timeout_s: f64,
    /// Prepared images' longest edge, pixels.
    pub long_edge: u32,
    /// Prepared images' JPEG quality, 0 to 1.
    pub quality: f64,
    /// Send files as picked.
    pub send_original: bool,
    /// PDF pages are drawn at this resolution, dots per inch.
    pub pdf_dpi: u32,
    /// Flagged ballots are read a second time (see `core::reread`).
    pub reread: bool,
    /// At most this many second readings a batch.
    pub reread_cap: usize,
    /// Second readings go to the fallback model, when one is set.
    pub reread_fallback: bool,
    /// Progress is published to other tabs and the page's listeners.
    pub publish_events: bool,
    /// The one origin an embedding page may have to get progress by
    /// `postMessage` ("" none).
    pub embed_origin: String,
    /// Dollars per million input tokens.
    pub price_in: f64,
    /// Dollars per million output tokens.
    pub price_out: f64,
    /// The spending cap in dollars (0: none).
    pub budget: f64,
    /// The fallback model's API format, base URL and name (its key is
    /// never stored).
    pub fallback_kind: String,
    pub fallback_endpoint: String,
    pub fallback_model: String,
    /// Keep each ballot's image as it was sent (the prepared JPEG) on the
    /// device, for review.
    pub keep_images: bool,
    /// Keep the picked files too, so a batch resumes without picking them
    /// again (they take several times the room).
    pub keep_originals: bool,
    /// The largest image set kept per batch, MB.
    pub image_budget_mb: f64,
    /// The volunteer's name, written with corrections and in session files.
    pub volunteer: String,
    /// The UI language's code (`th`, `en`).
    pub lang: String,
}

/// The bounds every saved number is brought into.
pub const PER_MINUTE: (f64, f64) = (0.1, 6000.0);
pub const BURST: (u32, u32) = (1, 100);
pub const CONCURRENCY_MAX: usize = 64;
pub const TIMEOUT_S: (f64, f64) = (10.0, 600.0);
pub const IMAGE_BUDGET_MB: (f64, f64) = (0.0, 1_000_000.0);
pub const LONG_EDGE: (u32, u32) = (512, 8192);
pub const QUALITY: (f64, f64) = (0.3, 1.0);
pub const PRICE: (f64, f64) = (0.0, 1000.0);
pub const BUDGET: (f64, f64) = (0.0, 1_000_000.0);
pub const REREAD_CAP_MAX: usize = 100_000;

impl Default for SavedSettings {
    fn default() -> Self {
        let quota = super::rate_limit::Quota::default();
        SavedSettings {
            kind: String::new(),
            endpoint: String::new(),
            model: String::new(),
            per_minute: quota.per_minute_rate(),
            burst: quota.burst(),
            concurrency: 0,
            timeout_s: 120.0,
            long_edge: 2048,
            quality: 0.85,
            send_original: false,
            pdf_dpi: super::pdf::DEFAULT_DPI,
            reread: true,
            reread_cap: 500,
            reread_fallback: false,
            publish_events: true,
            embed_origin: String::new(),
            price_in: 0.0,
            price_out: 0.0,
            budget: 0.0,
            fallback_kind: String::new(),
            fallback_endpoint: String::new(),
            fallback_model: String::new(),
            keep_images: true,
            keep_originals: false,
            image_budget_mb: 500.0,
            volunteer: String::new(),
            lang: "th".into(),
        }
    }
}

fn within(v: f64, (lo, hi): (f64, f64), default: f64) -> f64 {
    if v.is_finite() {
        v.clamp(lo, hi)
    } else {
        default
    }
}

impl SavedSettings {
    /// Reads stored settings: unreadable text gives the defaults, missing
    /// or wrongly typed fields their default, and every number its bounds.
    pub fn read(stored: &str) -> Self {
        if let Ok(s) = serde_json::from_str::<SavedSettings>(stored) {
            return s.clamped();
        }
        let parsed = serde_json::from_str::<serde_json::Value>(stored).unwrap_or_default();
        let d = SavedSettings::default();
        let obj = parsed.as_object().cloned().unwrap_or_default();
        // Field by field, so one wrongly typed value loses only itself.
        let mut s = d.clone();
        let field = |name: &str, apply: &mut dyn FnMut(&serde_json::Value)| {
            if let Some(v) = obj.get(name) {
                apply(v)
            }
        };
        field("kind", &mut |v| s.kind = v.as_str().unwrap_or("").into());
        field("endpoint", &mut |v| {
            s.endpoint = v.as_str().unwrap_or("").into()
        });
        field("model", &mut |v| s.model = v.as_str().unwrap_or("").into());
        field("per_minute", &mut |v| {
            s.per_minute = v.as_f64().unwrap_or(d.per_minute)
        });
        field("burst", &mut |v| {
            s.burst = v
                .as_u64()
                .map_or(d.burst, |b| b.min(u32::MAX as u64) as u32)
        });
        field("concurrency", &mut |v| {
            s.concurrency = v
                .as_u64()
                .map_or(0, |c| c.min(CONCURRENCY_MAX as u64) as usize)
        });
        field("timeout_s", &mut |v| {
            s.timeout_s = v.as_f64().unwrap_or(d.timeout_s)
        });
        field("keep_images", &mut |v| {
            s.keep_images = v.as_bool().unwrap_or(d.keep_images)
        });
        field("keep_originals", &mut |v| {
            s.keep_originals = v.as_bool().unwrap_or(d.keep_originals)
        });
        field("image_budget_mb", &mut |v| {
            s.image_budget_mb = v.as_f64().unwrap_or(d.image_budget_mb)
        });
        field("volunteer", &mut |v| {
            s.volunteer = v.as_str().unwrap_or("").into()
        });
        field("lang", &mut |v| s.lang = v.as_str().unwrap_or("th").into());
        s.clamped()
    }

    /// The one clamp rule: every number within its bounds (a value that is
    /// not a number gets its default), the language one the app speaks.
    pub fn clamped(mut self) -> Self {
        let d = SavedSettings::default();
        self.per_minute = within(self.per_minute, PER_MINUTE, d.per_minute);
        self.burst = self.burst.clamp(BURST.0, BURST.1);
        self.concurrency = self.concurrency.min(CONCURRENCY_MAX);
        self.timeout_s = within(self.timeout_s, TIMEOUT_S, d.timeout_s);
        self.long_edge = self.long_edge.clamp(LONG_EDGE.0, LONG_EDGE.1);
        self.quality = within(self.quality, QUALITY, d.quality);
        let dpi = &super::pdf::DPI_RANGE;
        self.pdf_dpi = self.pdf_dpi.clamp(*dpi.start(), *dpi.end());
        self.reread_cap = self.reread_cap.min(REREAD_CAP_MAX);
        self.embed_origin = origin_or_empty(&self.embed_origin);
        self.price_in = within(self.price_in, PRICE, 0.0);
        self.price_out = within(self.price_out, PRICE, 0.0);
        self.budget = within(self.budget, BUDGET, 0.0);
        self.image_budget_mb = within(self.image_budget_mb, IMAGE_BUDGET_MB, d.image_budget_mb);
        if self.lang != "en" {
            self.lang = "th".into();
        }
        self.volunteer = self.volunteer.chars().take(100).collect();
        self
    }

    /// As stored.
    pub fn write(&self) -> String {
        serde_json::to_string(&self.clone().clamped()).unwrap_or_default()
    }
}

/// `text` as a web origin (`https://example.org`, `http://127.0.0.1:8080`:
/// a scheme, a host, maybe a port, nothing else), or "" when it is not one.
pub fn origin_or_empty(text: &str) -> String {
    let t = text.trim().trim_end_matches('/');
    let Some((scheme, rest)) = t.split_once("://") else {
        return String::new();
    };
    let host_ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if (scheme == "https" || scheme == "http") && host_ok {
        format!("{scheme}://{}", rest.to_ascii_lowercase())
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedding_origins_are_origins_or_nothing() {
        for (t, want) in [
            ("https://Example.org/", "https://example.org"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("*", ""),
            ("https://a.org/path", ""),
            ("javascript:alert(1)", ""),
            ("", ""),
        ] {
            assert_eq!(super::origin_or_empty(t), want, "{t}");
        }
    }

    use super::*;

    #[test]
    fn reads_what_it_wrote() {
        let s = SavedSettings {
            endpoint: "https://openrouter.ai/api/v1".into(),
            per_minute: 30.0,
            lang: "en".into(),
            volunteer: "สมชาย".into(),
            ..SavedSettings::default()
        };
        assert_eq!(SavedSettings::read(&s.write()), s);
    }

    #[test]
    fn anything_stored_is_read_as_far_as_it_goes() {
        type Check = Box<dyn Fn(&SavedSettings) -> bool>;
        let cases: Vec<(&str, Check)> = vec![
            ("", Box::new(|s| *s == SavedSettings::default())),
            ("not json", Box::new(|s| *s == SavedSettings::default())),
            ("[1,2]", Box::new(|s| *s == SavedSettings::default())),
            (
                r#"{"per_minute": 1e308}"#,
                Box::new(|s| s.per_minute == PER_MINUTE.1),
            ),
            (
                r#"{"per_minute": -5}"#,
                Box::new(|s| s.per_minute == PER_MINUTE.0),
            ),
            (
                r#"{"per_minute": "fast"}"#,
                Box::new(|s| s.per_minute == SavedSettings::default().per_minute),
            ),
            (r#"{"burst": 0}"#, Box::new(|s| s.burst == 1)),
            (
                r#"{"burst": 99999999999}"#,
                Box::new(|s| s.burst == BURST.1),
            ),
            (
                r#"{"concurrency": 1000}"#,
                Box::new(|s| s.concurrency == CONCURRENCY_MAX),
            ),
            (
                r#"{"timeout_s": 0.5}"#,
                Box::new(|s| s.timeout_s == TIMEOUT_S.0),
            ),
            (
                r#"{"image_budget_mb": -1}"#,
                Box::new(|s| s.image_budget_mb == 0.0),
            ),
            (
                r#"{"lang": "fr", "model": "m"}"#,
                Box::new(|s| s.lang == "th" && s.model == "m"),
            ),
            (
                r#"{"endpoint": 5, "model": "kept"}"#,
                Box::new(|s| s.endpoint.is_empty() && s.model == "kept"),
            ),
        ];
        for (stored, ok) in cases {
            assert!(
                ok(&SavedSettings::read(stored)),
                "{stored}: {:?}",
                SavedSettings::read(stored)
            );
        }
    }
}
