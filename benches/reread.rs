//! Second readings on generated batches, through the real engine in fake
//! time: every ballot's first reading has one misread cell (its digits or
//! its words, so its checks fail). The re-read is adversarial, one batch
//! per mode: `right`; `same` (the first misreading again, as it was);
//! `repeated` (the first reading's digits repeated, the words made to
//! agree with them); `third` (a third value, digits and words agreeing).
//! Prints `key=value` lines:
//!   reread_settled_share_<mode>  flagged ballots settled (goal: `right`
//!                                near 1; the others only when the truth wins)
//!   reread_false_accept_<mode>   settled ballots whose values differ from
//!                                the truth (goal 0 in every mode)
//!   reread_false_accept          their sum
//!   reread_requests_per_flagged  re-read requests per flagged ballot, mode
//!                                `right` (goal <= 1.0)

use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::time::Duration;
use tallyscan::core::api::provider::ProviderSettings;
use tallyscan::core::domain::ballot::BallotRecord;
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::domain::rng::SplitMix64;
use tallyscan::core::domain::thai::to_words;
use tallyscan::core::engine::batch::{run_batch, BatchOptions, Env};
use tallyscan::core::engine::control::Control;
use tallyscan::core::engine::progress::NullProgressCallback;
use tallyscan::core::engine::rate_limit::Quota;
use tallyscan::core::engine::testing::{FakeTime, MemoryImages, Reply, ScriptedOcr};

const BALLOTS: usize = 600;

fn count(d: u64, w: u64) -> Value {
    json!({ "numeric": d, "thai_text": to_words(w) })
}

/// A ballot: its six rows' true votes, and its first reading's misread
/// (row index, digits wrong rather than words, the wrong value).
struct Ballot {
    votes: Vec<u64>,
    row: usize,
    digits_wrong: bool,
    wrong: u64,
}

/// How the re-read answers the misread cell.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Right,
    Same,
    Repeated,
    Third,
}

const MODES: [Mode; 4] = [Mode::Right, Mode::Same, Mode::Repeated, Mode::Third];

fn first_reading(b: &Ballot) -> String {
    let valid: u64 = b.votes.iter().sum();
    let mut rows = Map::new();
    for (i, &v) in b.votes.iter().enumerate() {
        let c = match (i == b.row, b.digits_wrong) {
            (false, _) => count(v, v),
            (true, true) => count(b.wrong, v),
            (true, false) => count(v, b.wrong),
        };
        rows.insert((i + 1).to_string(), c);
    }
    json!({
        "form_type": "ส.ส. 5/18", "province": "แพร่", "constituency_number": 1, "polling_unit": 1,
        "votes": rows, "valid_votes": count(valid, valid), "invalid_votes": count(3, 3),
        "no_vote": count(2, 2), "total_votes": count(valid + 5, valid + 5),
    })
    .to_string()
}

/// The re-read's answer for every cell it may be asked about.
fn second_reading(b: &Ballot, mode: Mode) -> String {
    let valid: u64 = b.votes.iter().sum();
    let mut cells = Map::new();
    for (i, &v) in b.votes.iter().enumerate() {
        let first_digits = if b.digits_wrong { b.wrong } else { v };
        let c = match (i == b.row, mode) {
            (false, _) | (true, Mode::Right) => count(v, v),
            (true, Mode::Same) if b.digits_wrong => count(b.wrong, v),
            (true, Mode::Same) => count(v, b.wrong),
            (true, Mode::Repeated) => count(first_digits, first_digits),
            (true, Mode::Third) => count(b.wrong + 7, b.wrong + 7),
        };
        cells.insert(format!("row {}", i + 1), c);
    }
    cells.insert("valid".into(), count(valid, valid));
    cells.insert("invalid".into(), count(3, 3));
    cells.insert("no-vote".into(), count(2, 2));
    cells.insert("total".into(), count(valid + 5, valid + 5));
    json!({ "cells": cells }).to_string()
}

