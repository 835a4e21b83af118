//! Vision-LLM APIs on the wire: building a request for one image and reading
//! the answer, for OpenAI-compatible chat completions (OpenRouter, OpenAI,
//! Ollama, vLLM) and Anthropic Messages.
//!
//! Pure: produces an [`HttpRequest`] description and reads response bodies;
//! sending is the job of an adapter (`web::http` in the browser).

use crate::core::api::endpoint::{parse_endpoint, Endpoint, EndpointError};
use crate::core::api::wire;
use crate::core::engine::ports::ImageData;
use base64::Engine as _;
use std::fmt;
use std::time::Duration;

/// Which API dialect an endpoint speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiKind {
    /// `POST {base}/chat/completions`, `Authorization: Bearer`.
    #[default]
    OpenAiCompatible,
    /// `POST {base}/messages`, `x-api-key`, `anthropic-version`.
    Anthropic,
}

impl ApiKind {
    /// Stable identifier for settings storage and `<select>` values.
    pub fn id(self) -> &'static str {
        match self {
            ApiKind::OpenAiCompatible => "openai",
            ApiKind::Anthropic => "anthropic",
        }
    }

    /// The inverse of [`ApiKind::id`]; unknown ids give the default.
    pub fn from_id(id: &str) -> Self {
        match id {
            "anthropic" => ApiKind::Anthropic,
            _ => ApiKind::OpenAiCompatible,
        }
    }
}

/// An API key. Its `Debug` and `Display` never show it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming blanks a paste may bring.
    pub fn new(key: &str) -> Self {
        ApiKey(key.trim().to_string())
    }
    /// The key itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Whether no key was given (local Ollama/vLLM need none).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a header can carry the key: printable ASCII, no spaces, at
    /// most 1,000 characters. A key pasted with Thai text or a line break in
    /// it is refused here, before any request.
    pub fn check(&self) -> Result<(), KeyError> {
        if self.0.chars().count() > 1000 {
            return Err(KeyError::TooLong);
        }
        match self
            .0
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_graphic())
        {
            Some((at, c)) => Err(KeyError::BadCharacter {
                position: at + 1,
                found: if c.is_whitespace() || c.is_control() {
                    format!("U+{:04X}", c as u32)
                } else {
                    c.to_string()
                },
            }),
            None => Ok(()),
        }
    }
}

/// Why a key cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A character a header cannot carry.
    #[error("the API key has a character that cannot be sent ({found} at position {position}): paste the key again")]
    BadCharacter {
        /// 1-based position in the key.
        position: usize,
        /// The character (or its code point, when invisible).
        found: String,
    },
    /// Longer than any provider's keys.
    #[error("the API key is longer than 1,000 characters: paste the key alone")]
    TooLong,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "ApiKey(none)"
        } else {
            "ApiKey(***)"
        })
    }
}

/// Where and how to ask a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSettings {
    /// API dialect.
    pub kind: ApiKind,
    /// Base URL, e.g. `https://openrouter.ai/api/v1` or `http://127.0.0.1:8787/v1`.
    pub endpoint: String,
    /// Model name as the provider knows it.
    pub model: String,
    /// The key; sent only to `endpoint`.
    pub api_key: ApiKey,
    /// Upper bound on the answer's length, in tokens.
    pub max_tokens: u32,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        ProviderSettings {
            kind: ApiKind::OpenAiCompatible,
            endpoint: "http://127.0.0.1:8787/v1".into(),
            model: "tallyscan-sim".into(),
            api_key: ApiKey::default(),
            max_tokens: 2048,
        }
    }
}

