//! Reading one value: a count in digits and words, a small number, a
//! text, a yes/no. What cannot be read becomes an issue, never a panic.

use super::aliases::{DIGITS, WORDS};
use super::{MAX_COUNT, MAX_ROW_NUMBER};
use crate::core::domain::ballot::{Count, Issue, IssueCode, Severity};
use crate::core::domain::field::Field;
use crate::core::domain::thai::{parse_digits, parse_words, thai_to_ascii_digits, DigitsError};
use serde_json::{Map, Value};

/// The first present, non-null value among `keys`.
pub(super) fn get<'a>(m: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| m.get(*k).filter(|v| !v.is_null()))
}

pub(super) fn text_field(m: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    get(m, keys)
        .and_then(|v| match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty())
}

pub(super) fn bool_field(m: &Map<String, Value>, keys: &[&str]) -> Option<bool> {
    get(m, keys).and_then(|v| match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_u64().map(|n| n != 0),
        _ => None,
    })
}

/// Reads values, collecting the issues.
pub(super) struct Reader {
    pub(super) issues: Vec<Issue>,
}

impl Reader {
    pub(super) fn issue(
        &mut self,
        code: IssueCode,
        severity: Severity,
        field: &Field,
        message: String,
    ) {
        self.issues
            .push(Issue::new(code, severity, field.clone(), message));
    }

    /// A count in digits from a JSON number or string.
    pub(super) fn digits(&mut self, v: &Value, field: &Field) -> Option<u64> {
        match v {
            Value::Null => None,
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    if u > MAX_COUNT {
                        self.issue(
                            IssueCode::AbsurdValue,
                            Severity::Error,
                            field,
                            format!("{field}: {u} is too large for a vote count"),
                        );
                        return None;
                    }
                    Some(u)
                } else if n.as_i64().is_some_and(|i| i < 0) {
                    self.issue(
                        IssueCode::NegativeValue,
                        Severity::Error,
                        field,
                        format!("{field} is negative ({n})"),
                    );
                    None
                } else {
                    match n.as_f64() {
                        Some(f) if f.fract() == 0.0 && (0.0..=MAX_COUNT as f64).contains(&f) => {
                            Some(f as u64)
                        }
                        _ => {
                            self.issue(
                                IssueCode::DigitsUnreadable,
                                Severity::Error,
                                field,
                                format!("{field} is not a whole number ({n})"),
                            );
                            None
                        }
                    }
                }
            }
            Value::String(s) => match parse_digits(s) {
                Ok(n) => Some(n),
                Err(DigitsError::Empty) => None,
                Err(e) => {
                    let trimmed = thai_to_ascii_digits(s.trim());
                    if trimmed.starts_with('-')
                        && trimmed[1..].trim().chars().all(|c| c.is_ascii_digit())
                    {
                        self.issue(
                            IssueCode::NegativeValue,
                            Severity::Error,
                            field,
                            format!("{field} is negative ({s})"),
                        );
                    } else {
                        self.issue(
                            IssueCode::DigitsUnreadable,
                            Severity::Error,
                            field,
                            format!("{field}: {e}"),
                        );
                    }
                    None
                }
            },
            other => {
                self.issue(
                    IssueCode::DigitsUnreadable,
                    Severity::Error,
                    field,
                    format!("{field} is not a number ({other})"),
                );
                None
            }
        }
    }

    /// A count: `{numeric, thai_text}` in any of its spellings, or a bare
    /// number or string. A string of Thai words where digits belong is kept
    /// as words, with an issue.
    pub(super) fn count(&mut self, v: &Value, field: &Field) -> Option<Count> {
        match v {
            Value::Null => None,
            Value::Object(m) => {
                let digits = get(m, DIGITS).and_then(|d| self.digits(d, field));
                let words = get(m, WORDS)
                    .and_then(|w| w.as_str())
                    .map(|w| w.trim().to_string())
                    .filter(|w| !w.is_empty() && w != "-");
                if digits.is_none() && words.is_none() {
                    return None;
                }
                Some(Count { digits, words })
            }
            Value::String(s) if parse_digits(s).is_err() && parse_words(s).is_ok() => {
                self.issue(
                    IssueCode::DigitsUnreadable,
                    Severity::Error,
                    field,
                    format!("{field} has words but no digits"),
                );
                Some(Count {
                    digits: None,
                    words: Some(s.trim().to_string()),
                })
            }
            other => self.digits(other, field).map(|d| Count {
                digits: Some(d),
                words: None,
            }),
        }
    }

    /// Whether a row number can be a candidate's or party's; if not, says so.
    pub(super) fn row_number_in_range(&mut self, n: u32) -> bool {
        let ok = (1..=MAX_ROW_NUMBER).contains(&n);
        if !ok {
            self.issue(
                IssueCode::NumberOutOfRange,
                Severity::Error,
                &Field::Row(n),
                format!("row {n}: no candidate or party has this number"),
            );
        }
        ok
    }

    /// A small whole number (constituency, unit, page): 3, "3", "๓", "เขต 3".
    pub(super) fn small_number(&mut self, v: &Value, field: &Field) -> Option<u32> {
        let found = match v {
            Value::Null => return None,
            Value::Number(n) => n.as_u64(),
            Value::String(s) => {
                let ascii = thai_to_ascii_digits(s);
                let digits: String = ascii
                    .chars()
                    .skip_while(|c| !c.is_ascii_digit())
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if digits.is_empty() && s.trim().is_empty() {
                    return None;
                }
                digits.parse().ok()
            }
            _ => None,
        };
        match found.and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                self.issue(
                    IssueCode::Missing,
                    Severity::Warning,
                    field,
                    format!("{field} is not a number ({v})"),
                );
                None
            }
        }
    }
}
