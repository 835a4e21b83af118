//! Generated model answers, clean or with realistic reading errors, for the
//! review benchmark and tests. Deterministic for a seed.
//!
//! Clean answers vary in form the way real ones do (fences, prose, Thai
//! digits, thousands separators, the Python tool's field names, "จังหวัด"
//! before the province, both spellings of 101); they must not be flagged.
//! Corrupted ones carry exactly one reading error of a kind in [`Corruption`].

use super::registry::Registry;
use super::rng::SplitMix64;
use super::thai::{to_thai_digits, to_words};
use serde_json::{json, Map, Value};

/// A kind of reading error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Corruption {
    /// One digit misread in the digits only (1/7, 5/6, 3/8, ๖/๕, ๐/๒, ๘/๔).
    DigitsOnly,
    /// The words misread (as the words of a confusable number); digits right.
    WordsOnly,
    /// Digits and words misread alike: only the sums can tell.
    Both,
    /// A digit dropped or added in the digits.
    DroppedOrAddedDigit,
    /// A row skipped: later values moved up one row, the last row lost.
    ShiftedRow,
    /// A total (valid or ballots used) misread, digits and words alike.
    WrongTotal,
}

/// Every corruption kind.
pub const CORRUPTIONS: [Corruption; 6] = [
    Corruption::DigitsOnly,
    Corruption::WordsOnly,
    Corruption::Both,
    Corruption::DroppedOrAddedDigit,
    Corruption::ShiftedRow,
    Corruption::WrongTotal,
];

/// One generated answer.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The model's text.
    pub text: String,
    /// The error it carries, if any.
    pub corruption: Option<Corruption>,
}

/// Digit confusions seen in handwriting, Arabic and Thai.
const CONFUSIONS: [(u8, u8); 12] = [
    (1, 7),
    (7, 1),
    (5, 6),
    (6, 5),
    (3, 8),
    (8, 3),
    (0, 2),
    (2, 0),
    (8, 4),
    (4, 8),
    (4, 9),
    (9, 4),
];

/// `n` with one digit misread (always a different number).
fn confuse(n: u64, rng: &mut SplitMix64) -> u64 {
    let s: Vec<u8> = n.to_string().bytes().map(|b| b - b'0').collect();
    let options: Vec<(usize, u8)> = s
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            CONFUSIONS
                .iter()
                .filter(move |(a, _)| a == d)
                .map(move |(_, b)| (i, *b))
        })
        // A leading zero would change the length, not just a digit.
        .filter(|(i, b)| !(*i == 0 && *b == 0 && s.len() > 1))
        .collect();
    let mut out = s.clone();
    if options.is_empty() {
        let i = rng.range(0, s.len() as u64 - 1) as usize;
        out[i] = (s[i] + 1 + rng.range(0, 7) as u8) % 10;
        if i == 0 && out[i] == 0 && s.len() > 1 {
            out[i] = 1 + s[i] % 9;
        }
    } else {
        let (i, b) = options[rng.range(0, options.len() as u64 - 1) as usize];
        out[i] = b;
    }
    let v = out.iter().fold(0u64, |acc, d| acc * 10 + *d as u64);
    if v == n {
        n + 1
    } else {
        v
    }
}

struct Form {
    party_list: bool,
    province: String,
    constituency: u32,
    unit: u32,
    rows: Vec<(u32, u64)>,
    invalid: u64,
    no_vote: u64,
}