fn ballots(seed: u64) -> Vec<Ballot> {
    let mut rng = SplitMix64::new(seed);
    (0..BALLOTS)
        .map(|_| {
            let votes: Vec<u64> = (0..6).map(|_| rng.range(1, 250)).collect();
            let row = rng.range(0, 5) as usize;
            let wrong = votes[row] + rng.range(1, 40);
            Ballot {
                votes,
                row,
                digits_wrong: rng.next_f64() < 0.5,
                wrong,
            }
        })
        .collect()
}

fn true_to(b: &Ballot, r: &BallotRecord) -> bool {
    let valid: u64 = b.votes.iter().sum();
    r.rows.len() == b.votes.len()
        && r.rows
            .iter()
            .zip(&b.votes)
            .all(|(row, v)| row.votes.digits == Some(*v))
        && r.totals.valid.as_ref().and_then(|c| c.digits) == Some(valid)
}

/// One batch whose re-reads answer in `mode`: (flagged, settled, false
/// accepts, re-read requests).
fn run_mode(list: &[Ballot], mode: Mode) -> (usize, usize, usize, usize) {
    let time = FakeTime::new();
    let asked = RefCell::new(vec![0u32; BALLOTS]);
    let answers: Vec<(String, String)> = list
        .iter()
        .map(|b| (first_reading(b), second_reading(b, mode)))
        .collect();
    let client = ScriptedOcr::new(&time, move |_, image| {
        let i = image.unwrap_or(0).min(BALLOTS - 1);
        let k = {
            let mut a = asked.borrow_mut();
            a[i] += 1;
            a[i]
        };
        let text = if k == 1 { &answers[i].0 } else { &answers[i].1 };
        Reply::ok(Duration::from_millis(800), text)
    });
    let images = MemoryImages::new(BALLOTS, 200);
    let (settings, registry, control) = (
        ProviderSettings::default(),
        Registry::builtin(),
        Control::new(),
    );
    let env = Env {
        client: &client,
        clock: &time,
        sleeper: &time,
        images: &images,
        settings: &settings,
        registry: &registry,
        progress: &NullProgressCallback,
        control: &control,
        journal: None,
        prep: None,
        fallback: None,
        shared_limit: None,
    };
    let opts = BatchOptions {
        quota: Quota::per_minute(6000.0, 20),
        reread: tallyscan::core::engine::batch::RereadOptions {
            cap: BALLOTS,
            ..Default::default()
        },
        ..BatchOptions::default()
    };
    let r = time.run(run_batch(&env, &opts));
    let settled: Vec<_> = r
        .results
        .iter()
        .filter(|x| x.record.reread.as_ref().is_some_and(|s| s.settled))
        .collect();
    let false_accept = settled
        .iter()
        .filter(|x| !true_to(&list[x.index], &x.record))
        .count();
    let rereads_sent = r.requests_sent as usize - BALLOTS;
    eprintln!(
        "reread {mode:?}: {BALLOTS} ballots, {} flagged, {} settled, {} re-read requests, {} errors",
        r.rereads,
        settled.len(),
        rereads_sent,
        r.errors.len()
    );
    (r.rereads, settled.len(), false_accept, rereads_sent)
}

fn main() {
    let list = ballots(2026);
    let mut false_accepts = 0;
    for mode in MODES {
        let (flagged, settled, false_accept, sent) = run_mode(&list, mode);
        let name = format!("{mode:?}").to_lowercase();
        let flagged = flagged.max(1);
        println!(
            "reread_settled_share_{name}={:.3}",
            settled as f64 / flagged as f64
        );
        println!("reread_false_accept_{name}={false_accept}");
        false_accepts += false_accept;
        if let Mode::Right = mode {
            println!(
                "reread_requests_per_flagged={:.3}",
                sent as f64 / flagged as f64
            );
        }
    }
    println!("reread_false_accept={false_accepts}");
}
