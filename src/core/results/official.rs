//! The Election Commission's published results, read from its own files
//! (`stats_cons.json`, `stats_party.json`), and set against the tallies of
//! the forms read: every discrepancy with its severity and its evidence
//! (the forms that make up our number).
//!
//! Nothing in an official file is trusted blindly: a file is read as far as
//! it goes, and every value that cannot be used becomes a [`Note`] (what
//! and where), never a panic. Comparison is coverage-aware: with every
//! polling unit of a constituency read and the official count complete,
//! each number is compared exactly; with fewer units, only what is already
//! certain is said (our partial sum above the official total).

use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::form::{Category, FormKind};
use crate::core::domain::registry::{num, Registry};
use crate::core::results::aggregate::{Aggregate, ConstituencyTally, UnitForm};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One constituency's official result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OfficialConstituency {
    /// The province's ECT id ("PHR").
    pub province_id: String,
    pub constituency: u32,
    /// Votes per candidate, by ballot number.
    pub candidates: BTreeMap<u32, u64>,
    /// Party-list votes per party, by ballot number.
    pub parties: BTreeMap<u32, u64>,
    pub valid: Option<u64>,
    pub invalid: Option<u64>,
    /// Ballots choosing no one (`blank_votes`).
    pub no_vote: Option<u64>,
    /// Ballots used (`turn_out`).
    pub turnout: Option<u64>,
    /// Polling stations counted so far.
    pub counted_stations: Option<u32>,
    /// Share of the count done, 0 to 100.
    pub percent_count: Option<f64>,
}

/// The official results loaded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OfficialResults {
    pub constituencies: Vec<OfficialConstituency>,
    /// National party-list votes by party ballot number (`stats_party.json`).
    pub national_parties: BTreeMap<u32, u64>,
}

/// Something in an official file that could not be used (the rest is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Note {
    /// An entry without a usable id (`cons_id`, `mp_app_id`, `party_id`).
    NoId { file: String, at: String },
    /// A number that is missing, negative, fractional or not a number.
    BadNumber {
        at: String,
        field: String,
        value: String,
    },
    /// A party id the registry does not know (no ballot number for it).
    UnknownParty { at: String, party_id: String },
    /// A province id the registry does not know.
    UnknownProvince { at: String, province_id: String },
    /// A field a newer or older file may lack.
    Missing { file: String, field: String },
}

impl std::fmt::Display for Note {
    /// The note in English (logs and tests; the page words it in its
    /// language, `ui::i18n::Msg`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Note::NoId { file, at } => write!(f, "{file}: entry {at} has no id; skipped"),
            Note::BadNumber { at, field, value } => {
                write!(f, "{at}: {field} = {value} is not a usable count; not compared")
            }
            Note::UnknownParty { at, party_id } => write!(
                f,
                "{at}: party id {party_id} is not in the registry, so its ballot number is unknown; not compared"
            ),
            Note::UnknownProvince { at, province_id } => {
                write!(f, "{at}: province id {province_id} is unknown; skipped")
            }
            Note::Missing { file, field } => write!(
                f,
                "{file}: no {field} (another version of the file); the rest was read"
            ),
        }
    }
}

/// Why an official file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficialError {
    #[error("{file} is not valid JSON: {why}")]
    NotJson { file: String, why: String },
    #[error("{file} is not an ECT results file: it has no {field}")]
    Shape { file: String, field: String },
}

/// Reads `stats_cons.json` (per province, per constituency) into `out`,
/// with what could not be used. Party ids become ballot numbers through
/// the registry.
pub fn read_stats_cons(
    text: &str,
    registry: &Registry,
    out: &mut OfficialResults,
) -> Result<Vec<Note>, OfficialError> {
    const FILE: &str = "stats_cons.json";
    let v = parse(FILE, text)?;
    let provinces = v["result_province"]
        .as_array()
        .ok_or_else(|| shape(FILE, "result_province"))?;
    let mut notes = Vec::new();
    for (i, p) in provinces.iter().enumerate() {
        let Some(cons) = p["constituencies"].as_array() else {
            notes.push(Note::Missing {
                file: FILE.into(),
                field: format!("result_province[{i}].constituencies"),
            });
            continue;
        };
        for (j, c) in cons.iter().enumerate() {
            let at = || format!("result_province[{i}].constituencies[{j}]");
            match constituency_of(c, registry, &mut notes) {
                Some(oc) => out.constituencies.push(oc),
                None if c["cons_id"].is_string() => {}
                None => notes.push(Note::NoId {
                    file: FILE.into(),
                    at: at(),
                }),
            }
        }
    }
    out.constituencies
        .sort_by(|a, b| (&a.province_id, a.constituency).cmp(&(&b.province_id, b.constituency)));
    Ok(notes)
}

