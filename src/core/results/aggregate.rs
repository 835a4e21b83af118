//! Tallies per constituency from checked records.
//!
//! 1. Records are keyed by the unit they report (province, constituency,
//!    form kind and category, polling unit, district, subdistrict).
//! 2. Two records of the same unit and page are duplicates: the same image
//!    twice, or two readings of one form. One is kept (the one not needing
//!    review, then the higher score) and the other reported, never counted.
//!    If their numbers differ, that is a conflict and the kept one goes to
//!    review.
//! 3. The pages of a party-list form (rows 1-20, 21-40, 41-57, totals,
//!    signatures) are merged into one form, which is checked again as a whole
//!    (now the sum of rows can be compared with the valid count).
//! 4. Units are summed per (province, constituency, category). Records that
//!    need review are counted and their share reported.
//!
//! No record is dropped in silence: each one either counts in a
//! constituency (alone, or as a page of its unit's form) or is listed in
//! [`Aggregate::not_placed`] with the reason (no form type, no or unknown
//! province, no constituency, a duplicate counted once, a signature page
//! whose vote pages are not in the batch).

use crate::core::domain::ballot::{
    digits, BallotRecord, Issue, IssueCode, Severity, Totals, VoteRow,
};
use crate::core::domain::field::Field;
use crate::core::domain::form::{Category, FormKind};
use crate::core::domain::registry::Registry;
use crate::core::read::validate::validate;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What one record reports on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitKey {
    pub province_code: u16,
    pub constituency: u32,
    /// Constituency or party list.
    pub category: Category,
    /// 5/16, 5/17 or 5/18.
    pub kind: FormKind,
    /// Polling unit number (5/18).
    pub polling_unit: Option<u32>,
    /// District (normalized), only for forms without a unit number (5/16,
    /// 5/17), where it tells their counts apart.
    pub district: Option<String>,
}

/// Why a record counts in no constituency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unplaced {
    /// The form type was not read.
    NoForm,
    /// No province was read.
    NoProvince,
    /// The province read is not in the registry.
    UnknownProvince(String),
    /// No constituency number was read.
    NoConstituency,
    /// The same unit and page again: counted once, as record `kept`.
    Duplicate {
        /// The record counted instead.
        kept: usize,
    },
    /// A page without votes (signatures) whose unit has no vote page here.
    SignaturesOnly,
}

impl Unplaced {
    /// Why, in English (exports and logs).
    pub fn describe(&self, records: &[BallotRecord]) -> String {
        match self {
            Unplaced::NoForm => "not placed: the form type was not read".into(),
            Unplaced::NoProvince => "not placed: no province was read".into(),
            Unplaced::UnknownProvince(p) => format!("not placed: \"{p}\" is not a province"),
            Unplaced::NoConstituency => "not placed: no constituency number was read".into(),
            Unplaced::Duplicate { kept } => format!(
                "counted once, as {}",
                records
                    .get(*kept)
                    .map(|r| r.source.file_name.as_str())
                    .unwrap_or("another record")
            ),
            Unplaced::SignaturesOnly => {
                "not counted: a page without votes, and its unit's vote pages are not in this batch"
                    .into()
            }
        }
    }
}

/// A record that counts in no constituency, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotPlaced {
    /// Index of the record in the input.
    pub record: usize,
    /// Why.
    pub reason: Unplaced,
}

/// "เมืองแพร่", "อ.เมืองแพร่", "อำเภอเมืองแพร่" are one district.
fn district_key(d: &str) -> String {
    let d = crate::core::domain::thai::nfc_thai(d.trim());
    let d = ["อำเภอ", "อ.", "เขต"]
        .iter()
        .fold(d.as_str(), |d, p| d.strip_prefix(p).unwrap_or(d).trim());
    d.to_string()
}

impl UnitKey {
    /// The key of a record, or why it has none.
    pub fn of(r: &BallotRecord) -> Result<UnitKey, Unplaced> {
        let form = r.form.ok_or(Unplaced::NoForm)?;
        let province_code = match (&r.province, r.province_code) {
            (_, Some(code)) => code,
            (None, None) => return Err(Unplaced::NoProvince),
            (Some(p), None) => return Err(Unplaced::UnknownProvince(p.clone())),
        };
        Ok(UnitKey {
            province_code,
            constituency: r.constituency.ok_or(Unplaced::NoConstituency)?,
            category: form.category,
            kind: form.kind,
            polling_unit: r.polling_unit,
            district: r
                .polling_unit
                .is_none()
                .then(|| r.district.as_deref().map(district_key))
                .flatten(),
        })
    }
}

/// A problem found while aggregating, tied to the record it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateIssue {
    /// Index of the record in the input.
    pub record: usize,
    /// The problem.
    pub issue: Issue,
}