/// Why settings cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// The endpoint cannot be used.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// No model name.
    #[error("the model name is empty")]
    NoModel,
    /// The key cannot be sent.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl ProviderSettings {
    /// Checks the settings before any request is built, for a page served
    /// over plain HTTP (see [`ProviderSettings::validate_for_page`]).
    pub fn validate(&self) -> Result<Endpoint, SettingsError> {
        self.validate_for_page(false)
    }

    /// Checks the settings before any request is built; `page_https` says
    /// whether the page was served over HTTPS (the browser then blocks
    /// plain `http://` endpoints other than this device). Returns the
    /// endpoint as read, for the notice about unencrypted traffic.
    pub fn validate_for_page(&self, page_https: bool) -> Result<Endpoint, SettingsError> {
        let endpoint = parse_endpoint(&self.endpoint, page_https)?;
        if self.model.trim().is_empty() {
            return Err(SettingsError::NoModel);
        }
        self.api_key.check()?;
        Ok(endpoint)
    }

    /// The full URL requests go to.
    pub fn url(&self) -> String {
        let base = self.endpoint.trim().trim_end_matches('/');
        match self.kind {
            ApiKind::OpenAiCompatible if base.ends_with("/chat/completions") => base.to_string(),
            ApiKind::Anthropic if base.ends_with("/messages") => base.to_string(),
            ApiKind::OpenAiCompatible => format!("{base}/chat/completions"),
            ApiKind::Anthropic => format!("{base}/messages"),
        }
    }
}

/// A request ready to send. `Debug` hides header values that carry the key.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub url: String,
    /// Header name/value pairs.
    pub headers: Vec<(String, String)>,
    /// The JSON body; empty for a GET.
    pub body: Body,
    /// Give up when no complete answer came within this time (the
    /// transport's default when `None`).
    pub timeout: Option<Duration>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret =
                    k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("x-api-key");
                (k.as_str(), if secret { "***" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_bytes", &self.body.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A request's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// JSON text; empty for a GET.
    Text(String),
    /// JSON with an image inside: `head`, the image in base64, `tail`. The
    /// transport joins them (the browser as a `Blob` of the three parts, so
    /// the image never enters wasm memory and is never copied there).
    WithImage {
        head: String,
        image: ImageData,
        tail: String,
    },
}

impl Default for Body {
    fn default() -> Self {
        Body::Text(String::new())
    }
}

impl Body {
    /// Size in bytes as sent.
    pub fn len(&self) -> u64 {
        match self {
            Body::Text(t) => t.len() as u64,
            Body::WithImage { head, image, tail } => {
                (head.len() + tail.len()) as u64 + image.size().div_ceil(3) * 4
            }
        }
    }
    /// Whether there is no body (a GET).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The whole body as text, when the image's bytes are in this memory
    /// (made with one allocation of its final size: the base64 image is
    /// encoded straight into it).
    pub fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Body::Text(t) => Some(std::borrow::Cow::Borrowed(t)),
            Body::WithImage { head, image, tail } => {
                let bytes = image.bytes()?;
                let mut body = String::with_capacity(self.len() as usize);
                body.push_str(head);
                base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut body);
                body.push_str(tail);
                Some(std::borrow::Cow::Owned(body))
            }
        }
    }
}

/// A response as the transport received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// Headers that matter to retries (lowercase names).
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl HttpResponse {
    /// A header's value by lowercase name.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// A response with these headers (for tests and the simulator).
    pub fn new(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
        }
    }
}

/// A header's value by name, whatever its case.
pub fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Headers a transport should copy into [`HttpResponse::headers`].
pub const INTERESTING_HEADERS: [&str; 8] = [
    "retry-after",
    "retry-after-ms",
    "x-ratelimit-reset-requests",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-limit-requests",
    "anthropic-ratelimit-requests-reset",
    "anthropic-ratelimit-requests-limit",
    "content-type",
];

/// Why no HTTP response arrived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The network failed (offline, DNS, refused, CORS, dropped connection).
    #[error("network error: {0}")]
    Network(String),
    /// No answer within the timeout (milliseconds).
    #[error("no answer within {:.1} s", *.0 as f64 / 1000.0)]
    Timeout(u64),
    /// Cancelled by the user.
    #[error("cancelled")]
    Cancelled,
}

