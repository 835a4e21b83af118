//! The settings, as one type from the form to the engine: what the
//! volunteer enters is clamped when it is entered (`Settings::clamped`),
//! what is stored is read as far as it goes (`Settings::read`), a page
//! using the JavaScript API gives the same fields (`Settings::merge`), and
//! the engine's options and the provider come from here
//! (`batch_options`, `provider`). The API key is never in it (it is kept
//! apart, and only when the volunteer asks).

use crate::core::api::cost::{Budget, Preset, Prices};
use crate::core::api::provider::{ApiKey, ApiKind, ProviderSettings, Usage};
use crate::core::engine::batch::{BatchOptions, Concurrency, RereadOptions};
use crate::core::engine::rate_limit::Quota;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Every setting (but the keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
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
    /// Flagged ballots are read a second time (see `core::read::reread`).
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
    /// Log retries, waits and cleanups to the console.
    pub verbose: bool,
    /// The longest answer asked for, tokens (`max_tokens`).
    pub max_tokens: u32,
    /// An answer cut off at `max_tokens` is asked again once with this
    /// budget; cut off again, the ballot fails with why.
    pub max_tokens_retry: u32,
}

/// The bounds every number is brought into.
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
pub const MAX_TOKENS: (u32, u32) = (256, 65_536);
/// The longest volunteer name kept, characters.
const VOLUNTEER_MAX: usize = 100;

