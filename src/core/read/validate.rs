//! Checks one record against itself and the official registry. Each check
//! that fails adds a named [`Issue`]; nothing is silently fixed (the one
//! change made is recording the matched province's official code and name).
//! Then scores confidence.
//!
//! # Confidence
//!
//! The Python tool scored words agreement 40%, sum check 30%, province 30%,
//! with HIGH ≥ 0.9, MEDIUM ≥ 0.7, LOW ≥ 0.5, else VERY_LOW. We keep the
//! levels and refine the parts:
//!
//! | part | weight | 1.0 | 0.0 |
//! |---|---|---|---|
//! | words | 0.35 | every count's words agree with its digits | none do, or no words at all |
//! | sum | 0.25 | rows add up to valid | they don't |
//! | total | 0.15 | valid + invalid + no-vote = total | it doesn't |
//! | registry | 0.15 | province and constituency exist (half each) | neither |
//! | completeness | 0.10 | form, province, constituency, rows and the four totals present | none |
//!
//! A check that does not apply (a signature page has no sum) scores 1.0; one
//! that applies but cannot be made yet (a single page of a party-list form,
//! or a missing total) scores 0.5. The Python tool let a record with a failed
//! sum still reach HIGH through its other parts; here any issue of severity
//! `Error` (a failed sum or total, a words mismatch, an unknown province, a
//! missing row, an unreadable value...) puts the record in the review queue
//! whatever its score, and so does a level below MEDIUM.

use crate::core::domain::ballot::{
    digits, BallotRecord, Breakdown, Confidence, Count, Issue, IssueCode, Level, Page, Severity,
    Stage,
};
use crate::core::domain::field::{Field, TOTALS};
use crate::core::domain::form::{Category, FormKind};
use crate::core::domain::registry::{Constituency, Province, Registry};
use crate::core::domain::thai::to_words;
use std::collections::BTreeSet;

/// Weight of digits vs words in the confidence score.
pub const W_WORDS: f64 = 0.35;
/// Weight of the row sum.
pub const W_SUM: f64 = 0.25;
/// Weight of the totals block.
pub const W_TOTAL: f64 = 0.15;
/// Weight of the registry (province, constituency).
pub const W_REGISTRY: f64 = 0.15;
/// Weight of completeness.
pub const W_COMPLETENESS: f64 = 0.10;

/// A check that applies but cannot be made yet scores this.
const UNDECIDED: f64 = 0.5;

/// Party-list rows per page of a printed party-list form (1-20, 21-40, 41-57).
pub const PARTY_ROWS_PER_PAGE: u32 = 20;

/// More votes than this for one polling unit (5/18) is not believable.
pub const MAX_UNIT_BALLOTS: u64 = 3_000;

/// Level for a score, with the Python tool's thresholds.
pub fn level(score: f64) -> Level {
    if score >= 0.9 {
        Level::High
    } else if score >= 0.7 {
        Level::Medium
    } else if score >= 0.5 {
        Level::Low
    } else {
        Level::VeryLow
    }
}

/// Where a record is, as far as the registry knows.
struct Place<'r> {
    province: Option<Province>,
    constituency: Option<&'r Constituency>,
    score: f64,
}

/// What the row numbers say about the table.
struct Table {
    category: Option<Category>,
    /// Whether the rows are a whole table (not one page of a party list).
    complete: bool,
}

struct Checker<'a> {
    issues: Vec<Issue>,
    /// Fields extraction already reported on (not repeated here).
    reported: Vec<Field>,
    registry: &'a Registry,
}

impl<'a> Checker<'a> {
    fn push(
        &mut self,
        severity: Severity,
        code: IssueCode,
        field: &Field,
        message: String,
        args: Vec<String>,
    ) {
        let mut issue = Issue::new(code, severity, field.clone(), message);
        issue.args = args;
        issue.stage = Stage::Check;
        self.issues.push(issue);
    }
    fn error(&mut self, code: IssueCode, field: &Field, message: String) {
        self.push(Severity::Error, code, field, message, Vec::new());
    }
    /// An error whose message names `args` (in the order `i18n` expects for its code).
    fn error_args(&mut self, code: IssueCode, field: &Field, message: String, args: Vec<String>) {
        self.push(Severity::Error, code, field, message, args);
    }
    fn warn(&mut self, code: IssueCode, field: &Field, message: String) {
        self.push(Severity::Warning, code, field, message, Vec::new());
    }

