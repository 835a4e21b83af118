//! Export: JSON (lossless, versioned, round-trips) and CSV (UTF-8 with BOM so
//! Excel shows Thai; headers in English and Thai). Serialization happens
//! here, at the edge. Cells that a spreadsheet would run as a formula are
//! prefixed with `'`: model output is data, never code.

use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::form::Category;
use crate::core::domain::registry::Registry;
use crate::core::results::aggregate::Aggregate;
use crate::core::results::official::{Comparison, Evidence, Severity, Subject};
use serde::{Deserialize, Serialize};

/// The JSON format's name.
pub const FORMAT: &str = "tallyscan.records";
/// The JSON format's version; bump on incompatible changes.
pub const VERSION: u32 = 1;
/// Byte-order mark that makes Excel read CSV as UTF-8.
pub const BOM: &str = "\u{feff}";

/// A picked file that ended without a record, for the exports: nothing
/// silently disappears.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedFile {
    /// Its position in the batch, from 1.
    pub index: usize,
    pub file: String,
    /// Why (the engine's message).
    pub reason: String,
}

/// One picked file in the export's order: its record (a position in the
/// records), or why it has none.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Record(usize),
    Failed(FailedFile),
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    records: Vec<BallotRecord>,
    /// Files without a record, with why (not read back).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    failed: Vec<FailedFile>,
    /// Records that count in no constituency, with why (not read back).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    not_placed: Vec<NotPlacedEntry>,
}

#[derive(Serialize, Deserialize)]
struct NotPlacedEntry {
    file: String,
    reason: String,
}

/// Why a JSON export could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Not JSON, or not in the record shape.
    #[error("not a TallyScan export: {0}")]
    Invalid(String),
    /// Another format.
    #[error("this file is \"{0}\", not a TallyScan records export")]
    WrongFormat(String),
    /// A newer version than this app reads.
    #[error("this export is version {0}; this TallyScan reads up to version {VERSION}")]
    TooNew(u32),
}

/// Records as versioned JSON.
pub fn to_json(records: &[BallotRecord]) -> String {
    envelope_json(records, Vec::new())
}

/// Records as versioned JSON, with the records that count in no
/// constituency listed with why.
pub fn to_json_with_tally(records: &[BallotRecord], agg: &Aggregate) -> String {
    let order: Vec<Entry> = (0..records.len()).map(Entry::Record).collect();
    to_json_in_order(records, agg, &order)
}

