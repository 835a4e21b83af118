//! The two APIs' JSON, typed once: the request that asks a model to read an
//! image, the answer, and the error body, for OpenAI-compatible chat
//! completions and Anthropic Messages. The app builds and reads with these,
//! and so do the simulator and the tests. Reading is lenient: fields that
//! are missing or of an odd type become `None`, never a failure, so one
//! strange field cannot cost a ballot its answer.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

// ---- Requests.

/// `POST …/chat/completions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub model: String,
    /// 0: the same image reads the same way.
    #[serde(default)]
    pub temperature: f32,
    /// Longest answer, in tokens.
    #[serde(default)]
    pub max_tokens: u32,
    /// One user message: the prompt and the image.
    pub messages: Vec<ChatMessage>,
}

/// A chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// "user".
    pub role: String,
    /// Text and image parts.
    pub content: Vec<ChatPart>,
}

/// A part of a chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image as a `data:` URL.
    ImageUrl {
        /// The URL.
        image_url: ImageUrl,
    },
}

/// An image reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageUrl {
    /// `data:image/png;base64,…`.
    pub url: String,
}

/// `POST …/messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagesRequest {
    pub model: String,
    /// Longest answer, in tokens.
    pub max_tokens: u32,
    /// 0: the same image reads the same way.
    #[serde(default)]
    pub temperature: f32,
    /// One user message: the image and the prompt.
    pub messages: Vec<AnthropicMessage>,
}

/// An Anthropic message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnthropicMessage {
    /// "user".
    pub role: String,
    /// Image and text blocks.
    pub content: Vec<AnthropicPart>,
}

/// A block of an Anthropic message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AnthropicPart {
    /// An image.
    Image {
        /// Where its bytes are.
        source: ImageSource,
    },
    /// Text.
    Text {
        /// The text.
        text: String,
    },
}

/// Base64 image data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageSource {
    /// "base64".
    #[serde(rename = "type")]
    pub kind: String,
    /// `image/png`, `image/jpeg`…
    pub media_type: String,
    /// The bytes, base64.
    pub data: String,
}

/// Either request, as a server reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum AnyRequest {
    /// OpenAI-compatible.
    Chat(ChatRequest),
    /// Anthropic.
    Messages(MessagesRequest),
}

impl AnyRequest {
    /// The model asked for.
    pub fn model(&self) -> &str {
        match self {
            AnyRequest::Chat(r) => &r.model,
            AnyRequest::Messages(r) => &r.model,
        }
    }

    /// The request's instruction text (its text parts, joined).
    pub fn prompt(&self) -> String {
        let mut out = Vec::new();
        match self {
            AnyRequest::Chat(r) => {
                for p in r.messages.iter().flat_map(|m| &m.content) {
                    if let ChatPart::Text { text } = p {
                        out.push(text.as_str());
                    }
                }
            }
            AnyRequest::Messages(r) => {
                for p in r.messages.iter().flat_map(|m| &m.content) {
                    if let AnthropicPart::Text { text } = p {
                        out.push(text.as_str());
                    }
                }
            }
        }
        out.join("\n")
    }

    /// The longest answer the request allows, tokens.
    pub fn max_tokens(&self) -> u32 {
        match self {
            AnyRequest::Chat(r) => r.max_tokens,
            AnyRequest::Messages(r) => r.max_tokens,
        }
    }

    /// The base64 of the first image in the request.
    pub fn image_base64(&self) -> Option<&str> {
        match self {
            AnyRequest::Chat(r) => {
                r.messages
                    .iter()
                    .flat_map(|m| &m.content)
                    .find_map(|p| match p {
                        ChatPart::ImageUrl { image_url } => {
                            image_url.url.split_once(";base64,").map(|(_, d)| d)
                        }
                        ChatPart::Text { .. } => None,
                    })
            }
            AnyRequest::Messages(r) => {
                r.messages
                    .iter()
                    .flat_map(|m| &m.content)
                    .find_map(|p| match p {
                        AnthropicPart::Image { source } => Some(source.data.as_str()),
                        AnthropicPart::Text { .. } => None,
                    })
            }
        }
    }
}

// ---- Answers (lenient).

/// The field as `T`, or `None` when it holds anything else. (Through a
/// `Value` rather than an untagged enum: the app already carries
/// serde_json's `Value` code, and serde's untagged buffering costs the
/// bundle kilobytes.)
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(d)?).ok())
}

/// A list, or empty when the field holds anything else.
fn lenient_vec<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(lenient(d)?.unwrap_or_default())
}

/// A chat completion (OpenAI-compatible), or an error in its place.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatResponse {
    /// The answers; the first is used.
    #[serde(deserialize_with = "lenient_vec")]
    pub choices: Vec<ChatChoice>,
    /// Tokens.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub usage: Option<ChatUsage>,
    /// An error where the answer should be (some gateways answer so with 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorField>,
}

/// One answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatChoice {
    /// The assistant's message.
    pub message: ChatAnswer,
    /// Why the answer ended: "stop", or "length" when the token budget
    /// cut it off.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub finish_reason: Option<String>,
}