    /// Digits vs words for one count: `Some(agrees)` when it can be checked.
    fn words(&mut self, c: &Count, field: &Field, words_expected: bool) -> Option<bool> {
        match (c.digits, c.words_value()) {
            (Some(d), Some(Ok(w))) if d == w => Some(true),
            (Some(d), Some(Ok(w))) => {
                let written = c.words.as_deref().unwrap_or("");
                self.error_args(
                    IssueCode::WordsMismatch,
                    field,
                    format!("{field}: digits say {d} but words say \"{written}\" ({w}); {d} would be \"{}\"", to_words(d)),
                    vec![d.to_string(), written.to_string(), w.to_string(), to_words(d)],
                );
                Some(false)
            }
            (_, Some(Err(e))) => {
                self.error(
                    IssueCode::WordsUnreadable,
                    field,
                    format!("{field}: words cannot be read: {e}"),
                );
                Some(false)
            }
            (None, Some(Ok(_))) => {
                // The extractor already reported why the digits are missing.
                if !self.reported.iter().any(|f| f == field) {
                    self.error(
                        IssueCode::Missing,
                        field,
                        format!("{field}: no digits, only words"),
                    );
                }
                None
            }
            (Some(_), None) => {
                if words_expected {
                    self.warn(
                        IssueCode::Missing,
                        field,
                        format!("{field}: no words to cross-check the digits"),
                    );
                }
                None
            }
            (None, None) => None,
        }
    }