/// Reads `stats_party.json` (national party-list votes) into `out`.
pub fn read_stats_party(
    text: &str,
    registry: &Registry,
    out: &mut OfficialResults,
) -> Result<Vec<Note>, OfficialError> {
    const FILE: &str = "stats_party.json";
    let v = parse(FILE, text)?;
    let parties = v["result_party"]
        .as_array()
        .ok_or_else(|| shape(FILE, "result_party"))?;
    let mut notes = Vec::new();
    for (i, p) in parties.iter().enumerate() {
        let at = format!("result_party[{i}]");
        if let Some((number, votes)) = party_votes(p, "party_vote", &at, registry, &mut notes) {
            out.national_parties.insert(number, votes);
        }
    }
    Ok(notes)
}

/// Reads either official file, told apart by its content (a file may be
/// renamed when downloaded).
pub fn read_official(
    text: &str,
    registry: &Registry,
    out: &mut OfficialResults,
) -> Result<Vec<Note>, OfficialError> {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    let party = head.starts_with('{')
        && !text.contains("\"result_province\"")
        && text.contains("\"result_party\"");
    if party {
        read_stats_party(text, registry, out)
    } else {
        read_stats_cons(text, registry, out)
    }
}

fn parse(file: &str, text: &str) -> Result<Value, OfficialError> {
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| OfficialError::NotJson {
        file: file.into(),
        why: e.to_string(),
    })
}

fn shape(file: &str, field: &str) -> OfficialError {
    OfficialError::Shape {
        file: file.into(),
        field: field.into(),
    }
}

/// A count at `v[field]`: `None` (with a note) when absent or unusable.
fn count(v: &Value, field: &str, at: &str, notes: &mut Vec<Note>) -> Option<u64> {
    let x = &v[field];
    if x.is_null() {
        return None;
    }
    let n = num(x);
    if n.is_none() {
        notes.push(Note::BadNumber {
            at: at.into(),
            field: field.into(),
            value: x.to_string(),
        });
    }
    n
}

/// "PRE_1" → ["PRE", "1"]; "PRE_1_3" → ["PRE", "1", "3"].
fn split_id(id: &str) -> Vec<&str> {
    id.split('_').collect()
}

fn constituency_of(
    c: &Value,
    registry: &Registry,
    notes: &mut Vec<Note>,
) -> Option<OfficialConstituency> {
    let id = c["cons_id"].as_str()?;
    let parts = split_id(id);
    let [prov, cons] = parts[..] else {
        notes.push(Note::NoId {
            file: "stats_cons.json".into(),
            at: id.into(),
        });
        return None;
    };
    let Ok(constituency) = cons.trim().parse::<u32>() else {
        notes.push(Note::NoId {
            file: "stats_cons.json".into(),
            at: id.into(),
        });
        return None;
    };
    if !registry.provinces.iter().any(|p| p.id == prov) {
        notes.push(Note::UnknownProvince {
            at: id.into(),
            province_id: prov.into(),
        });
        return None;
    }
    let mut oc = OfficialConstituency {
        province_id: prov.into(),
        constituency,
        valid: count(c, "valid_votes", id, notes),
        invalid: count(c, "invalid_votes", id, notes),
        no_vote: count(c, "blank_votes", id, notes),
        turnout: count(c, "turn_out", id, notes),
        counted_stations: count(c, "counted_vote_stations", id, notes)
            .and_then(|n| u32::try_from(n).ok()),
        percent_count: c["percent_count"]
            .as_f64()
            .filter(|p| p.is_finite() && (0.0..=100.0).contains(p)),
        ..OfficialConstituency::default()
    };
    for (k, cand) in c["candidates"].as_array().into_iter().flatten().enumerate() {
        let at = format!("{id}.candidates[{k}]");
        let number = cand["mp_app_id"]
            .as_str()
            .and_then(|m| split_id(m).get(2).and_then(|n| n.parse::<u32>().ok()));
        let Some(number) = number else {
            notes.push(Note::NoId {
                file: "stats_cons.json".into(),
                at,
            });
            continue;
        };
        if let Some(votes) = count(cand, "mp_app_vote", &at, notes) {
            oc.candidates.insert(number, votes);
        }
    }
    for (k, p) in c["result_party"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("{id}.result_party[{k}]");
        if let Some((number, votes)) = party_votes(p, "party_list_vote", &at, registry, notes) {
            oc.parties.insert(number, votes);
        }
    }
    Some(oc)
}

