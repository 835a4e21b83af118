//! Generated model answers, clean or with realistic reading errors, for the
//! review benchmark and tests. Deterministic for a seed.
//!
//! Clean answers vary in form the way real ones do (fences, prose, Thai
//! digits, thousands separators, the Python tool's field names, "จังหวัด"
//! before the province, both spellings of 101); they must not be flagged.
//! Corrupted ones carry exactly one reading error of a kind in [`Corruption`].

use crate::core::domain::registry::Registry;
use crate::core::domain::rng::SplitMix64;
use crate::core::domain::thai::{to_thai_digits, to_words};
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
    /// The rest of the totals block: the invalid or no-vote count misread
    /// (digits and words alike), or one of the four totals not read.
    TotalsBlock,
}

/// Every corruption kind.
pub const CORRUPTIONS: [Corruption; 7] = [
    Corruption::DigitsOnly,
    Corruption::WordsOnly,
    Corruption::Both,
    Corruption::DroppedOrAddedDigit,
    Corruption::ShiftedRow,
    Corruption::WrongTotal,
    Corruption::TotalsBlock,
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

fn random_form(reg: &Registry, rng: &mut SplitMix64, party_list: bool) -> Form {
    let p = &reg.provinces[rng.range(0, reg.provinces.len() as u64 - 1) as usize];
    let constituency = rng.range(1, p.constituencies.max(1) as u64) as u32;
    let numbers: Vec<u32> = if party_list {
        (1..=reg.max_party_number()).collect()
    } else {
        reg.constituency(&p.id, constituency)
            .map(|c| c.candidates.iter().map(|c| c.0).collect())
            .filter(|n: &Vec<u32>| !n.is_empty())
            .unwrap_or_else(|| (1..=6).collect())
    };
    // A polling unit: a few hundred voters, most votes to a few rows.
    let mut rows = Vec::new();
    for n in numbers {
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

/// The four totals as read; `None` where one was not read.
type TotalCells = [Option<Cell>; 4];

fn count_json(c: &Cell) -> Value {
    json!({"numeric": c.0, "thai_text": c.1})
}

fn vote_table(cells: &[(u32, Cell)], style: &Style) -> Map<String, Value> {
    cells
        .iter()
        .map(|(n, c)| {
            let key = if style.thai_digits {
                to_thai_digits(*n as u64)
            } else {
                n.to_string()
            };
            (key, count_json(c))
        })
        .collect()
}

/// The top of an answer: form, place, and the keys the style uses.
fn header(form: &Form, style: &Style) -> Map<String, Value> {
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
    let (form_key, cons_key) = if style.python_names {
        ("form_code", "constituency")
    } else {
        ("form_type", "constituency_number")
    };
    let mut root = Map::new();
    root.insert(form_key.into(), json!(label));
    root.insert("is_party_list".into(), json!(form.party_list));
    root.insert("province".into(), json!(province));
    root.insert(cons_key.into(), json!(form.constituency));
    root.insert("polling_unit".into(), json!(form.unit));
    root
}

/// The totals block in the style's keys: the Python tool's `blank_votes`
/// and bare numbers, or the app's `no_vote` with words.
fn insert_totals(root: &mut Map<String, Value>, totals: &TotalCells, style: &Style) {
    let no_vote = if style.python_names {
        "blank_votes"
    } else {
        "no_vote"
    };
    for (key, cell) in ["valid_votes", "invalid_votes", no_vote, "total_votes"]
        .iter()
        .zip(totals)
    {
        let value = match cell {
            None => continue,
            Some(c) if style.python_names => c.0.clone(),
            Some(c) => count_json(c),
        };
        root.insert(key.to_string(), value);
    }
}

fn wrapped(root: Map<String, Value>, style: &Style) -> String {
    let body = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    match style.wrap {
        0 => body,
        1 => format!("```json\n{body}\n```"),
        2 => format!("Here is what I read from the form:\n{body}\nPlease verify the handwriting."),
        _ => body.replacen("\n}", ",\n}", 1), // a trailing comma
    }
}

fn render(form: &Form, reading: &Reading, style: &Style) -> String {
    let mut root = header(form, style);
    let votes_key = match (style.python_names, form.party_list) {
        (false, _) => "votes",
        (true, true) => "party_votes",
        (true, false) => "vote_counts",
    };
    root.insert(
        votes_key.into(),
        Value::Object(vote_table(&reading.cells, style)),
    );
    insert_totals(&mut root, &reading.totals, style);
    wrapped(root, style)
}

fn random_style(rng: &mut SplitMix64) -> Style {
    Style {
        thai_digits: rng.next_f64() < 0.2,
        as_strings: rng.next_f64() < 0.3,
        python_names: rng.next_f64() < 0.3,
        province_prefix: rng.next_f64() < 0.2,
        wrap: rng.range(0, 3) as u8,
    }
}

/// A form as read: its rows and totals, with one error when asked.
struct Reading {
    cells: Vec<(u32, Cell)>,
    totals: TotalCells,
}

/// The values as read: digits and words per row and total.
struct Values {
    rows: Vec<(u32, u64)>,
    words: Vec<u64>,
    totals: [u64; 4],
    total_words: [u64; 4],
    /// A row whose digits are written as this raw text.
    digit_text: Option<(usize, String)>,
    drop_last: bool,
    /// A total not read at all.
    missing_total: Option<usize>,
}

impl Values {
    fn of(form: &Form) -> Self {
        let rows = form.rows.clone();
        let valid: u64 = rows.iter().map(|(_, v)| v).sum();
        let totals = [
            valid,
            form.invalid,
            form.no_vote,
            valid + form.invalid + form.no_vote,
        ];
        Values {
            words: rows.iter().map(|(_, v)| *v).collect(),
            rows,
            totals,
            total_words: totals,
            digit_text: None,
            drop_last: false,
            missing_total: None,
        }
    }

    fn pick_row(&self, rng: &mut SplitMix64) -> usize {
        rng.range(0, self.rows.len() as u64 - 1) as usize
    }

    /// Applies one reading error. Totals written without words (the Python
    /// tool's shape) can have no words misread.
    fn corrupt(&mut self, corruption: Corruption, totals_in_words: bool, rng: &mut SplitMix64) {
        match corruption {
            Corruption::DigitsOnly if rng.next_f64() < 0.8 => {
                let i = self.pick_row(rng);
                self.rows[i].1 = confuse(self.rows[i].1, rng);
            }
            Corruption::DigitsOnly => {
                let t = rng.range(0, 2) as usize;
                self.totals[t] = confuse(self.totals[t], rng);
            }
            Corruption::WordsOnly if rng.next_f64() < 0.8 || !totals_in_words => {
                let i = self.pick_row(rng);
                self.words[i] = confuse(self.words[i], rng);
            }
            Corruption::WordsOnly => {
                let t = rng.range(0, 2) as usize;
                self.total_words[t] = confuse(self.total_words[t], rng);
            }
            Corruption::Both => {
                let i = self.pick_row(rng);
                let v = confuse(self.rows[i].1, rng);
                self.rows[i].1 = v;
                self.words[i] = v;
            }
            Corruption::DroppedOrAddedDigit => self.drop_or_add_digit(rng),
            Corruption::ShiftedRow => {
                let k = rng.range(0, self.rows.len() as u64 - 2) as usize;
                for i in k..self.rows.len() - 1 {
                    self.rows[i].1 = self.rows[i + 1].1;
                    self.words[i] = self.words[i + 1];
                }
                self.drop_last = true;
            }
            Corruption::WrongTotal => {
                let t = if rng.next_f64() < 0.5 { 0 } else { 3 };
                self.confuse_total(t, rng);
            }
            Corruption::TotalsBlock if rng.next_f64() < 0.3 => {
                self.missing_total = Some(rng.range(0, 3) as usize);
            }
            Corruption::TotalsBlock => {
                let t = rng.range(1, 2) as usize;
                self.confuse_total(t, rng);
            }
        }
    }

    fn confuse_total(&mut self, t: usize, rng: &mut SplitMix64) {
        let v = confuse(self.totals[t], rng);
        self.totals[t] = v;
        self.total_words[t] = v;
    }

    fn drop_or_add_digit(&mut self, rng: &mut SplitMix64) {
        let i = self.pick_row(rng);
        let s = self.rows[i].1.to_string();
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
        if raw.parse::<u64>().unwrap_or(0) == self.rows[i].1 {
            // "0" -> "00": same value, no error; make it a real one.
            self.rows[i].1 += 10;
        } else {
            self.digit_text = Some((i, raw));
        }
    }

    /// The cells as the answer writes them.
    fn read(&self, style: &Style, rng: &mut SplitMix64) -> Reading {
        let mut cells: Vec<(u32, Cell)> = self
            .rows
            .iter()
            .zip(&self.words)
            .enumerate()
            .map(|(i, ((n, d), w))| {
                let digits = match &self.digit_text {
                    Some((j, raw)) if *j == i && style.thai_digits => {
                        Value::String(to_thai_digits(raw.parse().unwrap_or(0)))
                    }
                    Some((j, raw)) if *j == i => Value::String(raw.clone()),
                    _ => digits_value(*d, style),
                };
                (*n, (digits, words_of(*w, rng)))
            })
            .collect();
        if self.drop_last {
            cells.pop();
        }
        let mut totals: TotalCells = Default::default();
        for (i, t) in totals.iter_mut().enumerate() {
            if self.missing_total != Some(i) {
                *t = Some((
                    digits_value(self.totals[i], style),
                    words_of(self.total_words[i], rng),
                ));
            }
        }
        Reading { cells, totals }
    }
}

/// Generates one answer: clean when `corruption` is `None`.
pub fn sample(reg: &Registry, rng: &mut SplitMix64, corruption: Option<Corruption>) -> Sample {
    let party_list = rng.next_f64() < 0.3;
    let form = random_form(reg, rng, party_list);
    let style = random_style(rng);
    let mut values = Values::of(&form);
    if let Some(c) = corruption {
        values.corrupt(c, !style.python_names, rng);
    }
    let reading = values.read(&style, rng);
    Sample {
        text: render(&form, &reading, &style),
        corruption,
    }
}

/// A party-list form read page by page, as a volunteer photographs it:
/// rows 1-20, 21-40 and 41-57 on three pages, the totals on the last of
/// them, and often a fourth page of signatures. Half the forms name their
/// pages as the app's prompt asks (`page: {number, of}` or "2/4"), half
/// as the Python tool's (`page_parties: "21-40"`, totals null or 0 on the
/// other pages).
pub fn party_list_pages(
    reg: &Registry,
    rng: &mut SplitMix64,
    corruption: Option<Corruption>,
) -> Vec<String> {
    let form = random_form(reg, rng, true);
    let mut style = random_style(rng);
    style.python_names = rng.next_f64() < 0.5;
    let mut values = Values::of(&form);
    if let Some(c) = corruption {
        values.corrupt(c, !style.python_names, rng);
    }
    let reading = values.read(&style, rng);
    let signatures = rng.next_f64() < 0.5;
    let of = if signatures { 4 } else { 3 };
    let zeros = rng.next_f64() < 0.5;
    let mut pages: Vec<String> = [(1u32, 1u32, 20u32), (2, 21, 40), (3, 41, 57)]
        .iter()
        .map(|&(number, first, last)| {
            let cells: Vec<(u32, Cell)> = reading
                .cells
                .iter()
                .filter(|(n, _)| (first..=last).contains(n))
                .cloned()
                .collect();
            let mut root = header(&form, &style);
            if style.python_names {
                root.insert("page_parties".into(), json!(format!("{first}-{last}")));
                root.insert(
                    "party_votes".into(),
                    Value::Object(vote_table(&cells, &style)),
                );
            } else {
                let page = if rng.next_f64() < 0.5 {
                    json!({"number": number, "of": of})
                } else {
                    json!(format!("{number}/{of}"))
                };
                root.insert("page".into(), page);
                root.insert("votes".into(), Value::Object(vote_table(&cells, &style)));
            }
            if number == 3 {
                insert_totals(&mut root, &reading.totals, &style);
            } else if style.python_names {
                let none = if zeros { json!(0) } else { Value::Null };
                for k in ["valid_votes", "invalid_votes", "blank_votes", "total_votes"] {
                    root.insert(k.into(), none.clone());
                }
            }
            wrapped(root, &style)
        })
        .collect();
    if signatures {
        let mut root = header(&form, &style);
        root.insert("page".into(), json!({"number": 4, "of": 4}));
        root.insert("has_vote_table".into(), json!(false));
        pages.push(wrapped(root, &style));
    }
    pages
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
    match crate::core::read::extract::extract(text, Default::default()) {
        Ok(r) => {
            crate::core::read::validate::validate(r, reg)
                .confidence
                .needs_review
        }
        Err(_) => true,
    }
}

/// Whether a party-list form read page by page lands in review: a page
/// that cannot be read, or is flagged, or the merged form flagged, or a
/// page that counts nowhere.
pub fn form_flagged(pages: &[String], reg: &Registry) -> bool {
    let mut records = Vec::new();
    for p in pages {
        match crate::core::read::extract::extract(p, Default::default()) {
            Ok(r) => records.push(crate::core::read::validate::validate(r, reg)),
            Err(_) => return true,
        }
    }
    let agg = crate::core::results::aggregate::aggregate(&records, reg);
    records.iter().any(|r| r.confidence.needs_review)
        || !agg.not_placed.is_empty()
        || agg.units.iter().any(|u| u.record.confidence.needs_review)
}

/// [`measure`] for party-list forms read page by page.
pub fn measure_party_list(reg: &Registry, seed: u64, clean: usize, per_kind: usize) -> ReviewStats {
    measure_with(seed, clean, per_kind, |rng, c| {
        form_flagged(&party_list_pages(reg, rng, c), reg)
    })
}

/// Records that neither count in a constituency nor are listed as not
/// placed, when `forms` constituency answers and as many party-list forms
/// (page by page, clean and corrupted) are aggregated together.
pub fn unplaced_silent(reg: &Registry, seed: u64, forms: usize) -> usize {
    let mut rng = SplitMix64::new(seed);
    let mut records = Vec::new();
    for i in 0..forms {
        let corruption = (i % 3 == 0).then(|| CORRUPTIONS[i % CORRUPTIONS.len()]);
        let mut texts = party_list_pages(reg, &mut rng, corruption);
        texts.push(sample(reg, &mut rng, corruption).text);
        for t in texts {
            if let Ok(r) = crate::core::read::extract::extract(&t, Default::default()) {
                records.push(crate::core::read::validate::validate(r, reg));
            }
        }
    }
    crate::core::results::aggregate::aggregate(&records, reg)
        .silently_dropped(records.len())
        .len()
}

/// Generates `clean` clean answers and `per_kind` of each corruption, and counts what is flagged.
pub fn measure(reg: &Registry, seed: u64, clean: usize, per_kind: usize) -> ReviewStats {
    measure_with(seed, clean, per_kind, |rng, c| {
        flagged(&sample(reg, rng, c).text, reg)
    })
}

/// Counts what `flag` says lands in review, for `clean` clean items and
/// `per_kind` of each corruption.
fn measure_with(
    seed: u64,
    clean: usize,
    per_kind: usize,
    mut flag: impl FnMut(&mut SplitMix64, Option<Corruption>) -> bool,
) -> ReviewStats {
    let mut rng = SplitMix64::new(seed);
    let clean_flagged = (0..clean).filter(|_| flag(&mut rng, None)).count();
    let corrupted = CORRUPTIONS
        .iter()
        .map(|k| {
            let f = (0..per_kind).filter(|_| flag(&mut rng, Some(*k))).count();
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

    /// Every corrupted item flagged, no clean one.
    fn assert_perfect(stats: &ReviewStats, what: &str) {
        for (kind, n, f) in &stats.corrupted {
            assert_eq!(f, n, "{kind:?}: only {f} of {n} {what} flagged");
        }
        assert_eq!(stats.clean_flagged, 0, "clean {what} flagged");
    }

    #[test]
    fn corrupted_answers_go_to_review_and_clean_ones_do_not() {
        assert_perfect(&measure(&Registry::builtin(), 42, 300, 100), "answers");
    }

    #[test]
    fn a_clean_sample_reads_back_exactly() {
        let reg = Registry::builtin();
        let mut rng = SplitMix64::new(9);
        for _ in 0..50 {
            let s = sample(&reg, &mut rng, None);
            let r = crate::core::read::validate::validate(
                crate::core::read::extract::extract(&s.text, Default::default()).unwrap(),
                &reg,
            );
            assert!(
                r.issues
                    .iter()
                    .all(|i| i.severity != crate::core::domain::ballot::Severity::Error),
                "{:?}\n{}",
                r.issues,
                s.text
            );
            assert_eq!(
                r.confidence.level,
                crate::core::domain::ballot::Level::High,
                "{}",
                s.text
            );
        }
    }

    #[test]
    fn party_list_forms_page_by_page() {
        let reg = Registry::builtin();
        assert_perfect(&measure_party_list(&reg, 7, 150, 40), "party-list forms");
        assert_eq!(unplaced_silent(&reg, 8, 60), 0);
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