    /// Province and constituency in the registry; the matched province's
    /// official code and name are recorded.
    fn place(&mut self, record: &mut BallotRecord) -> Place<'a> {
        let registry = self.registry;
        let province = record
            .province
            .as_deref()
            .and_then(|p| registry.province(p))
            .cloned();
        let mut score = 0.0;
        match (&record.province, &province) {
            (_, Some(p)) => {
                score += 0.5;
                record.province_code = Some(p.code);
                record.province = Some(p.name_th.clone());
            }
            (Some(name), None) => {
                let hint = registry
                    .suggest_province(name)
                    .map(|p| format!("; did you mean {} ({})?", p.name_th, p.name_en))
                    .unwrap_or_default();
                let suggestion = registry.suggest_province(name);
                self.error_args(
                    IssueCode::UnknownProvince,
                    &Field::Province,
                    format!(
                        "\"{name}\" is not one of the {} provinces{hint}",
                        registry.provinces.len()
                    ),
                    [name.clone(), registry.provinces.len().to_string()]
                        .into_iter()
                        .chain(suggestion.map(|p| p.name_th.clone()))
                        .collect(),
                );
            }
            (None, None) if record.has_vote_table => self.warn(
                IssueCode::Missing,
                &Field::Province,
                "no province given".into(),
            ),
            (None, None) => {}
        }
        let constituency = self.constituency(record, province.as_ref(), &mut score);
        self.unit(record, constituency);
        Place {
            province,
            constituency,
            score,
        }
    }

    fn constituency(
        &mut self,
        record: &BallotRecord,
        province: Option<&Province>,
        score: &mut f64,
    ) -> Option<&'a Constituency> {
        let registry = self.registry;
        match (record.constituency, province) {
            (Some(n), Some(p)) if n >= 1 && n <= p.constituencies => {
                *score += 0.5;
                registry.constituency(&p.id, n)
            }
            (Some(n), Some(p)) => {
                self.error_args(
                    IssueCode::ConstituencyOutOfRange,
                    &Field::Constituency,
                    format!(
                        "{} has constituencies 1 to {}, not {n}",
                        p.name_th, p.constituencies
                    ),
                    vec![
                        p.name_th.clone(),
                        p.constituencies.to_string(),
                        n.to_string(),
                    ],
                );
                None
            }
            (None, _) if record.has_vote_table => {
                self.warn(
                    IssueCode::Missing,
                    &Field::Constituency,
                    "no constituency number given".into(),
                );
                None
            }
            _ => None,
        }
    }

    /// A polling unit beyond the constituency's stations is misread.
    fn unit(&mut self, record: &BallotRecord, constituency: Option<&Constituency>) {
        let (Some(unit), Some(c)) = (record.polling_unit, constituency) else {
            return;
        };
        if c.polling_stations > 0 && unit > c.polling_stations {
            self.error_args(
                IssueCode::UnitOutOfRange,
                &Field::Unit,
                format!(
                    "this constituency has polling units 1 to {}, not {unit}",
                    c.polling_stations
                ),
                vec![c.polling_stations.to_string(), unit.to_string()],
            );
        }
    }

    /// Digits vs words for every row and total: the share that agree.
    fn all_words(&mut self, record: &BallotRecord) -> f64 {
        let t = &record.totals;
        let rows = record
            .rows
            .iter()
            .map(|r| (&r.votes, Field::Row(r.number), true));
        let totals = [
            (&t.valid, Field::Valid, true),
            (&t.invalid, Field::Invalid, true),
            (&t.no_vote, Field::NoVote, true),
            (&t.total, Field::Total, false),
        ]
        .into_iter()
        .filter_map(|(c, f, e)| c.as_ref().map(|c| (c, f, e)));
        let (mut checked, mut agree) = (0usize, 0usize);
        for (count, field, expected) in rows.chain(totals).collect::<Vec<_>>() {
            if let Some(ok) = self.words(count, &field, expected) {
                checked += 1;
                agree += usize::from(ok);
            }
        }
        if checked == 0 {
            0.0
        } else {
            agree as f64 / checked as f64
        }
    }

    /// Row numbers: duplicates, range, page range, missing rows.
    fn rows(&mut self, record: &BallotRecord, place: &Place<'_>) -> Table {
        let mut seen = BTreeSet::new();
        for row in &record.rows {
            if !seen.insert(row.number) {
                self.error(
                    IssueCode::DuplicateRow,
                    &Field::Row(row.number),
                    format!("row {} appears twice", row.number),
                );
            }
        }
        let category = record.category();
        // The ballot numbers there are: a constituency's are not always 1..n.
        let numbers: Option<Vec<u32>> = match category {
            Some(Category::PartyList) => Some((1..=self.registry.max_party_number()).collect()),
            Some(Category::Constituency) => place
                .constituency
                .map(|c| c.candidates.iter().map(|c| c.0).collect::<Vec<u32>>())
                .filter(|n| !n.is_empty()),
            None => None,
        };
        if let Some(numbers) = &numbers {
            self.numbers_in_range(&seen, numbers, category);
        }
        let max_number = numbers.as_ref().and_then(|n| n.iter().max().copied());
        self.page_range(record, &seen, category, max_number);
        let whole_party_form = category == Some(Category::PartyList)
            && record.page.is_none_or(|p| p.of == Some(1))
            && spans_pages(&seen);
        let complete = match category {
            Some(Category::PartyList) => {
                whole_party_form
                    || numbers
                        .as_ref()
                        .is_some_and(|m| m.iter().all(|n| seen.contains(n)))
            }
            _ => true,
        };
        if category == Some(Category::Constituency) || whole_party_form {
            self.missing_rows(record, &seen, numbers.as_deref());
        }
        Table { category, complete }
    }

    fn numbers_in_range(
        &mut self,
        seen: &BTreeSet<u32>,
        numbers: &[u32],
        category: Option<Category>,
    ) {
        let what = if category == Some(Category::PartyList) {
            "parties"
        } else {
            "candidates"
        };
        let count = numbers.len();
        let listed = number_list(numbers);
        for n in seen.iter().filter(|n| !numbers.contains(n)) {
            self.error_args(
                IssueCode::NumberOutOfRange,
                &Field::Row(*n),
                format!("row {n}: there are {count} {what}, numbered {listed}"),
                vec![count.to_string(), what.to_string(), listed.clone()],
            );
        }
    }

    fn page_range(
        &mut self,
        record: &BallotRecord,
        seen: &BTreeSet<u32>,
        category: Option<Category>,
        max_number: Option<u32>,
    ) {
        let Some(p) = record.page else { return };
        if category != Some(Category::PartyList) || p.of.is_some_and(|of| of <= 1) {
            return;
        }
        let lo = p
            .number
            .saturating_sub(1)
            .saturating_mul(PARTY_ROWS_PER_PAGE)
            .saturating_add(1);
        let hi = p
            .number
            .saturating_mul(PARTY_ROWS_PER_PAGE)
            .min(max_number.unwrap_or(u32::MAX));
        let outside: Vec<String> = seen
            .iter()
            .filter(|n| **n < lo || **n > hi)
            .map(|n| n.to_string())
            .collect();
        if !outside.is_empty() && lo <= hi {
            self.error_args(
                IssueCode::PageRangeMismatch,
                &Field::Page,
                format!(
                    "page {} should hold rows {lo} to {hi}, but has row(s) {}",
                    p.number,
                    outside.join(", ")
                ),
                vec![
                    p.number.to_string(),
                    lo.to_string(),
                    hi.to_string(),
                    outside.join(", "),
                ],
            );
        }
    }

    fn missing_rows(
        &mut self,
        record: &BallotRecord,
        seen: &BTreeSet<u32>,
        numbers: Option<&[u32]>,
    ) {
        let Some(numbers) = numbers else { return };
        let missing: Vec<String> = numbers
            .iter()
            .filter(|n| !seen.contains(n))
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() && !record.rows.is_empty() {
            let of = numbers.len();
            self.error_args(
                IssueCode::MissingRows,
                &Field::Rows,
                format!("no row for number(s) {} of {of}", missing.join(", ")),
                vec![missing.join(", "), of.to_string()],
            );
        }
    }

    /// Sum of the rows against the valid ballots: its score.
    fn sum(&mut self, record: &BallotRecord, table: &Table) -> f64 {
        let valid = digits(&record.totals.valid);
        let row_digits: Option<Vec<u64>> = record.rows.iter().map(|r| r.votes.digits).collect();
        match (valid, row_digits, table.complete) {
            (Some(_), Some(_), false) => {
                self.push(
                    Severity::Info,
                    IssueCode::PartialPage,
                    &Field::Rows,
                    "one page of a party-list form: the sum is checked once its pages are merged"
                        .into(),
                    Vec::new(),
                );
                UNDECIDED
            }
            (Some(v), Some(ds), true) if !ds.is_empty() => {
                // Wide enough that no count can wrap into a matching sum.
                let sum: u128 = ds.iter().map(|d| u128::from(*d)).sum();
                let off = sum.abs_diff(u128::from(v));
                if off == 0 {
                    return 1.0;
                }
                let why = format!("rows add up to {sum} but valid ballots are {v} (off by {off})");
                let args = vec![sum.to_string(), v.to_string(), off.to_string()];
                self.error_args(IssueCode::SumMismatch, &Field::Valid, why, args);
                0.0
            }
            _ => UNDECIDED,
        }
    }

    /// valid + invalid + no-vote = total, and no more used than received:
    /// the score of the first.
    fn totals(&mut self, record: &BallotRecord, table: &Table) -> f64 {
        self.missing_totals(record, table);
        let score = self.totals_add_up(record);
        let t = &record.totals;
        if let (Some(total), Some(received)) = (digits(&t.total), record.ballots_received) {
            if total > received {
                self.error_args(
                    IssueCode::ExceedsReceived,
                    &Field::Total,
                    format!("{total} ballots used but only {received} received"),
                    vec![total.to_string(), received.to_string()],
                );
            }
        }
        score
    }

    /// Every form carries the four totals (a party-list form on one of its
    /// pages): on a whole form, each one not read is an error that says
    /// which check it stops, so no check is skipped in silence.
    fn missing_totals(&mut self, record: &BallotRecord, table: &Table) {
        if !table.complete || record.rows.is_empty() && record.totals.is_empty() {
            return;
        }
        let t = &record.totals;
        let stops = [
            (&t.valid, Field::Valid, "valid-ballot count not read: the rows cannot be checked against it"),
            (&t.invalid, Field::Invalid, "invalid-ballot count not read: valid + invalid + no-vote = total cannot be checked"),
            (&t.no_vote, Field::NoVote, "no-vote count not read: the total cannot be checked"),
            (&t.total, Field::Total, "total not read: valid + invalid + no-vote = total cannot be checked"),
        ];
        for (count, field, why) in stops {
            match (count, table.category) {
                (Some(_), _) => {}
                (None, Some(_)) => self.error(IssueCode::Missing, &field, why.into()),
                (None, None) => self.warn(IssueCode::Missing, &field, why.into()),
            }
        }
    }

    /// The page of a party-list reading that names none, from its party
    /// numbers when they all sit on one printed page (1-20, 21-40, 41-57).
    /// Rows over several pages stay unplaced (the row checks flag them).
    fn infer_page(&mut self, record: &mut BallotRecord) {
        if record.category() != Some(Category::PartyList) || record.page.is_some() {
            return;
        }
        let numbers: BTreeSet<u32> = record.rows.iter().map(|r| r.number).collect();
        let (Some(&first), Some(&last)) = (numbers.first(), numbers.last()) else {
            return;
        };
        let max = self.registry.max_party_number();
        if spans_pages(&numbers) || (1..=max).all(|n| numbers.contains(&n)) {
            return;
        }
        let number = (first.max(1) - 1) / PARTY_ROWS_PER_PAGE + 1;
        record.page = Some(Page { number, of: None });
        self.push(
            Severity::Info,
            IssueCode::PageInferred,
            &Field::Page,
            format!("page {number} of the party list, from its party numbers ({first} to {last})"),
            vec![number.to_string(), first.to_string(), last.to_string()],
        );
    }

    fn totals_add_up(&mut self, record: &BallotRecord) -> f64 {
        let t = &record.totals;
        match (
            digits(&t.valid),
            digits(&t.invalid),
            digits(&t.no_vote),
            digits(&t.total),
        ) {
            (Some(v), Some(i), Some(n), Some(total)) => {
                let used = u128::from(v) + u128::from(i) + u128::from(n);
                if used == u128::from(total) {
                    return 1.0;
                }
                let why = format!(
                    "valid {v} + invalid {i} + no-vote {n} = {used} but the total is {total}"
                );
                let args = [v.into(), i.into(), n.into(), used, total.into()];
                let args = args.iter().map(u128::to_string).collect();
                self.error_args(IssueCode::TotalMismatch, &Field::Total, why, args);
                0.0
            }
            _ => UNDECIDED,
        }
    }

    /// Values no polling unit or constituency can have.
    fn implausible(&mut self, record: &BallotRecord, place: &Place<'_>) {
        let unit_cap = (record.form.map(|f| f.kind) == Some(FormKind::PollingUnit))
            .then_some(MAX_UNIT_BALLOTS);
        let voters_cap = place
            .constituency
            .map(|c| c.registered_voters)
            .filter(|v| *v > 0);
        let rows = record
            .rows
            .iter()
            .filter_map(|r| r.votes.digits.map(|d| (Field::Row(r.number), d)));
        let totals = TOTALS
            .into_iter()
            .filter_map(|f| record.count(&f)?.digits.map(|v| (f, v)));
        for (field, v) in rows.chain(totals).collect::<Vec<_>>() {
            if let Some(cap) = unit_cap.filter(|cap| v > *cap) {
                self.error_args(
                    IssueCode::AbsurdValue,
                    &field,
                    format!("{field}: {v} is more than one polling unit can have (at most {cap})"),
                    vec![v.to_string(), cap.to_string(), "unit".into()],
                );
            } else if let Some(cap) = voters_cap.filter(|cap| v > *cap) {
                self.error_args(
                    IssueCode::AbsurdValue,
                    &field,
                    format!("{field}: {v} is more than the constituency's {cap} registered voters"),
                    vec![v.to_string(), cap.to_string(), "voters".into()],
                );
            }
        }
    }
}

