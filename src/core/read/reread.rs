//! Second reading: a ballot whose checks fail in a way another look could
//! settle (digits against words, the rows' sum, the totals, a row too many
//! or too few) is read once more with a prompt that names just those cells.
//! The merge rule is strict and explicit:
//!
//! - a cell is settled only when the re-read's digits and words agree with
//!   each other AND with one side of the first reading (its digits or its
//!   words);
//! - the form is settled only when, with the settled cells, every check
//!   passes. Otherwise the first reading stands, in review, with both
//!   readings kept side by side.
//!
//! Nothing changes silently: the record keeps both readings and says, per
//! cell, whether the re-read settled it. A missing or extra row is asked
//! about, but never settled by a re-read (there is no first reading of a
//! missing row to agree with).

use crate::core::domain::ballot::{BallotRecord, Count, IssueCode, Severity, Stage};
use crate::core::domain::field::{Field, TOTALS};
use crate::core::domain::registry::Registry;
use crate::core::domain::thai::{parse_digits, parse_words};
use crate::core::read::extract::json::find_json;
use crate::core::read::validate::validate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Bump when [`prompt`] changes in a way that changes answers.
pub const REREAD_PROMPT_VERSION: &str = "tallyscan-reread-1";

/// Starts every re-read prompt (the simulator knows a re-read by it).
pub const REREAD_MARK: &str = "TallyScan second reading";

/// Issues a second look may settle.
fn rereadable(code: IssueCode) -> bool {
    matches!(
        code,
        IssueCode::WordsMismatch
            | IssueCode::SumMismatch
            | IssueCode::TotalMismatch
            | IssueCode::MissingRows
            | IssueCode::DuplicateRow
    )
}

/// The cells to read again (fields as validation names them: "row 3",
/// "valid", "invalid", "no-vote", "total"), and whether the row numbers
/// present are asked for; `None` when no error is one a re-read settles.
pub fn targets(r: &BallotRecord) -> Option<(Vec<Field>, bool)> {
    let errors: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .collect();
    if errors.is_empty() || !errors.iter().all(|i| rereadable(i.code)) {
        return None;
    }
    let rows = || r.rows.iter().map(|x| Field::Row(x.number));
    let mut cells: Vec<Field> = Vec::new();
    let mut rows_present = false;
    for i in errors {
        match i.code {
            IssueCode::WordsMismatch => cells.push(i.field.clone()),
            IssueCode::SumMismatch => cells.extend(rows().chain([Field::Valid])),
            IssueCode::TotalMismatch => cells.extend(TOTALS),
            _ => rows_present = true,
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    cells.retain(|c| seen.insert(c.clone()));
    Some((cells, rows_present))
}

/// The re-read prompt: the cells by name, digits and words for each.
pub fn prompt(cells: &[Field], rows_present: bool) -> String {
    let name = |c: &Field| match c {
        Field::Row(n) => format!("the vote row for number {n}"),
        Field::Valid => "valid ballots (บัตรดี)".into(),
        Field::Invalid => "invalid ballots (บัตรเสีย)".into(),
        Field::NoVote => "ballots choosing no one (ไม่เลือกผู้สมัครผู้ใด)".into(),
        _ => "total ballots used".into(),
    };
    let list: Vec<String> = cells
        .iter()
        .map(|c| format!("- \"{c}\": {}", name(c)))
        .collect();
    let rows = if rows_present {
        "\nAlso list every vote-row number printed with a count on this page, as \"rows_present\": [1, 2, ...]."
    } else {
        ""
    };
    format!(
        "{REREAD_MARK} ({REREAD_PROMPT_VERSION}). Look again at this Thai vote-count form and read ONLY these counts, each exactly as written, in digits and in Thai words; do not compute or correct anything:\n{}{rows}\nAnswer with ONE JSON object and nothing else: {{\"cells\": {{\"<name>\": {{\"numeric\": 108, \"thai_text\": \"หนึ่งร้อยแปด\"}}}}}}. Use null for a count you cannot read.",
        list.join("\n")
    )
}

/// One cell, as read the first and the second time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RereadCell {
    /// Which count (written "row 3", "valid"...).
    pub field: Field,
    pub first: Count,
    /// What the re-read said (None: it did not say).
    pub second: Option<Count>,
    /// The re-read settled this cell (its value is now the record's).
    pub settled: bool,
}

/// The second reading of a record, kept with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondReading {
    pub prompt_version: String,
    /// The model that read it the second time.
    pub model: String,
    pub cells: Vec<RereadCell>,
    /// Row numbers the re-read says are on the page, when asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_present: Option<Vec<u32>>,
    /// Every check passes with the settled cells: the record is settled.
    pub settled: bool,
    /// Why it is not settled, when it is not.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The re-read's answer: a count per cell, and the rows present if asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RereadAnswer {
    pub cells: Vec<(Field, Count)>,
    pub rows_present: Option<Vec<u32>>,
}