/// A marker for where the image data goes while the JSON around it is
/// written: one that occurs in none of the strings the body carries.
fn image_slot(settings: &ProviderSettings, media_type: &str, prompt: &str) -> String {
    let mut slot = String::from("@@TALLYSCAN_IMAGE_DATA@@");
    while [settings.model.as_str(), media_type, prompt]
        .iter()
        .any(|s| s.contains(&slot))
    {
        slot.push('#');
    }
    slot
}

/// Builds the request that asks the model to read one form image: the JSON
/// around the image, which stays where it is held (see [`Body::WithImage`]).
/// Cheap: nothing of the image is read or copied here.
pub fn build_request(
    settings: &ProviderSettings,
    media_type: &str,
    image: &ImageData,
    prompt: &str,
) -> HttpRequest {
    let slot = image_slot(settings, media_type, prompt);
    let mut req = request_around_slot(settings, media_type, prompt, &slot);
    let json = match std::mem::take(&mut req.body) {
        Body::Text(t) => t,
        other => return HttpRequest { body: other, ..req },
    };
    let (head, tail) = json.split_once(&slot).unwrap_or((&json, ""));
    req.body = Body::WithImage {
        head: head.to_string(),
        image: image.clone(),
        tail: tail.to_string(),
    };
    req
}

/// The headers that carry the key (in its one header, when there is one)
/// and the API's version, for every request to `settings`' endpoint.
pub fn auth_headers(settings: &ProviderSettings) -> Vec<(String, String)> {
    let key = settings.api_key.expose();
    let mut headers = Vec::new();
    match settings.kind {
        ApiKind::OpenAiCompatible => {
            if !key.is_empty() {
                headers.push(("authorization".into(), format!("Bearer {key}")));
            }
        }
        ApiKind::Anthropic => {
            if !key.is_empty() {
                headers.push(("x-api-key".into(), key.to_string()));
            }
            headers.push(("anthropic-version".into(), "2023-06-01".into()));
            headers.push((
                "anthropic-dangerous-direct-browser-access".into(),
                "true".into(),
            ));
        }
    }
    headers
}

/// The request with `slot` where the base64 data belongs.
fn request_around_slot(
    settings: &ProviderSettings,
    media_type: &str,
    prompt: &str,
    slot: &str,
) -> HttpRequest {
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    headers.extend(auth_headers(settings));
    let model = settings.model.trim().to_string();
    let body = match settings.kind {
        ApiKind::OpenAiCompatible => serde_json::to_string(&wire::ChatRequest {
            model,
            temperature: 0.0,
            max_tokens: settings.max_tokens,
            messages: vec![wire::ChatMessage {
                role: "user".into(),
                content: vec![
                    wire::ChatPart::Text {
                        text: prompt.into(),
                    },
                    wire::ChatPart::ImageUrl {
                        image_url: wire::ImageUrl {
                            url: format!("data:{media_type};base64,{slot}"),
                        },
                    },
                ],
            }],
        }),
        ApiKind::Anthropic => serde_json::to_string(&wire::MessagesRequest {
            model,
            max_tokens: settings.max_tokens,
            temperature: 0.0,
            messages: vec![wire::AnthropicMessage {
                role: "user".into(),
                content: vec![
                    wire::AnthropicPart::Image {
                        source: wire::ImageSource {
                            kind: "base64".into(),
                            media_type: media_type.into(),
                            data: slot.into(),
                        },
                    },
                    wire::AnthropicPart::Text {
                        text: prompt.into(),
                    },
                ],
            }],
        }),
    };
    HttpRequest {
        url: settings.url(),
        headers,
        // Plain structs of strings and numbers always serialize.
        body: Body::Text(body.unwrap_or_default()),
        timeout: None,
    }
}

/// Token counts a provider reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// Prompt (input) tokens.
    pub input_tokens: u64,
    /// Completion (output) tokens.
    pub output_tokens: u64,
}