/// Whether the rows span more than one printed party-list page.
fn spans_pages(seen: &BTreeSet<u32>) -> bool {
    match (seen.first(), seen.last()) {
        (Some(a), Some(b)) => {
            (a.max(&1) - 1) / PARTY_ROWS_PER_PAGE != (b.max(&1) - 1) / PARTY_ROWS_PER_PAGE
        }
        _ => false,
    }
}

/// Share of the expected fields present.
fn completeness(record: &BallotRecord) -> f64 {
    if !record.has_vote_table {
        return if record.form.is_some() {
            1.0
        } else {
            UNDECIDED
        };
    }
    let t = &record.totals;
    let present = [
        record.form.is_some(),
        record.province.is_some(),
        record.constituency.is_some(),
        !record.rows.is_empty(),
        t.valid.is_some(),
        t.invalid.is_some(),
        t.no_vote.is_some(),
        t.total.is_some(),
    ];
    present.iter().filter(|p| **p).count() as f64 / present.len() as f64
}

/// Three decimals: enough for people, and exact through JSON.
fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The confidence of a record from its parts (weights as in the module
/// docs); any `Error` issue sends it to review, as does a level below MEDIUM.
pub fn confidence(parts: Breakdown, has_errors: bool) -> Confidence {
    let breakdown = Breakdown {
        words: r3(parts.words),
        sum: r3(parts.sum),
        total: r3(parts.total),
        registry: r3(parts.registry),
        completeness: r3(parts.completeness),
    };
    let score = r3(W_WORDS * breakdown.words
        + W_SUM * breakdown.sum
        + W_TOTAL * breakdown.total
        + W_REGISTRY * breakdown.registry
        + W_COMPLETENESS * breakdown.completeness);
    let level = level(score);
    Confidence {
        score,
        level,
        breakdown,
        needs_review: has_errors || level < Level::Medium,
    }
}

/// Checks `record`, appends its issues and sets its confidence.
pub fn validate(mut record: BallotRecord, registry: &Registry) -> BallotRecord {
    let mut ck = Checker {
        issues: Vec::new(),
        reported: record.issues.iter().map(|i| i.field.clone()).collect(),
        registry,
    };
    let place = ck.place(&mut record);
    let mut parts = Breakdown {
        words: 1.0,
        sum: 1.0,
        total: 1.0,
        registry: place.score,
        completeness: completeness(&record),
    };
    if record.has_vote_table {
        ck.infer_page(&mut record);
        parts.words = ck.all_words(&record);
        let table = ck.rows(&record, &place);
        parts.sum = ck.sum(&record, &table);
        parts.total = ck.totals(&record, &table);
        ck.implausible(&record, &place);
    } else if record.province.is_none() || place.province.is_some() {
        // Nothing to count on this page: the registry part is not needed either.
        parts.registry = 1.0;
    }
    ck.image_size(&record);
    record.issues.extend(ck.issues);
    record.confidence = confidence(parts, record.has_errors());
    record
}

impl Checker<'_> {
    /// A scan with few pixels is hard to read: worth knowing, and worth
    /// taking again.
    fn image_size(&mut self, record: &BallotRecord) {
        let Some((w, h)) = record.source.pixels else {
            return;
        };
        let min = crate::core::read::image::SMALL_LONG_EDGE;
        if w.max(h) < min {
            self.push(
                Severity::Warning,
                IssueCode::SmallImage,
                &Field::Image,
                format!("the image is only {w} × {h} pixels (at least {min} on the long edge reads well): a clearer photo or scan may be needed"),
                vec![w.to_string(), h.to_string(), min.to_string()],
            );
        }
    }
}