/// The assistant's message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatAnswer {
    /// A string, or a list of parts.
    pub content: Option<Content>,
}

/// Message content: a string, or parts with text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Content {
    /// Plain text.
    Text(String),
    /// Parts; those with `text` are joined.
    Parts(Vec<TextPart>),
    /// Anything else: no text.
    #[serde(skip_serializing)]
    Other,
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) => Content::Text(s),
            v @ Value::Array(_) => serde_json::from_value(v).map_or(Content::Other, Content::Parts),
            _ => Content::Other,
        })
    }
}

/// A part that may carry text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TextPart {
    /// "text", "image"…
    #[serde(
        rename = "type",
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// The text, when it is a text part.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// OpenAI-style usage.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatUsage {
    /// Input tokens.
    #[serde(deserialize_with = "lenient")]
    pub prompt_tokens: Option<u64>,
    /// Output tokens.
    #[serde(deserialize_with = "lenient")]
    pub completion_tokens: Option<u64>,
}

/// An Anthropic message answer, or an error in its place.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MessagesResponse {
    /// "message", or "error".
    #[serde(
        rename = "type",
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// Content blocks; the text ones are joined.
    #[serde(deserialize_with = "lenient_vec")]
    pub content: Vec<TextPart>,
    /// Tokens.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub usage: Option<AnthropicUsage>,
    /// The error, for `"type": "error"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorField>,
    /// Why the answer ended: "end_turn", or "max_tokens" when the token
    /// budget cut it off.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub stop_reason: Option<String>,
}

/// Anthropic usage.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AnthropicUsage {
    /// Input tokens.
    #[serde(deserialize_with = "lenient")]
    pub input_tokens: Option<u64>,
    /// Output tokens.
    #[serde(deserialize_with = "lenient")]
    pub output_tokens: Option<u64>,
}

/// The `error` field: an object, or a bare message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ErrorField {
    /// `{"message": …, "type": …, "code": …}`.
    Object(ErrorObject),
    /// `"error": "message"`.
    Text(String),
}

impl<'de> Deserialize<'de> for ErrorField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) => ErrorField::Text(s),
            v => ErrorField::Object(serde_json::from_value(v).unwrap_or_default()),
        })
    }
}

/// An error object as both APIs (and gateways) write it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorObject {
    /// The provider's words.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Its kind ("rate_limit_error").
    #[serde(
        rename = "type",
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// An HTTP-like code, as a number or a string.
    #[serde(
        deserialize_with = "lenient_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<u64>,
    /// The same, under another name.
    #[serde(
        deserialize_with = "lenient_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<u64>,
}

/// Any error body: `{"error": …}`, with maybe a top-level message or status.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorBody {
    /// "error" (Anthropic).
    #[serde(
        rename = "type",
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// The error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorField>,
    /// A top-level message.
    #[serde(deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A top-level status.
    #[serde(
        deserialize_with = "lenient_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<u64>,
}

impl ErrorBody {
    /// The provider's explanation, if any.
    pub fn message(&self) -> Option<&str> {
        match &self.error {
            Some(ErrorField::Object(o)) => o.message.as_deref(),
            Some(ErrorField::Text(t)) => Some(t.as_str()),
            None => None,
        }
        .or(self.message.as_deref())
    }

    /// The HTTP-like code it gives (400 to 599), if any.
    pub fn code(&self) -> Option<u16> {
        let in_error = match &self.error {
            Some(ErrorField::Object(o)) => o.code.or(o.status),
            _ => None,
        };
        in_error
            .or(self.status)
            .and_then(|c| u16::try_from(c).ok())
            .filter(|c| (400..=599).contains(c))
    }
}

/// A code as a number or a string of digits.
fn lenient_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

// ---- Building answers (the simulator, the tests).

impl ChatResponse {
    /// An answer with `text` and usage.
    pub fn answer(text: &str, input_tokens: u64, output_tokens: u64) -> Self {
        ChatResponse {
            choices: vec![ChatChoice {
                message: ChatAnswer {
                    content: Some(Content::Text(text.to_string())),
                },
                finish_reason: Some("stop".into()),
            }],
            usage: Some(ChatUsage {
                prompt_tokens: Some(input_tokens),
                completion_tokens: Some(output_tokens),
            }),
            error: None,
        }
    }

    /// Whether the token budget cut the first answer off.
    pub fn cut_off(&self) -> bool {
        let reason = self
            .choices
            .first()
            .and_then(|c| c.finish_reason.as_deref());
        reason == Some("length")
    }

    /// The first answer's text (parts joined), when there is any.
    pub fn text(&self) -> Option<String> {
        match self.choices.first()?.message.content.as_ref()? {
            Content::Text(s) => Some(s.clone()),
            Content::Parts(parts) => Some(parts.iter().filter_map(|p| p.text.as_deref()).collect()),
            Content::Other => None,
        }
    }
}

