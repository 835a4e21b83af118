//! Finding the JSON object in a model's answer: alone, in ``` fences,
//! inside prose, with trailing commas, Python literals, smart quotes or
//! `//` comments.

use super::ExtractError;
use serde_json::{Map, Value};

pub(super) fn snippet(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().take(80).collect();
    if one_line.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// The first balanced `{...}` in `s` (strings and escapes respected), or
/// from the first `{` to the end when it never closes.
fn first_object(s: &str) -> Option<&str> {
    let start = s.find('{')?;
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in s[start..].char_indices() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&s[start..start + i + 1]);
                }
            }
            _ => {}
        }
    }
    Some(&s[start..])
}

/// Fixes what models commonly get wrong outside strings: trailing commas,
/// Python's None/True/False, smart quotes, `//` comments.
fn repair(s: &str) -> String {
    let s = s.replace(['\u{201c}', '\u{201d}'], "\"");
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut escaped = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            ',' => {
                let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                if !matches!(next, Some('}') | Some(']')) {
                    out.push(c);
                }
            }
            _ => {
                let rest: String = chars[i..chars.len().min(i + 5)].iter().collect();
                let word = [("None", "null"), ("True", "true"), ("False", "false")]
                    .into_iter()
                    .find(|(py, _)| rest.starts_with(py));
                if let Some((py, js)) = word {
                    // Any letter counts as part of a word (Thai ones too).
                    let word_char = |c: &char| c.is_ascii_alphanumeric() || !c.is_ascii();
                    let before_ok = i == 0 || !word_char(&chars[i - 1]);
                    let after_ok = chars.get(i + py.len()).is_none_or(|c| !word_char(c));
                    if before_ok && after_ok {
                        out.push_str(js);
                        i += py.len();
                        continue;
                    }
                }
                out.push(c);
            }
        }
        i += 1;
    }
    out
}

/// Finds and parses the JSON object in a model's answer. The flag says
/// whether it needed more than taking it out of fences or prose.
pub fn find_json(text: &str) -> Result<(Map<String, Value>, bool), ExtractError> {
    let text = text.trim_start_matches('\u{feff}');
    let Some(obj) = first_object(text) else {
        // A top-level array of one object?
        if let Ok(Value::Array(mut items)) = serde_json::from_str::<Value>(text.trim()) {
            if let Some(Value::Object(m)) = items.pop() {
                return Ok((m, false));
            }
        }
        return Err(ExtractError::NoJson(snippet(text)));
    };
    match serde_json::from_str::<Value>(obj) {
        Ok(Value::Object(m)) => Ok((m, false)),
        Ok(_) => Err(ExtractError::NoJson(snippet(text))),
        Err(first) => match serde_json::from_str::<Value>(&repair(obj)) {
            Ok(Value::Object(m)) => Ok((m, true)),
            _ => Err(ExtractError::BrokenJson {
                why: first.to_string(),
                snippet: snippet(obj),
            }),
        },
    }
}