/// The files of `order` as versioned JSON: their records in that order
/// (with corrections and the audit trail), the files without one with why,
/// and the records that count in no constituency with why.
pub fn to_json_in_order(records: &[BallotRecord], agg: &Aggregate, order: &[Entry]) -> String {
    let mut env = envelope(records, agg);
    env.records = order
        .iter()
        .filter_map(|e| match e {
            Entry::Record(k) => records.get(*k).cloned(),
            Entry::Failed(_) => None,
        })
        .collect();
    env.failed = order
        .iter()
        .filter_map(|e| match e {
            Entry::Failed(f) => Some(f.clone()),
            Entry::Record(_) => None,
        })
        .collect();
    serde_json::to_string_pretty(&env).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn envelope(records: &[BallotRecord], agg: &Aggregate) -> Envelope {
    let not_placed = agg
        .not_placed
        .iter()
        .map(|n| NotPlacedEntry {
            file: records
                .get(n.record)
                .map(|r| r.source.file_name.clone())
                .unwrap_or_default(),
            reason: n.reason.describe(records),
        })
        .collect();
    Envelope {
        format: FORMAT.into(),
        version: VERSION,
        records: records.to_vec(),
        failed: Vec::new(),
        not_placed,
    }
}

fn envelope_json(records: &[BallotRecord], not_placed: Vec<NotPlacedEntry>) -> String {
    let env = Envelope {
        format: FORMAT.into(),
        version: VERSION,
        records: records.to_vec(),
        failed: Vec::new(),
        not_placed,
    };
    serde_json::to_string_pretty(&env).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// For each record: "counted", or why it counts in no constituency.
pub fn tally_notes(records: &[BallotRecord], agg: &Aggregate) -> Vec<String> {
    let mut notes = vec!["counted / นับรวม".to_string(); records.len()];
    for n in &agg.not_placed {
        if let Some(note) = notes.get_mut(n.record) {
            *note = n.reason.describe(records);
        }
    }
    notes
}

/// Reads records back from [`to_json`]'s output.
pub fn from_json(s: &str) -> Result<Vec<BallotRecord>, ImportError> {
    let head: serde_json::Value = serde_json::from_str(s.trim_start_matches(BOM))
        .map_err(|e| ImportError::Invalid(e.to_string()))?;
    let format = head["format"].as_str().unwrap_or("").to_string();
    if format != FORMAT {
        return Err(ImportError::WrongFormat(format));
    }
    let version = head["version"].as_u64().unwrap_or(0) as u32;
    if version > VERSION {
        return Err(ImportError::TooNew(version));
    }
    let env: Envelope =
        serde_json::from_value(head).map_err(|e| ImportError::Invalid(e.to_string()))?;
    Ok(env.records)
}

/// One CSV cell: quoted when needed, formula-looking text defused.
fn cell(s: &str) -> String {
    let defused = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

fn line(cells: &[String]) -> String {
    let mut l = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    l.push_str("\r\n");
    l
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

const RECORD_HEADERS: [&str; 27] = [
    "file / ไฟล์",
    "sha256",
    "form / แบบ",
    "category / ประเภท",
    "province / จังหวัด",
    "province code / รหัสจังหวัด",
    "constituency / เขต",
    "district / อำเภอ",
    "subdistrict / ตำบล",
    "polling unit / หน่วย",
    "page / หน้า",
    "number / หมายเลข",
    "votes (digits) / คะแนน (ตัวเลข)",
    "votes (words) / คะแนน (ตัวอักษร)",
    "digits = words / ตรงกัน",
    "valid / บัตรดี",
    "invalid / บัตรเสีย",
    "no vote / ไม่เลือกผู้ใด",
    "total / รวม",
    "confidence / ความเชื่อมั่น",
    "level / ระดับ",
    "needs review / ต้องตรวจ",
    "issues / ปัญหา",
    "tally / การนับรวม",
    "corrections / การแก้ไข",
    "accepted / ยอมรับโดย",
    "second reading / อ่านซ้ำ",
];

/// A record's corrections: "field: from → to (who)", joined.
fn corrections(r: &BallotRecord) -> String {
    r.audit
        .iter()
        .map(|c| format!("{}: {} → {} ({})", c.field, c.from, c.to, c.who))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The second reading, per cell: "row 2: หกสิบ → สามสิบ settled by re-read".
fn second_reading(r: &BallotRecord) -> String {
    let Some(s) = &r.reread else {
        return String::new();
    };
    let show = |c: &crate::core::domain::ballot::Count| {
        format!("{}/{}", opt(c.digits), c.words.clone().unwrap_or_default())
    };
    let cells: Vec<String> = s
        .cells
        .iter()
        .map(|c| {
            let second = c.second.as_ref().map(show).unwrap_or_else(|| "—".into());
            let how = if c.settled {
                "settled by re-read / ยุติด้วยการอ่านซ้ำ"
            } else {
                "not settled / ไม่ยุติ"
            };
            format!("{}: {} → {second} {how}", c.field, show(&c.first))
        })
        .collect();
    let form = if s.settled {
        "settled / ยุติ"
    } else {
        "in review / รอคนตรวจ"
    };
    format!("{form} ({}): {}", s.model, cells.join("; "))
}

/// Who accepted the record as it is, and why.
fn acceptance(r: &BallotRecord) -> String {
    r.accepted
        .as_ref()
        .map(|a| format!("{} ({})", a.reason, a.who))
        .unwrap_or_default()
}

/// One CSV line per vote row of each record (one line for a record without
/// rows), each saying whether the record counts in its constituency.
pub fn records_csv(records: &[BallotRecord], agg: &Aggregate) -> String {
    let order: Vec<Entry> = (0..records.len()).map(Entry::Record).collect();
    records_csv_in_order(records, agg, &order)
}

/// The files of `order`, in that order: each record's lines as
/// [`records_csv`] writes them, and one line for each file without a
/// record, saying why in the issues column.
pub fn records_csv_in_order(records: &[BallotRecord], agg: &Aggregate, order: &[Entry]) -> String {
    let mut out = String::from(BOM);
    out.push_str(&line(&RECORD_HEADERS.map(String::from)));
    let notes = tally_notes(records, agg);
    for e in order {
        match e {
            Entry::Record(k) => {
                if let (Some(r), Some(note)) = (records.get(*k), notes.get(*k)) {
                    record_lines(&mut out, r, note);
                }
            }
            Entry::Failed(f) => {
                let mut cells = vec![String::new(); RECORD_HEADERS.len()];
                cells[0] = f.file.clone();
                cells[21] = "no record / ไม่มีผล".into();
                cells[22] = f.reason.clone();
                cells[23] = "not counted: no record / ไม่นับ: ไม่มีผลการอ่าน".into();
                out.push_str(&line(&cells));
            }
        }
    }
    out
}

fn record_lines(out: &mut String, r: &BallotRecord, note: &str) {
    {
        let d = |c: &Option<crate::core::domain::ballot::Count>| {
            opt(crate::core::domain::ballot::digits(c))
        };
        let common = |number: String, digits: String, words: String, agrees: String| {
            vec![
                r.source.file_name.clone(),
                r.source.sha256.clone(),
                opt(r.form.map(|f| f.label())),
                opt(r.form.map(|f| match f.category {
                    Category::Constituency => "constituency / แบ่งเขต",
                    Category::PartyList => "party list / บัญชีรายชื่อ",
                })),
                opt(r.province.clone()),
                opt(r.province_code),
                opt(r.constituency),
                opt(r.district.clone()),
                opt(r.subdistrict.clone()),
                opt(r.polling_unit),
                opt(r.page.map(|p| match p.of {
                    Some(of) => format!("{}/{of}", p.number),
                    None => p.number.to_string(),
                })),
                number,
                digits,
                words,
                agrees,
                d(&r.totals.valid),
                d(&r.totals.invalid),
                d(&r.totals.no_vote),
                d(&r.totals.total),
                format!("{:.3}", r.confidence.score),
                r.confidence.level.name().to_string(),
                if r.in_review_queue() {
                    "yes / ใช่"
                } else {
                    "no / ไม่"
                }
                .to_string(),
                r.issues
                    .iter()
                    .map(|i| i.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                note.to_string(),
                corrections(r),
                acceptance(r),
                second_reading(r),
            ]
        };
        if r.rows.is_empty() {
            out.push_str(&line(&common(
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            )));
        }
        for row in &r.rows {
            out.push_str(&line(&common(
                row.number.to_string(),
                opt(row.votes.digits),
                opt(row.votes.words.clone()),
                match row.votes.agrees() {
                    Some(true) => "yes".into(),
                    Some(false) => "NO".into(),
                    None => String::new(),
                },
            )));
        }
    }
}

/// Per constituency and number: votes, share, name, totals, turnout, review
/// share; then the records that count in no constituency, with why.
pub fn summary_csv(agg: &Aggregate, registry: &Registry, records: &[BallotRecord]) -> String {
    let mut out = String::from(BOM);
    out.push_str(&line(
        &[
            "province / จังหวัด",
            "constituency / เขต",
            "category / ประเภท",
            "number / หมายเลข",
            "name / ชื่อ",
            "votes / คะแนน",
            "share of valid / ร้อยละของบัตรดี",
            "leader / นำ",
            "units / หน่วย",
            "units needing review / หน่วยที่ต้องตรวจ",
            "valid / บัตรดี",
            "invalid / บัตรเสีย",
            "no vote / ไม่เลือกผู้ใด",
            "total / รวม",
            "registered voters / ผู้มีสิทธิ",
            "turnout / ร้อยละผู้มาใช้สิทธิ",
        ]
        .map(String::from),
    ));
    for t in &agg.constituencies {
        let province_id = registry
            .provinces
            .iter()
            .find(|p| p.code == t.province_code)
            .map(|p| p.id.clone())
            .unwrap_or_default();
        for (number, votes) in &t.votes {
            let name = match t.category {
                Category::PartyList => registry.party(*number).map(|p| p.name_th.clone()),
                Category::Constituency => registry
                    .constituency(&province_id, t.constituency)
                    .and_then(|c| {
                        c.candidates
                            .iter()
                            .find(|(n, _)| n == number)
                            .map(|(_, name)| name.clone())
                    }),
            }
            .unwrap_or_default();
            let share = if t.valid > 0 {
                format!("{:.2}", *votes as f64 * 100.0 / t.valid as f64)
            } else {
                String::new()
            };
            out.push_str(&line(&[
                t.province.clone(),
                t.constituency.to_string(),
                match t.category {
                    Category::Constituency => "constituency / แบ่งเขต".into(),
                    Category::PartyList => "party list / บัญชีรายชื่อ".into(),
                },
                number.to_string(),
                name,
                votes.to_string(),
                share,
                if t.leaders.contains(number) {
                    "yes / ใช่".into()
                } else {
                    String::new()
                },
                t.units.to_string(),
                t.units_needing_review.to_string(),
                t.valid.to_string(),
                t.invalid.to_string(),
                t.no_vote.to_string(),
                t.total.to_string(),
                t.registered_voters.to_string(),
                opt(t.turnout.map(|x| format!("{:.2}", x * 100.0))),
            ]));
        }
    }
    not_placed_lines(&mut out, agg, records);
    out
}

fn not_placed_lines(out: &mut String, agg: &Aggregate, records: &[BallotRecord]) {
    if agg.not_placed.is_empty() {
        return;
    }
    out.push_str("\r\n");
    out.push_str(&line(&[
        "not counted in any constituency / ไม่ได้นับรวมในเขตใด".to_string(),
        "file / ไฟล์".into(),
        "why / เหตุผล".into(),
    ]));
    for n in &agg.not_placed {
        let file = records
            .get(n.record)
            .map(|r| r.source.file_name.clone())
            .unwrap_or_default();
        out.push_str(&line(&[String::new(), file, n.reason.describe(records)]));
    }
}

/// The discrepancies with the official results, one line each, most
/// severe first, with the forms behind our number (file, page, SHA-256,
/// model, corrected or accepted by a person).
pub fn discrepancies_csv(c: &Comparison, registry: &Registry) -> String {
    let mut out = String::from(BOM);
    out.push_str(&line(&[
        "severity / ความรุนแรง".into(),
        "province / จังหวัด".into(),
        "constituency / เขต".into(),
        "category / ประเภท".into(),
        "subject / รายการ".into(),
        "forms / จากใบรายงาน".into(),
        "official / ผลทางการ".into(),
        "difference / ผลต่าง".into(),
        "variance % / ร้อยละ".into(),
        "certain excess / เกินแน่นอน".into(),
        "evidence / หลักฐาน".into(),
    ]));
    for d in &c.discrepancies {
        out.push_str(&line(&[
            severity_name(d.severity).into(),
            if d.constituency == 0 {
                "ทั้งประเทศ / national".into()
            } else {
                d.province.clone()
            },
            if d.constituency == 0 {
                String::new()
            } else {
                d.constituency.to_string()
            },
            category_name(d.category).into(),
            subject_name(&d.subject, registry),
            d.ours.to_string(),
            d.official.to_string(),
            (d.ours as i128 - d.official as i128).to_string(),
            format!("{:.2}", d.variance * 100.0),
            if d.certain_excess {
                "yes / ใช่"
            } else {
                ""
            }
            .into(),
            d.evidence
                .iter()
                .map(evidence_text)
                .collect::<Vec<_>>()
                .join(" | "),
        ]));
    }
    out
}

/// The comparison as JSON (discrepancies with their evidence, coverage).
pub fn discrepancies_json(c: &Comparison) -> String {
    serde_json::to_string_pretty(c).unwrap_or_default()
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::High => "HIGH / สูง",
        Severity::Medium => "MEDIUM / กลาง",
        Severity::Low => "LOW / ต่ำ",
    }
}

fn category_name(c: Category) -> &'static str {
    match c {
        Category::Constituency => "constituency / แบ่งเขต",
        Category::PartyList => "party list / บัญชีรายชื่อ",
    }
}

/// A subject as people name it: "หมายเลข 3", a party's name, a total.
pub fn subject_name(s: &Subject, registry: &Registry) -> String {
    match s {
        Subject::Candidate(n) => format!("ผู้สมัครหมายเลข {n} / candidate {n}"),
        Subject::Party(n) => match registry.parties.iter().find(|p| p.number == *n) {
            Some(p) => format!("{} ({n})", p.name_th),
            None => format!("พรรคหมายเลข {n} / party {n}"),
        },
        Subject::Valid => "บัตรดี / valid".into(),
        Subject::Invalid => "บัตรเสีย / invalid".into(),
        Subject::NoVote => "ไม่เลือกผู้ใด / no vote".into(),
        Subject::Turnout => "ผู้มาใช้สิทธิ / ballots used".into(),
    }
}

fn evidence_text(e: &Evidence) -> String {
    let mut t = e.file.clone();
    if let Some(u) = e.polling_unit {
        t.push_str(&format!(" (หน่วย {u})"));
    }
    t.push_str(&format!(" sha256:{} {}", e.sha256, e.model));
    if e.corrected {
        t.push_str(" corrected/แก้แล้ว");
    }
    if e.accepted {
        t.push_str(" accepted/ยอมรับ");
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::read::extract::extract;
    use crate::core::read::validate::validate;
    use crate::core::results::aggregate::aggregate;

    fn sample() -> Vec<BallotRecord> {
        let text = r#"{"form_type":"ส.ส. 5/18 (บช)","province":"แพร่","constituency_number":1,"polling_unit":3,"page":{"number":1,"of":4},
            "votes":{"1":{"numeric":12,"thai_text":"สิบสอง"},"2":{"numeric":7,"thai_text":"แปด"}},"district":"=HYPERLINK(\"http://x\")"}"#;
        let source = Source {
            file_name: "หน่วย 3, หน้า 1.png".into(),
            sha256: "ab".into(),
            model: "m".into(),
            prompt_version: "p".into(),
            imported_from: None,
            pixels: None,
            page: None,
        };
        vec![validate(
            extract(text, source).unwrap(),
            &Registry::builtin(),
        )]
    }

    #[test]
    fn json_round_trips_and_is_versioned() {
        let records = sample();
        let json = to_json(&records);
        assert!(json.contains("\"format\": \"tallyscan.records\""));
        assert_eq!(from_json(&json).unwrap(), records);
        assert_eq!(
            from_json("{\"format\":\"x\"}"),
            Err(ImportError::WrongFormat("x".into()))
        );
        assert_eq!(
            from_json(&json.replace("\"version\": 1", "\"version\": 9")),
            Err(ImportError::TooNew(9))
        );
        assert!(matches!(from_json("nope"), Err(ImportError::Invalid(_))));
    }

    #[test]
    fn json_round_trips_generated_records_exactly() {
        use crate::core::read::corpus::{sample, CORRUPTIONS};
        let reg = Registry::builtin();
        let mut rng = crate::core::domain::rng::SplitMix64::new(77);
        let records: Vec<BallotRecord> = (0..300)
            .map(|i| {
                let kind = if i % 2 == 0 {
                    None
                } else {
                    Some(CORRUPTIONS[i % CORRUPTIONS.len()])
                };
                validate(
                    extract(&sample(&reg, &mut rng, kind).text, Source::default()).unwrap(),
                    &reg,
                )
            })
            .collect();
        assert_eq!(from_json(&to_json(&records)).unwrap(), records);
    }

    #[test]
    fn csv_has_bom_bilingual_headers_and_safe_cells() {
        let records = sample();
        let csv = records_csv(&records, &aggregate(&records, &Registry::builtin()));
        assert!(csv.starts_with("\u{feff}file / ไฟล์,sha256,"));
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "header + one line per row");
        assert!(lines[1].starts_with(
            "\"หน่วย 3, หน้า 1.png\",ab,ส.ส. 5/18 (บช),party list / บัญชีรายชื่อ,แพร่,54,1,"
        ));
        assert!(
            lines[1].contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
            "{}",
            lines[1]
        );
        assert!(lines[2].contains(",2,7,แปด,NO,"), "{}", lines[2]);
        assert!(lines[2].contains("digits say 7 but words say"));
    }

    #[test]
    fn exports_keep_file_order_failures_and_corrections() {
        let reg = Registry::builtin();
        let mut records = sample();
        crate::core::results::review::correct(
            &mut records[0],
            &crate::core::domain::field::Field::Valid.digits(),
            "9",
            "Somchai",
            1,
        )
        .unwrap();
        crate::core::results::review::accept(&mut records[0], "checked on paper", "Somchai", 2)
            .unwrap();
        let agg = aggregate(&records, &reg);
        let failed = FailedFile {
            index: 1,
            file: "blurry.jpg".into(),
            reason: "HTTP 400: model takes no images".into(),
        };
        let order = [Entry::Failed(failed.clone()), Entry::Record(0)];
        let csv = records_csv_in_order(&records, &agg, &order);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(
            lines[1].starts_with("blurry.jpg,"),
            "failed file first: {}",
            lines[1]
        );
        assert!(lines[1].contains("HTTP 400: model takes no images"));
        assert!(lines[2].contains(" → 9 (Somchai)"), "{}", lines[2]);
        assert!(
            lines[2].ends_with(",checked on paper (Somchai),"),
            "{}",
            lines[2]
        );
        let json = to_json_in_order(&records, &agg, &order);
        assert!(
            json.contains("\"blurry.jpg\"") && json.contains("\"audit\""),
            "{json}"
        );
        assert_eq!(from_json(&json).unwrap(), records, "corrections read back");
    }

    #[test]
    fn both_exports_list_what_counts_nowhere_and_why() {
        let reg = Registry::builtin();
        let mut records = sample();
        let mut lost = records[0].clone();
        lost.province = Some("ภูเก็จ".into());
        lost.province_code = None;
        lost.source.file_name = "typo.png".into();
        records.push(lost);
        let agg = aggregate(&records, &reg);
        let csv = records_csv(&records, &agg);
        assert!(csv.lines().nth(1).unwrap().ends_with(",counted / นับรวม,,,"));
        assert!(
            csv.lines()
                .last()
                .unwrap()
                .ends_with(",\"not placed: \"\"ภูเก็จ\"\" is not a province\",,,"),
            "{csv}"
        );
        let summary = summary_csv(&agg, &reg, &records);
        assert!(
            summary.contains("typo.png,\"not placed: \"\"ภูเก็จ\"\" is not a province\""),
            "{summary}"
        );
        let json = to_json_with_tally(&records, &agg);
        assert!(json.contains("\"not_placed\""), "{json}");
        assert_eq!(from_json(&json).unwrap(), records, "still reads back");
    }

    #[test]
    fn summary_csv_names_parties() {
        let reg = Registry::builtin();
        let records = sample();
        let agg = aggregate(&records, &reg);
        let csv = summary_csv(&agg, &reg, &records);
        assert!(csv.starts_with(BOM));
        let first = csv.lines().nth(1).unwrap();
        assert!(
            first.starts_with(&format!(
                "แพร่,1,party list / บัญชีรายชื่อ,1,{},12,",
                reg.party(1).unwrap().name_th
            )),
            "{first}"
        );
    }

    #[test]
    fn cells() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("-5"), "-5");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
    }
}