/// A party's ballot number (from its ECT id) and its votes in `field`.
fn party_votes(
    p: &Value,
    field: &str,
    at: &str,
    registry: &Registry,
    notes: &mut Vec<Note>,
) -> Option<(u32, u64)> {
    let Some(id) = num(&p["party_id"]) else {
        notes.push(Note::NoId {
            file: field.split('_').next().unwrap_or_default().into(),
            at: at.into(),
        });
        return None;
    };
    let Some(party) = registry
        .parties
        .iter()
        .find(|r| u64::from(r.ect_id) == id && id > 0)
    else {
        notes.push(Note::UnknownParty {
            at: at.into(),
            party_id: id.to_string(),
        });
        return None;
    };
    Some((party.number, count(p, field, at, notes)?))
}

/// How bad a discrepancy is, as the Python tool graded it: by variance,
/// above 10 % high, above 5 % medium, else low; a certain excess is high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    /// The severity of a difference of `variance` (|ours − official| ÷ official).
    pub fn of_variance(variance: f64) -> Severity {
        if variance > 0.10 {
            Severity::High
        } else if variance > 0.05 {
            Severity::Medium
        } else {
            Severity::Low
        }
    }
}

/// What a discrepancy is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "snake_case")]
pub enum Subject {
    /// A candidate, by ballot number.
    Candidate(u32),
    /// A party on the party-list ballot, by ballot number.
    Party(u32),
    Valid,
    Invalid,
    NoVote,
    /// Ballots used.
    Turnout,
}

/// One form behind our number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub file: String,
    /// The page, when the form was a page of a PDF.
    pub page: Option<u32>,
    pub sha256: String,
    pub model: String,
    pub polling_unit: Option<u32>,
    /// A person corrected it.
    pub corrected: bool,
    /// A person accepted it as read.
    pub accepted: bool,
}

/// Our number and the official one disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discrepancy {
    pub province_id: String,
    /// Thai province name.
    pub province: String,
    pub constituency: u32,
    pub category: Category,
    pub subject: Subject,
    /// The sum of the forms read.
    pub ours: u64,
    pub official: u64,
    /// |ours − official| ÷ official (1 when the official number is 0).
    pub variance: f64,
    /// Said before every unit is read: our partial sum already exceeds
    /// the official total.
    pub certain_excess: bool,
    pub severity: Severity,
    /// The forms that make up our number.
    pub evidence: Vec<Evidence>,
}

/// How much of a constituency the forms cover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub province_id: String,
    pub province: String,
    pub constituency: u32,
    pub category: Category,
    /// Polling units (5/18) read.
    pub units_read: usize,
    /// Polling stations the registry lists (0 when unknown).
    pub units_expected: u32,
    /// Stations the official count has done.
    pub official_counted: Option<u32>,
    /// Every unit read and the official count complete: compared exactly.
    pub full: bool,
    /// Numbers compared that agree.
    pub agreeing: usize,
    /// Numbers that must wait for more units.
    pub waiting: usize,
}

/// The comparison of everything read with the official results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Most severe first, then by province, constituency, subject.
    pub discrepancies: Vec<Discrepancy>,
    /// Each constituency with forms read and an official result.
    pub coverage: Vec<Coverage>,
    /// Constituencies with forms read but no official result in the file.
    pub without_official: usize,
}

type TallyKey = (u16, u32, Category);