/// One unit's form after duplicates are dropped and pages merged.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitForm {
    /// The unit.
    pub key: UnitKey,
    /// The merged, re-checked form.
    pub record: BallotRecord,
    /// Indices of the input records that make it up.
    pub parts: Vec<usize>,
}

/// Totals of one constituency for one ballot category.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstituencyTally {
    pub province_code: u16,
    /// Thai province name.
    pub province: String,
    pub constituency: u32,
    /// Constituency or party list.
    pub category: Category,
    /// Units (forms) summed.
    pub units: usize,
    /// Of those, how many need review.
    pub units_needing_review: usize,
    /// Votes per candidate or party number.
    pub votes: BTreeMap<u32, u64>,
    /// Sum of valid ballots.
    pub valid: u64,
    /// Sum of invalid ballots.
    pub invalid: u64,
    /// Sum of no-vote ballots.
    pub no_vote: u64,
    /// Sum of ballots used.
    pub total: u64,
    /// Registered voters of the whole constituency (0 when unknown).
    pub registered_voters: u64,
    /// Ballots used so far ÷ registered voters.
    pub turnout: Option<f64>,
    /// The leading numbers (more than one on a tie).
    pub leaders: Vec<u32>,
}

impl ConstituencyTally {
    /// Polling units the registry expects in this constituency (0 when
    /// it does not know).
    pub fn units_expected(&self, registry: &Registry) -> u32 {
        registry
            .provinces
            .iter()
            .find(|p| p.code == self.province_code)
            .and_then(|p| registry.constituency(&p.id, self.constituency))
            .map_or(0, |c| c.polling_stations)
    }

    /// Duplicates and conflicts found among this constituency's records.
    pub fn doubles<R: Records + ?Sized>(&self, agg: &Aggregate, records: &R) -> (usize, usize) {
        let mine = |k: usize| {
            records.record(k).is_some_and(|r| {
                r.province_code == Some(self.province_code)
                    && r.constituency == Some(self.constituency)
                    && r.category() == Some(self.category)
            })
        };
        let count = |code: IssueCode| {
            agg.issues
                .iter()
                .filter(|i| i.issue.code == code && mine(i.record))
                .count()
        };
        (count(IssueCode::Duplicate), count(IssueCode::Conflict))
    }

    /// Share of units that need review.
    pub fn review_share(&self) -> f64 {
        if self.units == 0 {
            0.0
        } else {
            self.units_needing_review as f64 / self.units as f64
        }
    }
}

/// Records as the aggregate's issues index them: a batch's list, or the
/// slots of a live aggregate (reports read either).
///
/// What reports read of a record is its place, source, confidence, issues
/// and corrections: a live aggregate gives its records without their rows
/// (it keeps them packed, and makes each when asked), so the numbers are
/// read from the tallies.
pub trait Records {
    /// The record at `index`.
    fn record(&self, index: usize) -> Option<Cow<'_, BallotRecord>>;
    /// Every record, in index order.
    fn each(&self) -> impl Iterator<Item = Cow<'_, BallotRecord>>;
    /// How many there are.
    fn count(&self) -> usize {
        self.each().count()
    }
}

impl Records for [BallotRecord] {
    fn record(&self, index: usize) -> Option<Cow<'_, BallotRecord>> {
        self.get(index).map(Cow::Borrowed)
    }
    fn each(&self) -> impl Iterator<Item = Cow<'_, BallotRecord>> {
        self.iter().map(Cow::Borrowed)
    }
    fn count(&self) -> usize {
        self.len()
    }
}

/// Everything aggregation produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Aggregate {
    /// Per constituency and category, sorted by province code, number, category.
    pub constituencies: Vec<ConstituencyTally>,
    /// The unit forms summed.
    pub units: Vec<UnitForm>,
    /// Records that count in no constituency, with why.
    pub not_placed: Vec<NotPlaced>,
    /// Duplicates dropped (their index) and conflicts found.
    pub issues: Vec<AggregateIssue>,
    /// Share of all input records that need review.
    pub review_share: f64,
}

fn same_numbers(a: &BallotRecord, b: &BallotRecord) -> bool {
    let rows = |r: &BallotRecord| {
        r.rows
            .iter()
            .map(|x| (x.number, x.votes.digits))
            .collect::<BTreeMap<_, _>>()
    };
    rows(a) == rows(b) && a.totals.digits() == b.totals.digits()
}

/// Which of two copies to keep: not needing review first, then the higher score.
pub(super) fn better(a: &BallotRecord, b: &BallotRecord) -> bool {
    (!a.confidence.needs_review, a.confidence.score)
        > (!b.confidence.needs_review, b.confidence.score)
}