/// The model's text answer and what it cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelAnswer {
    /// The text the model wrote (to be parsed by `core::read::extract`).
    pub text: String,
    /// Usage, when the API reported it.
    pub usage: Option<Usage>,
    /// The token budget cut the answer off (`finish_reason: "length"`,
    /// Anthropic's `stop_reason: "max_tokens"`): its text is incomplete.
    pub cut_off: bool,
}

/// Why a successful (2xx) response body held no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The body is not JSON at all.
    #[error("the API's answer is not JSON: {0}")]
    NotJson(String),
    /// JSON, but without the expected text field.
    #[error("the API's answer has no text ({0})")]
    NoText(String),
    /// A 2xx whose body is an error object (some gateways answer errors so).
    #[error("the API answered with an error{}: {message}", code.map(|c| format!(" (code {c})")).unwrap_or_default())]
    InBody {
        /// The error's HTTP-like code, when it gave one.
        code: Option<u16>,
        /// The provider's words.
        message: String,
    },
}

/// Reads a body as `T`: JSON of another shape gives `T::default()` (no
/// text, no usage), text that is not JSON at all is `NotJson`.
fn read<T: serde::de::DeserializeOwned + Default>(body: &str) -> Result<T, AnswerError> {
    serde_json::from_str::<T>(body).or_else(|_| {
        serde_json::from_str::<serde::de::IgnoredAny>(body)
            .map(|_| T::default())
            .map_err(|_| AnswerError::NotJson(body.chars().take(120).collect()))
    })
}

/// Usage, when the input tokens were reported.
fn usage(input: Option<u64>, output: Option<u64>) -> Option<Usage> {
    input.map(|input_tokens| Usage {
        input_tokens,
        output_tokens: output.unwrap_or(0),
    })
}

/// Reads the model's text out of a 2xx response body.
pub fn parse_answer(kind: ApiKind, body: &str) -> Result<ModelAnswer, AnswerError> {
    let (text, usage, is_error, cut_off) = match kind {
        ApiKind::OpenAiCompatible => {
            let r: wire::ChatResponse = read(body)?;
            let usage = r
                .usage
                .and_then(|u| usage(u.prompt_tokens, u.completion_tokens));
            let is_error = r.error.is_some() && r.choices.is_empty();
            (r.text(), usage, is_error, r.cut_off())
        }
        ApiKind::Anthropic => {
            let r: wire::MessagesResponse = read(body)?;
            let usage = r.usage.and_then(|u| usage(u.input_tokens, u.output_tokens));
            let is_error =
                r.kind.as_deref() == Some("error") || (r.error.is_some() && r.content.is_empty());
            (r.text(), usage, is_error, r.cut_off())
        }
    };
    if is_error {
        let e: wire::ErrorBody = read(body)?;
        return Err(AnswerError::InBody {
            code: e.code(),
            message: short(e.message()).unwrap_or_else(|| "no details given".into()),
        });
    }
    match text.filter(|t| !t.trim().is_empty() || cut_off) {
        Some(text) => Ok(ModelAnswer {
            text,
            usage,
            cut_off,
        }),
        // Cut off before it wrote anything.
        None if cut_off => Ok(ModelAnswer {
            text: String::new(),
            usage,
            cut_off,
        }),
        None => Err(AnswerError::NoText(
            error_body_message(body).unwrap_or_else(|| "empty or missing content".to_string()),
        )),
    }
}

fn short(message: Option<&str>) -> Option<String> {
    message.map(|s| s.chars().take(300).collect())
}

/// The provider's own explanation in an error body, if it gave one.
pub fn error_body_message(body: &str) -> Option<String> {
    short(read::<wire::ErrorBody>(body).ok()?.message())
}

/// Why a request got no usable answer, read from the HTTP response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 401/403: the key is wrong, missing or not allowed.
    #[error("the API key was refused (HTTP {status}): {message}")]
    KeyRefused {
        /// 401 or 403.
        status: u16,
        /// The provider's words.
        message: String,
    },
    /// Any other non-2xx status.
    #[error("HTTP {status}: {message}")]
    Status {
        /// The status.
        status: u16,
        /// The provider's words, or the start of the body.
        message: String,
    },
    /// A 2xx without a readable answer.
    #[error(transparent)]
    Answer(#[from] AnswerError),
}

