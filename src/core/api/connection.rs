//! "Test connection": one `GET {base}/models` with the key in its one
//! header, and what its answer means in plain words (the page words it in
//! the user's language): it works and serves the model, the key is
//! refused, nothing is at that address, the model is not served, no credit
//! left, or the browser could not reach it at all (often CORS).

use crate::core::api::provider::{
    auth_headers, HttpRequest, HttpResponse, ProviderSettings, TransportError,
};
use std::time::Duration;

/// The request that tests `settings` (no image, nothing billed).
pub fn models_request(settings: &ProviderSettings) -> HttpRequest {
    let base = settings.endpoint.trim().trim_end_matches('/');
    let base = base
        .strip_suffix("/chat/completions")
        .or_else(|| base.strip_suffix("/messages"))
        .unwrap_or(base);
    let headers = auth_headers(settings);
    HttpRequest {
        url: format!("{base}/models"),
        headers,
        // No body: sent as GET.
        body: crate::core::api::provider::Body::default(),
        timeout: Some(Duration::from_secs(20)),
    }
}

/// What testing the connection found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// It answers; `listed`: whether the model is among those it lists
    /// (`None` when it lists none).
    Works { models: usize, listed: Option<bool> },
    /// 401/403.
    KeyRefused(u16),
    /// 404: wrong base URL.
    NotFound,
    /// 402: no credit.
    NoCredit,
    /// The model is not among those served (a listed, non-empty list).
    ModelMissing {
        model: String,
        examples: Vec<String>,
    },
    /// No answer the page may read: offline, wrong host, or the server
    /// does not allow this page's origin (CORS).
    Unreachable(String),
    /// Any other status.
    Status(u16),
}

/// What the answer to [`models_request`] means for `model`.
pub fn judge(result: Result<&HttpResponse, &TransportError>, model: &str) -> Connection {
    let resp = match result {
        Ok(r) => r,
        Err(e) => return Connection::Unreachable(e.to_string()),
    };
    match resp.status {
        200..=299 => listed(&resp.body, model),
        401 | 403 => Connection::KeyRefused(resp.status),
        402 => Connection::NoCredit,
        404 => Connection::NotFound,
        s => Connection::Status(s),
    }
}

/// Reads `{"data": [{"id": …}]}` (OpenAI, Anthropic, Ollama, vLLM all
/// answer so); anything else counts as "works, lists nothing".
fn listed(body: &str, model: &str) -> Connection {
    let ids: Vec<String> = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("data").and_then(|d| d.as_array()).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|m| m.get("id").and_then(|i| i.as_str()).map(String::from))
        .collect();
    let model = model.trim();
    if ids.is_empty() || model.is_empty() {
        return Connection::Works {
            models: ids.len(),
            listed: None,
        };
    }
    // OpenRouter and Gemini list ids with a prefix ("models/gemini-…").
    let found = ids.iter().any(|id| {
        id == model || id.rsplit('/').next() == Some(model) || id.ends_with(&format!("/{model}"))
    });
    if found {
        Connection::Works {
            models: ids.len(),
            listed: Some(true),
        }
    } else {
        Connection::ModelMissing {
            model: model.into(),
            examples: ids.into_iter().take(5).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::api::provider::{ApiKey, ApiKind};

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    #[test]
    fn the_request_is_a_keyed_get_of_models() {
        let s = ProviderSettings {
            endpoint: "https://openrouter.ai/api/v1/".into(),
            api_key: ApiKey::new("sk-1"),
            ..ProviderSettings::default()
        };
        let r = models_request(&s);
        assert_eq!(r.url, "https://openrouter.ai/api/v1/models");
        assert!(r.body.is_empty(), "GET");
        assert_eq!(
            r.headers,
            vec![("authorization".into(), "Bearer sk-1".into())]
        );
        let a = ProviderSettings {
            kind: ApiKind::Anthropic,
            endpoint: "https://api.anthropic.com/v1/messages".into(),
            api_key: ApiKey::new("sk-2"),
            ..ProviderSettings::default()
        };
        let r = models_request(&a);
        assert_eq!(r.url, "https://api.anthropic.com/v1/models");
        assert!(r
            .headers
            .iter()
            .any(|(k, v)| k == "x-api-key" && v == "sk-2"));
    }

    #[test]
    fn each_answer_means_one_thing() {
        let list = r#"{"data":[{"id":"google/gemini-2.5-flash"},{"id":"gpt-4o-mini"}]}"#;
        let cases = [
            (
                Ok(resp(200, list)),
                "gpt-4o-mini",
                Connection::Works {
                    models: 2,
                    listed: Some(true),
                },
            ),
            (
                Ok(resp(200, list)),
                "gemini-2.5-flash",
                Connection::Works {
                    models: 2,
                    listed: Some(true),
                },
            ),
            (
                Ok(resp(200, list)),
                "llava",
                Connection::ModelMissing {
                    model: "llava".into(),
                    examples: vec!["google/gemini-2.5-flash".into(), "gpt-4o-mini".into()],
                },
            ),
            (
                Ok(resp(200, "not json")),
                "m",
                Connection::Works {
                    models: 0,
                    listed: None,
                },
            ),
            (Ok(resp(401, "{}")), "m", Connection::KeyRefused(401)),
            (Ok(resp(402, "{}")), "m", Connection::NoCredit),
            (Ok(resp(404, "")), "m", Connection::NotFound),
            (Ok(resp(500, "")), "m", Connection::Status(500)),
            (
                Err(TransportError::Network("Failed to fetch".into())),
                "m",
                Connection::Unreachable("network error: Failed to fetch".into()),
            ),
        ];
        for (result, model, want) in cases {
            assert_eq!(judge(result.as_ref(), model), want, "{model}");
        }
    }
}
