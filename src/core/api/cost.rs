//! Providers and what a batch costs: presets that fill the API format,
//! base URL, a vision model, a sensible rate and list prices; the cost of
//! tokens at the user's prices; an estimate before a run from the number
//! of images and the size they are sent at; and the budget a batch stops
//! at. Prices are the user's to check: providers change them.

use crate::core::api::provider::{ApiKind, Usage};

/// A provider's starting values, all editable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preset {
    /// Stable id (settings, `<select>` values).
    pub id: &'static str,
    /// As the menu shows it.
    pub name: &'static str,
    pub kind: ApiKind,
    /// Base URL.
    pub endpoint: &'static str,
    /// A vision model it serves ("" when it depends on the server).
    pub model: &'static str,
    /// Requests per minute a new account may send.
    pub per_minute: f64,
    /// US dollars per million input and output tokens (list prices when
    /// written; 0 for a local server).
    pub prices: Prices,
}

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Prices {
    pub input: f64,
    pub output: f64,
}

/// The presets, in the menu's order ("custom" keeps what is typed).
pub const PRESETS: [Preset; 7] = [
    Preset {
        id: "openrouter",
        name: "OpenRouter",
        kind: ApiKind::OpenAiCompatible,
        endpoint: "https://openrouter.ai/api/v1",
        model: "google/gemini-2.5-flash",
        per_minute: 20.0,
        prices: Prices {
            input: 0.30,
            output: 2.50,
        },
    },
    Preset {
        id: "openai",
        name: "OpenAI",
        kind: ApiKind::OpenAiCompatible,
        endpoint: "https://api.openai.com/v1",
        model: "gpt-4o-mini",
        per_minute: 60.0,
        prices: Prices {
            input: 0.15,
            output: 0.60,
        },
    },
    Preset {
        id: "gemini",
        name: "Google Gemini",
        kind: ApiKind::OpenAiCompatible,
        endpoint: "https://generativelanguage.googleapis.com/v1beta/openai",
        model: "gemini-2.5-flash",
        per_minute: 10.0,
        prices: Prices {
            input: 0.30,
            output: 2.50,
        },
    },
    Preset {
        id: "anthropic",
        name: "Anthropic",
        kind: ApiKind::Anthropic,
        endpoint: "https://api.anthropic.com/v1",
        model: "claude-sonnet-4-5",
        per_minute: 50.0,
        prices: Prices {
            input: 3.0,
            output: 15.0,
        },
    },
    Preset {
        id: "ollama",
        name: "Ollama",
        kind: ApiKind::OpenAiCompatible,
        endpoint: "http://127.0.0.1:11434/v1",
        model: "qwen2.5vl:7b",
        per_minute: 30.0,
        prices: Prices {
            input: 0.0,
            output: 0.0,
        },
    },
    Preset {
        id: "vllm",
        name: "vLLM / llama.cpp",
        kind: ApiKind::OpenAiCompatible,
        endpoint: "http://127.0.0.1:8000/v1",
        model: "",
        per_minute: 60.0,
        prices: Prices {
            input: 0.0,
            output: 0.0,
        },
    },
    Preset {
        id: "simulator",
        name: "ocr-sim",
        kind: ApiKind::OpenAiCompatible,
        endpoint: "http://127.0.0.1:8787/v1",
        model: "tallyscan-sim",
        per_minute: 120.0,
        prices: Prices {
            input: 0.0,
            output: 0.0,
        },
    },
];

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The preset whose base URL this is (the menu shows it), if any.
pub fn preset_for(endpoint: &str) -> Option<&'static Preset> {
    let e = endpoint.trim().trim_end_matches('/');
    PRESETS.iter().find(|p| p.endpoint == e)
}

/// What `usage` costs at `prices`, in dollars.
pub fn cost(usage: &Usage, prices: &Prices) -> f64 {
    let million = 1_000_000.0;
    usage.input_tokens as f64 * prices.input.max(0.0) / million
        + usage.output_tokens as f64 * prices.output.max(0.0) / million
}

/// Tokens the prompt and the answer take besides the image (the prompt's
/// text, a form's JSON).
pub const PROMPT_TOKENS: u64 = 900;
pub const ANSWER_TOKENS: u64 = 700;

/// Input tokens an image of `w` × `h` pixels costs, as each API counts
/// them: OpenAI-style tiles of 512 px after fitting 2048 and a 768 short
/// side (85 + 170 a tile); Anthropic's pixels ÷ 750 after fitting 1568.
/// Other OpenAI-compatible servers count differently; this is an estimate.
pub fn image_tokens(kind: ApiKind, w: u32, h: u32) -> u64 {
    let (w, h) = (f64::from(w.max(1)), f64::from(h.max(1)));
    match kind {
        ApiKind::OpenAiCompatible => {
            let fit = (2048.0 / w.max(h)).min(1.0);
            let (w, h) = (w * fit, h * fit);
            let short = (768.0 / w.min(h)).min(1.0);
            let (w, h) = (w * short, h * short);
            85 + 170 * ((w / 512.0).ceil() * (h / 512.0).ceil()) as u64
        }
        ApiKind::Anthropic => {
            let fit = (1568.0 / w.max(h)).min(1.0);
            ((w * fit) * (h * fit) / 750.0).ceil() as u64
        }
    }
}

/// The tokens and cost a batch of `images` scans of about `w` × `h` pixels
/// (as sent) should take, before it runs.
pub fn estimate(kind: ApiKind, images: usize, (w, h): (u32, u32), prices: &Prices) -> (Usage, f64) {
    let n = images as u64;
    let usage = Usage {
        input_tokens: n * (image_tokens(kind, w, h) + PROMPT_TOKENS),
        output_tokens: n * ANSWER_TOKENS,
    };
    let dollars = cost(&usage, prices);
    (usage, dollars)
}