impl MessagesResponse {
    /// An answer with `text` and usage.
    pub fn answer(text: &str, input_tokens: u64, output_tokens: u64) -> Self {
        MessagesResponse {
            kind: Some("message".into()),
            content: vec![TextPart {
                kind: Some("text".into()),
                text: Some(text.to_string()),
            }],
            usage: Some(AnthropicUsage {
                input_tokens: Some(input_tokens),
                output_tokens: Some(output_tokens),
            }),
            error: None,
            stop_reason: Some("end_turn".into()),
        }
    }

    /// Whether the token budget cut the answer off.
    pub fn cut_off(&self) -> bool {
        self.stop_reason.as_deref() == Some("max_tokens")
    }

    /// The text blocks joined, when there are any.
    pub fn text(&self) -> Option<String> {
        let texts: Vec<&str> = self
            .content
            .iter()
            .filter(|p| p.kind.as_deref() == Some("text"))
            .filter_map(|p| p.text.as_deref())
            .collect();
        (!texts.is_empty()).then(|| texts.concat())
    }
}

impl ErrorBody {
    /// An OpenAI-style error body.
    pub fn openai(status: u16, kind: &str, message: &str) -> Self {
        ErrorBody {
            error: Some(ErrorField::Object(ErrorObject {
                message: Some(message.into()),
                kind: Some(kind.into()),
                code: Some(status.into()),
                status: None,
            })),
            ..ErrorBody::default()
        }
    }

    /// An Anthropic-style error body.
    pub fn anthropic(kind: &str, message: &str) -> Self {
        ErrorBody {
            kind: Some("error".into()),
            error: Some(ErrorField::Object(ErrorObject {
                message: Some(message.into()),
                kind: Some(kind.into()),
                ..ErrorObject::default()
            })),
            ..ErrorBody::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_and_give_their_image() {
        let chat = r#"{"model":"m","temperature":0,"max_tokens":9,"messages":[{"role":"user","content":[
            {"type":"text","text":"read"},{"type":"image_url","image_url":{"url":"data:image/png;base64,QUJD"}}]}]}"#;
        let r: AnyRequest = serde_json::from_str(chat).unwrap();
        assert_eq!((r.model(), r.image_base64()), ("m", Some("QUJD")));
        let anthropic = r#"{"model":"c","max_tokens":9,"messages":[{"role":"user","content":[
            {"type":"image","source":{"type":"base64","media_type":"image/png","data":"WFla"}},{"type":"text","text":"read"}]}]}"#;
        let r: AnyRequest = serde_json::from_str(anthropic).unwrap();
        assert!(matches!(r, AnyRequest::Messages(_)));
        assert_eq!((r.model(), r.image_base64()), ("c", Some("WFla")));
    }

    #[test]
    fn answers_are_read_leniently() {
        let r: ChatResponse = serde_json::from_str(
            r#"{"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"image"},{"text":"b"}]}}],
                "usage":{"prompt_tokens":"many","completion_tokens":3}}"#,
        )
        .unwrap();
        assert_eq!(r.text().as_deref(), Some("ab"));
        assert_eq!(
            r.usage.map(|u| (u.prompt_tokens, u.completion_tokens)),
            Some((None, Some(3)))
        );
        let r: ChatResponse =
            serde_json::from_str(r#"{"choices":"none","usage":7,"id":1}"#).unwrap();
        assert_eq!((r.text(), r.usage), (None, None));
        let r: ChatResponse =
            serde_json::from_str(r#"{"choices":[{"message":{"content":42}}]}"#).unwrap();
        assert_eq!(r.text(), None);
        let r: MessagesResponse = serde_json::from_str(
            r#"{"type":"message","content":[{"type":"thinking","text":"hm"},{"type":"text","text":"x"}],"usage":{"input_tokens":5}}"#,
        )
        .unwrap();
        assert_eq!(r.text().as_deref(), Some("x"));
    }

    #[test]
    fn error_bodies_in_every_shape() {
        let cases = [
            (
                r#"{"error":{"message":"slow down","code":429}}"#,
                Some("slow down"),
                Some(429),
            ),
            (
                r#"{"error":{"message":"no credit","code":"402"}}"#,
                Some("no credit"),
                Some(402),
            ),
            (
                r#"{"type":"error","error":{"type":"overloaded_error","message":"busy"}}"#,
                Some("busy"),
                None,
            ),
            (
                r#"{"error":"plain words","status":503}"#,
                Some("plain words"),
                Some(503),
            ),
            (
                r#"{"message":"top level","status":"x"}"#,
                Some("top level"),
                None,
            ),
            (r#"{"error":{"code":"rate_limit_exceeded"}}"#, None, None),
            (r#"{"error":{"code":200}}"#, None, None),
        ];
        for (body, message, code) in cases {
            let e: ErrorBody = serde_json::from_str(body).unwrap();
            assert_eq!((e.message(), e.code()), (message, code), "{body}");
        }
        let openai =
            serde_json::to_string(&ErrorBody::openai(401, "authentication_error", "bad")).unwrap();
        let back: ErrorBody = serde_json::from_str(&openai).unwrap();
        assert_eq!((back.message(), back.code()), (Some("bad"), Some(401)));
    }
}