/// Reads a response: the model's answer for a 2xx, a typed error otherwise.
pub fn interpret(kind: ApiKind, resp: &HttpResponse) -> Result<ModelAnswer, ApiError> {
    if (200..300).contains(&resp.status) {
        return match parse_answer(kind, &resp.body) {
            Err(AnswerError::InBody {
                code: Some(status @ (401 | 403)),
                message,
            }) => Err(ApiError::KeyRefused { status, message }),
            other => Ok(other?),
        };
    }
    let message = error_body_message(&resp.body).unwrap_or_else(|| {
        let start: String = resp.body.chars().take(120).collect();
        if start.trim().is_empty() {
            "no details given".to_string()
        } else {
            start
        }
    });
    Err(match resp.status {
        401 | 403 => ApiError::KeyRefused {
            status: resp.status,
            message,
        },
        status => ApiError::Status { status, message },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn settings(kind: ApiKind) -> ProviderSettings {
        ProviderSettings {
            kind,
            endpoint: "https://api.example.test/v1/".into(),
            model: "m".into(),
            api_key: ApiKey::new(" sk-secret "),
            max_tokens: 100,
        }
    }

    fn abc() -> ImageData {
        ImageData::from_bytes(b"abc".to_vec())
    }

    #[test]
    fn openai_request_shape() {
        let r = build_request(
            &settings(ApiKind::OpenAiCompatible),
            "image/png",
            &abc(),
            "read",
        );
        assert_eq!(r.url, "https://api.example.test/v1/chat/completions");
        assert!(r
            .headers
            .contains(&("authorization".into(), "Bearer sk-secret".into())));
        let v: Value = serde_json::from_str(&r.body.text().unwrap()).unwrap();
        assert_eq!(
            v["messages"][0]["content"][1]["image_url"]["url"],
            "data:image/png;base64,YWJj"
        );
        assert_eq!(v["model"], "m");
    }

    #[test]
    fn anthropic_request_shape() {
        let r = build_request(&settings(ApiKind::Anthropic), "image/jpeg", &abc(), "read");
        assert_eq!(r.url, "https://api.example.test/v1/messages");
        assert!(r
            .headers
            .contains(&("x-api-key".into(), "sk-secret".into())));
        assert!(r.headers.iter().any(|(k, _)| k == "anthropic-version"));
        let v: Value = serde_json::from_str(&r.body.text().unwrap()).unwrap();
        assert_eq!(v["messages"][0]["content"][0]["source"]["data"], "YWJj");
    }

    #[test]
    fn image_data_is_spliced_exactly_once() {
        let mut s = settings(ApiKind::OpenAiCompatible);
        s.model = "@@TALLYSCAN_IMAGE_DATA@@".into();
        let image: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        for kind in [ApiKind::OpenAiCompatible, ApiKind::Anthropic] {
            s.kind = kind;
            let data = ImageData::from_bytes(image.clone());
            let r = build_request(&s, "image/png", &data, "read");
            let text = r.body.text().unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["model"], "@@TALLYSCAN_IMAGE_DATA@@");
            let b64 = base64::engine::general_purpose::STANDARD.encode(&image);
            assert!(text.contains(&b64));
            assert_eq!(text.len() as u64, r.body.len(), "the size as sent");
            let text = text.into_owned();
            assert_eq!(text.capacity(), text.len(), "one exact allocation");
        }
    }

    #[test]
    fn key_never_in_debug_output() {
        let s = settings(ApiKind::OpenAiCompatible);
        let r = build_request(&s, "image/png", &abc(), "read");
        assert!(!format!("{s:?}{r:?}").contains("sk-secret"));
        assert!(format!("{r:?}").contains("***"));
    }

    #[test]
    fn settings_validation() {
        let mut s = settings(ApiKind::OpenAiCompatible);
        assert!(s.validate().is_ok());
        s.endpoint = "ftp://x".into();
        assert!(matches!(s.validate(), Err(SettingsError::Endpoint(_))));
        s.endpoint = "http://127.0.0.1:8787/v1".into();
        s.model = " ".into();
        assert_eq!(s.validate(), Err(SettingsError::NoModel));
    }

    #[test]
    fn an_answer_cut_off_by_the_token_budget_says_so_in_both_dialects() {
        for (kind, body, cut) in [
            (
                ApiKind::OpenAiCompatible,
                r#"{"choices":[{"message":{"content":"{\"a\":"},"finish_reason":"length"}]}"#,
                true,
            ),
            (
                ApiKind::OpenAiCompatible,
                r#"{"choices":[{"message":{"content":""},"finish_reason":"length"}]}"#,
                true,
            ),
            (
                ApiKind::OpenAiCompatible,
                r#"{"choices":[{"message":{"content":"{}"},"finish_reason":"stop"}]}"#,
                false,
            ),
            (
                ApiKind::OpenAiCompatible,
                r#"{"choices":[{"message":{"content":"{}"},"finish_reason":7}]}"#,
                false,
            ),
            (
                ApiKind::Anthropic,
                r#"{"content":[{"type":"text","text":"{\"a\":"}],"stop_reason":"max_tokens"}"#,
                true,
            ),
            (
                ApiKind::Anthropic,
                r#"{"content":[{"type":"text","text":"{}"}],"stop_reason":"end_turn"}"#,
                false,
            ),
        ] {
            assert_eq!(
                parse_answer(kind, body).map(|a| a.cut_off),
                Ok(cut),
                "{body}"
            );
        }
    }

    #[test]
    fn answers_of_both_kinds() {
        let oa = r#"{"choices":[{"message":{"content":"{\"a\":1}"}}],"usage":{"prompt_tokens":10,"completion_tokens":5}}"#;
        assert_eq!(
            parse_answer(ApiKind::OpenAiCompatible, oa),
            Ok(ModelAnswer {
                text: "{\"a\":1}".into(),
                usage: Some(Usage {
                    input_tokens: 10,
                    output_tokens: 5
                }),
                cut_off: false,
            })
        );
        let an = r#"{"content":[{"type":"text","text":"hi "},{"type":"text","text":"there"}],"usage":{"input_tokens":3,"output_tokens":2}}"#;
        assert_eq!(
            parse_answer(ApiKind::Anthropic, an).unwrap().text,
            "hi there"
        );
        assert!(matches!(
            parse_answer(ApiKind::Anthropic, "<html>"),
            Err(AnswerError::NotJson(_))
        ));
        let err = r#"{"error":{"message":"model overloaded"}}"#;
        assert_eq!(
            parse_answer(ApiKind::OpenAiCompatible, err),
            Err(AnswerError::InBody {
                code: None,
                message: "model overloaded".into()
            })
        );
        assert_eq!(error_body_message(err).as_deref(), Some("model overloaded"));
    }

    #[test]
    fn interpreting_statuses() {
        let resp = |status, body: &str| HttpResponse {
            status,
            headers: vec![],
            body: body.into(),
        };
        let k = ApiKind::OpenAiCompatible;
        assert!(matches!(
            interpret(k, &resp(401, r#"{"error":{"message":"invalid key"}}"#)),
            Err(ApiError::KeyRefused { status: 401, message }) if message == "invalid key"
        ));
        assert_eq!(
            interpret(k, &resp(503, "")).unwrap_err().to_string(),
            "HTTP 503: no details given"
        );
        assert!(matches!(
            interpret(k, &resp(200, "{")),
            Err(ApiError::Answer(AnswerError::NotJson(_)))
        ));
        let ok = r#"{"choices":[{"message":{"content":"x"}}]}"#;
        assert_eq!(interpret(k, &resp(200, ok)).unwrap().text, "x");
    }
}