fn count_value(v: &Value) -> Option<Count> {
    let digits = match &v["numeric"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => parse_digits(s).ok(),
        _ => None,
    };
    let words = v["thai_text"].as_str().map(str::to_string);
    (digits.is_some() || words.is_some()).then_some(Count { digits, words })
}

/// Reads a re-read's answer text, or says why it cannot.
pub fn parse(text: &str) -> Result<RereadAnswer, String> {
    let (map, _) = find_json(text).map_err(|e| e.to_string())?;
    let cells = map
        .get("cells")
        .and_then(Value::as_object)
        .ok_or("the re-read answer has no \"cells\" object")?;
    let rows_present = map.get("rows_present").and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(|v| v.as_u64().and_then(|n| u32::try_from(n).ok()))
            .collect()
    });
    Ok(RereadAnswer {
        cells: cells
            .iter()
            .filter_map(|(k, v)| Some((Field::from(k.as_str()), count_value(v)?)))
            .collect(),
        rows_present,
    })
}

/// The value the words spell, if they spell one.
fn words_value(c: &Count) -> Option<u64> {
    c.words.as_deref().and_then(|w| parse_words(w).ok())
}

/// Whether the re-read of one cell settles it (see the module's rule).
pub fn settles(first: &Count, second: &Count) -> Option<u64> {
    let d2 = second.digits?;
    if words_value(second)? != d2 {
        return None;
    }
    (first.digits == Some(d2) || words_value(first) == Some(d2)).then_some(d2)
}

/// The record after its second reading `answer` (by `model`) for `cells`:
/// settled (cells changed, checks pass) or the first reading as it was,
/// with both readings kept.
pub fn merge(
    first: &BallotRecord,
    cells: &[Field],
    answer: &RereadAnswer,
    model: &str,
    registry: &Registry,
) -> BallotRecord {
    let mut merged = first.clone();
    let mut out = Vec::new();
    for field in cells {
        let Some(before) = first.count(field).cloned() else {
            continue;
        };
        let second = answer
            .cells
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, c)| c.clone());
        let value = second.as_ref().and_then(|s| settles(&before, s));
        if let (Some(v), Some(s), Some(c)) = (value, &second, merged.count_mut(field)) {
            *c = Count {
                digits: Some(v),
                words: s.words.clone(),
            };
        }
        out.push(RereadCell {
            field: field.clone(),
            first: before,
            second,
            settled: value.is_some(),
        });
    }
    // Checks run again, as after a person's correction: what reading the
    // answer found stays, except on the settled cells.
    let settled: Vec<&Field> = out.iter().filter(|c| c.settled).map(|c| &c.field).collect();
    merged
        .issues
        .retain(|i| i.stage == Stage::Read && !settled.contains(&&i.field));
    let checked = validate(merged, registry);
    let passes = !checked.has_errors();
    let mut reading = SecondReading {
        prompt_version: REREAD_PROMPT_VERSION.into(),
        model: model.into(),
        cells: out,
        rows_present: answer.rows_present.clone(),
        settled: passes,
        note: String::new(),
    };
    if passes {
        let mut r = checked;
        r.reread = Some(Box::new(reading));
        return r;
    }
    // Not settled: nothing of the re-read enters the record's values.
    reading.cells.iter_mut().for_each(|c| c.settled = false);
    reading.note = "the second reading did not settle every check: a person must look".into();
    let mut r = first.clone();
    r.reread = Some(Box::new(reading));
    r
}