/// Merges the pages of one unit into one form and checks it again.
fn merge(
    key: &UnitKey,
    pages: &[(usize, &BallotRecord)],
    registry: &Registry,
    issues: &mut Vec<AggregateIssue>,
) -> BallotRecord {
    if pages.len() == 1 {
        return pages[0].1.clone();
    }
    let mut merged = merged_head(key, pages);
    let mut rows: BTreeMap<u32, VoteRow> = BTreeMap::new();
    for &(idx, page) in pages {
        let conflict = |field: Field, why: String| AggregateIssue {
            record: idx,
            issue: Issue::new(IssueCode::Conflict, Severity::Error, field, why),
        };
        for row in &page.rows {
            match rows.get(&row.number) {
                Some(existing) if existing.votes.digits != row.votes.digits => {
                    let (n, a, b) = (row.number, existing.votes.digits, row.votes.digits);
                    let why = format!(
                        "row {n} is {a:?} on one page and {b:?} on another of the same form"
                    );
                    issues.push(conflict(Field::Row(n), why));
                }
                Some(_) => {}
                None => {
                    rows.insert(row.number, row.clone());
                }
            }
        }
        for name in merge_totals(&mut merged.totals, &page.totals) {
            let why = format!("{name} differs between pages of the same form");
            issues.push(conflict(name, why));
        }
    }
    merged.rows = rows.into_values().collect();
    let mut checked = validate(merged, registry);
    // Page-level errors stay with the merged form.
    for (_, page) in pages {
        for issue in page.issues.iter().filter(|i| i.severity == Severity::Error) {
            if !checked.issues.contains(issue) {
                checked.issues.push(issue.clone());
                checked.confidence.needs_review = true;
            }
        }
    }
    checked
}

/// The merged form before its rows and totals: the first page's place and
/// source, every page's corrections, the file names joined.
fn merged_head(key: &UnitKey, pages: &[(usize, &BallotRecord)]) -> BallotRecord {
    let first = pages[0].1;
    let mut merged = BallotRecord {
        form: first.form,
        province: first.province.clone(),
        province_code: first.province_code,
        constituency: Some(key.constituency),
        district: first.district.clone(),
        subdistrict: first.subdistrict.clone(),
        polling_unit: key.polling_unit,
        page: None,
        has_vote_table: pages.iter().any(|(_, p)| p.has_vote_table),
        rows: Vec::new(),
        totals: Totals::default(),
        ballots_received: pages.iter().find_map(|(_, p)| p.ballots_received),
        source: first.source.clone(),
        confidence: Default::default(),
        issues: Vec::new(),
        sources: first.sources,
        audit: pages.iter().flat_map(|(_, p)| p.audit.clone()).collect(),
        // Accepted as a whole only if every page was.
        accepted: pages
            .iter()
            .map(|(_, p)| p.accepted.clone())
            .collect::<Option<Vec<_>>>()
            .and_then(|a| a.into_iter().next()),
        reread: None,
    };
    merged.source.file_name = pages
        .iter()
        .map(|(_, p)| p.source.file_name.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    merged
}

/// Fills the totals a page has and the form lacks; names those that
/// differ between pages.
fn merge_totals(into: &mut Totals, page: &Totals) -> Vec<Field> {
    let mut differ = Vec::new();
    for (slot, value, name) in [
        (&mut into.valid, &page.valid, Field::Valid),
        (&mut into.invalid, &page.invalid, Field::Invalid),
        (&mut into.no_vote, &page.no_vote, Field::NoVote),
        (&mut into.total, &page.total, Field::Total),
    ] {
        match (slot.as_ref(), value) {
            (None, Some(v)) => *slot = Some(v.clone()),
            (Some(a), Some(b)) if a.digits != b.digits => differ.push(name),
            _ => {}
        }
    }
    differ
}

impl Aggregate {
    /// Records that neither count in a constituency nor are listed as not
    /// placed (there should be none; tests and the benchmark check).
    #[cfg(any(test, feature = "testing"))]
    pub fn silently_dropped(&self, records: usize) -> Vec<usize> {
        let mut seen = vec![false; records];
        let counted = self
            .units
            .iter()
            .filter(|u| u.record.has_vote_table)
            .flat_map(|u| &u.parts);
        for i in counted.chain(self.not_placed.iter().map(|n| &n.record)) {
            if let Some(s) = seen.get_mut(*i) {
                *s = true;
            }
        }
        (0..records).filter(|i| !seen[*i]).collect()
    }
}

type Pages = BTreeMap<UnitKey, BTreeMap<Option<u32>, usize>>;

/// 1 and 2: each record keyed by its unit and page; duplicates counted once.
fn group(records: &[BallotRecord], out: &mut Aggregate) -> Pages {
    let mut by_unit: Pages = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let key = match UnitKey::of(r) {
            Ok(key) => key,
            Err(reason) => {
                out.not_placed.push(NotPlaced { record: i, reason });
                continue;
            }
        };
        let pages = by_unit.entry(key).or_default();
        let page = r.page.map(|p| p.number);
        match pages.get(&page).copied() {
            None => {
                pages.insert(page, i);
            }
            Some(j) => {
                let (keep, drop) = if better(r, &records[j]) {
                    (i, j)
                } else {
                    (j, i)
                };
                pages.insert(page, keep);
                duplicate((keep, &records[keep]), (drop, &records[drop]), out);
            }
        }
    }
    by_unit
}