/// Sets the tallies of `agg` (from `records`) against `official`.
pub fn compare(
    agg: &Aggregate,
    records: &[BallotRecord],
    official: &OfficialResults,
    registry: &Registry,
) -> Comparison {
    let mut units: BTreeMap<TallyKey, Vec<&UnitForm>> = BTreeMap::new();
    for u in &agg.units {
        let k = &u.key;
        units
            .entry((k.province_code, k.constituency, k.category))
            .or_default()
            .push(u);
    }
    let by_id: BTreeMap<(&str, u32), &OfficialConstituency> = official
        .constituencies
        .iter()
        .map(|o| ((o.province_id.as_str(), o.constituency), o))
        .collect();
    let mut out = Comparison::default();
    for t in &agg.constituencies {
        let Some(pid) = registry
            .provinces
            .iter()
            .find(|p| p.code == t.province_code)
            .map(|p| p.id.as_str())
        else {
            continue;
        };
        let Some(o) = by_id.get(&(pid, t.constituency)) else {
            out.without_official += 1;
            continue;
        };
        let held = units
            .get(&(t.province_code, t.constituency, t.category))
            .map_or(&[][..], |v| &v[..]);
        compare_one(t, o, held, records, registry, &mut out);
    }
    national(agg, official, registry, &mut out);
    out.discrepancies.sort_by(|a, b| {
        (
            a.severity,
            &a.province_id,
            a.constituency,
            a.category,
            a.subject,
        )
            .cmp(&(
                b.severity,
                &b.province_id,
                b.constituency,
                b.category,
                b.subject,
            ))
    });
    out
}

/// The national party-list totals (`stats_party.json`) against the sum of
/// every party-list form: exactly when every constituency is fully read,
/// else only a certain excess, and only once the official count is
/// complete. Its evidence is every party-list form, so none is listed.
fn national(
    agg: &Aggregate,
    official: &OfficialResults,
    registry: &Registry,
    out: &mut Comparison,
) {
    let done = !official.constituencies.is_empty()
        && official
            .constituencies
            .iter()
            .all(|o| o.percent_count.is_some_and(|p| p >= 100.0));
    if official.national_parties.is_empty() || !done {
        return;
    }
    let full = out
        .coverage
        .iter()
        .filter(|c| c.category == Category::PartyList && c.full)
        .count()
        == registry.constituencies.len();
    let mut ours: BTreeMap<u32, u64> = BTreeMap::new();
    for t in agg
        .constituencies
        .iter()
        .filter(|t| t.category == Category::PartyList)
    {
        for (&n, &v) in &t.votes {
            *ours.entry(n).or_default() += v;
        }
    }
    for (&n, &official) in &official.national_parties {
        let ours = ours.get(&n).copied().unwrap_or(0);
        let certain_excess = !full && ours > official;
        if (full && ours == official) || (!full && !certain_excess) {
            continue;
        }
        let (variance, severity) = grade(ours, official, certain_excess);
        out.discrepancies.push(Discrepancy {
            province_id: String::new(),
            province: String::new(),
            constituency: 0,
            category: Category::PartyList,
            subject: Subject::Party(n),
            ours,
            official,
            variance,
            certain_excess,
            severity,
            evidence: Vec::new(),
        });
    }
}

/// The variance (|ours − official| ÷ official, 1 when the official
/// number is 0) and the severity of a difference.
fn grade(ours: u64, official: u64, certain_excess: bool) -> (f64, Severity) {
    let variance = if official == 0 {
        1.0
    } else {
        ours.abs_diff(official) as f64 / official as f64
    };
    let severity = if certain_excess {
        Severity::High
    } else {
        Severity::of_variance(variance)
    };
    (variance, severity)
}

/// The pairs (subject, ours, official) a tally and an official result share.
fn pairs(t: &ConstituencyTally, o: &OfficialConstituency) -> Vec<(Subject, u64, u64)> {
    let mut out = Vec::new();
    match t.category {
        Category::Constituency => {
            for (&n, &official) in &o.candidates {
                let ours = t.votes.get(&n).copied().unwrap_or(0);
                out.push((Subject::Candidate(n), ours, official));
            }
            let totals = [
                (Subject::Valid, t.valid, o.valid),
                (Subject::Invalid, t.invalid, o.invalid),
                (Subject::NoVote, t.no_vote, o.no_vote),
                (Subject::Turnout, t.total, o.turnout),
            ];
            out.extend(
                totals
                    .into_iter()
                    .filter_map(|(s, ours, off)| Some((s, ours, off?))),
            );
        }
        Category::PartyList => {
            for (&n, &official) in &o.parties {
                let ours = t.votes.get(&n).copied().unwrap_or(0);
                out.push((Subject::Party(n), ours, official));
            }
        }
    }
    out
}

