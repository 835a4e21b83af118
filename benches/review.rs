//! Review-queue quality on a generated corpus (see `core::corpus`): the
//! share of answers with a realistic reading error that land in review, and
//! the share of clean answers that do. Prints `key=value` lines.

use tallyscan::core::corpus::measure;
use tallyscan::core::registry::Registry;

fn main() {
    let reg = Registry::builtin();
    // 6,000 clean + 6 kinds x 1,000 corrupted = 12,000 extractions.
    let stats = measure(&reg, 20_261_128, 6_000, 1_000);
    let total = stats.clean + stats.corrupted.iter().map(|(_, n, _)| n).sum::<usize>();
    println!("review_corpus_size={total}");
    println!("review_recall={:.4}", stats.recall());
    println!("review_false_alarm={:.4}", stats.false_alarm());
    for (kind, n, flagged) in &stats.corrupted {
        let name = format!("{kind:?}")
            .chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    vec!['_', c.to_ascii_lowercase()]
                } else {
                    vec![c]
                }
            })
            .collect::<String>();
        println!("review_recall{name}={:.4}", *flagged as f64 / *n as f64);
    }
}
