//! From the model's text answer to a [`BallotRecord`]: liberal in what it
//! accepts, never panicking. JSON alone, in ``` fences, inside prose, with
//! trailing commas or Python literals; numbers as strings, with thousands
//! separators or Thai digits; row keys in Thai digits; nulls; the field-name
//! variants of the Python tool. What cannot be read becomes an [`Issue`] on
//! the record; only an answer with nothing usable is an [`ExtractError`].

pub mod aliases;
pub(crate) mod json;
mod page;
mod reader;
mod rows;

pub use json::find_json;

use crate::core::domain::ballot::{BallotRecord, Count, IssueCode, Severity, Source, Totals};
use crate::core::domain::field::Field;
use crate::core::domain::form::{Category, FormType};
use crate::core::domain::registry::normalize_province;
use aliases as a;
use reader::{bool_field, get, text_field, Reader};
use serde_json::{Map, Value};

/// The largest count read from an answer (twelve digits, as
/// [`crate::core::domain::thai::parse_digits`] reads): anything larger is no vote count, and keeping
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

/// Turns a model's answer into a record. The record's `issues` list what
/// could not be read; `confidence` is left for validation to set.
pub fn extract(text: &str, source: Source) -> Result<BallotRecord, ExtractError> {
    let (root, repaired) = find_json(text)?;
    let mut r = Reader { issues: Vec::new() };
    if repaired {
        r.issue(
            IssueCode::AnswerRepaired,
            Severity::Info,
            &Field::Answer,
            "the model's JSON needed repair (trailing commas, Python literals or comments)".into(),
        );
    }
    extract_object(&root, source, r)
}

/// A record from a JSON object already parsed (a model's answer, or an
/// entry of an imported file).
pub fn extract_value(
    root: &Map<String, Value>,
    source: Source,
) -> Result<BallotRecord, ExtractError> {
    extract_object(root, source, Reader { issues: Vec::new() })
}

fn extract_object(
    root: &Map<String, Value>,
    source: Source,
    mut r: Reader,
) -> Result<BallotRecord, ExtractError> {
    let form = read_form(root, &mut r);
    let rows = rows::read_rows(root, &mut r);
    let mut totals = read_totals(root, &mut r);
    let page = page::read_page(root, &mut r);
    if form.map(|f| f.category) == Some(Category::PartyList) {
        zero_totals_mean_none(&mut totals, &mut r);
    }
    let explicit_table = bool_field(root, a::HAS_TABLE);
    let has_vote_table = explicit_table.unwrap_or(!rows.is_empty() || !totals.is_empty());
    if !has_vote_table {
        r.issue(
            IssueCode::NoVoteTable,
            Severity::Info,
            &Field::Page,
            "a page without vote rows (e.g. the signature page): grouped with its form's other pages, not counted as zero votes".into(),
        );
    }
    let province = text_field(root, a::PROVINCE).map(|p| normalize_province(&p));
    if form.is_none()
        && province.is_none()
        && rows.is_empty()
        && totals.is_empty()
        && explicit_table.is_none()
    {
        return Err(no_form_data(root));
    }
    let ballots_received = in_totals(root, a::RECEIVED)
        .and_then(|v| r.count(v, &Field::BallotsReceived))
        .and_then(|c| c.digits);
    Ok(BallotRecord {
        form,
        province,
        province_code: None,
        constituency: nonzero(root, a::CONSTITUENCY, &Field::Constituency, &mut r),
        district: text_field(root, a::DISTRICT),
        subdistrict: text_field(root, a::SUBDISTRICT),
        polling_unit: polling_unit(root, &mut r),
        page,
        has_vote_table,
        rows,
        totals,
        ballots_received,
        source,
        confidence: Default::default(),
        issues: r.issues,
        ..BallotRecord::default()
    })
}

fn no_form_data(root: &Map<String, Value>) -> ExtractError {
    let keys: Vec<&str> = root.keys().map(String::as_str).take(8).collect();
    ExtractError::NoFormData(if keys.is_empty() {
        "none".into()
    } else {
        keys.join(", ")
    })
}

