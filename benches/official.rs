//! Comparison with the official results on a generated election (see
//! `core::results::official::generated`): all 400 constituencies, 13 polling units
//! each, a constituency and a party-list form per unit (10,400 records),
//! and a `stats_cons.json` whose numbers equal the forms' sums; then the
//! same file with discrepancies planted in it. Prints `key=value` lines:
//!   official_compare_ms           reading the official file and comparing
//!                                 every constituency (median of 5)
//!   official_false_discrepancies  discrepancies reported where none was
//!                                 planted (the exact file, then the planted
//!                                 one; goal 0)
//!   official_planted_recall       planted discrepancies found: one vote, 6 %
//!                                 and 12 % on a candidate with every unit
//!                                 read, a certain excess with half the units
//!                                 read, constituencies missing from the
//!                                 file (counted as without an official
//!                                 result); goal 1.0
//!   official_planted_recall_<kind> the same per kind

use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;
use tallyscan::core::domain::ballot::BallotRecord;
use tallyscan::core::domain::form::Category;
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::results::aggregate::aggregate;
use tallyscan::core::results::official::{
    compare, generated::election, read_stats_cons, Comparison, OfficialResults, Subject,
};

/// What is planted in a constituency of the official file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Plant {
    OneVote,
    SixPercent,
    TwelvePercent,
    CertainExcess,
    Missing,
}

const PLANTS: [Plant; 5] = [
    Plant::OneVote,
    Plant::SixPercent,
    Plant::TwelvePercent,
    Plant::CertainExcess,
    Plant::Missing,
];

/// Units kept of a constituency whose excess is planted on partial coverage.
const PARTIAL_UNITS: u32 = 6;

fn compare_file(file: &str, records: &[BallotRecord], reg: &Registry) -> Comparison {
    let mut official = OfficialResults::default();
    let notes = read_stats_cons(file, reg, &mut official).unwrap_or_default();
    assert!(notes.is_empty(), "{notes:?}");
    compare(&aggregate(records, reg), records, &official, reg)
}

/// Candidate 1's votes on the constituency forms of units 1..=`units`.
fn candidate_one(records: &[BallotRecord], code: u16, cons: u32, units: u32) -> u64 {
    records
        .iter()
        .filter(|r| r.province_code == Some(code) && r.constituency == Some(cons))
        .filter(|r| r.category() == Some(Category::Constituency))
        .filter(|r| r.polling_unit.is_some_and(|u| u <= units))
        .filter_map(|r| r.rows.iter().find(|row| row.number == 1))
        .filter_map(|row| row.votes.digits)
        .sum()
}

/// Plants one kind in a constituency of the file (`c`, its JSON); for a
/// certain excess, also drops the forms of the units past the first six.
fn plant(kind: Plant, c: &mut Value, records: &mut Vec<BallotRecord>, (code, cons): (u16, u32)) {
    let votes = &mut c["candidates"][0]["mp_app_vote"];
    let ours = votes.as_u64().unwrap_or(0);
    let official = match kind {
        Plant::OneVote => ours + 1,
        Plant::SixPercent => (ours as f64 / 1.06).round() as u64,
        Plant::TwelvePercent => (ours as f64 / 1.12).round() as u64,
        Plant::CertainExcess => {
            records.retain(|r| {
                !(r.province_code == Some(code)
                    && r.constituency == Some(cons)
                    && r.polling_unit.is_some_and(|u| u > PARTIAL_UNITS))
            });
            candidate_one(records, code, cons, PARTIAL_UNITS).saturating_sub(10)
        }
        Plant::Missing => ours,
    };
    *votes = official.into();
}

