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
//!    need review are counted and their share reported; records that cannot
//!    be placed (no province, constituency or form) are listed, not summed.

use super::ballot::{BallotRecord, Count, Issue, IssueCode, Severity, Totals, VoteRow};
use super::form::{Category, FormKind};
use super::registry::Registry;
use super::validate::validate;
use std::collections::BTreeMap;

/// What one record reports on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitKey {
    /// Official province code.
    pub province_code: u16,
    /// Constituency number.
    pub constituency: u32,
    /// Constituency or party list.
    pub category: Category,
    /// 5/16, 5/17 or 5/18.
    pub kind: FormKind,
    /// Polling unit number (5/18).
    pub polling_unit: Option<u32>,
    /// District, as read.
    pub district: Option<String>,
    /// Subdistrict, as read.
    pub subdistrict: Option<String>,
}

impl UnitKey {
    /// The key of a record, when it can be placed.
    pub fn of(r: &BallotRecord) -> Option<UnitKey> {
        let form = r.form?;
        Some(UnitKey {
            province_code: r.province_code?,
            constituency: r.constituency?,
            category: form.category,
            kind: form.kind,
            polling_unit: r.polling_unit,
            district: r.district.clone(),
            subdistrict: r.subdistrict.clone(),
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
    /// Official province code.
    pub province_code: u16,
    /// Thai province name.
    pub province: String,
    /// Constituency number.
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
    /// Share of units that need review.
    pub fn review_share(&self) -> f64 {
        if self.units == 0 {
            0.0
        } else {
            self.units_needing_review as f64 / self.units as f64
        }
    }
}

/// Everything aggregation produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Aggregate {
    /// Per constituency and category, sorted by province code, number, category.
    pub constituencies: Vec<ConstituencyTally>,
    /// The unit forms summed.
    pub units: Vec<UnitForm>,
    /// Records that could not be placed (no province, constituency or form).
    pub unplaced: Vec<usize>,
    /// Duplicates dropped (their index) and conflicts found.
    pub issues: Vec<AggregateIssue>,
    /// Share of all input records that need review.
    pub review_share: f64,
}

fn digits(c: &Option<Count>) -> Option<u64> {
    c.as_ref().and_then(|c| c.digits)
}

fn same_numbers(a: &BallotRecord, b: &BallotRecord) -> bool {
    let rows = |r: &BallotRecord| {
        r.rows
            .iter()
            .map(|x| (x.number, x.votes.digits))
            .collect::<BTreeMap<_, _>>()
    };
    let totals = |t: &Totals| {
        [
            digits(&t.valid),
            digits(&t.invalid),
            digits(&t.no_vote),
            digits(&t.total),
        ]
    };
    rows(a) == rows(b) && totals(&a.totals) == totals(&b.totals)
}

/// Which of two copies to keep: not needing review first, then the higher score.
fn better(a: &BallotRecord, b: &BallotRecord) -> bool {
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
    let first = pages[0].1;
    let mut merged = BallotRecord {
        form: first.form,
        province: first.province.clone(),
        province_code: first.province_code,
        constituency: Some(key.constituency),
        district: key.district.clone(),
        subdistrict: key.subdistrict.clone(),
        polling_unit: key.polling_unit,
        page: None,
        has_vote_table: pages.iter().any(|(_, p)| p.has_vote_table),
        rows: Vec::new(),
        totals: Totals::default(),
        ballots_received: pages.iter().find_map(|(_, p)| p.ballots_received),
        source: first.source.clone(),
        confidence: Default::default(),
        issues: Vec::new(),
    };
    merged.source.file_name = pages
        .iter()
        .map(|(_, p)| p.source.file_name.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let mut rows: BTreeMap<u32, VoteRow> = BTreeMap::new();
    for (idx, page) in pages {
        for row in &page.rows {
            match rows.get(&row.number) {
                Some(existing) if existing.votes.digits != row.votes.digits => {
                    issues.push(AggregateIssue {
                        record: *idx,
                        issue: Issue::new(
                            IssueCode::Conflict,
                            Severity::Error,
                            format!("row {}", row.number),
                            format!(
                                "row {} is {:?} on one page and {:?} on another of the same form",
                                row.number, existing.votes.digits, row.votes.digits
                            ),
                        ),
                    })
                }
                Some(_) => {}
                None => {
                    rows.insert(row.number, row.clone());
                }
            }
        }
        let t = &page.totals;
        for (slot, value, name) in [
            (&mut merged.totals.valid, &t.valid, "valid"),
            (&mut merged.totals.invalid, &t.invalid, "invalid"),
            (&mut merged.totals.no_vote, &t.no_vote, "no-vote"),
            (&mut merged.totals.total, &t.total, "total"),
        ] {
            match (slot.as_ref(), value) {
                (None, Some(v)) => *slot = Some(v.clone()),
                (Some(a), Some(b)) if a.digits != b.digits => issues.push(AggregateIssue {
                    record: *idx,
                    issue: Issue::new(
                        IssueCode::Conflict,
                        Severity::Error,
                        name,
                        format!("{name} differs between pages of the same form"),
                    ),
                }),
                _ => {}
            }
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

/// Aggregates checked records (see the module docs for the steps).
pub fn aggregate(records: &[BallotRecord], registry: &Registry) -> Aggregate {
    let mut out = Aggregate::default();
    // 1. Key, 2. drop duplicates of (unit, page).
    let mut by_unit: BTreeMap<UnitKey, BTreeMap<Option<u32>, usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let Some(key) = UnitKey::of(r) else {
            out.unplaced.push(i);
            continue;
        };
        let page = r.page.map(|p| p.number);
        let pages = by_unit.entry(key).or_default();
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
                let same_image =
                    !r.source.sha256.is_empty() && r.source.sha256 == records[j].source.sha256;
                let what = if same_image {
                    "the same image twice"
                } else {
                    "a second reading of the same unit and page"
                };
                out.issues.push(AggregateIssue {
                    record: drop,
                    issue: Issue::new(
                        IssueCode::Duplicate,
                        Severity::Warning,
                        "record",
                        format!(
                            "{what} ({} and {}): counted once",
                            records[drop].source.file_name, records[keep].source.file_name
                        ),
                    ),
                });
                if !same_numbers(r, &records[j]) {
                    out.issues.push(AggregateIssue {
                        record: keep,
                        issue: Issue::new(
                            IssueCode::Conflict,
                            Severity::Error,
                            "record",
                            format!(
                                "{} and {} read the same unit differently",
                                records[drop].source.file_name, records[keep].source.file_name
                            ),
                        ),
                    });
                }
            }
        }
    }
    // 3. Merge pages per unit.
    for (key, pages) in by_unit {
        let parts: Vec<usize> = pages.values().copied().collect();
        let page_records: Vec<(usize, &BallotRecord)> =
            parts.iter().map(|i| (*i, &records[*i])).collect();
        let mut record = merge(&key, &page_records, registry, &mut out.issues);
        if out
            .issues
            .iter()
            .any(|a| parts.contains(&a.record) && a.issue.severity == Severity::Error)
        {
            record.confidence.needs_review = true;
        }
        out.units.push(UnitForm { key, record, parts });
    }
    // 4. Sum per constituency and category.
    let mut tallies: BTreeMap<(u16, u32, Category), ConstituencyTally> = BTreeMap::new();
    for unit in &out.units {
        let k = &unit.key;
        let province = registry
            .provinces
            .iter()
            .find(|p| p.code == k.province_code);
        let t = tallies
            .entry((k.province_code, k.constituency, k.category))
            .or_insert_with(|| ConstituencyTally {
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
            });
        let r = &unit.record;
        if !r.has_vote_table {
            continue;
        }
        t.units += 1;
        t.units_needing_review += usize::from(r.confidence.needs_review);
        for row in &r.rows {
            let v = t.votes.entry(row.number).or_default();
            *v = v.saturating_add(row.votes.digits.unwrap_or(0));
        }
        let add =
            |sum: &mut u64, c: &Option<Count>| *sum = sum.saturating_add(digits(c).unwrap_or(0));
        add(&mut t.valid, &r.totals.valid);
        add(&mut t.invalid, &r.totals.invalid);
        add(&mut t.no_vote, &r.totals.no_vote);
        add(&mut t.total, &r.totals.total);
    }
    for t in tallies.values_mut() {
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
    out.constituencies = tallies.into_values().collect();
    let needing = records.iter().filter(|r| r.confidence.needs_review).count();
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
    use crate::core::ballot::Source;
    use crate::core::extract::extract;

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
                    crate::core::thai::to_words(*v)
                )
            })
            .collect();
        let valid: u64 = votes.iter().sum();
        let w = crate::core::thai::to_words;
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
    }

    #[test]
    fn party_list_pages_merge_into_one_checked_form() {
        let words = crate::core::thai::to_words;
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
        assert_eq!(agg.unplaced, vec![0]);
        assert!(agg.constituencies.is_empty());
        assert_eq!(agg.review_share, 1.0);
    }
}
