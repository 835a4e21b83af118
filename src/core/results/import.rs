//! Importing results made elsewhere, so volunteers who used the Python tool
//! keep their work: its batch JSON (`ballot_data.json`: a list of results,
//! plain or with the ECT verification around them) and CSV exports (one
//! line per ballot, or one line per vote row), and TallyScan's own JSON
//! export. Every entry is read by the same reader as a model's answer,
//! then checked and aggregated like a new reading, marked with the file it
//! came from. Entries that cannot be read are listed with why.

use crate::core::domain::ballot::{BallotRecord, Source};
use crate::core::domain::registry::Registry;
use crate::core::read::extract::extract_value;
use crate::core::read::validate::validate;
use crate::core::results::export;
use serde_json::{Map, Value};

/// What an import brought.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    /// The records read, checked.
    pub records: Vec<BallotRecord>,
    /// Entries (1-based) that could not be read, with why.
    pub skipped: Vec<(usize, String)>,
}

/// Why a file could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Neither JSON nor CSV with a header this reader knows.
    #[error("{0} is neither results JSON nor a CSV with a header row")]
    Unknown(String),
    /// No entries.
    #[error("{0} holds no results")]
    Empty(String),
}

/// The model name imported records carry.
pub const IMPORTED_MODEL: &str = "imported";

/// Reads a results file (JSON or CSV, by content).
pub fn import_results(
    text: &str,
    file_name: &str,
    registry: &Registry,
) -> Result<Imported, ImportError> {
    let text = text.trim_start_matches(export::BOM).trim();
    let entries = if text.starts_with(['[', '{']) {
        if let Ok(records) = export::from_json(text) {
            return Ok(own_export(records, file_name));
        }
        json_entries(text).ok_or_else(|| ImportError::Unknown(file_name.into()))?
    } else {
        csv_entries(text).ok_or_else(|| ImportError::Unknown(file_name.into()))?
    };
    if entries.is_empty() {
        return Err(ImportError::Empty(file_name.into()));
    }
    Ok(read_entries(entries, file_name, registry))
}

fn own_export(records: Vec<BallotRecord>, file_name: &str) -> Imported {
    let records = records
        .into_iter()
        .map(|mut r| {
            r.source.imported_from = Some(file_name.into());
            r
        })
        .collect();
    Imported {
        records,
        skipped: Vec::new(),
    }
}

fn read_entries(
    entries: Vec<Map<String, Value>>,
    file_name: &str,
    registry: &Registry,
) -> Imported {
    let mut out = Imported::default();
    for (i, entry) in entries.into_iter().enumerate() {
        let entry = unwrap_entry(entry);
        let name = ["source_file", "image", "file", "file_name", "path"]
            .iter()
            .find_map(|k| entry.get(*k).and_then(Value::as_str))
            .map(str::to_string)
            .unwrap_or_else(|| format!("{file_name} #{}", i + 1));
        let source = Source {
            file_name: name,
            model: IMPORTED_MODEL.into(),
            imported_from: Some(file_name.into()),
            ..Source::default()
        };
        match extract_value(&entry, source) {
            Ok(record) => out.records.push(validate(record, registry)),
            Err(e) => out.skipped.push((i + 1, e.to_string())),
        }
    }
    out
}

/// The reading inside an entry: the Python tool's accuracy test nests it
/// under "extraction", its ECT verification under "ballot_data".
fn unwrap_entry(mut entry: Map<String, Value>) -> Map<String, Value> {
    for key in ["extraction", "ballot_data"] {
        if let Some(Value::Object(inner)) = entry.remove(key) {
            let mut inner = inner;
            for (k, v) in entry {
                inner.entry(k).or_insert(v);
            }
            return inner;
        }
    }
    entry
}

fn json_entries(text: &str) -> Option<Vec<Map<String, Value>>> {
    let v: Value = serde_json::from_str(text).ok()?;
    let list = match v {
        Value::Array(items) => items,
        Value::Object(mut m) => match ["results", "ballots", "records", "data"]
            .iter()
            .find_map(|k| m.remove(*k).filter(Value::is_array))
        {
            Some(Value::Array(items)) => items,
            _ => vec![Value::Object(m)],
        },
        _ => return None,
    };
    Some(
        list.into_iter()
            .filter_map(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
    )
}

// ---- CSV.

/// RFC 4180 lines: quoted cells, doubled quotes, line breaks in quotes.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell) = (Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows.retain(|r| r.iter().any(|c| !c.trim().is_empty()));
    rows
}

/// A header cell as a key: "Valid Votes" → "valid_votes", "file / ไฟล์" → "file".
fn key(header: &str) -> String {
    let first = header.split(" / ").next().unwrap_or(header).trim();
    first.to_ascii_lowercase().replace([' ', '-'], "_")
}

