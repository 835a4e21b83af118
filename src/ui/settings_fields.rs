//! The advanced settings as data: each field's id, label, and how it
//! reads and writes the one `Settings` (which brings a value into range
//! when it is entered). The form draws them in this order.

use crate::core::device::settings::Settings;
use crate::ui::i18n::Text;

/// A number setting: id, label, least value, read, write.
pub type NumberSetting = (
    &'static str,
    Text,
    &'static str,
    fn(&Settings) -> f64,
    fn(&mut Settings, f64),
);

/// A yes/no setting: id, label, read, write.
pub type CheckSetting = (
    &'static str,
    Text,
    fn(&Settings) -> bool,
    fn(&mut Settings, bool),
);

pub const LIMITS: [NumberSetting; 9] = [
    (
        "per-minute",
        Text::PerMinute,
        "0.1",
        |s| s.per_minute,
        |s, v| s.per_minute = v,
    ),
    (
        "burst",
        Text::Burst,
        "1",
        |s| f64::from(s.burst),
        |s, v| s.burst = v as u32,
    ),
    (
        "timeout",
        Text::Timeout,
        "10",
        |s| s.timeout_s,
        |s, v| s.timeout_s = v,
    ),
    (
        "concurrency",
        Text::Concurrency,
        "0",
        |s| s.concurrency as f64,
        |s, v| s.concurrency = v as usize,
    ),
    (
        "long-edge",
        Text::LongEdge,
        "512",
        |s| f64::from(s.long_edge),
        |s, v| s.long_edge = v as u32,
    ),
    (
        "quality",
        Text::Quality,
        "0.3",
        |s| s.quality,
        |s, v| s.quality = v,
    ),
    (
        "pdf-dpi",
        Text::PdfDpi,
        "150",
        |s| f64::from(s.pdf_dpi),
        |s, v| s.pdf_dpi = v as u32,
    ),
    (
        "max-tokens",
        Text::MaxTokens,
        "256",
        |s| f64::from(s.max_tokens),
        |s, v| s.max_tokens = v as u32,
    ),
    (
        "max-tokens-retry",
        Text::MaxTokensRetry,
        "256",
        |s| f64::from(s.max_tokens_retry),
        |s, v| s.max_tokens_retry = v as u32,
    ),
];

pub const PRICES: [NumberSetting; 3] = [
    (
        "price-in",
        Text::PriceIn,
        "0",
        |s| s.price_in,
        |s, v| s.price_in = v,
    ),
    (
        "price-out",
        Text::PriceOut,
        "0",
        |s| s.price_out,
        |s, v| s.price_out = v,
    ),
    (
        "budget",
        Text::BudgetCap,
        "0",
        |s| s.budget,
        |s, v| s.budget = v,
    ),
];

pub const REREAD: [CheckSetting; 1] = [("reread", Text::Reread, |s| s.reread, |s, v| s.reread = v)];
pub const REREAD_CAP: [NumberSetting; 1] = [(
    "reread-cap",
    Text::RereadCap,
    "0",
    |s| s.reread_cap as f64,
    |s, v| s.reread_cap = v as usize,
)];
pub const LAST: [CheckSetting; 3] = [
    (
        "reread-fallback",
        Text::RereadFallback,
        |s| s.reread_fallback,
        |s, v| s.reread_fallback = v,
    ),
    (
        "send-original",
        Text::SendOriginal,
        |s| s.send_original,
        |s, v| s.send_original = v,
    ),
    (
        "verbose",
        Text::Verbose,
        |s| s.verbose,
        |s, v| s.verbose = v,
    ),
];
pub const EVENTS: [CheckSetting; 1] = [(
    "publish-events",
    Text::PublishEvents,
    |s| s.publish_events,
    |s, v| s.publish_events = v,
)];
