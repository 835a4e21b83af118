//! Comparison with the official results on a generated election (see
//! `core::results::official::generated`): all 400 constituencies, 13 polling units
//! each, a constituency and a party-list form per unit (10,400 records),
//! and a `stats_cons.json` whose numbers equal the forms' sums. Prints
//! `key=value` lines:
//!   official_compare_ms           reading the official file and comparing
//!                                 every constituency (median of 5)
//!   official_false_discrepancies  discrepancies reported although the
//!                                 records equal the official numbers (goal 0)

use std::time::Instant;
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::results::aggregate::aggregate;
use tallyscan::core::results::official::{
    compare, generated::election, read_stats_cons, OfficialResults,
};

fn main() {
    let mut reg = Registry::builtin();
    let (records, file) = election(&mut reg, 13, 42, None);
    let t = Instant::now();
    let agg = aggregate(&records, &reg);
    eprintln!(
        "official: {} records, {} constituency tallies, aggregated in {} ms",
        records.len(),
        agg.constituencies.len(),
        t.elapsed().as_millis()
    );
    let mut times = Vec::new();
    let mut comparison = None;
    for _ in 0..5 {
        let t = Instant::now();
        let mut official = OfficialResults::default();
        let notes = read_stats_cons(&file, &reg, &mut official).unwrap_or_default();
        let c = compare(&agg, &records, &official, &reg);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(notes.is_empty(), "{notes:?}");
        comparison = Some(c);
    }
    times.sort_by(f64::total_cmp);
    let c = comparison.unwrap_or_default();
    let full = c.coverage.iter().filter(|k| k.full).count();
    eprintln!(
        "official: {} of {} tallies fully covered",
        full,
        c.coverage.len()
    );
    println!("official_compare_ms={:.1}", times[times.len() / 2]);
    println!("official_false_discrepancies={}", c.discrepancies.len());
}