fn random_form(reg: &Registry, rng: &mut SplitMix64) -> Form {
    let p = &reg.provinces[rng.range(0, reg.provinces.len() as u64 - 1) as usize];
    let constituency = rng.range(1, p.constituencies.max(1) as u64) as u32;
    let party_list = rng.next_f64() < 0.3;
    let n_rows = if party_list {
        reg.max_party_number()
    } else {
        reg.constituency(&p.id, constituency)
            .map(|c| c.candidates.len() as u32)
            .filter(|n| *n > 0)
            .unwrap_or(6)
    };
    // A polling unit: a few hundred voters, most votes to a few rows.
    let mut rows = Vec::new();
    for n in 1..=n_rows {
        let big = rng.next_f64() < (if party_list { 0.1 } else { 0.4 });
        let v = if big {
            rng.range(20, 320)
        } else {
            rng.range(0, 12)
        };
        rows.push((n, v));
    }
    // Real units have a few hundred voters (ECT units hold at most about 800-900).
    let cap = rng.range(150, 900);
    let sum: u64 = rows.iter().map(|(_, v)| v).sum();
    if sum > cap {
        for (_, v) in rows.iter_mut() {
            *v = *v * cap / sum;
        }
    }
    Form {
        party_list,
        province: p.name_th.clone(),
        constituency,
        unit: rng.range(1, 40) as u32,
        rows,
        invalid: rng.range(0, 25),
        no_vote: rng.range(0, 30),
    }
}

/// How the answer writes its numbers and names.
struct Style {
    thai_digits: bool,
    as_strings: bool,
    python_names: bool,
    province_prefix: bool,
    wrap: u8,
}

fn digits_value(n: u64, style: &Style) -> Value {
    if style.thai_digits {
        Value::String(to_thai_digits(n))
    } else if style.as_strings {
        let s = n.to_string();
        // Thousands separator for large numbers.
        let s = if n >= 1000 {
            format!("{},{}", &s[..s.len() - 3], &s[s.len() - 3..])
        } else {
            s
        };
        Value::String(s)
    } else {
        json!(n)
    }
}

/// Words as a careful reader writes them; 101-style numbers sometimes with หนึ่ง.
fn words_of(n: u64, rng: &mut SplitMix64) -> String {
    let w = to_words(n);
    if n > 100 && n % 100 == 1 && n % 10 == 1 && rng.next_f64() < 0.5 {
        format!("{}หนึ่ง", w.trim_end_matches("เอ็ด"))
    } else {
        w
    }
}

/// A count as (digits value, words).
type Cell = (Value, String);

fn render(form: &Form, cells: &[(u32, Cell)], totals: [Cell; 4], style: &Style) -> String {
    let count = |c: &Cell| json!({"numeric": c.0, "thai_text": c.1});
    let mut votes = Map::new();
    for (n, c) in cells {
        let key = if style.thai_digits {
            to_thai_digits(*n as u64)
        } else {
            n.to_string()
        };
        votes.insert(key, count(c));
    }
    let label = match (form.party_list, style.thai_digits) {
        (true, true) => "ส.ส. ๕/๑๘ (บช)",
        (true, false) => "ส.ส. 5/18 (บช)",
        (false, true) => "ส.ส. ๕/๑๘",
        (false, false) => "ส.ส. 5/18",
    };
    let province = if style.province_prefix {
        format!("จังหวัด{}", form.province)
    } else {
        form.province.clone()
    };
    let mut root = Map::new();
    let (form_key, cons_key, votes_key) = if style.python_names {
        (
            "form_code",
            "constituency",
            if form.party_list {
                "party_votes"
            } else {
                "vote_counts"
            },
        )
    } else {
        ("form_type", "constituency_number", "votes")
    };
    root.insert(form_key.into(), json!(label));
    root.insert("is_party_list".into(), json!(form.party_list));
    root.insert("province".into(), json!(province));
    root.insert(cons_key.into(), json!(form.constituency));
    root.insert("polling_unit".into(), json!(form.unit));
    root.insert(votes_key.into(), Value::Object(votes));
    let [valid, invalid, no_vote, total] = totals;
    root.insert("valid_votes".into(), count(&valid));
    root.insert("invalid_votes".into(), count(&invalid));
    root.insert("no_vote".into(), count(&no_vote));
    root.insert("total_votes".into(), count(&total));
    let body = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    match style.wrap {
        0 => body,
        1 => format!("```json\n{body}\n```"),
        2 => format!("Here is what I read from the form:\n{body}\nPlease verify the handwriting."),
        _ => body.replacen("\n}", ",\n}", 1), // a trailing comma
    }
}