const ROW_NUMBER_COLUMNS: [&str; 5] = [
    "candidate_number",
    "party_number",
    "number",
    "position",
    "no",
];
const ROW_VOTES_COLUMNS: [&str; 3] = ["votes", "numeric", "vote_count"];

fn csv_entries(text: &str) -> Option<Vec<Map<String, Value>>> {
    let mut rows = csv_rows(text).into_iter();
    let header: Vec<String> = rows.next()?.iter().map(|h| key(h)).collect();
    if header.len() < 2 {
        return None;
    }
    let lines: Vec<Map<String, Value>> = rows
        .map(|r| {
            header
                .iter()
                .zip(r)
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.clone(), Value::String(v)))
                .collect()
        })
        .collect();
    let has = |cols: &[&str]| cols.iter().any(|c| header.iter().any(|h| h == c));
    let long = has(&ROW_NUMBER_COLUMNS)
        && has(&ROW_VOTES_COLUMNS)
        && !has(&["vote_counts", "party_votes"]);
    Some(if long {
        group_vote_lines(lines)
    } else {
        lines.into_iter().map(wide_entry).collect()
    })
}

/// One line per ballot: vote columns hold JSON (`{"1": 153}`), "1:153;
/// 2:4", or there is a column per number ("1", "party_1", "candidate_1").
fn wide_entry(mut line: Map<String, Value>) -> Map<String, Value> {
    for table in ["vote_counts", "party_votes", "votes"] {
        if let Some(Value::String(s)) = line.get(table).cloned() {
            line.insert(table.into(), vote_cell(&s));
        }
    }
    let numbered: Map<String, Value> = line
        .iter()
        .filter_map(|(k, v)| {
            let n = k
                .trim_start_matches("party_")
                .trim_start_matches("candidate_");
            (n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
                .then(|| (n.to_string(), v.clone()))
        })
        .collect();
    if !numbered.is_empty()
        && !line.contains_key("vote_counts")
        && !line.contains_key("party_votes")
    {
        line.insert("votes".into(), Value::Object(numbered));
    }
    line
}

fn vote_cell(s: &str) -> Value {
    if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(s) {
        return v;
    }
    let pairs: Map<String, Value> = s
        .split([';', '|'])
        .filter_map(|p| p.split_once([':', '=']))
        .map(|(k, v)| (k.trim().to_string(), Value::String(v.trim().to_string())))
        .collect();
    Value::Object(pairs)
}

/// One line per vote row: lines of the same ballot (same file, or the same
/// place and form) become one entry with its rows.
fn group_vote_lines(lines: Vec<Map<String, Value>>) -> Vec<Map<String, Value>> {
    let mut order: Vec<String> = Vec::new();
    let mut ballots: std::collections::BTreeMap<String, Map<String, Value>> = Default::default();
    for line in lines {
        let id = ballot_id(&line);
        let entry = ballots.entry(id.clone()).or_insert_with(|| {
            order.push(id);
            Map::new()
        });
        let number = ROW_NUMBER_COLUMNS
            .iter()
            .find_map(|c| line.get(*c))
            .cloned();
        let votes = ROW_VOTES_COLUMNS.iter().find_map(|c| line.get(*c)).cloned();
        let words = line.get("thai_text").cloned();
        for (k, v) in &line {
            if !ROW_NUMBER_COLUMNS.contains(&k.as_str())
                && !ROW_VOTES_COLUMNS.contains(&k.as_str())
                && k != "thai_text"
            {
                entry.entry(k.clone()).or_insert(v.clone());
            }
        }
        if let (Some(Value::String(n)), Some(v)) = (number, votes) {
            let mut count = Map::new();
            count.insert("numeric".into(), v);
            if let Some(w) = words {
                count.insert("thai_text".into(), w);
            }
            if let Value::Object(rows) = entry.entry("votes").or_insert(Value::Object(Map::new())) {
                rows.insert(n, Value::Object(count));
            }
        }
    }
    order
        .into_iter()
        .filter_map(|id| ballots.remove(&id))
        .collect()
}

fn ballot_id(line: &Map<String, Value>) -> String {
    let get = |k: &str| line.get(k).and_then(Value::as_str).unwrap_or("");
    match ["source_file", "file", "image"]
        .iter()
        .map(|k| get(k))
        .find(|v| !v.is_empty())
    {
        Some(file) => file.to_string(),
        None => [
            "form_type",
            "province",
            "constituency_number",
            "polling_unit",
            "page_parties",
        ]
        .map(get)
        .join("|"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::form::Category;

    fn import(text: &str) -> Imported {
        import_results(text, "ballot_data.json", &Registry::builtin()).unwrap()
    }

    #[test]
    fn the_python_tools_batch_json() {
        let text = r#"[
          {"form_type":"ส.ส. 5/17","form_category":"constituency","province":"แพร่","constituency_number":1,"district":"เมืองแพร่",
           "polling_unit":0,"polling_station":"แพร่-เขต 1 เมืองแพร่-0","valid_votes":614,"invalid_votes":7,"blank_votes":36,
           "total_votes":657,"confidence_score":0.9,"confidence_level":"HIGH","source_file":"phrae.png",
           "vote_counts":{"1":108,"2":54,"3":15,"4":424,"5":8,"6":5}},
          {"form_type":"ส.ส. 5/18 (บช)","form_category":"party_list","province":"แพร่","constituency_number":1,"polling_unit":2,
           "valid_votes":0,"invalid_votes":0,"blank_votes":0,"total_votes":0,"source_file":"bch_page-1.png",
           "page_parties":"1-20","party_votes":{"1":12,"8":45}},
          "not an entry"
        ]"#;
        let got = import(text);
        assert_eq!(got.records.len(), 2);
        let c = &got.records[0];
        assert_eq!(
            (c.source.file_name.as_str(), c.constituency, c.polling_unit),
            ("phrae.png", Some(1), None)
        );
        assert_eq!(c.totals.no_vote.as_ref().and_then(|n| n.digits), Some(36));
        assert_eq!(c.source.imported_from.as_deref(), Some("ballot_data.json"));
        assert!(!c.has_errors(), "{:?}", c.issues);
        let p = &got.records[1];
        assert_eq!(p.category(), Some(Category::PartyList));
        assert_eq!(p.page.map(|p| p.number), Some(1));
        assert!(
            p.totals.is_empty(),
            "the export's zeros mean no totals on this page"
        );
    }

    #[test]
    fn verification_and_test_shapes_are_unwrapped() {
        let text = r#"{"results":[
          {"form_type":"ส.ส. 5/18","status":"verified","ballot_data":{"form_type":"ส.ส. 5/18","form_category":"constituency",
            "province":"แพร่","constituency_number":1,"polling_unit":4,"total_votes":10,"vote_counts":{"1":6,"2":4}}},
          {"image":"bch_page-1.png","passed":true,"extraction":{"form_type":"ส.ส. 5/16 (บช)","province":"แพร่",
            "constituency_number":1,"party_votes":{"1":12}}}
        ]}"#;
        let got = import(text);
        assert_eq!(got.records.len(), 2);
        assert_eq!(got.records[0].polling_unit, Some(4));
        assert_eq!(got.records[1].source.file_name, "bch_page-1.png");
    }

    #[test]
    fn csv_one_line_per_ballot_or_per_row() {
        let wide = "\u{feff}source_file,form_type,province,constituency_number,polling_unit,valid_votes,invalid_votes,blank_votes,total_votes,vote_counts\r\n\
            u1.png,ส.ส. 5/18,แพร่,1,1,10,1,0,11,\"{\"\"1\"\": 6, \"\"2\"\": 4}\"\r\n\
            u2.png,ส.ส. 5/18,แพร่,1,2,9,0,1,10,1:5;2:4\r\n";
        let got = import_results(wide, "results.csv", &Registry::builtin()).unwrap();
        assert_eq!(got.records.len(), 2);
        assert_eq!(got.records[1].rows.len(), 2);
        assert_eq!(got.records[1].rows[1].votes.digits, Some(4));
        let long = "source_file,form_type,province,constituency_number,polling_unit,candidate_number,votes,thai_text\n\
            u1.png,ส.ส. 5/18,แพร่,1,1,1,6,หก\n\
            u1.png,ส.ส. 5/18,แพร่,1,1,2,4,สี่\n\
            u2.png,ส.ส. 5/18,แพร่,1,2,1,5,ห้า\n";
        let got = import_results(long, "rows.csv", &Registry::builtin()).unwrap();
        assert_eq!(got.records.len(), 2);
        assert_eq!(got.records[0].rows.len(), 2);
        assert_eq!(got.records[0].rows[0].votes.words.as_deref(), Some("หก"));
    }

    #[test]
    fn our_own_export_comes_back_and_junk_is_refused() {
        let text =
            r#"{"form_code":"5/18","province":"แพร่","constituency_number":1,"votes":{"1":3}}"#;
        let r = validate(
            crate::core::read::extract::extract(text, Source::default()).unwrap(),
            &Registry::builtin(),
        );
        let back = import(&export::to_json(std::slice::from_ref(&r)));
        assert_eq!(back.records.len(), 1);
        assert_eq!(back.records[0].rows, r.rows);
        assert!(import_results("hello", "x.txt", &Registry::builtin()).is_err());
        assert!(import_results("[]", "x.json", &Registry::builtin()).is_err());
        let got = import(r#"[{"answer":"nothing"}]"#);
        assert_eq!(got.skipped.len(), 1);
    }
}
