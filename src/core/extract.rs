//! From the model's text answer to a [`BallotRecord`]: liberal in what it
//! accepts, never panicking. JSON alone, in ``` fences, inside prose, with
//! trailing commas or Python literals; numbers as strings, with thousands
//! separators or Thai digits; row keys in Thai digits; nulls; the field-name
//! variants of the Python tool. What cannot be read becomes an [`Issue`] on
//! the record; only an answer with nothing usable is an [`ExtractError`].

use super::ballot::{
    BallotRecord, Count, Issue, IssueCode, Page, Severity, Source, Totals, VoteRow,
};
use super::form::FormType;
use super::registry::normalize_province;
use super::thai::{parse_digits, parse_words, thai_to_ascii_digits, DigitsError};
use serde_json::{Map, Value};

/// The largest count read from an answer (twelve digits, as
/// [`parse_digits`] reads): anything larger is no vote count, and keeping
/// every count below it keeps sums far from overflow.
pub const MAX_COUNT: u64 = 999_999_999_999;

/// The largest candidate or party number a row may have.
pub const MAX_ROW_NUMBER: u32 = 999;

/// The largest page number (and page count) of a form.
pub const MAX_PAGE: u32 = 99;

/// Why an answer gave no record at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// No JSON object anywhere in the text.
    #[error("the model's answer has no JSON object: \"{0}\"")]
    NoJson(String),
    /// A JSON object that even repair could not parse.
    #[error("the model's answer has broken JSON ({why}): \"{snippet}\"")]
    BrokenJson {
        /// The parser's words.
        why: String,
        /// The start of the object.
        snippet: String,
    },
    /// JSON with nothing a form has (no form type, province, rows or totals).
    #[error("the model's answer has no form data (fields seen: {0})")]
    NoFormData(String),
}

fn snippet(s: &str) -> String {
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
                    let before_ok = i == 0 || !chars[i - 1].is_alphanumeric();
                    let after_ok = chars.get(i + py.len()).is_none_or(|c| !c.is_alphanumeric());
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

/// The first present, non-null value among `keys`.
fn get<'a>(m: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| m.get(*k).filter(|v| !v.is_null()))
}

const DIGIT_KEYS: [&str; 8] = [
    "numeric", "digits", "number", "value", "count", "votes", "arabic", "num",
];
const WORD_KEYS: [&str; 7] = [
    "thai_text",
    "text",
    "words",
    "thai",
    "in_words",
    "thai_words",
    "word",
];

struct Reader {
    issues: Vec<Issue>,
}

impl Reader {
    fn issue(&mut self, code: IssueCode, severity: Severity, field: &str, message: String) {
        self.issues.push(Issue::new(code, severity, field, message));
    }