/// The first reading kept as it was when its re-read failed (`why`).
pub fn failed(first: &BallotRecord, cells: &[Field], model: &str, why: &str) -> BallotRecord {
    let mut r = first.clone();
    r.reread = Some(Box::new(SecondReading {
        prompt_version: REREAD_PROMPT_VERSION.into(),
        model: model.into(),
        cells: cells
            .iter()
            .filter_map(|f| {
                Some(RereadCell {
                    field: f.clone(),
                    first: first.count(f)?.clone(),
                    second: None,
                    settled: false,
                })
            })
            .collect(),
        rows_present: None,
        settled: false,
        note: format!("the second reading failed: {why}"),
    }));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::domain::thai::to_words;
    use crate::core::read::extract::extract;

    fn c(d: Option<u64>, w: Option<&str>) -> Count {
        Count {
            digits: d,
            words: w.map(String::from),
        }
    }

    #[test]
    fn the_cell_rule_table() {
        let w = |n: u64| to_words(n);
        let (w30, w60, w31) = (w(30), w(60), w(31));
        let cases: &[(&str, Count, Count, Option<u64>)] = &[
            (
                "digits right, words wrong; re-read agrees with the digits",
                c(Some(30), Some(&w60)),
                c(Some(30), Some(&w30)),
                Some(30),
            ),
            (
                "digits wrong, words right; re-read agrees with the words",
                c(Some(60), Some(&w30)),
                c(Some(30), Some(&w30)),
                Some(30),
            ),
            (
                "re-read self-consistent but agrees with neither side",
                c(Some(30), Some(&w60)),
                c(Some(31), Some(&w31)),
                None,
            ),
            (
                "re-read digits and words disagree",
                c(Some(30), Some(&w60)),
                c(Some(30), Some(&w60)),
                None,
            ),
            (
                "re-read has no words",
                c(Some(30), Some(&w60)),
                c(Some(30), None),
                None,
            ),
            (
                "re-read has no digits",
                c(Some(30), Some(&w60)),
                c(None, Some(&w30)),
                None,
            ),
            (
                "first had no words, re-read agrees with its digits",
                c(Some(30), None),
                c(Some(30), Some(&w30)),
                Some(30),
            ),
            (
                "first unreadable words, re-read matches nothing",
                c(None, Some("xx")),
                c(Some(30), Some(&w30)),
                None,
            ),
        ];
        for (what, first, second, want) in cases {
            assert_eq!(settles(first, second), *want, "{what}");
        }
    }

    /// แพร่ เขต 1 unit 4: rows 40, 30, 20, 4, 5, 1; valid 100, invalid 3,
    /// no vote 2, total 105; `edit` spoils the reading.
    fn record(edit: &str) -> BallotRecord {
        let mut text = r#"{"form_type":"ส.ส. 5/18","province":"แพร่","constituency_number":1,"polling_unit":4,
            "votes":{"1":{"numeric":40,"thai_text":"สี่สิบ"},"2":{"numeric":30,"thai_text":"สามสิบ"},"3":{"numeric":20,"thai_text":"ยี่สิบ"},
              "4":{"numeric":4,"thai_text":"สี่"},"5":{"numeric":5,"thai_text":"ห้า"},"6":{"numeric":1,"thai_text":"หนึ่ง"}},
            "valid_votes":{"numeric":100,"thai_text":"หนึ่งร้อย"},"invalid_votes":{"numeric":3,"thai_text":"สาม"},
            "no_vote":{"numeric":2,"thai_text":"สอง"},"total_votes":{"numeric":105,"thai_text":"หนึ่งร้อยห้า"}}"#
            .to_string();
        for (from, to) in edit.split(';').filter_map(|p| p.split_once("=>")) {
            text = text.replacen(from, to, 1);
        }
        validate(
            extract(&text, Source::default()).unwrap(),
            &Registry::builtin(),
        )
    }

    fn answer(text: &str) -> RereadAnswer {
        parse(text).unwrap()
    }

    #[test]
    fn targets_name_the_failing_cells() {
        assert_eq!(targets(&record("")), None, "nothing to settle");
        let r = record(r#""thai_text":"สามสิบ"=>"thai_text":"หกสิบ""#);
        assert_eq!(targets(&r), Some((vec![Field::Row(2)], false)));
        let r = record(r#""numeric":30=>"numeric":60"#);
        let (cells, _) = targets(&r).unwrap();
        assert!(cells.contains(&Field::Row(2)) && cells.contains(&Field::Valid));
        // A province the registry lacks is no reading a second look settles.
        let r = record(r#""province":"แพร่"=>"province":"ไม่มี""#);
        assert_eq!(targets(&r), None);
        assert!(prompt(&["row 2".into()], true).starts_with(REREAD_MARK));
        assert!(prompt(&["row 2".into()], true).contains("rows_present"));
    }

    #[test]
    fn merges_settle_only_when_every_check_passes() {
        let reg = Registry::builtin();
        // Words misread: the re-read agrees with the digits: settled.
        let first = record(r#""thai_text":"สามสิบ"=>"thai_text":"หกสิบ""#);
        let (cells, _) = targets(&first).unwrap();
        let good = answer(r#"{"cells":{"row 2":{"numeric":30,"thai_text":"สามสิบ"}}}"#);
        let r = merge(&first, &cells, &good, "m2", &reg);
        assert!(!r.has_errors(), "{:?}", r.issues);
        let second = r.reread.as_ref().unwrap();
        assert!(second.settled && second.cells[0].settled);
        assert_eq!(r.rows[1].votes.words.as_deref(), Some("สามสิบ"));
        assert_eq!(
            second.cells[0].first.words.as_deref(),
            Some("หกสิบ"),
            "the first reading kept"
        );

        // The re-read repeats the misreading: nothing changes, in review.
        let same = answer(r#"{"cells":{"row 2":{"numeric":30,"thai_text":"หกสิบ"}}}"#);
        let r = merge(&first, &cells, &same, "m2", &reg);
        assert!(r.has_errors() && r.confidence.needs_review);
        assert_eq!(r.rows, first.rows);
        assert!(!r.reread.as_ref().unwrap().settled);

        // Self-consistently wrong (31): agrees with neither side: in review.
        let wrong = answer(r#"{"cells":{"row 2":{"numeric":31,"thai_text":"สามสิบเอ็ด"}}}"#);
        let r = merge(&first, &cells, &wrong, "m2", &reg);
        assert!(r.has_errors());
        assert_eq!(r.rows, first.rows);

        // Digits misread as 60 (words say 30, sum says 30): settled to 30.
        let first = record(r#""numeric":30=>"numeric":60"#);
        let (cells, _) = targets(&first).unwrap();
        let ok = answer(
            r#"{"cells":{"row 2":{"numeric":30,"thai_text":"สามสิบ"},"valid":{"numeric":90,"thai_text":"เก้าสิบ"}}}"#,
        );
        let r = merge(&first, &cells, &ok, "m2", &reg);
        assert!(!r.has_errors(), "{:?}", r.issues);
        assert_eq!(r.rows[1].votes.digits, Some(30));
    }

    #[test]
    fn a_cell_settled_alone_does_not_settle_the_form() {
        let reg = Registry::builtin();
        // Row 2 words wrong AND valid off by ten in both digits and words:
        // the re-read settles row 2, but the sum still fails.
        let first = record(
            r#""thai_text":"สามสิบ"=>"thai_text":"หกสิบ";"numeric":100,"thai_text":"หนึ่งร้อย"=>"numeric":80,"thai_text":"แปดสิบ""#,
        );
        let (cells, _) = targets(&first).unwrap();
        let a = answer(
            r#"{"cells":{"row 2":{"numeric":30,"thai_text":"สามสิบ"},"valid":{"numeric":100,"thai_text":"หนึ่งร้อย"}}}"#,
        );
        let r = merge(&first, &cells, &a, "m2", &reg);
        assert!(
            r.has_errors(),
            "valid 100 agrees with neither 80 nor แปดสิบ: not settled"
        );
        assert_eq!(r.rows, first.rows, "nothing of the re-read enters");
        let second = r.reread.unwrap();
        assert!(!second.settled && second.cells.iter().all(|c| !c.settled));
        assert!(
            second.cells.iter().any(|c| c.second.is_some()),
            "both readings kept"
        );
    }

    #[test]
    fn unreadable_answers_are_said() {
        assert!(parse("sorry").is_err());
        assert!(parse(r#"{"rows":{}}"#).unwrap_err().contains("cells"));
        let a = parse(r#"```json {"cells":{"row 1":{"numeric":"๔๐","thai_text":"สี่สิบ"},"valid":null},"rows_present":[1,2,"x"]} ```"#).unwrap();
        assert_eq!(a.cells, vec![(Field::Row(1), c(Some(40), Some("สี่สิบ")))]);
        assert_eq!(a.rows_present, Some(vec![1, 2]));
        let first = record(r#""thai_text":"สามสิบ"=>"thai_text":"หกสิบ""#);
        let r = failed(&first, &["row 2".into()], "m", "HTTP 500");
        assert!(r.reread.unwrap().note.contains("HTTP 500"));
    }
}