/// "1 to 7", or the numbers themselves when some are skipped ("2, 3, 5").
fn number_list(numbers: &[u32]) -> String {
    match (numbers.first(), numbers.last()) {
        (Some(&a), Some(&b)) if (b - a) as usize + 1 == numbers.len() => format!("{a} to {b}"),
        _ => numbers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::{Page, Source};
    use crate::core::read::extract::extract;

    fn check(text: &str) -> BallotRecord {
        validate(
            extract(text, Source::default()).unwrap(),
            &Registry::builtin(),
        )
    }

    fn codes(r: &BallotRecord) -> Vec<IssueCode> {
        r.issues.iter().map(|i| i.code).collect()
    }

    use crate::core::engine::testing::PHRAE_FORM as PHRAE_FULL;

    #[test]
    fn a_small_image_is_worth_a_warning() {
        let source = Source {
            pixels: Some((640, 480)),
            ..Source::default()
        };
        let r = validate(extract(PHRAE_FULL, source).unwrap(), &Registry::builtin());
        assert_eq!(codes(&r), vec![IssueCode::SmallImage]);
        assert!(!r.confidence.needs_review, "a warning, not an error");
        assert_eq!(
            r.issues[0].args[..2],
            ["640", "480"],
            "the page words it from these"
        );
        let source = Source {
            pixels: Some((1447, 2048)),
            ..Source::default()
        };
        let r = validate(extract(PHRAE_FULL, source).unwrap(), &Registry::builtin());
        assert_eq!(codes(&r), vec![]);
    }

    #[test]
    fn clean_form_is_high_and_not_for_review() {
        let r = check(PHRAE_FULL);
        assert_eq!(codes(&r), vec![], "{:?}", r.issues);
        assert_eq!(r.province_code, Some(54));
        assert_eq!(r.confidence.level, Level::High);
        assert_eq!(r.confidence.score, 1.0);
        assert!(!r.confidence.needs_review);
    }

    #[test]
    fn each_inconsistency_is_named_and_sent_to_review() {
        let cases: [(&str, &str, IssueCode); 9] = [
            (
                "\"numeric\":108,\"thai_text\":\"หนึ่งร้อยแปด\"",
                "\"numeric\":108,\"thai_text\":\"หนึ่งร้อยหก\"",
                IssueCode::WordsMismatch,
            ),
            (
                "\"numeric\":108,\"thai_text\":\"หนึ่งร้อยแปด\"",
                "\"numeric\":106,\"thai_text\":\"หนึ่งร้อยหก\"",
                IssueCode::SumMismatch,
            ),
            (
                "\"total_votes\":657",
                "\"total_votes\":667",
                IssueCode::TotalMismatch,
            ),
            (
                "\"province\":\"แพร่\"",
                "\"province\":\"แพร\"",
                IssueCode::UnknownProvince,
            ),
            (
                "\"constituency_number\":1",
                "\"constituency_number\":4",
                IssueCode::ConstituencyOutOfRange,
            ),
            (
                "\"6\":{\"numeric\":5,",
                "\"12\":{\"numeric\":5,",
                IssueCode::NumberOutOfRange,
            ),
            (
                "\"ballots_received\":657",
                "\"ballots_received\":600",
                IssueCode::ExceedsReceived,
            ),
            (
                "\"thai_text\":\"สิบห้า\"",
                "\"thai_text\":\"สิบห้าบาท\"",
                IssueCode::WordsUnreadable,
            ),
            (
                ",\"6\":{\"numeric\":5,\"thai_text\":\"ห้า\"}",
                "",
                IssueCode::MissingRows,
            ),
        ];
        for (from, to, code) in cases {
            assert!(PHRAE_FULL.contains(from), "{from}");
            let r = check(&PHRAE_FULL.replacen(from, to, 1));
            assert!(
                codes(&r).contains(&code),
                "{code:?} expected, got {:?}",
                r.issues
            );
            assert!(r.confidence.needs_review, "{code:?} must go to review");
        }
    }

    #[test]
    fn province_suggestion_in_message() {
        let r = check(&PHRAE_FULL.replace("\"แพร่\"", "\"จังหวัดแพร\""));
        let i = r
            .issues
            .iter()
            .find(|i| i.code == IssueCode::UnknownProvince)
            .unwrap();
        assert_eq!(
            i.message,
            "\"แพร\" is not one of the 77 provinces; did you mean แพร่ (Phrae)?"
        );
    }

    #[test]
    fn duplicate_rows_and_absurd_values() {
        let r = check(
            r#"{"form_type":"ส.ส. 5/18","province":"น่าน","constituency_number":1,
            "votes":[{"number":1,"numeric":5000,"thai_text":"ห้าพัน"},{"number":1,"numeric":3,"thai_text":"สาม"}],
            "valid_votes":{"numeric":5003,"thai_text":"ห้าพันสาม"}}"#,
        );
        let c = codes(&r);
        assert!(c.contains(&IssueCode::DuplicateRow), "{c:?}");
        assert!(c.contains(&IssueCode::AbsurdValue), "{c:?}");
        assert!(r.confidence.needs_review);
    }

    #[test]
    fn party_list_pages() {
        // Page 2 holds rows 21-40: the sum waits for the merge; row 5 is out of place.
        let r = check(
            r#"{"form_type":"ส.ส. 5/18 (บช)","province":"น่าน","constituency_number":1,"page":{"number":2,"of":4},
            "votes":{"21":{"numeric":3,"thai_text":"สาม"},"5":{"numeric":1,"thai_text":"หนึ่ง"}}}"#,
        );
        assert!(
            codes(&r).contains(&IssueCode::PageRangeMismatch),
            "{:?}",
            r.issues
        );
        let r = check(
            r#"{"form_type":"ส.ส. 5/18 (บช)","province":"น่าน","constituency_number":1,"page":{"number":1,"of":4},
            "votes":{"1":{"numeric":3,"thai_text":"สาม"},"2":{"numeric":1,"thai_text":"หนึ่ง"}},"valid_votes":{"numeric":400,"thai_text":"สี่ร้อย"}}"#,
        );
        assert!(
            codes(&r).contains(&IssueCode::PartialPage),
            "{:?}",
            r.issues
        );
        assert!(!codes(&r).contains(&IssueCode::SumMismatch));
        assert!(!r.confidence.needs_review, "{:?}", r.confidence);
        assert_eq!(
            r.page,
            Some(Page {
                number: 1,
                of: Some(4)
            })
        );
        let r = check(
            r#"{"form_type":"ส.ส. 5/18 (บช)","votes":{"58":{"numeric":3,"thai_text":"สาม"}}}"#,
        );
        assert!(codes(&r).contains(&IssueCode::NumberOutOfRange));
    }

    #[test]
    fn candidate_numbers_follow_the_registry_where_one_is_skipped() {
        // อำนาจเจริญ 2's candidates are numbered 2 to 7 (no 1).
        let form = |numbers: &[u32]| {
            let rows: Vec<String> = numbers
                .iter()
                .map(|n| format!(r#""{n}":{{"numeric":10}}"#))
                .collect();
            let valid = 10 * numbers.len();
            check(&format!(
                r#"{{"form_type":"ส.ส. 5/18","province":"อำนาจเจริญ","constituency_number":2,"votes":{{{}}},"valid_ballots":{{"numeric":{valid}}}}}"#,
                rows.join(",")
            ))
        };
        let r = form(&[2, 3, 4, 5, 6, 7]);
        let wrong = [IssueCode::NumberOutOfRange, IssueCode::MissingRows];
        assert!(
            !codes(&r).iter().any(|c| wrong.contains(c)),
            "{:?}",
            r.issues
        );
        let r = form(&[1, 2, 3, 4, 5, 6]);
        let out = r
            .issues
            .iter()
            .find(|i| i.code == IssueCode::NumberOutOfRange)
            .unwrap();
        assert_eq!(out.field, Field::Row(1));
        assert_eq!(out.args, vec!["6", "candidates", "2 to 7"]);
        let missing = r
            .issues
            .iter()
            .find(|i| i.code == IssueCode::MissingRows)
            .unwrap();
        assert_eq!(missing.args, vec!["7", "6"]);
        assert_eq!(number_list(&[1, 2, 5]), "1, 2, 5");
    }

    #[test]
    fn signature_page_needs_no_review() {
        let r = check(r#"{"form_type":"ส.ส. ๕/๑๗ (บช)","page":"-๔-","has_vote_table":false}"#);
        assert!(
            !r.confidence.needs_review,
            "{:?} {:?}",
            r.confidence, r.issues
        );
        assert_eq!(codes(&r), vec![IssueCode::NoVoteTable]);
    }

    #[test]
    fn missing_words_are_not_errors_but_send_to_review() {
        let r = check(
            r#"{"form_type":"ส.ส. 5/18","province":"แพร่","constituency_number":1,
            "votes":{"1":1,"2":2,"3":3,"4":4,"5":5,"6":6},"valid_votes":21,"invalid_votes":1,"no_vote":2,"total_votes":24}"#,
        );
        assert!(!r.has_errors(), "{:?}", r.issues);
        assert_eq!(r.confidence.breakdown.words, 0.0);
        // 0.25 + 0.15 + 0.15 + 0.10 = 0.65: LOW, as in the Python tool (0.6).
        assert_eq!(r.confidence.score, 0.65);
        assert_eq!(r.confidence.level, Level::Low);
        assert!(r.confidence.needs_review);
    }

    /// The real แพร่ form in the Python tool's field names.
    fn python_shape(totals: &str) -> String {
        format!(
            r#"{{"form_type":"ส.ส. 5/17","form_category":"constituency","province":"แพร่","constituency_number":1,
            "vote_counts":{{"1":108,"2":54,"3":15,"4":424,"5":8,"6":5}},
            "vote_details":{{"1":{{"numeric":108,"thai_text":"หนึ่งร้อยแปด"}},"2":{{"numeric":54,"thai_text":"ห้าสิบสี่"}},
              "3":{{"numeric":15,"thai_text":"สิบห้า"}},"4":{{"numeric":424,"thai_text":"สี่ร้อยยี่สิบสี่"}},
              "5":{{"numeric":8,"thai_text":"แปด"}},"6":{{"numeric":5,"thai_text":"ห้า"}}}},{totals}}}"#
        )
    }

    #[test]
    fn python_tool_blank_votes_are_the_no_vote_count() {
        let ok = check(&python_shape(
            r#""valid_votes":614,"invalid_votes":7,"blank_votes":36,"total_votes":657"#,
        ));
        assert!(!ok.confidence.needs_review, "{:?}", ok.issues);
        let misread = check(&python_shape(
            r#""valid_votes":614,"invalid_votes":7,"blank_votes":36,"total_votes":667"#,
        ));
        assert!(
            codes(&misread).contains(&IssueCode::TotalMismatch),
            "{:?}",
            misread.issues
        );
        assert!(misread.confidence.needs_review);
    }

    #[test]
    fn a_whole_form_missing_a_total_goes_to_review_saying_which_check_stops() {
        let r = check(&python_shape(
            r#""valid_votes":614,"invalid_votes":7,"total_votes":657"#,
        ));
        assert!(r.confidence.needs_review);
        let i = r
            .issues
            .iter()
            .find(|i| i.field == Field::NoVote)
            .expect("no-vote issue");
        assert_eq!((i.code, i.severity), (IssueCode::Missing, Severity::Error));
        assert_eq!(
            i.message,
            "no-vote count not read: the total cannot be checked"
        );
        for (totals, field) in [
            (
                r#""invalid_votes":7,"blank_votes":36,"total_votes":657"#,
                "valid",
            ),
            (
                r#""valid_votes":614,"blank_votes":36,"total_votes":657"#,
                "invalid",
            ),
            (
                r#""valid_votes":614,"invalid_votes":7,"blank_votes":36"#,
                "total",
            ),
        ] {
            let r = check(&python_shape(totals));
            assert!(
                r.issues
                    .iter()
                    .any(|i| i.field == Field::from(field) && i.severity == Severity::Error),
                "{field}: {:?}",
                r.issues
            );
        }
    }

    #[test]
    fn party_list_pages_are_placed_by_their_party_numbers() {
        let rows = |range: std::ops::RangeInclusive<u32>| {
            range
                .map(|n| format!("\"{n}\":{{\"numeric\":1,\"thai_text\":\"หนึ่ง\"}}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let page = |range| {
            check(&format!(
                r#"{{"form_type":"ส.ส. 5/18 (บช)","province":"น่าน","constituency_number":1,"polling_unit":3,"party_votes":{{{}}}}}"#,
                rows(range)
            ))
        };
        let r = page(21..=40);
        assert_eq!(
            r.page,
            Some(Page {
                number: 2,
                of: None
            })
        );
        assert!(codes(&r).contains(&IssueCode::PageInferred));
        assert!(!r.confidence.needs_review, "{:?}", r.issues);
        assert_eq!(page(41..=57).page.map(|p| p.number), Some(3));
        // Rows across two printed pages, and not the whole list: not placed, reviewed.
        let r = page(15..=25);
        assert_eq!(r.page, None);
        assert!(codes(&r).contains(&IssueCode::MissingRows));
        assert!(r.confidence.needs_review);
    }

    #[test]
    fn levels() {
        assert_eq!(level(0.95), Level::High);
        assert_eq!(level(0.9), Level::High);
        assert_eq!(level(0.7), Level::Medium);
        assert_eq!(level(0.5), Level::Low);
        assert_eq!(level(0.49), Level::VeryLow);
    }

    #[test]
    fn a_unit_beyond_the_constituencys_stations_is_flagged() {
        let r = Registry::builtin();
        let phrae = r.province("แพร่").map(|p| p.id.clone()).unwrap_or_default();
        let stations = r.constituency(&phrae, 1).map_or(0, |c| c.polling_stations);
        assert!(stations > 0);
        let at = |unit: u32| {
            let with_unit = format!("\"constituency_number\":1,\"polling_unit\":{unit},");
            let text = PHRAE_FULL.replace("\"constituency_number\":1,", &with_unit);
            validate(extract(&text, Source::default()).unwrap(), &r)
        };
        assert!(!codes(&at(stations)).contains(&IssueCode::UnitOutOfRange));
        let beyond = at(stations + 1);
        assert!(codes(&beyond).contains(&IssueCode::UnitOutOfRange));
        assert!(beyond.in_review_queue());
    }
}