/// Reports a duplicate (and a conflict, when the two read differently).
pub(super) fn duplicate(
    (keep, k): (usize, &BallotRecord),
    (drop, d): (usize, &BallotRecord),
    out: &mut Aggregate,
) {
    let same_image = k.source.same_image(&d.source);
    let what = if same_image {
        "the same image twice"
    } else {
        "a second reading of the same unit and page"
    };
    out.not_placed.push(NotPlaced {
        record: drop,
        reason: Unplaced::Duplicate { kept: keep },
    });
    out.issues.push(AggregateIssue {
        record: drop,
        issue: Issue::new(
            IssueCode::Duplicate,
            Severity::Warning,
            Field::Record,
            format!(
                "{what} ({} and {}): counted once",
                d.source.file_name, k.source.file_name
            ),
        ),
    });
    if !same_numbers(k, d) {
        out.issues.push(AggregateIssue {
            record: keep,
            issue: Issue::new(
                IssueCode::Conflict,
                Severity::Error,
                Field::Record,
                format!(
                    "{} and {} read the same unit differently",
                    d.source.file_name, k.source.file_name
                ),
            ),
        });
    }
}

/// 3: the pages of each unit merged into one form and checked again.
fn merge_units(records: &[BallotRecord], by_unit: Pages, registry: &Registry, out: &mut Aggregate) {
    for (key, pages) in by_unit {
        let page_records: Vec<(usize, &BallotRecord)> =
            pages.values().map(|&i| (i, &records[i])).collect();
        merge_unit(key, &page_records, registry, out);
    }
}

/// One unit's pages (its records kept, in page order) merged into its form.
pub(super) fn merge_unit(
    key: UnitKey,
    pages: &[(usize, &BallotRecord)],
    registry: &Registry,
    out: &mut Aggregate,
) {
    let parts: Vec<usize> = pages.iter().map(|(i, _)| *i).collect();
    let mut record = merge(&key, pages, registry, &mut out.issues);
    let part_error = out
        .issues
        .iter()
        .any(|a| parts.contains(&a.record) && a.issue.severity == Severity::Error);
    record.confidence.needs_review |= part_error;
    if !record.has_vote_table {
        out.not_placed.extend(parts.iter().map(|&i| NotPlaced {
            record: i,
            reason: Unplaced::SignaturesOnly,
        }));
    }
    out.units.push(UnitForm { key, record, parts });
}

pub(super) fn new_tally(k: &UnitKey, registry: &Registry) -> ConstituencyTally {
    let province = registry
        .provinces
        .iter()
        .find(|p| p.code == k.province_code);
    ConstituencyTally {
        province_code: k.province_code,
        province: province.map(|p| p.name_th.clone()).unwrap_or_default(),
        constituency: k.constituency,
        category: k.category,
        units: 0,
        units_needing_review: 0,
        votes: BTreeMap::new(),
        valid: 0,
        invalid: 0,
        no_vote: 0,
        total: 0,
        registered_voters: province
            .and_then(|p| registry.constituency(&p.id, k.constituency))
            .map(|c| c.registered_voters)
            .unwrap_or(0),
        turnout: None,
        leaders: Vec::new(),
    }
}

/// What one unit form adds to its constituency's tally.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct UnitSums {
    needs_review: bool,
    rows: Vec<(u32, u64)>,
    valid: u64,
    invalid: u64,
    no_vote: u64,
    total: u64,
}

impl UnitSums {
    pub(super) fn of(r: &BallotRecord) -> UnitSums {
        let rows = r.rows.iter().map(|x| (x.number, x.votes.digits));
        let t = &r.totals;
        let totals = [&t.valid, &t.invalid, &t.no_vote, &t.total].map(digits);
        UnitSums::of_parts(r.in_review_queue(), totals, rows)
    }