/// A spending cap: the batch sends nothing more once what it spent, plus
/// what one more ballot should cost, would pass it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub prices: Prices,
    /// Dollars.
    pub cap: f64,
}

impl Budget {
    /// Whether one more ballot (of `next` tokens) may go after `spent`.
    pub fn allows(&self, spent: &Usage, next: &Usage) -> bool {
        let total = Usage {
            input_tokens: spent.input_tokens.saturating_add(next.input_tokens),
            output_tokens: spent.output_tokens.saturating_add(next.output_tokens),
        };
        !(self.cap.is_finite() && cost(&total, &self.prices) > self.cap)
    }
}

/// Share of ballots a first reading flags for a second one, for the
/// estimate (measured on the generated corpus with realistic misreadings:
/// see `make bench`, reread_*).
pub const REREAD_SHARE: f64 = 0.15;

/// Requests `images` ballots should take with second readings: one each,
/// and a re-read for the share usually flagged, within the cap.
pub fn with_rereads(images: usize, opts: &crate::core::engine::batch::RereadOptions) -> usize {
    if !opts.enabled {
        return images;
    }
    let flagged = (images as f64 * REREAD_SHARE).ceil() as usize;
    images + flagged.min(opts.cap)
}

#[cfg(test)]
mod tests {
    #[test]
    fn estimates_count_the_usual_rereads_within_the_cap() {
        use crate::core::engine::batch::RereadOptions;
        let on = RereadOptions::default();
        assert_eq!(super::with_rereads(100, &on), 115);
        assert_eq!(
            super::with_rereads(100, &RereadOptions { cap: 3, ..on }),
            103
        );
        assert_eq!(
            super::with_rereads(
                100,
                &RereadOptions {
                    enabled: false,
                    ..on
                }
            ),
            100
        );
        assert_eq!(super::with_rereads(0, &on), 0);
    }

    use super::*;
    use crate::core::api::provider::{build_request, ProviderSettings};

    /// Each preset's request: the URL, the key in its one header, the model.
    #[test]
    fn golden_requests_per_preset() {
        for p in PRESETS {
            let settings = ProviderSettings {
                kind: p.kind,
                endpoint: p.endpoint.into(),
                model: p.model.into(),
                api_key: crate::core::api::provider::ApiKey::new("sk-test"),
                ..ProviderSettings::default()
            };
            let r = build_request(
                &settings,
                "image/jpeg",
                &crate::core::engine::ports::ImageData::from_bytes(b"\xff\xd8\xff".to_vec()),
                "read",
            );
            let path = match p.kind {
                ApiKind::OpenAiCompatible => "/chat/completions",
                ApiKind::Anthropic => "/messages",
            };
            assert_eq!(r.url, format!("{}{path}", p.endpoint), "{}", p.id);
            let keyed: Vec<&str> = r
                .headers
                .iter()
                .filter(|(_, v)| v.contains("sk-test"))
                .map(|(k, _)| k.as_str())
                .collect();
            let header = match p.kind {
                ApiKind::OpenAiCompatible => "authorization",
                ApiKind::Anthropic => "x-api-key",
            };
            assert_eq!(keyed, vec![header], "{}: the key in one header", p.id);
            let text = r.body.text().unwrap();
            let body: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(body["model"], p.model, "{}", p.id);
            assert!(text.contains("/9j/"), "{}: the JPEG inline", p.id);
            assert_eq!(preset_for(&format!("{}/", p.endpoint)), Some(&p));
        }
    }

    #[test]
    fn image_tokens_follow_each_api() {
        // OpenAI's documented examples: 1024 x 1024 is 765 tokens,
        // 2048 x 4096 is 1105.
        assert_eq!(image_tokens(ApiKind::OpenAiCompatible, 1024, 1024), 765);
        assert_eq!(image_tokens(ApiKind::OpenAiCompatible, 2048, 4096), 1105);
        // Anthropic: about width x height / 750 after fitting 1568.
        assert_eq!(image_tokens(ApiKind::Anthropic, 1000, 1000), 1334);
        assert_eq!(image_tokens(ApiKind::Anthropic, 1447, 2048), 2317);
    }

    #[test]
    fn estimates_and_budgets() {
        let prices = Prices {
            input: 3.0,
            output: 15.0,
        };
        let (usage, dollars) = estimate(ApiKind::Anthropic, 500, (1447, 2048), &prices);
        assert_eq!(usage.input_tokens, 500 * (2317 + PROMPT_TOKENS));
        assert!(
            (dollars - (usage.input_tokens as f64 * 3.0 + usage.output_tokens as f64 * 15.0) / 1e6)
                .abs()
                < 1e-9
        );
        let budget = Budget { prices, cap: 0.02 };
        let one = Usage {
            input_tokens: 2000,
            output_tokens: 500,
        };
        assert!(budget.allows(&Usage::default(), &one), "0.0135 of 0.02");
        assert!(!budget.allows(&one, &one));
        let unlimited = Budget {
            prices,
            cap: f64::INFINITY,
        };
        assert!(unlimited.allows(
            &Usage {
                input_tokens: u64::MAX / 4,
                output_tokens: 0
            },
            &one
        ));
        assert_eq!(
            cost(
                &one,
                &Prices {
                    input: -5.0,
                    output: 0.0
                }
            ),
            0.0,
            "no negative price"
        );
    }
}
