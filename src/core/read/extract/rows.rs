//! The vote table: an object keyed by number or an array of entries,
//! under any of the table names; several tables are merged (the Python
//! tool's `vote_counts` carries digits, its `vote_details` the words).

use super::aliases::{ROW_COUNT, ROW_NUMBER, VOTE_TABLES};
use super::json::snippet;
use super::reader::{get, Reader};
use crate::core::domain::ballot::{Count, IssueCode, Severity, VoteRow};
use crate::core::domain::field::Field;
use crate::core::domain::thai::thai_to_ascii_digits;
use serde_json::{Map, Value};

fn row_number(key: &str) -> Option<u32> {
    let ascii = thai_to_ascii_digits(key);
    let digits: String = ascii.chars().filter(|c| c.is_ascii_digit()).collect();
    let rest: String = ascii
        .chars()
        .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let noise_ok = [
        "",
        "no.",
        "no",
        "#",
        "เบอร์",
        "หมายเลข",
        "party",
        "candidate",
        "row",
    ]
    .contains(&rest.as_str());
    (noise_ok && !digits.is_empty())
        .then(|| digits.parse().ok())
        .flatten()
}

/// Reads the rows under every vote key, merging them (one key may hold
/// digits and another the words). Rows are returned in table order.
pub(super) fn read_rows(m: &Map<String, Value>, r: &mut Reader) -> Vec<VoteRow> {
    let mut rows: Vec<VoteRow> = Vec::new();
    let mut first_key: Option<&str> = None;
    for &key in VOTE_TABLES {
        let found = match m.get(key) {
            None | Some(Value::Null) => continue,
            Some(Value::Object(items)) => rows_of_object(items, r),
            Some(Value::Array(items)) => rows_of_array(key, items, r),
            Some(other) => {
                r.issue(
                    IssueCode::Missing,
                    Severity::Error,
                    &Field::Rows,
                    format!(
                        "\"{key}\" is not a table of rows ({})",
                        snippet(&other.to_string())
                    ),
                );
                continue;
            }
        };
        match first_key {
            None => rows.extend(
                found
                    .into_iter()
                    .map(|(number, votes)| VoteRow { number, votes }),
            ),
            Some(first) => merge_rows(&mut rows, found, (first, key), r),
        }
        first_key.get_or_insert(key);
    }
    rows
}

/// Rows keyed by their number (`{"1": …, "2": …}`).
fn rows_of_object(items: &Map<String, Value>, r: &mut Reader) -> Vec<(u32, Count)> {
    let mut found = Vec::new();
    for (k, item) in items {
        let Some(n) = row_number(k) else {
            let field = Field::RowKey(k.clone());
            let why = format!("row key \"{k}\" is not a number");
            r.issue(IssueCode::Missing, Severity::Error, &field, why);
            continue;
        };
        if !r.row_number_in_range(n) {
            continue;
        }
        if let Some(c) = r.count(item, &Field::Row(n)) {
            found.push((n, c));
        }
    }
    found
}

/// Rows as a list of entries, each naming its row number.
fn rows_of_array(key: &str, items: &[Value], r: &mut Reader) -> Vec<(u32, Count)> {
    let mut found = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let number = item
            .as_object()
            .and_then(|o| get(o, ROW_NUMBER))
            .and_then(|n| match n {
                Value::Number(x) => x.as_u64().and_then(|x| u32::try_from(x).ok()),
                Value::String(s) => row_number(s),
                _ => None,
            });
        let Some(n) = number else {
            let field = Field::Row(u32::try_from(i + 1).unwrap_or(u32::MAX));
            let why = format!("entry {} of \"{key}\" has no row number", i + 1);
            r.issue(IssueCode::Missing, Severity::Error, &field, why);
            continue;
        };
        if !r.row_number_in_range(n) {
            continue;
        }
        // The count is nested ("votes": {...}) or the entry itself minus
        // its row-number key.
        let mut rest = item.as_object().cloned().unwrap_or_default();
        for k in ROW_NUMBER {
            rest.remove(*k);
        }
        let field = Field::Row(n);
        let c = match get(&rest, ROW_COUNT) {
            Some(inner) => r.count(inner, &field),
            None => r.count(&Value::Object(rest), &field),
        };
        found.extend(c.map(|c| (n, c)));
    }
    found
}

/// A second key's rows: fill what the first lacked, flag disagreements.
fn merge_rows(
    rows: &mut Vec<VoteRow>,
    found: Vec<(u32, Count)>,
    (first, key): (&str, &str),
    r: &mut Reader,
) {
    for (n, c) in found {
        let Some(row) = rows.iter_mut().find(|row| row.number == n) else {
            rows.push(VoteRow {
                number: n,
                votes: c,
            });
            continue;
        };
        if row.votes.words.is_none() {
            row.votes.words = c.words;
        }
        match (row.votes.digits, c.digits) {
            (None, d) => row.votes.digits = d,
            (Some(a), Some(b)) if a != b => r.issue(
                IssueCode::Conflict,
                Severity::Error,
                &Field::Row(n),
                format!("row {n} is {a} in \"{first}\" but {b} in \"{key}\""),
            ),
            _ => {}
        }
    }
}