    /// A count in digits from a JSON number or string.
    fn digits(&mut self, v: &Value, field: &str) -> Option<u64> {
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
    fn count(&mut self, v: &Value, field: &str) -> Option<Count> {
        match v {
            Value::Null => None,
            Value::Object(m) => {
                let digits = get(m, &DIGIT_KEYS).and_then(|d| self.digits(d, field));
                let words = get(m, &WORD_KEYS)
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
    fn row_number_in_range(&mut self, n: u32) -> bool {
        let ok = (1..=MAX_ROW_NUMBER).contains(&n);
        if !ok {
            self.issue(
                IssueCode::NumberOutOfRange,
                Severity::Error,
                &format!("row {n}"),
                format!("row {n}: no candidate or party has this number"),
            );
        }
        ok
    }

    /// A small whole number (constituency, unit, page): 3, "3", "๓", "เขต 3".
    fn small_number(&mut self, v: &Value, field: &str) -> Option<u32> {
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

fn text_field(m: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    get(m, keys)
        .and_then(|v| match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty())
}

fn bool_field(m: &Map<String, Value>, keys: &[&str]) -> Option<bool> {
    get(m, keys).and_then(|v| match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_u64().map(|n| n != 0),
        _ => None,
    })
}

const VOTE_KEYS: [&str; 9] = [
    "votes",
    "vote_details",
    "vote_counts",
    "party_votes",
    "candidate_votes",
    "candidates",
    "parties",
    "rows",
    "results",
];
const ROW_NUMBER_KEYS: [&str; 7] = [
    "number",
    "no",
    "candidate_number",
    "party_number",
    "ballot_number",
    "row",
    "id",
];

fn row_number(key: &str) -> Option<u32> {
    let ascii = thai_to_ascii_digits(key);
    let digits: String = ascii.chars().filter(|c| c.is_ascii_digit()).collect();
    let rest: String = ascii
        .chars()
        .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
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
fn read_rows(m: &Map<String, Value>, r: &mut Reader) -> Vec<VoteRow> {
    let mut rows: Vec<VoteRow> = Vec::new();
    let mut seen_keys: Vec<&str> = Vec::new();
    for key in VOTE_KEYS {
        let Some(v) = m.get(key) else { continue };
        let mut found: Vec<(u32, Count)> = Vec::new();
        match v {
            Value::Object(items) => {
                for (k, item) in items {
                    let field = format!("row {k}");
                    let Some(n) = row_number(k) else {
                        r.issue(
                            IssueCode::Missing,
                            Severity::Error,
                            &field,
                            format!("row key \"{k}\" is not a number"),
                        );
                        continue;
                    };
                    if !r.row_number_in_range(n) {
                        continue;
                    }
                    if let Some(c) = r.count(item, &format!("row {n}")) {
                        found.push((n, c));
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let number = item
                        .as_object()
                        .and_then(|o| get(o, &ROW_NUMBER_KEYS))
                        .and_then(|n| match n {
                            Value::Number(x) => x.as_u64().and_then(|x| u32::try_from(x).ok()),
                            Value::String(s) => row_number(s),
                            _ => None,
                        });
                    let Some(n) = number else {
                        r.issue(
                            IssueCode::Missing,
                            Severity::Error,
                            &format!("row {}", i + 1),
                            format!("entry {} of \"{key}\" has no row number", i + 1),
                        );
                        continue;
                    };
                    if !r.row_number_in_range(n) {
                        continue;
                    }
                    // The count is nested ("votes": {...}) or the entry itself
                    // minus its row-number key.
                    let mut rest = item.as_object().cloned().unwrap_or_default();
                    for k in ROW_NUMBER_KEYS {
                        rest.remove(k);
                    }
                    let field = format!("row {n}");
                    let c = match get(&rest, &["votes", "count", "score", "result"]) {
                        Some(inner) => r.count(inner, &field),
                        None => r.count(&Value::Object(rest), &field),
                    };
                    if let Some(c) = c {
                        found.push((n, c));
                    }
                }
            }
            Value::Null => continue,
            other => {
                r.issue(
                    IssueCode::Missing,
                    Severity::Error,
                    "rows",
                    format!(
                        "\"{key}\" is not a table of rows ({})",
                        snippet(&other.to_string())
                    ),
                );
                continue;
            }
        }
        if seen_keys.is_empty() {
            rows.extend(
                found
                    .into_iter()
                    .map(|(number, votes)| VoteRow { number, votes }),
            );
        } else {
            // A second key: fill what the first lacked, flag disagreements.
            for (n, c) in found {
                match rows.iter_mut().find(|row| row.number == n) {
                    Some(row) => {
                        if row.votes.words.is_none() {
                            row.votes.words = c.words;
                        }
                        match (row.votes.digits, c.digits) {
                            (None, d) => row.votes.digits = d,
                            (Some(a), Some(b)) if a != b => r.issue(
                                IssueCode::Conflict,
                                Severity::Error,
                                &format!("row {n}"),
                                format!(
                                    "row {n} is {a} in \"{}\" but {b} in \"{key}\"",
                                    seen_keys[0]
                                ),
                            ),
                            _ => {}
                        }
                    }
                    None => rows.push(VoteRow {
                        number: n,
                        votes: c,
                    }),
                }
            }
        }
        seen_keys.push(key);
    }
    rows
}

/// The page, if its numbers are believable (1 to [`MAX_PAGE`], and not
/// beyond its own count).
fn read_page(m: &Map<String, Value>, r: &mut Reader) -> Option<Page> {
    let page = read_page_as_written(m, r)?;
    let bad = page.number == 0
        || page.number > MAX_PAGE
        || page
            .of
            .is_some_and(|of| of == 0 || of > MAX_PAGE || page.number > of);
    if bad {
        let of = page.of.map(|o| format!(" of {o}")).unwrap_or_default();
        r.issue(
            IssueCode::Missing,
            Severity::Error,
            "page",
            format!("page {}{of} is not a page of a count form", page.number),
        );
        return None;
    }
    Some(page)
}

fn read_page_as_written(m: &Map<String, Value>, r: &mut Reader) -> Option<Page> {
    let of_keys = ["of", "total", "total_pages", "pages", "page_count"];
    match get(m, &["page", "page_number", "page_no"])? {
        Value::Object(p) => {
            let number = get(p, &["number", "page", "no", "current"])
                .and_then(|v| r.small_number(v, "page"))?;
            let of = get(p, &of_keys).and_then(|v| r.small_number(v, "page count"));
            Some(Page { number, of })
        }
        Value::String(s) if thai_to_ascii_digits(s).contains('/') => {
            let ascii = thai_to_ascii_digits(s);
            let (a, b) = ascii.split_once('/')?;
            let number = r.small_number(&Value::String(a.into()), "page")?;
            let of = r.small_number(&Value::String(b.into()), "page count");
            Some(Page { number, of })
        }
        v => {
            let number = r.small_number(v, "page")?;
            let of = get(m, &["total_pages", "page_count", "pages", "page_of"])
                .and_then(|v| r.small_number(v, "page count"));
            Some(Page { number, of })
        }
    }
}

/// Turns a model's answer into a record. The record's `issues` list what
/// could not be read; `confidence` is left for validation to set.
pub fn extract(text: &str, source: Source) -> Result<BallotRecord, ExtractError> {
    let (root, repaired) = find_json(text)?;
    let mut r = Reader { issues: Vec::new() };
    if repaired {
        r.issue(
            IssueCode::AnswerRepaired,
            Severity::Info,
            "answer",
            "the model's JSON needed repair (trailing commas, Python literals or comments)".into(),
        );
    }
    // Totals may sit in a nested "totals"/"summary" object.
    let nested: Option<&Map<String, Value>> =
        get(&root, &["totals", "summary"]).and_then(|v| v.as_object());
    let field = |keys: &[&str]| get(&root, keys).or_else(|| nested.and_then(|n| get(n, keys)));

    let party_hint =
        bool_field(&root, &["is_party_list", "party_list", "partylist"]).or_else(|| {
            text_field(&root, &["form_category", "category", "ballot_type"]).map(|c| {
                let c = c.to_lowercase();
                c.contains("party") || c.contains("บัญชี")
            })
        });
    let label = text_field(
        &root,
        &[
            "form_type",
            "form_code",
            "form",
            "form_label",
            "form_label_as_printed",
        ],
    );
    let form = label
        .as_deref()
        .and_then(|l| FormType::parse(l, party_hint));
    if form.is_none() {
        let msg = match &label {
            Some(l) => format!("form type \"{l}\" is not ส.ส. 5/16, 5/17 or 5/18"),
            None => "no form type given".to_string(),
        };
        r.issue(IssueCode::UnknownForm, Severity::Warning, "form_type", msg);
    }

    let province =
        text_field(&root, &["province", "province_name", "จังหวัด"]).map(|p| normalize_province(&p));
    let constituency = get(
        &root,
        &[
            "constituency_number",
            "constituency",
            "constituency_no",
            "district_number",
            "เขตเลือกตั้ง",
            "เขต",
        ],
    )
    .and_then(|v| r.small_number(v, "constituency"));
    let polling_unit = get(
        &root,
        &[
            "polling_unit",
            "polling_unit_number",
            "unit",
            "unit_number",
            "polling_station",
            "station",
            "หน่วยเลือกตั้ง",
        ],
    )
    .and_then(|v| r.small_number(v, "polling unit"));
    let district = text_field(&root, &["district", "district_name", "amphoe", "อำเภอ"]);
    let subdistrict = text_field(&root, &["subdistrict", "sub_district", "tambon", "ตำบล"]);
    let page = read_page(&root, &mut r);
    let rows = read_rows(&root, &mut r);

    let mut count_of = |keys: &[&str], name: &str| field(keys).and_then(|v| r.count(v, name));
    let totals = Totals {
        valid: count_of(
            &[
                "valid_votes",
                "valid",
                "valid_ballots",
                "good_ballots",
                "บัตรดี",
            ],
            "valid",
        ),
        invalid: count_of(
            &[
                "invalid_votes",
                "invalid",
                "invalid_ballots",
                "bad_ballots",
                "spoiled",
                "บัตรเสีย",
            ],
            "invalid",
        ),
        no_vote: count_of(
            &[
                "no_vote",
                "no_votes",
                "no_vote_ballots",
                "novote",
                "abstain",
                "abstentions",
                "blank",
                "ไม่เลือกผู้สมัครผู้ใด",
                "ไม่ประสงค์ลงคะแนน",
            ],
            "no-vote",
        ),
        total: count_of(
            &[
                "total_votes",
                "total",
                "total_ballots",
                "ballots_used",
                "total_used",
                "รวม",
            ],
            "total",
        ),
    };
    let ballots_received = field(&["ballots_received", "ballots_allocated", "received"])
        .and_then(|v| r.count(v, "ballots received"))
        .and_then(|c| c.digits);

    let explicit_table = bool_field(&root, &["has_vote_table", "has_votes"]);
    let has_vote_table = explicit_table.unwrap_or(!rows.is_empty() || !totals.is_empty());
    if !has_vote_table {
        r.issue(
            IssueCode::NoVoteTable,
            Severity::Info,
            "page",
            "a page without vote rows (e.g. the signature page): grouped with its form's other pages, not counted as zero votes".into(),
        );
    }
    if form.is_none()
        && province.is_none()
        && rows.is_empty()
        && totals.is_empty()
        && explicit_table.is_none()
    {
        let keys: Vec<&str> = root.keys().map(String::as_str).take(8).collect();
        return Err(ExtractError::NoFormData(if keys.is_empty() {
            "none".into()
        } else {
            keys.join(", ")
        }));
    }
    let record = BallotRecord {
        form,
        province,
        province_code: None,
        constituency,
        district,
        subdistrict,
        polling_unit,
        page,
        has_vote_table,
        rows,
        totals,
        ballots_received,
        source,
        confidence: Default::default(),
        issues: r.issues,
    };
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::form::Category;

    fn ok(text: &str) -> BallotRecord {
        extract(text, Source::default()).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    use crate::core::testing::PHRAE_FORM as PHRAE;

    #[test]
    fn reads_the_ground_truth_shape() {
        let r = ok(PHRAE);
        assert_eq!(r.form.map(|f| f.label()), Some("ส.ส. 5/17".into()));
        assert_eq!(r.province.as_deref(), Some("แพร่"));
        assert_eq!(r.constituency, Some(1));
        assert_eq!(r.rows.len(), 6);
        assert_eq!(r.rows[3].votes, Count::consistent(424));
        assert_eq!(
            r.totals.total,
            Some(Count {
                digits: Some(657),
                words: None
            })
        );
        assert_eq!(r.ballots_received, Some(657));
        assert!(r.issues.is_empty(), "{:?}", r.issues);
    }

    #[test]
    fn fences_prose_trailing_commas_and_python_literals() {
        for text in [
            format!("```json\n{PHRAE}\n```"),
            format!("```\n{PHRAE}\n```"),
            format!("Here is the data:\n{PHRAE}\nHope this helps!"),
        ] {
            assert_eq!(ok(&text).rows.len(), 6);
        }
        let messy = r#"Sure! {"form_type": "ส.ส. 5/18", "province": "จังหวัดน่าน", "is_party_list": False,
            "votes": {"๑": "1,204", "๒": {"numeric": "๙๘", "thai_text": "เก้าสิบแปด",},}, // two rows
            "invalid_votes": None, "valid_votes": "1302",}"#;
        let r = ok(messy);
        assert_eq!(r.province.as_deref(), Some("น่าน"));
        assert_eq!(
            r.rows
                .iter()
                .map(|r| (r.number, r.votes.digits))
                .collect::<Vec<_>>(),
            vec![(1, Some(1204)), (2, Some(98))]
        );
        assert_eq!(r.totals.invalid, None);
        assert_eq!(r.totals.valid.as_ref().and_then(|c| c.digits), Some(1302));
        assert_eq!(
            r.issues.iter().map(|i| i.code).collect::<Vec<_>>(),
            vec![IssueCode::AnswerRepaired]
        );
    }

    #[test]
    fn python_tool_field_names() {
        let text = r#"{"form_type":"ส.ส. 5/18 (บช)","constituency":"เขต 2","province":"กทม",
            "party_votes":{"1":10,"2":20},"vote_details":{"1":{"numeric":10,"thai_text":"สิบ"},"2":{"numeric":21,"thai_text":"ยี่สิบเอ็ด"}}}"#;
        let r = ok(text);
        assert_eq!(r.form.map(|f| f.category), Some(Category::PartyList));
        assert_eq!(r.constituency, Some(2));
        assert_eq!(r.province.as_deref(), Some("กทม"));
        assert_eq!(r.rows[0].votes, Count::consistent(10));
        assert_eq!(r.rows[1].votes.words.as_deref(), Some("ยี่สิบเอ็ด"));
        assert!(
            r.issues
                .iter()
                .any(|i| i.code == IssueCode::Conflict && i.field == "row 2"),
            "{:?}",
            r.issues
        );
    }

    #[test]
    fn arrays_of_rows() {
        let text = r#"{"form_code":"5/16","candidates":[{"number":1,"votes":{"numeric":5,"thai_text":"ห้า"}},
            {"no":"๒","numeric":7,"thai_text":"เจ็ด"},{"name":"no number","numeric":1}]}"#;
        let r = ok(text);
        assert_eq!(
            r.rows
                .iter()
                .map(|r| (r.number, r.votes.digits))
                .collect::<Vec<_>>(),
            vec![(1, Some(5)), (2, Some(7))]
        );
        assert!(r
            .issues
            .iter()
            .any(|i| i.code == IssueCode::Missing && i.message.contains("no row number")));
    }

    #[test]
    fn unreadable_values_become_issues() {
        let text = r#"{"form_code":"5/18","votes":{"1":"12a","2":-4,"3":"หนึ่งร้อย","x":5},"valid_votes":1.5}"#;
        let r = ok(text);
        let codes: Vec<(IssueCode, &str)> = r
            .issues
            .iter()
            .map(|i| (i.code, i.field.as_str()))
            .collect();
        assert!(
            codes.contains(&(IssueCode::DigitsUnreadable, "row 1")),
            "{codes:?}"
        );
        assert!(
            codes.contains(&(IssueCode::NegativeValue, "row 2")),
            "{codes:?}"
        );
        assert!(
            codes.contains(&(IssueCode::DigitsUnreadable, "row 3")),
            "{codes:?}"
        );
        assert!(codes.contains(&(IssueCode::Missing, "row x")), "{codes:?}");
        assert!(
            codes.contains(&(IssueCode::DigitsUnreadable, "valid")),
            "{codes:?}"
        );
        assert_eq!(
            r.rows
                .iter()
                .find(|r| r.number == 3)
                .and_then(|r| r.votes.words.clone())
                .as_deref(),
            Some("หนึ่งร้อย")
        );
    }

    #[test]
    fn signature_page_is_not_zero_votes() {
        let text = r#"{"form_type":"ส.ส. ๕/๑๗ (บช)","page":"-๔-","has_vote_table":false,"notes":"signatures"}"#;
        let r = ok(text);
        assert!(!r.has_vote_table);
        assert!(r.rows.is_empty() && r.totals.is_empty());
        assert_eq!(
            r.page,
            Some(Page {
                number: 4,
                of: None
            })
        );
        assert!(r
            .issues
            .iter()
            .any(|i| i.code == IssueCode::NoVoteTable && i.severity == Severity::Info));
        let r = ok(r#"{"form_type":"5/18 (บช)","page":{"number":2,"of":4},"votes":{"21":3}}"#);
        assert_eq!(
            r.page,
            Some(Page {
                number: 2,
                of: Some(4)
            })
        );
        assert_eq!(
            ok(r#"{"form":"5/18","page":"2/4"}"#).page,
            Some(Page {
                number: 2,
                of: Some(4)
            })
        );
    }

    #[test]
    fn clear_errors_when_nothing_usable() {
        assert!(matches!(
            extract("I'm sorry, I can't read this form.", Source::default()),
            Err(ExtractError::NoJson(_))
        ));
        assert!(matches!(
            extract("", Source::default()),
            Err(ExtractError::NoJson(_))
        ));
        assert!(matches!(
            extract("{\"province\": \"แพร่\", \"votes\": {", Source::default()),
            Err(ExtractError::BrokenJson { .. })
        ));
        let e = extract(r#"{"answer": "cannot read"}"#, Source::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the model's answer has no form data (fields seen: answer)"
        );
        assert_eq!(ok(r#"[{"form":"5/18","votes":{"1":2}}]"#).rows.len(), 1);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "{",
            "}",
            "{{}}",
            "{\"votes\": 5}",
            "{\"votes\": {\"1\": {}}}",
            "{\"page\": {}}",
            "\u{feff}{}",
            "{\"a\":\"\\\"}\"}",
            "{\"votes\":[1,2,null]}",
            "{\"form\":5.18}",
        ] {
            let _ = extract(text, Source::default());
        }
        // Brace inside a string does not end the object.
        assert_eq!(
            ok(r#"{"district":"a}b","form":"5/18"}"#)
                .district
                .as_deref(),
            Some("a}b")
        );
    }
}