fn compare_one(
    t: &ConstituencyTally,
    o: &OfficialConstituency,
    held: &[&UnitForm],
    records: &[BallotRecord],
    registry: &Registry,
    out: &mut Comparison,
) {
    let units_read = held
        .iter()
        .filter(|u| u.key.kind == FormKind::PollingUnit)
        .count();
    let units_expected = t.units_expected(registry);
    let official_done = o.percent_count.is_some_and(|p| p >= 100.0)
        || o.counted_stations
            .is_some_and(|c| units_expected > 0 && c >= units_expected);
    let full = units_expected > 0 && units_read >= units_expected as usize && official_done;
    let mut cov = Coverage {
        province_id: o.province_id.clone(),
        province: t.province.clone(),
        constituency: t.constituency,
        category: t.category,
        units_read,
        units_expected,
        official_counted: o.counted_stations,
        full,
        agreeing: 0,
        waiting: 0,
    };
    for (subject, ours, official) in pairs(t, o) {
        let certain_excess = !full && official_done && ours > official;
        if full && ours == official {
            cov.agreeing += 1;
            continue;
        }
        if !full && !certain_excess {
            cov.waiting += 1;
            continue;
        }
        let (variance, severity) = grade(ours, official, certain_excess);
        out.discrepancies.push(Discrepancy {
            province_id: o.province_id.clone(),
            province: t.province.clone(),
            constituency: t.constituency,
            category: t.category,
            subject,
            ours,
            official,
            variance,
            certain_excess,
            severity,
            evidence: evidence(held, records),
        });
    }
    out.coverage.push(cov);
}

/// The forms behind a constituency's numbers, in file order.
fn evidence(held: &[&UnitForm], records: &[BallotRecord]) -> Vec<Evidence> {
    let mut parts: Vec<usize> = held.iter().flat_map(|u| u.parts.iter().copied()).collect();
    parts.sort_unstable();
    parts.dedup();
    parts
        .into_iter()
        .filter_map(|i| records.get(i))
        .map(|r| Evidence {
            file: r.source.file_name.clone(),
            page: r.source.page,
            sha256: r.source.sha256.clone(),
            model: r.source.model.clone(),
            polling_unit: r.polling_unit,
            corrected: !r.audit.is_empty(),
            accepted: r.accepted.is_some(),
        })
        .collect()
}

/// A generated election for tests and benchmarks: official files and the
/// forms that add up to them.
#[cfg(any(test, feature = "testing"))]
pub mod generated {
    use crate::core::domain::ballot::{BallotRecord, Source};
    use crate::core::domain::registry::Registry;
    use crate::core::domain::rng::SplitMix64;
    use crate::core::domain::thai::to_words;
    use serde_json::{json, Value};

    /// Parties on the generated party-list forms (the first ones by number).
    pub const PARTIES: usize = 8;

    fn count(v: u64) -> Value {
        json!({ "numeric": v, "thai_text": to_words(v) })
    }

    fn form(kind: &str, province: &str, cons: u32, unit: u32, votes: &[(u32, u64)]) -> String {
        let valid: u64 = votes.iter().map(|v| v.1).sum();
        let (invalid, no_vote) = (u64::from(unit % 7), u64::from(unit % 3));
        let rows: serde_json::Map<String, Value> = votes
            .iter()
            .map(|(n, v)| (n.to_string(), count(*v)))
            .collect();
        json!({
            "form_type": kind, "province": province, "constituency_number": cons,
            "polling_unit": unit, "has_vote_table": true, "votes": rows,
            "valid_votes": count(valid), "invalid_votes": count(invalid),
            "no_vote": count(no_vote), "total_votes": count(valid + invalid + no_vote),
        })
        .to_string()
    }