/// Generates one answer: clean when `corruption` is `None`.
pub fn sample(reg: &Registry, rng: &mut SplitMix64, corruption: Option<Corruption>) -> Sample {
    let form = random_form(reg, rng);
    let style = Style {
        thai_digits: rng.next_f64() < 0.2,
        as_strings: rng.next_f64() < 0.3,
        python_names: rng.next_f64() < 0.3,
        province_prefix: rng.next_f64() < 0.2,
        wrap: rng.range(0, 3) as u8,
    };
    let mut values: Vec<(u32, u64)> = form.rows.clone();
    let valid: u64 = values.iter().map(|(_, v)| v).sum();
    let mut totals = [
        valid,
        form.invalid,
        form.no_vote,
        valid + form.invalid + form.no_vote,
    ];
    // Per cell: digits value and words value (equal unless corrupted).
    let mut words_vals: Vec<u64> = values.iter().map(|(_, v)| *v).collect();
    let mut total_words = totals;
    let mut digit_text: Option<(usize, String)> = None; // row index, raw digits override
    let mut drop_last = false;
    let pick_row = |rng: &mut SplitMix64, values: &[(u32, u64)]| {
        rng.range(0, values.len() as u64 - 1) as usize
    };
    match corruption {
        None => {}
        Some(Corruption::DigitsOnly) => {
            if rng.next_f64() < 0.8 {
                let i = pick_row(rng, &values);
                values[i].1 = confuse(values[i].1, rng);
            } else {
                let t = rng.range(0, 2) as usize;
                totals[t] = confuse(totals[t], rng);
            }
        }
        Some(Corruption::WordsOnly) => {
            if rng.next_f64() < 0.8 {
                let i = pick_row(rng, &values);
                words_vals[i] = confuse(words_vals[i], rng);
            } else {
                let t = rng.range(0, 2) as usize;
                total_words[t] = confuse(total_words[t], rng);
            }
        }
        Some(Corruption::Both) => {
            let i = pick_row(rng, &values);
            let v = confuse(values[i].1, rng);
            values[i].1 = v;
            words_vals[i] = v;
        }
        Some(Corruption::DroppedOrAddedDigit) => {
            let i = pick_row(rng, &values);
            let s = values[i].1.to_string();
            let raw = if rng.next_f64() < 0.5 && s.len() > 1 {
                let k = rng.range(0, s.len() as u64 - 1) as usize;
                format!("{}{}", &s[..k], &s[k + 1..])
            } else {
                let k = rng.range(0, s.len() as u64) as usize;
                format!("{}{}{}", &s[..k], rng.range(0, 9), &s[k..])
            };
            let raw = if raw.is_empty() {
                String::from("0")
            } else {
                raw
            };
            let parsed: u64 = raw.parse().unwrap_or(0);
            if parsed == values[i].1 {
                // "0" -> "00": same value, no error; make it a real one.
                values[i].1 += 10;
            } else {
                digit_text = Some((i, raw));
            }
        }
        Some(Corruption::ShiftedRow) => {
            let k = rng.range(0, values.len() as u64 - 2) as usize;
            for i in k..values.len() - 1 {
                values[i].1 = values[i + 1].1;
                words_vals[i] = words_vals[i + 1];
            }
            drop_last = true;
        }
        Some(Corruption::WrongTotal) => {
            let t = if rng.next_f64() < 0.5 { 0 } else { 3 };
            let v = confuse(totals[t], rng);
            totals[t] = v;
            total_words[t] = v;
        }
    }
    let mut cells: Vec<(u32, Cell)> = values
        .iter()
        .zip(&words_vals)
        .enumerate()
        .map(|(i, ((n, d), w))| {
            let digits = match &digit_text {
                Some((j, raw)) if *j == i => {
                    if style.thai_digits {
                        Value::String(super::thai::to_thai_digits(raw.parse().unwrap_or(0)))
                    } else {
                        Value::String(raw.clone())
                    }
                }
                _ => digits_value(*d, &style),
            };
            (*n, (digits, words_of(*w, rng)))
        })
        .collect();
    if drop_last {
        cells.pop();
    }
    let cell = |i: usize, rng: &mut SplitMix64| {
        (
            digits_value(totals[i], &style),
            words_of(total_words[i], rng),
        )
    };
    let totals_cells = [cell(0, rng), cell(1, rng), cell(2, rng), cell(3, rng)];
    Sample {
        text: render(&form, &cells, totals_cells, &style),
        corruption,
    }
}

