//! Review-queue quality on a generated corpus (see `core::read::corpus`): the
//! share of answers with a realistic reading error that land in review, and
//! the share of clean answers that do; the same for party-list forms read
//! page by page; and records lost from the tally without a word. Prints
//! `key=value` lines.

use tallyscan::core::domain::registry::Registry;
use tallyscan::core::read::corpus::{
    measure, measure_party_list, unplaced_silent, Corruption, ReviewStats,
};

fn snake(kind: Corruption) -> String {
    format!("{kind:?}")
        .chars()
        .flat_map(|c| {
            if c.is_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect()
}

fn size(stats: &ReviewStats) -> usize {
    stats.clean + stats.corrupted.iter().map(|(_, n, _)| n).sum::<usize>()
}

fn main() {
    let reg = Registry::builtin();
    // 6,000 clean + 7 kinds x 1,000 corrupted = 13,000 extractions.
    let stats = measure(&reg, 20_261_128, 6_000, 1_000);
    println!("review_corpus_size={}", size(&stats));
    println!("review_recall={:.4}", stats.recall());
    println!("review_false_alarm={:.4}", stats.false_alarm());
    for (kind, n, flagged) in &stats.corrupted {
        println!(
            "review_recall{}={:.4}",
            snake(*kind),
            *flagged as f64 / *n as f64
        );
    }
    // Party-list forms over 3-4 pages, both page styles: 1,000 clean + 7 x 200.
    let party = measure_party_list(&reg, 20_261_129, 1_000, 200);
    println!("review_party_list_forms={}", size(&party));
    println!("review_recall_party_list={:.4}", party.recall());
    println!("review_false_alarm_party_list={:.4}", party.false_alarm());
    println!(
        "aggregate_unplaced_silent={}",
        unplaced_silent(&reg, 20_261_130, 1_000)
    );
}