    /// The answers read and checked, as the app would.
    fn checked(texts: &[String], registry: &Registry) -> Vec<BallotRecord> {
        texts
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let source = Source {
                    file_name: format!("form_{i:05}.png"),
                    sha256: format!("{i:064x}"),
                    model: "generated".into(),
                    ..Source::default()
                };
                let r = crate::core::read::extract::extract(t, source).ok()?;
                Some(crate::core::read::validate::validate(r, registry))
            })
            .collect()
    }

    /// Every constituency of `registry` (the first `limit` when given)
    /// with `units` polling units, each with a constituency form and a
    /// party-list form; `registry` is changed to expect `units` stations
    /// per constituency. Returns the checked records and a
    /// `stats_cons.json` whose numbers are exactly their sums.
    pub fn election(
        registry: &mut Registry,
        units: u32,
        seed: u64,
        limit: Option<usize>,
    ) -> (Vec<BallotRecord>, String) {
        let mut rng = SplitMix64::new(seed);
        let keys: Vec<(String, u32)> = registry
            .constituencies
            .keys()
            .take(limit.unwrap_or(usize::MAX))
            .cloned()
            .collect();
        let parties: Vec<(u32, u32)> = registry
            .parties
            .iter()
            .take(PARTIES)
            .map(|p| (p.number, p.ect_id))
            .collect();
        let mut texts = Vec::new();
        let mut provinces: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
        for (prov, cons) in keys {
            let Some(c) = registry.constituencies.get_mut(&(prov.clone(), cons)) else {
                continue;
            };
            c.polling_stations = units;
            let candidates = c.candidates.len().max(2) as u32;
            let name = registry
                .provinces
                .iter()
                .find(|p| p.id == prov)
                .map(|p| p.name_th.clone())
                .unwrap_or_default();
            let mut cand_sum = vec![0u64; candidates as usize + 1];
            let mut party_sum = vec![0u64; parties.len()];
            let (mut valid, mut invalid, mut no_vote) = (0, 0, 0);
            for u in 1..=units {
                let votes: Vec<(u32, u64)> =
                    (1..=candidates).map(|n| (n, rng.range(0, 120))).collect();
                votes.iter().for_each(|(n, v)| cand_sum[*n as usize] += v);
                valid += votes.iter().map(|v| v.1).sum::<u64>();
                invalid += u64::from(u % 7);
                no_vote += u64::from(u % 3);
                texts.push(form("ส.ส. 5/18", &name, cons, u, &votes));
                let pl: Vec<(u32, u64)> = parties
                    .iter()
                    .map(|(n, _)| (*n, rng.range(0, 90)))
                    .collect();
                pl.iter()
                    .enumerate()
                    .for_each(|(i, (_, v))| party_sum[i] += v);
                texts.push(form("ส.ส. 5/18 (บช)", &name, cons, u, &pl));
            }
            let id = format!("{prov}_{cons}");
            provinces.entry(prov.clone()).or_default().push(json!({
                "cons_id": id, "turn_out": valid + invalid + no_vote, "valid_votes": valid,
                "invalid_votes": invalid, "blank_votes": no_vote, "counted_vote_stations": units,
                "percent_count": 100.0,
                "candidates": (1..=candidates).map(|n| json!({
                    "mp_app_id": format!("{id}_{n}"), "mp_app_vote": cand_sum[n as usize] })).collect::<Vec<_>>(),
                "result_party": parties.iter().enumerate().map(|(i, (_, pid))| json!({
                    "party_id": pid, "party_list_vote": party_sum[i] })).collect::<Vec<_>>(),
            }));
        }
        let records = checked(&texts, registry);
        let file = json!({ "result_province": provinces.into_iter().map(|(p, c)| json!({
            "prov_id": p, "constituencies": c })).collect::<Vec<_>>() });
        (records, file.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::generated::election;
    use super::*;
    use crate::core::results::aggregate::aggregate;

    /// Official results read from `file` and compared with `records`.
    fn run(records: &[BallotRecord], file: &str, reg: &Registry) -> (Comparison, Vec<Note>) {
        let mut official = OfficialResults::default();
        let notes = read_stats_cons(file, reg, &mut official).expect("readable");
        let agg = aggregate(records, reg);
        (compare(&agg, records, &official, reg), notes)
    }

    /// `file` with `edit` applied to its first constituency.
    fn edited(file: &str, edit: impl Fn(&mut Value)) -> String {
        let mut v: Value = serde_json::from_str(file).unwrap();
        edit(&mut v["result_province"][0]["constituencies"][0]);
        v.to_string()
    }

    fn setup(units: u32) -> (Registry, Vec<BallotRecord>, String) {
        let mut reg = Registry::builtin();
        let (records, file) = election(&mut reg, units, 7, Some(2));
        (reg, records, file)
    }

    #[test]
    fn full_coverage_that_matches_has_no_discrepancy() {
        let (reg, records, file) = setup(3);
        let (c, notes) = run(&records, &file, &reg);
        assert_eq!(notes, vec![]);
        assert_eq!(c.discrepancies, vec![]);
        assert_eq!(c.coverage.len(), 4, "2 constituencies × 2 categories");
        assert!(c
            .coverage
            .iter()
            .all(|k| k.full && k.waiting == 0 && k.agreeing > 0));
        assert_eq!(c.without_official, 0);
    }

    #[test]
    fn variances_are_graded_as_the_python_tool_did() {
        let (reg, records, file) = setup(3);
        let cand = |v: &Value, n: usize| v["candidates"][n]["mp_app_vote"].as_u64().unwrap();
        // Official numbers 6 % and 12 % above ours, a 1-vote difference,
        // and a party 12 % below.
        let file = edited(&file, |c| {
            let (a, b, d) = (cand(c, 0), cand(c, 1), cand(c, 2));
            c["candidates"][0]["mp_app_vote"] = json_u64((a as f64 / 0.94).round() as u64);
            c["candidates"][1]["mp_app_vote"] = json_u64((b as f64 / 0.88).round() as u64);
            c["candidates"][2]["mp_app_vote"] = json_u64(d + 1);
            let p = c["result_party"][0]["party_list_vote"].as_u64().unwrap();
            c["result_party"][0]["party_list_vote"] = json_u64((p as f64 / 1.12).round() as u64);
        });
        let (c, _) = run(&records, &file, &reg);
        let got: Vec<(Subject, Severity, bool)> = c
            .discrepancies
            .iter()
            .map(|d| (d.subject, d.severity, d.certain_excess))
            .collect();
        assert_eq!(
            got,
            vec![
                (Subject::Candidate(2), Severity::High, false),
                (Subject::Party(1), Severity::High, false),
                (Subject::Candidate(1), Severity::Medium, false),
                (Subject::Candidate(3), Severity::Low, false),
            ]
        );
        let d = &c.discrepancies[0];
        assert!((d.variance - 0.12).abs() < 0.01, "{}", d.variance);
        assert_eq!(
            d.evidence.len(),
            3,
            "the three unit forms behind the number"
        );
        assert!(d
            .evidence
            .iter()
            .all(|e| e.model == "generated" && !e.corrected));
    }

    fn json_u64(v: u64) -> Value {
        Value::from(v)
    }

    #[test]
    fn partial_coverage_says_only_what_is_certain() {
        let (mut reg, records, file) = setup(3);
        // The registry expects 5 units; 3 are read.
        for c in reg.constituencies.values_mut() {
            c.polling_stations = 5;
        }
        let cand = |v: &Value, n: usize| v["candidates"][n]["mp_app_vote"].as_u64().unwrap();
        let file = edited(&file, |c| {
            c["counted_vote_stations"] = json_u64(5);
            // Below what 3 of 5 units already add up to: certain.
            c["candidates"][0]["mp_app_vote"] = json_u64(cand(c, 0).saturating_sub(10));
            // Above ours: may be the 2 units not read.
            c["candidates"][1]["mp_app_vote"] = json_u64(cand(c, 1) + 500);
        });
        let (c, _) = run(&records, &file, &reg);
        assert_eq!(c.discrepancies.len(), 1, "{:?}", c.discrepancies);
        let d = &c.discrepancies[0];
        assert_eq!(
            (d.subject, d.severity),
            (Subject::Candidate(1), Severity::High)
        );
        assert!(d.certain_excess);
        let cov = &c.coverage[0];
        assert_eq!(
            (cov.units_read, cov.units_expected, cov.full),
            (3, 5, false)
        );
        assert!(cov.waiting > 0);
    }

    #[test]
    fn unknown_parties_and_bad_numbers_are_noted_not_trusted() {
        let (reg, records, file) = setup(2);
        let file = edited(&file, |c| {
            c["result_party"][0]["party_id"] = json_u64(999_999);
            c["candidates"][1]["mp_app_vote"] = Value::from(-5);
            c["valid_votes"] = Value::from("many");
            c["candidates"][2]["mp_app_id"] = Value::Null;
        });
        let (c, notes) = run(&records, &file, &reg);
        let texts: Vec<String> = notes.iter().map(|n| n.to_string()).collect();
        assert_eq!(notes.len(), 4, "{texts:?}");
        assert!(texts.iter().any(|t| t.contains("party id 999999")));
        assert!(texts.iter().any(|t| t.contains("mp_app_vote = -5")));
        assert!(texts.iter().any(|t| t.contains("valid_votes = \"many\"")));
        assert_eq!(c.discrepancies, vec![], "what is left still agrees");
    }

    #[test]
    fn malformed_files_are_refused_with_why() {
        let reg = Registry::builtin();
        let mut out = OfficialResults::default();
        for (text, want) in [
            ("", "not valid JSON"),
            ("{\"result_province\": 3", "not valid JSON"),
            ("[1,2]", "no result_province"),
            ("{\"other\": []}", "no result_province"),
        ] {
            let e = read_stats_cons(text, &reg, &mut out).unwrap_err();
            assert!(e.to_string().contains(want), "{text}: {e}");
        }
        // Odd entries are noted, never a panic.
        let odd = r#"{"result_province":[{"prov_id":"PRE"},{"constituencies":[{},{"cons_id":"XX_1"},{"cons_id":"PRE_x"},{"cons_id":"PRE_1","candidates":"no"}]}]}"#;
        let notes = read_stats_cons(odd, &reg, &mut out).unwrap();
        assert_eq!(notes.len(), 4, "{notes:?}");
        assert_eq!(out.constituencies.len(), 1);
        let party = r#"{"result_party":[]}"#;
        assert_eq!(read_official(party, &reg, &mut out), Ok(vec![]));
        let e = read_official("{}", &reg, &mut out).unwrap_err();
        assert!(e.to_string().contains("result_province"));
        let e = read_stats_party("{}", &reg, &mut out).unwrap_err();
        assert!(e.to_string().contains("result_party"));
    }

    #[test]
    fn national_party_totals_are_read_by_ballot_number() {
        let reg = Registry::builtin();
        let first = &reg.parties[0];
        let text = format!(
            r#"{{"result_party":[{{"party_id":{},"party_vote":1234}},{{"party_id":999999,"party_vote":5}}]}}"#,
            first.ect_id
        );
        let mut out = OfficialResults::default();
        let notes = read_stats_party(&text, &reg, &mut out).unwrap();
        assert_eq!(out.national_parties.get(&first.number), Some(&1234));
        assert_eq!(notes.len(), 1, "party id 999999 is unknown");
    }

    #[test]
    fn national_totals_are_compared_once_the_count_is_complete() {
        let (reg, records, file) = setup(2);
        let mut official = OfficialResults::default();
        read_stats_cons(&file, &reg, &mut official).unwrap();
        let agg = aggregate(&records, &reg);
        let first = reg.parties[0].number;
        let ours: u64 = agg
            .constituencies
            .iter()
            .filter(|t| t.category == Category::PartyList)
            .filter_map(|t| t.votes.get(&first))
            .sum();
        // Only 2 of 400 constituencies read: a national total below what
        // they already add up to is certain; one above it waits.
        official.national_parties.insert(first, ours - 1);
        official
            .national_parties
            .insert(reg.parties[1].number, 10_000_000);
        let c = compare(&agg, &records, &official, &reg);
        assert_eq!(c.discrepancies.len(), 1, "{:?}", c.discrepancies);
        let d = &c.discrepancies[0];
        assert!(d.certain_excess && d.constituency == 0 && d.subject == Subject::Party(first));
        // While the official count goes on, nothing national is said.
        official.constituencies[0].percent_count = Some(80.0);
        let c = compare(&agg, &records, &official, &reg);
        assert!(c.discrepancies.iter().all(|d| d.constituency != 0));
    }

    #[test]
    fn discrepancies_export_with_their_evidence() {
        let (reg, records, file) = setup(2);
        let file = edited(&file, |c| {
            let v = c["candidates"][0]["mp_app_vote"].as_u64().unwrap();
            c["candidates"][0]["mp_app_vote"] = json_u64(v + 100);
        });
        let (c, _) = run(&records, &file, &reg);
        let csv = crate::core::results::export::discrepancies_csv(&c, &reg);
        assert!(csv.starts_with("\u{feff}severity / ความรุนแรง,"));
        let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with("HIGH / สูง,"), "{}", lines[1]);
        assert!(lines[1].contains(",-100,"));
        assert!(lines[1].contains("form_00000.png (หน่วย 1) sha256:"));
        let json: Value =
            serde_json::from_str(&crate::core::results::export::discrepancies_json(&c)).unwrap();
        assert_eq!(
            json["discrepancies"][0]["evidence"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(json["discrepancies"][0]["subject"]["kind"], "candidate");
    }

    #[test]
    fn severity_table() {
        for (v, s) in [
            (0.0, Severity::Low),
            (0.05, Severity::Low),
            (0.0501, Severity::Medium),
            (0.10, Severity::Medium),
            (0.1001, Severity::High),
            (1.0, Severity::High),
        ] {
            assert_eq!(Severity::of_variance(v), s, "{v}");
        }
    }
}