/// How well the checks send corrupted answers to review and leave clean ones.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewStats {
    /// Clean answers generated.
    pub clean: usize,
    /// Clean answers flagged (false alarms).
    pub clean_flagged: usize,
    /// Per corruption kind: (generated, flagged).
    pub corrupted: Vec<(Corruption, usize, usize)>,
}

impl ReviewStats {
    /// Share of corrupted answers flagged.
    pub fn recall(&self) -> f64 {
        let (n, f) = self
            .corrupted
            .iter()
            .fold((0, 0), |(n, f), (_, a, b)| (n + a, f + b));
        if n == 0 {
            1.0
        } else {
            f as f64 / n as f64
        }
    }
    /// Share of clean answers flagged.
    pub fn false_alarm(&self) -> f64 {
        if self.clean == 0 {
            0.0
        } else {
            self.clean_flagged as f64 / self.clean as f64
        }
    }
}

/// Whether an answer would land in the review queue (or in the errors):
/// the same path the app takes, extraction then validation.
pub fn flagged(text: &str, reg: &Registry) -> bool {
    match super::extract::extract(text, Default::default()) {
        Ok(r) => super::validate::validate(r, reg).confidence.needs_review,
        Err(_) => true,
    }
}

/// Generates `clean` clean answers and `per_kind` of each corruption, and counts what is flagged.
pub fn measure(reg: &Registry, seed: u64, clean: usize, per_kind: usize) -> ReviewStats {
    let mut rng = SplitMix64::new(seed);
    let clean_flagged = (0..clean)
        .filter(|_| flagged(&sample(reg, &mut rng, None).text, reg))
        .count();
    let corrupted = CORRUPTIONS
        .iter()
        .map(|k| {
            let f = (0..per_kind)
                .filter(|_| flagged(&sample(reg, &mut rng, Some(*k)).text, reg))
                .count();
            (*k, per_kind, f)
        })
        .collect();
    ReviewStats {
        clean,
        clean_flagged,
        corrupted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupted_answers_go_to_review_and_clean_ones_do_not() {
        let reg = Registry::builtin();
        let stats = measure(&reg, 42, 300, 100);
        for (kind, n, f) in &stats.corrupted {
            assert_eq!(f, n, "{kind:?}: only {f} of {n} flagged");
        }
        assert_eq!(stats.clean_flagged, 0, "clean answers flagged");
    }

    #[test]
    fn a_clean_sample_reads_back_exactly() {
        let reg = Registry::builtin();
        let mut rng = SplitMix64::new(9);
        for _ in 0..50 {
            let s = sample(&reg, &mut rng, None);
            let r = super::super::validate::validate(
                super::super::extract::extract(&s.text, Default::default()).unwrap(),
                &reg,
            );
            assert!(
                r.issues
                    .iter()
                    .all(|i| i.severity != super::super::ballot::Severity::Error),
                "{:?}\n{}",
                r.issues,
                s.text
            );
            assert_eq!(
                r.confidence.level,
                super::super::ballot::Level::High,
                "{}",
                s.text
            );
        }
    }

    #[test]
    fn confusions_change_exactly_the_value() {
        let mut rng = SplitMix64::new(3);
        for n in [0u64, 1, 7, 10, 108, 424, 999, 1653] {
            for _ in 0..20 {
                let c = confuse(n, &mut rng);
                assert_ne!(c, n);
                assert_eq!(c.to_string().len(), n.to_string().len(), "{n} -> {c}");
            }
        }
    }
}