    /// The sums of a record from its parts: whether it waits for a person,
    /// its totals' digits (valid, invalid, no vote, total) and its rows'
    /// (number, digits): its own, or kept apart from it (a packed record's).
    pub(super) fn of_parts(
        needs_review: bool,
        totals: [Option<u64>; 4],
        rows: impl Iterator<Item = (u32, Option<u64>)>,
    ) -> UnitSums {
        let [valid, invalid, no_vote, total] = totals.map(|d| d.unwrap_or(0));
        UnitSums {
            needs_review,
            rows: rows.map(|(n, v)| (n, v.unwrap_or(0))).collect(),
            valid,
            invalid,
            no_vote,
            total,
        }
    }
}

impl UnitSums {
    /// The row numbers the unit carries (as often as it carries them).
    pub(super) fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows.iter().map(|r| r.0)
    }
}

pub(super) fn add_unit(t: &mut ConstituencyTally, r: &BallotRecord) {
    add_sums(t, &UnitSums::of(r));
}

pub(super) fn add_sums(t: &mut ConstituencyTally, u: &UnitSums) {
    t.units += 1;
    t.units_needing_review += usize::from(u.needs_review);
    for (number, votes) in &u.rows {
        let v = t.votes.entry(*number).or_default();
        *v = v.saturating_add(*votes);
    }
    t.valid = t.valid.saturating_add(u.valid);
    t.invalid = t.invalid.saturating_add(u.invalid);
    t.no_vote = t.no_vote.saturating_add(u.no_vote);
    t.total = t.total.saturating_add(u.total);
}

/// How many units of a tally carry each row number (a row's total stays
/// in the tally while one does, as a full re-sum keeps it).
pub(super) type RowCounts = BTreeMap<u32, usize>;

/// Puts a unit's sums into (`add`) or takes them out of a tally kept
/// incrementally; `None` when a figure would leave its range (the tally is
/// then summed again in full). Exact: sums of counts are integers.
pub(super) fn shift_sums(
    t: &mut ConstituencyTally,
    rows: &mut RowCounts,
    u: &UnitSums,
    add: bool,
) -> Option<()> {
    let f = |a: u64, b: u64| {
        if add {
            a.checked_add(b)
        } else {
            a.checked_sub(b)
        }
    };
    let g = |a: usize, b: usize| {
        if add {
            a.checked_add(b)
        } else {
            a.checked_sub(b)
        }
    };
    t.units = g(t.units, 1)?;
    t.units_needing_review = g(t.units_needing_review, usize::from(u.needs_review))?;
    for (number, votes) in &u.rows {
        let seen = rows.entry(*number).or_default();
        *seen = g(*seen, 1)?;
        let v = t.votes.entry(*number).or_default();
        *v = f(*v, *votes)?;
        if *seen == 0 {
            rows.remove(number);
            t.votes.remove(number);
        }
    }
    t.valid = f(t.valid, u.valid)?;
    t.invalid = f(t.invalid, u.invalid)?;
    t.no_vote = f(t.no_vote, u.no_vote)?;
    t.total = f(t.total, u.total)?;
    Some(())
}

/// Whether a figure of a tally has reached the top of its range (a full
/// sum saturates there, so the tally is no longer kept incrementally).
pub(super) fn saturated(t: &ConstituencyTally) -> bool {
    [t.valid, t.invalid, t.no_vote, t.total]
        .into_iter()
        .chain(t.votes.values().copied())
        .any(|v| v == u64::MAX)
}

pub(super) fn finish_tally(t: &mut ConstituencyTally) {
    t.turnout = (t.registered_voters > 0).then(|| t.total as f64 / t.registered_voters as f64);
    let top = t.votes.values().copied().max().unwrap_or(0);
    t.leaders = if top == 0 {
        Vec::new()
    } else {
        t.votes
            .iter()
            .filter(|(_, v)| **v == top)
            .map(|(n, _)| *n)
            .collect()
    };
}

/// 4: units summed per constituency and category.
fn tally(units: &[UnitForm], registry: &Registry) -> Vec<ConstituencyTally> {
    let mut tallies: BTreeMap<(u16, u32, Category), ConstituencyTally> = BTreeMap::new();
    for unit in units.iter().filter(|u| u.record.has_vote_table) {
        let k = &unit.key;
        let t = tallies
            .entry((k.province_code, k.constituency, k.category))
            .or_insert_with(|| new_tally(k, registry));
        add_unit(t, &unit.record);
    }
    let mut out: Vec<ConstituencyTally> = tallies.into_values().collect();
    out.iter_mut().for_each(finish_tally);
    out
}