/// A constituency's number, from its `cons_id` ("PROV_3").
fn cons_of(c: &Value) -> u32 {
    let id = c["cons_id"].as_str().unwrap_or("");
    id.rsplit('_')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Plants every kind in every 16th constituency in turn; what was planted
/// where (province id, constituency).
fn plant_all(
    file: &str,
    records: &mut Vec<BallotRecord>,
    reg: &Registry,
) -> (String, BTreeMap<(String, u32), Plant>) {
    let mut v: Value = serde_json::from_str(file).unwrap_or_default();
    let mut planted = BTreeMap::new();
    let mut k = 0usize;
    for p in v["result_province"].as_array_mut().into_iter().flatten() {
        let prov = p["prov_id"].as_str().unwrap_or("").to_string();
        let code = reg
            .provinces
            .iter()
            .find(|x| x.id == prov)
            .map_or(0, |x| x.code);
        let list = p["constituencies"].as_array_mut();
        for c in list.into_iter().flatten() {
            k += 1;
            if !k.is_multiple_of(16) {
                continue;
            }
            let cons = cons_of(c);
            let kind = PLANTS[(k / 16) % PLANTS.len()];
            plant(kind, c, records, (code, cons));
            planted.insert((prov.clone(), cons), kind);
        }
        if let Some(list) = p["constituencies"].as_array_mut() {
            list.retain(|c| planted.get(&(prov.clone(), cons_of(c))) != Some(&Plant::Missing));
        }
    }
    (v.to_string(), planted)
}

/// Per kind (planted, found), and the discrepancies where none was planted.
fn score(
    c: &Comparison,
    planted: &BTreeMap<(String, u32), Plant>,
) -> (BTreeMap<Plant, (usize, usize)>, usize) {
    let mut by_kind: BTreeMap<Plant, (usize, usize)> = BTreeMap::new();
    for ((prov, cons), kind) in planted {
        let found = match kind {
            Plant::Missing => !c
                .discrepancies
                .iter()
                .any(|d| d.province_id == *prov && d.constituency == *cons),
            Plant::CertainExcess => c.discrepancies.iter().any(|d| {
                d.province_id == *prov
                    && d.constituency == *cons
                    && d.subject == Subject::Candidate(1)
                    && d.certain_excess
            }),
            _ => c.discrepancies.iter().any(|d| {
                d.province_id == *prov
                    && d.constituency == *cons
                    && d.subject == Subject::Candidate(1)
            }),
        };
        let e = by_kind.entry(*kind).or_default();
        e.0 += 1;
        e.1 += usize::from(found);
    }
    let missing = planted.values().filter(|k| **k == Plant::Missing).count();
    // The missing ones count as found only if the comparison says so.
    if let Some(e) = by_kind.get_mut(&Plant::Missing) {
        e.1 = e.1.min(c.without_official.min(missing));
    }
    let false_ones = c
        .discrepancies
        .iter()
        .filter(|d| !planted.contains_key(&(d.province_id.clone(), d.constituency)))
        .count();
    (by_kind, false_ones)
}

fn main() {
    let mut reg = Registry::builtin();
    let (records, file) = election(&mut reg, 13, 42, None);
    let mut times = Vec::new();
    let mut exact = None;
    for _ in 0..5 {
        let t = Instant::now();
        exact = Some(compare_file(&file, &records, &reg));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let exact = exact.unwrap_or_default();
    println!("official_compare_ms={:.1}", times[times.len() / 2]);

    let mut planted_records = records.clone();
    let (planted_file, planted) = plant_all(&file, &mut planted_records, &reg);
    let c = compare_file(&planted_file, &planted_records, &reg);
    let (by_kind, false_ones) = score(&c, &planted);
    eprintln!(
        "official: {} constituencies planted, {} discrepancies found",
        planted.len(),
        c.discrepancies.len()
    );
    println!(
        "official_false_discrepancies={}",
        exact.discrepancies.len() + false_ones
    );
    let (n, k) = by_kind
        .values()
        .fold((0, 0), |(n, k), (a, b)| (n + a, k + b));
    println!("official_planted_recall={:.3}", k as f64 / n.max(1) as f64);
    for (kind, (n, k)) in &by_kind {
        let name = format!("{kind:?}").to_lowercase();
        println!(
            "official_planted_recall_{name}={:.3}",
            *k as f64 / (*n).max(1) as f64
        );
    }
}