/// The form type, from its label and any hint that it is party-list.
fn read_form(root: &Map<String, Value>, r: &mut Reader) -> Option<FormType> {
    let party_tables = a::PARTY_TABLES.iter().any(|k| {
        root.get(*k)
            .is_some_and(|v| !v.is_null() && v != &Value::Object(Map::new()))
    });
    let party_hint = bool_field(root, a::PARTY_LIST_FLAG)
        .or_else(|| {
            text_field(root, a::CATEGORY).map(|c| {
                let c = c.to_ascii_lowercase();
                c.contains("party") || c.contains("บัญชี")
            })
        })
        .or(party_tables.then_some(true));
    let label = text_field(root, a::FORM_LABEL);
    let form = label
        .as_deref()
        .and_then(|l| FormType::parse(l, party_hint));
    if form.is_none() {
        let msg = match &label {
            Some(l) => format!("form type \"{l}\" is not ส.ส. 5/16, 5/17 or 5/18"),
            None => "no form type given".to_string(),
        };
        r.issue(
            IssueCode::UnknownForm,
            Severity::Warning,
            &Field::FormType,
            msg,
        );
    }
    form
}

/// A value at the top level, or in a nested totals block.
fn in_totals<'a>(root: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    let nested = get(root, a::TOTALS_BLOCK).and_then(|v| v.as_object());
    get(root, keys).or_else(|| nested.and_then(|n| get(n, keys)))
}

fn read_totals(root: &Map<String, Value>, r: &mut Reader) -> Totals {
    let mut count_of =
        |keys: &[&str], name: Field| in_totals(root, keys).and_then(|v| r.count(v, &name));
    Totals {
        valid: count_of(a::VALID, Field::Valid),
        invalid: count_of(a::INVALID, Field::Invalid),
        no_vote: count_of(a::NO_VOTE, Field::NoVote),
        total: count_of(a::TOTAL, Field::Total),
    }
}

/// The Python tool writes 0 for every total on the party-list pages that
/// carry no totals block: four zeros (no unit has no ballots at all) mean
/// "no totals here", not a misread.
fn zero_totals_mean_none(totals: &mut Totals, r: &mut Reader) {
    let zero = |c: &Option<Count>| {
        c.as_ref()
            .is_some_and(|c| c.digits == Some(0) && c.words.is_none())
    };
    let all_zero = zero(&totals.valid)
        && zero(&totals.invalid)
        && zero(&totals.no_vote)
        && zero(&totals.total);
    if all_zero {
        *totals = Totals::default();
        r.issue(
            IssueCode::AnswerRepaired,
            Severity::Info,
            &Field::Totals,
            "the totals are all 0 on a party-list page: read as a page without the totals block"
                .into(),
        );
    }
}

/// A number where 0 means "not given" (the Python tool's default).
fn nonzero(root: &Map<String, Value>, keys: &[&str], field: &Field, r: &mut Reader) -> Option<u32> {
    get(root, keys)
        .and_then(|v| r.small_number(v, field))
        .filter(|n| *n > 0)
}

/// The polling unit; `polling_station` and `station` count only as bare
/// numbers (the Python tool writes a station name there).
fn polling_unit(root: &Map<String, Value>, r: &mut Reader) -> Option<u32> {
    nonzero(root, a::POLLING_UNIT, &Field::Unit, r).or_else(|| {
        ["polling_station", "station"]
            .iter()
            .filter_map(|k| root.get(*k))
            .find_map(|v| match v {
                Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                _ => None,
            })
            .filter(|n| *n > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Page;
    use crate::core::domain::form::Category;

    fn ok(text: &str) -> BallotRecord {
        extract(text, Source::default()).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    use crate::core::engine::testing::PHRAE_FORM as PHRAE;

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
                .any(|i| i.code == IssueCode::Conflict && i.field == Field::Row(2)),
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
        let codes: Vec<(IssueCode, String)> = r
            .issues
            .iter()
            .map(|i| (i.code, i.field.to_string()))
            .collect();
        let codes: Vec<(IssueCode, &str)> = codes.iter().map(|(c, f)| (*c, f.as_str())).collect();
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