/// Aggregates checked records (see the module docs for the steps).
pub fn aggregate(records: &[BallotRecord], registry: &Registry) -> Aggregate {
    let mut out = Aggregate::default();
    let by_unit = group(records, &mut out);
    merge_units(records, by_unit, registry, &mut out);
    out.constituencies = tally(&out.units, registry);
    out.not_placed.sort_by_key(|n| n.record);
    let needing = records.iter().filter(|r| r.in_review_queue()).count();
    out.review_share = if records.is_empty() {
        0.0
    } else {
        needing as f64 / records.len() as f64
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::read::extract::extract;

    fn rec(text: &str, file: &str, sha: &str) -> BallotRecord {
        let source = Source {
            file_name: file.into(),
            sha256: sha.into(),
            ..Source::default()
        };
        validate(extract(text, source).unwrap(), &Registry::builtin())
    }

    fn unit(n: u32, votes: [u64; 6], invalid: u64, no_vote: u64) -> String {
        let rows: Vec<String> = votes
            .iter()
            .enumerate()
            .map(|(i, v)| {
                format!(
                    "\"{}\":{{\"numeric\":{v},\"thai_text\":\"{}\"}}",
                    i + 1,
                    crate::core::domain::thai::to_words(*v)
                )
            })
            .collect();
        let valid: u64 = votes.iter().sum();
        let w = crate::core::domain::thai::to_words;
        format!(
            r#"{{"form_type":"ส.ส. 5/18","province":"แพร่","constituency_number":1,"polling_unit":{n},"votes":{{{}}},
            "valid_votes":{{"numeric":{valid},"thai_text":"{}"}},"invalid_votes":{{"numeric":{invalid},"thai_text":"{}"}},
            "no_vote":{{"numeric":{no_vote},"thai_text":"{}"}},"total_votes":{}}}"#,
            rows.join(","),
            w(valid),
            w(invalid),
            w(no_vote),
            valid + invalid + no_vote
        )
    }

    #[test]
    fn sums_units_and_drops_duplicates() {
        let a = rec(&unit(1, [10, 20, 30, 0, 5, 1], 2, 3), "u1.png", "aa");
        let b = rec(&unit(2, [1, 50, 3, 0, 0, 0], 1, 0), "u2.png", "bb");
        let a_again = rec(&unit(1, [10, 20, 30, 0, 5, 1], 2, 3), "u1-copy.png", "aa");
        let agg = aggregate(&[a, b, a_again], &Registry::builtin());
        assert_eq!(agg.units.len(), 2);
        assert_eq!(agg.constituencies.len(), 1);
        let t = &agg.constituencies[0];
        assert_eq!(
            (t.province.as_str(), t.constituency, t.units),
            ("แพร่", 1, 2)
        );
        assert_eq!(t.votes[&2], 70);
        assert_eq!(t.valid, 120);
        assert_eq!(t.total, 120 + 3 + 3);
        assert_eq!(t.leaders, vec![2]);
        assert!(t.turnout.unwrap() > 0.0 && t.turnout.unwrap() < 0.01);
        assert_eq!(agg.issues.len(), 1);
        assert_eq!(agg.issues[0].record, 2);
        assert!(agg.issues[0]
            .issue
            .message
            .starts_with("the same image twice"));
        assert_eq!(agg.review_share, 0.0);
        let records = [
            rec(&unit(1, [10, 20, 30, 0, 5, 1], 2, 3), "u1.png", "aa"),
            rec(&unit(2, [1, 50, 3, 0, 0, 0], 1, 0), "u2.png", "bb"),
            rec(&unit(1, [10, 20, 30, 0, 5, 1], 2, 3), "u1-copy.png", "aa"),
        ];
        assert_eq!(
            t.doubles(&agg, &records[..]),
            (1, 0),
            "one duplicate, no conflict"
        );
        assert_eq!(
            t.units_expected(&Registry::builtin()),
            257,
            "แพร่ เขต 1's polling stations"
        );
    }

    #[test]
    fn conflicting_readings_are_reported_and_reviewed() {
        let a = rec(&unit(1, [10, 20, 30, 0, 5, 1], 2, 3), "u1.png", "aa");
        let b = rec(&unit(1, [10, 20, 31, 0, 5, 0], 2, 3), "u1-photo2.png", "cc");
        let agg = aggregate(&[a, b], &Registry::builtin());
        assert_eq!(agg.units.len(), 1);
        assert!(agg
            .issues
            .iter()
            .any(|i| i.issue.code == IssueCode::Conflict));
        assert!(agg.units[0].record.confidence.needs_review);
        assert_eq!(agg.constituencies[0].units_needing_review, 1);
        let records = [
            rec(&unit(1, [10, 20, 30, 0, 5, 1], 2, 3), "u1.png", "aa"),
            rec(&unit(1, [10, 20, 31, 0, 5, 0], 2, 3), "u1-photo2.png", "cc"),
        ];
        assert_eq!(agg.constituencies[0].doubles(&agg, &records[..]), (1, 1));
    }

    #[test]
    fn party_list_pages_merge_into_one_checked_form() {
        let words = crate::core::domain::thai::to_words;
        let page = |n: u32, range: std::ops::RangeInclusive<u32>, totals: &str| {
            let rows: Vec<String> = range
                .map(|p| {
                    format!(
                        "\"{p}\":{{\"numeric\":{p},\"thai_text\":\"{}\"}}",
                        words(p as u64)
                    )
                })
                .collect();
            format!(
                r#"{{"form_type":"ส.ส. 5/18 (บช)","province":"แพร่","constituency_number":2,"polling_unit":7,"page":{{"number":{n},"of":4}},"votes":{{{}}}{totals}}}"#,
                rows.join(",")
            )
        };
        let sum: u64 = (1..=57).sum(); // 1653
        let totals = format!(
            r#","valid_votes":{{"numeric":{sum},"thai_text":"{}"}},"invalid_votes":{{"numeric":4,"thai_text":"สี่"}},"no_vote":{{"numeric":3,"thai_text":"สาม"}},"total_votes":{}"#,
            words(sum),
            sum + 7
        );
        let recs = vec![
            rec(&page(1, 1..=20, ""), "p1.png", "1"),
            rec(&page(2, 21..=40, ""), "p2.png", "2"),
            rec(&page(3, 41..=57, &totals), "p3.png", "3"),
            rec(
                r#"{"form_type":"ส.ส. 5/18 (บช)","province":"แพร่","constituency_number":2,"polling_unit":7,"page":{"number":4,"of":4},"has_vote_table":false}"#,
                "p4.png",
                "4",
            ),
        ];
        for r in &recs {
            assert!(!r.confidence.needs_review, "{:?}", r.issues);
        }
        let agg = aggregate(&recs, &Registry::builtin());
        assert_eq!(agg.units.len(), 1);
        let merged = &agg.units[0].record;
        assert_eq!(merged.rows.len(), 57);
        assert!(
            !merged
                .issues
                .iter()
                .any(|i| i.code == IssueCode::PartialPage),
            "{:?}",
            merged.issues
        );
        assert!(!merged.confidence.needs_review, "{:?}", merged.issues);
        assert_eq!(agg.units[0].parts, vec![0, 1, 2, 3]);
        let t = &agg.constituencies[0];
        assert_eq!(
            (t.category, t.units, t.valid, t.leaders.clone()),
            (Category::PartyList, 1, sum, vec![57])
        );

        // A wrong row on page 2 now fails the whole form's sum.
        let mut bad = recs.clone();
        bad[1] = rec(
            &page(2, 21..=40, "")
                .replace("\"numeric\":30,", "\"numeric\":39,")
                .replace("\"thai_text\":\"สามสิบ\"", "\"thai_text\":\"สามสิบเก้า\""),
            "p2.png",
            "2",
        );
        let agg = aggregate(&bad, &Registry::builtin());
        let merged = &agg.units[0].record;
        assert!(
            merged
                .issues
                .iter()
                .any(|i| i.code == IssueCode::SumMismatch),
            "{:?}",
            merged.issues
        );
        assert!(merged.confidence.needs_review);
    }

    #[test]
    fn unplaced_records_are_listed_not_summed() {
        let r = rec(
            r#"{"form_type":"ส.ส. 5/18","votes":{"1":{"numeric":3,"thai_text":"สาม"}}}"#,
            "x.png",
            "x",
        );
        let agg = aggregate(&[r], &Registry::builtin());
        assert_eq!(
            agg.not_placed,
            vec![NotPlaced {
                record: 0,
                reason: Unplaced::NoProvince
            }]
        );
        assert!(agg.silently_dropped(1).is_empty());
        assert!(agg.constituencies.is_empty());
        assert_eq!(agg.review_share, 1.0);
    }

    /// A party-list form of unit `unit` in the Python tool's shape: three
    /// pages named by `page_parties`, the totals on the last one and null
    /// (or 0, as its export writes) elsewhere.
    fn python_party_form(unit: u32, zeros: bool) -> Vec<BallotRecord> {
        let words = crate::core::domain::thai::to_words;
        let sum: u64 = (1..=57).sum();
        let none = if zeros {
            r#""valid_votes":0,"invalid_votes":0,"blank_votes":0,"total_votes":0"#.to_string()
        } else {
            r#""valid_votes":null,"invalid_votes":null,"blank_votes":null,"total_votes":null"#
                .to_string()
        };
        let last = format!(
            r#""valid_votes":{sum},"invalid_votes":{{"numeric":4,"thai_text":"สี่"}},"blank_votes":{{"numeric":3,"thai_text":"สาม"}},"total_votes":{}"#,
            sum + 7
        );
        let page = |range: std::ops::RangeInclusive<u32>, totals: &str| {
            let (a, b) = (*range.start(), *range.end());
            let rows: Vec<String> = range
                .map(|p| {
                    format!(
                        "\"{p}\":{{\"numeric\":{p},\"thai_text\":\"{}\"}}",
                        words(p as u64)
                    )
                })
                .collect();
            format!(
                r#"{{"form_type":"ส.ส. 5/18 (บช)","is_party_list":true,"province":"แพร่","constituency_number":1,"district":"เมืองแพร่","polling_unit":{unit},"page_parties":"{a}-{b}","party_votes":{{{}}},{totals}}}"#,
                rows.join(",")
            )
        };
        vec![
            rec(
                &page(1..=20, &none),
                &format!("u{unit}-1.png"),
                &format!("{unit}a"),
            ),
            rec(
                &page(21..=40, &none),
                &format!("u{unit}-2.png"),
                &format!("{unit}b"),
            ),
            rec(
                &page(41..=57, &last),
                &format!("u{unit}-3.png"),
                &format!("{unit}c"),
            ),
        ]
    }

    #[test]
    fn python_tool_party_list_pages_all_reach_the_tally() {
        let records: Vec<BallotRecord> = (1..=20)
            .flat_map(|u| python_party_form(u, u % 2 == 0))
            .collect();
        for r in &records {
            assert!(
                !r.confidence.needs_review,
                "{} {:?}",
                r.source.file_name, r.issues
            );
        }
        let agg = aggregate(&records, &Registry::builtin());
        assert!(agg.not_placed.is_empty(), "{:?}", agg.not_placed);
        assert!(agg.silently_dropped(records.len()).is_empty());
        let t = &agg.constituencies[0];
        assert_eq!(
            (t.category, t.units, t.units_needing_review),
            (Category::PartyList, 20, 0)
        );
        assert_eq!(t.valid, 20 * (1..=57).sum::<u64>());
        // A misread party row on one page fails that form's merged sum.
        let mut bad = records.clone();
        bad[4] = rec(
            &serde_json::to_string(&serde_json::json!({
                "form_type": "ส.ส. 5/18 (บช)", "province": "แพร่", "constituency_number": 1, "polling_unit": 2,
                "page_parties": "21-40",
                "party_votes": (21..=40).map(|p| (p.to_string(), serde_json::json!({"numeric": if p == 30 { 80 } else { p }, "thai_text": crate::core::domain::thai::to_words(if p == 30 { 80 } else { p })}))).collect::<serde_json::Map<_, _>>()
            }))
            .unwrap(),
            "u2-2.png",
            "2b",
        );
        let agg = aggregate(&bad, &Registry::builtin());
        let unit2 = agg
            .units
            .iter()
            .find(|u| u.key.polling_unit == Some(2))
            .unwrap();
        assert!(
            unit2
                .record
                .issues
                .iter()
                .any(|i| i.code == IssueCode::SumMismatch),
            "{:?}",
            unit2.record.issues
        );
        assert_eq!(agg.constituencies[0].units_needing_review, 1);
    }

    #[test]
    fn every_record_counts_or_is_listed_with_why() {
        let mut records = python_party_form(1, false);
        records.push(rec(&unit(3, [1, 2, 3, 4, 5, 6], 0, 0), "c3.png", "c3"));
        records.push(rec(
            &unit(3, [1, 2, 3, 4, 5, 6], 0, 0),
            "c3-again.png",
            "c3",
        ));
        records.push(rec(
            r#"{"province":"แพร่","constituency_number":1,"votes":{"1":3}}"#,
            "noform.png",
            "n",
        ));
        records.push(rec(
            r#"{"form_type":"5/18","province":"ภูเก็จ","constituency_number":1,"votes":{"1":3}}"#,
            "typo.png",
            "t",
        ));
        records.push(rec(
            r#"{"form_type":"5/18","province":"แพร่","votes":{"1":3}}"#,
            "nocons.png",
            "c",
        ));
        records.push(rec(
            r#"{"form_type":"ส.ส. 5/18 (บช)","province":"แพร่","constituency_number":1,"polling_unit":9,"page":4,"has_vote_table":false}"#,
            "sig9.png",
            "s",
        ));
        let agg = aggregate(&records, &Registry::builtin());
        assert!(agg.silently_dropped(records.len()).is_empty());
        let reasons: Vec<(usize, Unplaced)> = agg
            .not_placed
            .iter()
            .map(|n| (n.record, n.reason.clone()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (4, Unplaced::Duplicate { kept: 3 }),
                (5, Unplaced::NoForm),
                (6, Unplaced::UnknownProvince("ภูเก็จ".into())),
                (7, Unplaced::NoConstituency),
                (8, Unplaced::SignaturesOnly),
            ]
        );
        assert_eq!(
            agg.not_placed[0].reason.describe(&records),
            "counted once, as c3.png"
        );
    }
}