impl Default for Settings {
    fn default() -> Self {
        let quota = Quota::default();
        let provider = ProviderSettings::default();
        let reread = RereadOptions::default();
        Settings {
            kind: provider.kind.id().into(),
            endpoint: provider.endpoint,
            model: provider.model,
            per_minute: quota.per_minute_rate(),
            burst: quota.burst(),
            concurrency: 0,
            timeout_s: 120.0,
            long_edge: 2048,
            quality: 0.85,
            send_original: false,
            pdf_dpi: crate::core::read::pdf::DEFAULT_DPI,
            reread: reread.enabled,
            reread_cap: reread.cap,
            reread_fallback: reread.use_fallback,
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
            verbose: false,
            max_tokens: provider.max_tokens,
            max_tokens_retry: crate::core::engine::batch::LARGER_BUDGET,
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

/// A key as the JavaScript API may spell it (`perMinute`, `format`) in
/// the stored spelling (`per_minute`, `kind`).
fn stored_key(key: &str) -> String {
    if key == "format" {
        return "kind".into();
    }
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A whole number brought into what every whole-number field can hold
/// (0 to `u32::MAX`), so that a huge or negative count is clamped rather
/// than lost; anything else as it is.
fn saturated(value: &serde_json::Value) -> serde_json::Value {
    match (value.as_u64(), value.as_i64()) {
        (Some(n), _) => n.min(u64::from(u32::MAX)).into(),
        (None, Some(n)) if n < 0 => 0.into(),
        _ => value.clone(),
    }
}

impl Settings {
    /// Reads stored settings: unreadable text gives the defaults, missing
    /// or wrongly typed fields their default, and every number its bounds.
    pub fn read(stored: &str) -> Self {
        let given = serde_json::from_str(stored).unwrap_or_default();
        Self::merge(Settings::default(), &given)
    }

    /// `base` with the fields `given` sets (an object; snake_case or
    /// camelCase names), clamped. Field by field, so a wrongly typed value
    /// loses only itself; unknown names are ignored.
    pub fn merge(base: Settings, given: &serde_json::Value) -> Self {
        let Ok(serde_json::Value::Object(mut fields)) = serde_json::to_value(&base) else {
            return base.clamped();
        };
        for (key, value) in given.as_object().into_iter().flatten() {
            let key = stored_key(key);
            let Some(old) = fields.insert(key.clone(), saturated(value)) else {
                fields.remove(&key);
                continue;
            };
            let whole = serde_json::Value::Object(fields.clone());
            if serde_json::from_value::<Settings>(whole).is_err() {
                fields.insert(key, old);
            }
        }
        serde_json::from_value::<Settings>(serde_json::Value::Object(fields))
            .unwrap_or(base)
            .clamped()
    }

    /// The one clamp rule: every number within its bounds (a value that is
    /// not a number gets its default), the language one the app speaks.
    pub fn clamped(mut self) -> Self {
        let d = Settings::default();
        self.per_minute = within(self.per_minute, PER_MINUTE, d.per_minute);
        self.burst = self.burst.clamp(BURST.0, BURST.1);
        self.concurrency = self.concurrency.min(CONCURRENCY_MAX);
        self.timeout_s = within(self.timeout_s, TIMEOUT_S, d.timeout_s);
        self.long_edge = self.long_edge.clamp(LONG_EDGE.0, LONG_EDGE.1);
        self.quality = within(self.quality, QUALITY, d.quality);
        let dpi = &crate::core::read::pdf::DPI_RANGE;
        self.pdf_dpi = self.pdf_dpi.clamp(*dpi.start(), *dpi.end());
        self.reread_cap = self.reread_cap.min(REREAD_CAP_MAX);
        self.max_tokens = self.max_tokens.clamp(MAX_TOKENS.0, MAX_TOKENS.1);
        self.max_tokens_retry = self.max_tokens_retry.clamp(MAX_TOKENS.0, MAX_TOKENS.1);
        self.embed_origin = origin_or_empty(&self.embed_origin);
        self.price_in = within(self.price_in, PRICE, 0.0);
        self.price_out = within(self.price_out, PRICE, 0.0);
        self.budget = within(self.budget, BUDGET, 0.0);
        self.image_budget_mb = within(self.image_budget_mb, IMAGE_BUDGET_MB, d.image_budget_mb);
        if self.lang != "en" {
            self.lang = "th".into();
        }
        if self.volunteer.chars().count() > VOLUNTEER_MAX {
            self.volunteer = self.volunteer.chars().take(VOLUNTEER_MAX).collect();
        }
        self
    }

    /// As stored.
    pub fn write(&self) -> String {
        serde_json::to_string(&self.clone().clamped()).unwrap_or_default()
    }

    /// A provider preset's format, endpoint, model, rate and prices.
    pub fn apply_preset(&mut self, p: &Preset) {
        self.kind = p.kind.id().into();
        self.endpoint = p.endpoint.into();
        self.model = p.model.into();
        self.per_minute = p.per_minute;
        self.price_in = p.prices.input;
        self.price_out = p.prices.output;
    }

    /// The API dialect.
    pub fn api_kind(&self) -> ApiKind {
        ApiKind::from_id(&self.kind)
    }

    /// The provider these settings name, with its key.
    pub fn provider(&self, key: ApiKey) -> ProviderSettings {
        ProviderSettings {
            kind: self.api_kind(),
            endpoint: self.endpoint.trim().to_string(),
            model: self.model.trim().to_string(),
            api_key: key,
            max_tokens: self.max_tokens.clamp(MAX_TOKENS.0, MAX_TOKENS.1),
        }
    }

    /// The fallback provider, when one is set (a base URL and a model).
    pub fn fallback(&self, key: ApiKey) -> Option<ProviderSettings> {
        let (endpoint, model) = (self.fallback_endpoint.trim(), self.fallback_model.trim());
        (!endpoint.is_empty() && !model.is_empty()).then(|| ProviderSettings {
            kind: ApiKind::from_id(&self.fallback_kind),
            endpoint: endpoint.to_string(),
            model: model.to_string(),
            api_key: key,
            max_tokens: self.max_tokens.clamp(MAX_TOKENS.0, MAX_TOKENS.1),
        })
    }

    /// How flagged ballots are read a second time.
    pub fn reread_options(&self) -> RereadOptions {
        RereadOptions {
            enabled: self.reread,
            cap: self.reread_cap,
            use_fallback: self.reread_fallback,
        }
    }

    /// Dollars per million tokens, in and out.
    pub fn prices(&self) -> Prices {
        Prices {
            input: self.price_in,
            output: self.price_out,
        }
    }

    /// The size images are sent at, about (an A4 scan's aspect): for the
    /// estimate before a run.
    pub fn sent_pixels(&self) -> (u32, u32) {
        const A4_LONG_AT_300_DPI: u32 = 3509;
        let long = if self.send_original {
            A4_LONG_AT_300_DPI
        } else {
            self.long_edge.min(A4_LONG_AT_300_DPI)
        };
        ((f64::from(long) / 1.414).round() as u32, long)
    }

    /// The tokens and dollars `images` scans should take, second
    /// readings included (see [`crate::core::api::cost::with_rereads`]).
    pub fn estimate(&self, images: usize) -> (Usage, f64) {
        let requests = crate::core::api::cost::with_rereads(images, &self.reread_options());
        crate::core::api::cost::estimate(
            self.api_kind(),
            requests,
            self.sent_pixels(),
            &self.prices(),
        )
    }

    /// The engine's options these settings mean.
    pub fn batch_options(&self) -> BatchOptions {
        let s = self.clone().clamped();
        let budget = (s.budget > 0.0).then(|| {
            let one =
                crate::core::api::cost::estimate(s.api_kind(), 1, s.sent_pixels(), &s.prices());
            let cap = Budget {
                prices: s.prices(),
                cap: s.budget,
            };
            (cap, one.0)
        });
        BatchOptions {
            quota: Quota::per_minute(s.per_minute, s.burst),
            concurrency: Concurrency::for_endpoint(s.concurrency, s.endpoint.trim()),
            request_timeout: Duration::from_secs_f64(s.timeout_s),
            budget,
            reread: s.reread_options(),
            larger_budget: Some(s.max_tokens_retry),
            ..BatchOptions::default()
        }
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
        let s = Settings {
            endpoint: "https://openrouter.ai/api/v1".into(),
            per_minute: 30.0,
            lang: "en".into(),
            volunteer: "สมชาย".into(),
            ..Settings::default()
        };
        assert_eq!(Settings::read(&s.write()), s);
    }

    #[test]
    fn anything_stored_is_read_as_far_as_it_goes() {
        type Check = Box<dyn Fn(&Settings) -> bool>;
        let cases: Vec<(&str, Check)> = vec![
            ("", Box::new(|s| *s == Settings::default())),
            ("not json", Box::new(|s| *s == Settings::default())),
            ("[1,2]", Box::new(|s| *s == Settings::default())),
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
                Box::new(|s| s.per_minute == Settings::default().per_minute),
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
                Box::new(|s| s.endpoint == Settings::default().endpoint && s.model == "kept"),
            ),
        ];
        for (stored, ok) in cases {
            assert!(
                ok(&Settings::read(stored)),
                "{stored}: {:?}",
                Settings::read(stored)
            );
        }
    }

    #[test]
    fn a_page_gives_the_same_fields_in_its_own_spelling() {
        let base = Settings {
            endpoint: String::new(),
            publish_events: false,
            ..Settings::default()
        };
        let given = serde_json::json!({
            "format": "anthropic", "endpoint": " https://api.anthropic.com/v1 ",
            "perMinute": 30, "burst": "lots", "sendOriginal": true, "apiKey": "sk-never-here",
        });
        let s = Settings::merge(base, &given);
        assert_eq!(s.api_kind(), ApiKind::Anthropic);
        assert_eq!(s.per_minute, 30.0);
        assert_eq!(s.burst, Settings::default().burst);
        assert!(s.send_original && !s.publish_events);
        assert!(!s.write().contains("sk-never-here"));
        assert_eq!(
            s.provider(ApiKey::new("k")).endpoint,
            "https://api.anthropic.com/v1"
        );
    }

    #[test]
    fn the_engine_gets_the_settings_within_their_bounds() {
        let s = Settings {
            timeout_s: f64::NAN,
            per_minute: 1e9,
            budget: 2.0,
            ..Settings::default()
        };
        let o = s.batch_options();
        assert_eq!(o.request_timeout, Duration::from_secs(120));
        assert_eq!(o.quota, Quota::per_minute(PER_MINUTE.1, s.burst));
        assert!(o.budget.is_some());
        assert!(Settings::default().fallback(ApiKey::default()).is_none());
    }
}
