//! Review-queue quality on the independent corpus (`scripts/indep-corpus`:
//! answers written in Python from the form's rules, with its own Thai
//! number words, in the app's and the Python tool's shapes). For each
//! class of planted error: the share of the answers the form's rules can
//! catch that land in review (recall); for clean answers, the share that
//! do (false alarm); the undetectable ones (rows swapped with their
//! words, collusions that satisfy every sum) apart. Reads the corpus from
//! `INDEP_CORPUS`. Prints `key=value` lines.

use std::collections::BTreeMap;
use tallyscan::core::domain::ballot::Source;
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::read::extract::extract;
use tallyscan::core::read::validate::validate;

/// Whether the app sends this answer to a person: unreadable, or checked
/// and in the review queue.
fn flagged(answer: &str, registry: &Registry) -> bool {
    match extract(answer, Source::default()) {
        Err(_) => true,
        Ok(read) => validate(read, registry).in_review_queue(),
    }
}

/// Per class: (answers counted, flagged).
type Tally = BTreeMap<String, (usize, usize)>;

fn main() {
    let Some(path) = std::env::var_os("INDEP_CORPUS") else {
        eprintln!("indep: set INDEP_CORPUS to a file made by scripts/indep-corpus");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("indep: cannot read {}: {e}", path.to_string_lossy());
        std::process::exit(2);
    });
    let registry = Registry::builtin();
    let (mut counted, mut undetectable) = (Tally::new(), (0usize, 0usize));
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            eprintln!("indep: a line that is not JSON, skipped");
            continue;
        };
        let class = v["class"].as_str().unwrap_or("?").to_string();
        let hit = flagged(v["answer"].as_str().unwrap_or(""), &registry);
        if v["detectable"] == serde_json::Value::Bool(false) && class != "clean" {
            undetectable.0 += 1;
            undetectable.1 += usize::from(hit);
            continue;
        }
        let e = counted.entry(class).or_default();
        e.0 += 1;
        e.1 += usize::from(hit);
    }
    let share = |(n, k): (usize, usize)| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let total: usize = counted.values().map(|c| c.0).sum::<usize>() + undetectable.0;
    println!("indep_forms={total}");
    let (mut all_n, mut all_k) = (0, 0);
    for (class, &(n, k)) in &counted {
        if class == "clean" {
            println!("indep_false_alarm={:.4}", share((n, k)));
        } else {
            println!("indep_recall_{class}={:.4}", share((n, k)));
            (all_n, all_k) = (all_n + n, all_k + k);
        }
    }
    println!("indep_recall={:.4}", share((all_n, all_k)));
    println!("indep_undetectable_flagged={:.4}", share(undetectable));
}
