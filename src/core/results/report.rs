//! The numbers of the printable reports, computed here and drawn by the UI:
//! the batch summary (forms by type and province, confidence, failures,
//! corrections, processing, anomalies by the interquartile-range rule), the
//! one-page executive summary and the per-constituency report. Pure: every
//! input is passed in.

use crate::core::domain::ballot::{Correction, Level};
use crate::core::domain::form::Category;
use crate::core::domain::registry::Registry;
use crate::core::engine::progress::FailureKind;
use crate::core::results::aggregate::{Aggregate, ConstituencyTally, Records};
use crate::core::results::official::{Comparison, Discrepancy, Severity};
use std::collections::BTreeMap;

/// A file that ended without a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub file: String,
    pub kind: FailureKind,
    pub message: String,
}

/// How the batch ran (from the engine's statistics).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunFacts {
    pub duration_s: f64,
    pub requests: u64,
    pub retries: u64,
    /// Requests a minute achieved.
    pub per_minute: f64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// US dollars, at the prices the volunteer set (0 when none).
    pub cost_usd: f64,
}

/// What an anomaly is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Ballots used ÷ the voters of the units read (registered voters of
    /// the constituency × units read ÷ units expected).
    Turnout,
    /// Invalid ballots ÷ ballots used.
    InvalidShare,
}

/// A constituency whose value lies outside [Q1 − 1.5 IQR, Q3 + 1.5 IQR] of
/// all constituencies', with the numbers behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Anomaly {
    pub measure: Measure,
    pub province: String,
    pub constituency: u32,
    pub value: f64,
    pub q1: f64,
    pub q3: f64,
    pub low: f64,
    pub high: f64,
}

/// Quartiles (linear interpolation between the closest ranks), the
/// fences at 1.5 IQR, and the indices of the values outside them. Fewer
/// than four values: no fences, no outliers.
pub fn iqr_outliers(values: &[f64]) -> Option<(f64, f64, f64, f64, Vec<usize>)> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.len() < 4 {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let at = p * (sorted.len() - 1) as f64;
        let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
        sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
    };
    let (q1, q3) = (q(0.25), q(0.75));
    let iqr = q3 - q1;
    let (low, high) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
    let out = values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite() && (**v < low || **v > high))
        .map(|(i, _)| i)
        .collect();
    Some((q1, q3, low, high, out))
}

/// The batch summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchSummary {
    /// Files in the batch (read and failed).
    pub files: usize,
    pub read: usize,
    pub needing_review: usize,
    /// Forms by type label ("ส.ส. 5/18 (บช)"), and those not recognised ("").
    pub by_form: Vec<(String, usize)>,
    /// Forms by province ("" when not read).
    pub by_province: Vec<(String, usize)>,
    /// Records by confidence level, highest first: high, medium, low, very low.
    pub confidence: [usize; 4],
    pub failures: Vec<Failure>,
    /// Changes people made, with the file.
    pub corrections: Vec<(String, Correction)>,
    /// Records people accepted as read.
    pub accepted: usize,
    pub run: Option<RunFacts>,
    pub anomalies: Vec<Anomaly>,
}

fn counted(items: impl Iterator<Item = String>) -> Vec<(String, usize)> {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    items.for_each(|k| *m.entry(k).or_default() += 1);
    let mut v: Vec<(String, usize)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The batch summary of `records` (their tally `agg`) and `failures`.
pub fn batch_summary<R: Records + ?Sized>(
    records: &R,
    agg: &Aggregate,
    failures: &[Failure],
    run: Option<RunFacts>,
    registry: &Registry,
) -> BatchSummary {
    // One pass (a live aggregate makes each record as it is read).
    let mut confidence = [0; 4];
    let (mut forms, mut provinces, mut corrections) = (Vec::new(), Vec::new(), Vec::new());
    let (mut needing_review, mut accepted) = (0, 0);
    for r in records.each() {
        confidence[match r.confidence.level {
            Level::High => 0,
            Level::Medium => 1,
            Level::Low => 2,
            Level::VeryLow => 3,
        }] += 1;
        needing_review += usize::from(r.in_review_queue());
        accepted += usize::from(r.accepted.is_some());
        forms.push(r.form.map(|f| f.label()).unwrap_or_default());
        provinces.push(r.province.clone().unwrap_or_default());
        let file = &r.source.file_name;
        corrections.extend(r.audit.iter().map(|c| (file.clone(), c.clone())));
    }
    BatchSummary {
        files: records.count() + failures.len(),
        read: records.count(),
        needing_review,
        by_form: counted(forms.into_iter()),
        by_province: counted(provinces.into_iter()),
        confidence,
        failures: failures.to_vec(),
        corrections,
        accepted,
        run,
        anomalies: anomalies(agg, registry),
    }
}

/// Estimated turnout of the units read (see [`Measure::Turnout`]).
fn turnout(t: &ConstituencyTally, registry: &Registry) -> Option<f64> {
    let expected = t.units_expected(registry);
    let units = t.units.min(expected as usize);
    if t.registered_voters == 0 || expected == 0 || units == 0 {
        return None;
    }
    let voters = t.registered_voters as f64 * units as f64 / f64::from(expected);
    Some(t.total as f64 / voters)
}

/// Constituency ballots' turnout and invalid share, outliers by the IQR rule.
pub fn anomalies(agg: &Aggregate, registry: &Registry) -> Vec<Anomaly> {
    let tallies: Vec<&ConstituencyTally> = agg
        .constituencies
        .iter()
        .filter(|t| t.category == Category::Constituency)
        .collect();
    let mut out = Vec::new();
    for measure in [Measure::Turnout, Measure::InvalidShare] {
        let value = |t: &ConstituencyTally| match measure {
            Measure::Turnout => turnout(t, registry),
            Measure::InvalidShare => (t.total > 0).then(|| t.invalid as f64 / t.total as f64),
        };
        let values: Vec<(usize, f64)> = tallies
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i, value(t)?)))
            .collect();
        let just: Vec<f64> = values.iter().map(|v| v.1).collect();
        let Some((q1, q3, low, high, outliers)) = iqr_outliers(&just) else {
            continue;
        };
        for k in outliers {
            let (i, v) = values[k];
            out.push(Anomaly {
                measure,
                province: tallies[i].province.clone(),
                constituency: tallies[i].constituency,
                value: v,
                q1,
                q3,
                low,
                high,
            });
        }
    }
    out
}

/// The one-page executive summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Executive {
    /// Ballots (files) processed, and of them read.
    pub files: usize,
    pub read: usize,
    pub provinces: usize,
    pub constituencies: usize,
    /// Discrepancies with the official results by severity (high, medium,
    /// low), when official results are loaded.
    pub discrepancies: Option<[usize; 3]>,
    /// The top 5 parties by party-list votes: (ballot number, name, votes).
    pub top_parties: Vec<(u32, String, u64)>,
    /// The models that read the forms.
    pub models: Vec<String>,
}

/// The executive summary.
pub fn executive<R: Records + ?Sized>(
    records: &R,
    agg: &Aggregate,
    failures: usize,
    comparison: Option<&Comparison>,
    registry: &Registry,
) -> Executive {
    let mut parties: BTreeMap<u32, u64> = BTreeMap::new();
    for t in agg
        .constituencies
        .iter()
        .filter(|t| t.category == Category::PartyList)
    {
        for (&n, &v) in &t.votes {
            *parties.entry(n).or_default() += v;
        }
    }
    let mut top: Vec<(u32, u64)> = parties.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(5);
    let models: std::collections::BTreeSet<String> = records
        .each()
        .map(|r| r.source.model.clone())
        .filter(|m| !m.is_empty())
        .collect();
    let places = |f: fn(&ConstituencyTally) -> (u16, u32)| {
        let mut v: Vec<(u16, u32)> = agg.constituencies.iter().map(f).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    Executive {
        files: records.count() + failures,
        read: records.count(),
        provinces: places(|t| (t.province_code, 0)),
        constituencies: places(|t| (t.province_code, t.constituency)),
        discrepancies: comparison.map(|c| by_severity(&c.discrepancies)),
        top_parties: top
            .into_iter()
            .map(|(n, v)| {
                let name = registry
                    .party(n)
                    .map(|p| p.name_th.clone())
                    .unwrap_or_default();
                (n, name, v)
            })
            .collect(),
        models: models.into_iter().collect(),
    }
}

/// Counts of high, medium and low discrepancies.
pub fn by_severity(d: &[Discrepancy]) -> [usize; 3] {
    let n = |s: Severity| d.iter().filter(|x| x.severity == s).count();
    [n(Severity::High), n(Severity::Medium), n(Severity::Low)]
}

/// One line of a constituency report: a candidate or party.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub number: u32,
    /// From the registry ("" when it has no name).
    pub name: String,
    pub votes: u64,
    /// Of the valid votes summed.
    pub share: f64,
}

/// The report of one constituency and ballot category.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstituencyReport {
    pub province: String,
    pub constituency: u32,
    pub category: Category,
    /// Most votes first.
    pub lines: Vec<Line>,
    pub valid: u64,
    pub invalid: u64,
    pub no_vote: u64,
    pub total: u64,
    /// The leader's margin over the second, in votes.
    pub margin: Option<u64>,
    pub units: usize,
    pub units_expected: u32,
    pub turnout: Option<f64>,
    pub needing_review: usize,
    pub duplicates: usize,
    pub conflicts: usize,
    /// Discrepancies with the official results here.
    pub discrepancies: Vec<Discrepancy>,
}

/// A report per constituency and category, in the tally's order.
pub fn constituency_reports<R: Records + ?Sized>(
    records: &R,
    agg: &Aggregate,
    comparison: Option<&Comparison>,
    registry: &Registry,
) -> Vec<ConstituencyReport> {
    agg.constituencies
        .iter()
        .map(|t| {
            let mut lines: Vec<Line> = t
                .votes
                .iter()
                .map(|(&number, &votes)| Line {
                    number,
                    name: name_of(t, number, registry),
                    votes,
                    share: if t.valid > 0 {
                        votes as f64 / t.valid as f64
                    } else {
                        0.0
                    },
                })
                .collect();
            lines.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.number.cmp(&b.number)));
            let margin = match lines.as_slice() {
                [a, b, ..] => Some(a.votes - b.votes),
                [a] => Some(a.votes),
                [] => None,
            };
            let (duplicates, conflicts) = t.doubles(agg, records);
            let pid = registry
                .provinces
                .iter()
                .find(|p| p.code == t.province_code)
                .map(|p| p.id.clone());
            ConstituencyReport {
                province: t.province.clone(),
                constituency: t.constituency,
                category: t.category,
                lines,
                valid: t.valid,
                invalid: t.invalid,
                no_vote: t.no_vote,
                total: t.total,
                margin,
                units: t.units,
                units_expected: t.units_expected(registry),
                turnout: turnout(t, registry),
                needing_review: t.units_needing_review,
                duplicates,
                conflicts,
                discrepancies: comparison
                    .map(|c| {
                        c.discrepancies
                            .iter()
                            .filter(|d| {
                                Some(&d.province_id) == pid.as_ref()
                                    && d.constituency == t.constituency
                                    && d.category == t.category
                            })
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// A candidate's or party's name from the registry ("" when unknown).
pub fn name_of(t: &ConstituencyTally, n: u32, registry: &Registry) -> String {
    match t.category {
        Category::PartyList => registry.party(n).map(|p| p.name_th.clone()),
        Category::Constituency => registry
            .provinces
            .iter()
            .find(|p| p.code == t.province_code)
            .and_then(|p| registry.constituency(&p.id, t.constituency))
            .and_then(|c| {
                c.candidates
                    .iter()
                    .find(|(m, _)| *m == n)
                    .map(|(_, name)| name.clone())
            }),
    }
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::BallotRecord;
    use crate::core::results::aggregate::aggregate;
    use crate::core::results::official::{
        compare, generated::election, read_stats_cons, OfficialResults,
    };

    #[test]
    fn iqr_table() {
        let cases: &[(&[f64], Option<Vec<usize>>)] = &[
            (&[1.0, 2.0, 3.0], None),
            (&[1.0, 2.0, 3.0, 4.0], Some(vec![])),
            (&[0.70, 0.72, 0.71, 0.69, 0.73, 0.70, 0.98], Some(vec![6])),
            (
                &[0.02, 0.021, 0.019, 0.02, 0.0, 0.022, 0.02, 0.15],
                Some(vec![4, 7]),
            ),
            (&[5.0, 5.0, 5.0, 5.0, f64::NAN], Some(vec![])),
        ];
        for (values, want) in cases {
            let got = iqr_outliers(values).map(|(.., out)| out);
            assert_eq!(&got, want, "{values:?}");
        }
        let (q1, q3, low, high, _) = iqr_outliers(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!((q1, q3, low, high), (2.0, 4.0, -1.0, 7.0));
    }

    fn fixed() -> (Registry, Vec<BallotRecord>, Aggregate) {
        let mut reg = Registry::builtin();
        let (records, _) = election(&mut reg, 3, 11, Some(6));
        let agg = aggregate(&records, &reg);
        (reg, records, agg)
    }

    #[test]
    fn batch_summary_counts_forms_provinces_failures_and_corrections() {
        let (reg, mut records, agg) = fixed();
        records[0].audit.push(Correction {
            field: "row 1".into(),
            from: "1".into(),
            to: "7".into(),
            who: "นิด".into(),
            at_unix_ms: 1,
        });
        let failures = [Failure {
            file: "x.png".into(),
            kind: FailureKind::Unreadable,
            message: "no form".into(),
        }];
        let s = batch_summary(records.as_slice(), &agg, &failures, None, &reg);
        assert_eq!((s.files, s.read), (37, 36));
        assert_eq!(
            s.by_form,
            vec![
                ("ส.ส. 5/18".to_string(), 18),
                ("ส.ส. 5/18 (บช)".to_string(), 18)
            ]
        );
        assert_eq!(s.by_province.iter().map(|p| p.1).sum::<usize>(), 36);
        assert_eq!(s.confidence.iter().sum::<usize>(), 36);
        assert_eq!(s.corrections.len(), 1);
        assert_eq!(s.corrections[0].0, records[0].source.file_name);
        assert_eq!(s.failures, failures);
    }

    #[test]
    fn executive_summary_tops_parties_and_counts_discrepancies() {
        let mut reg = Registry::builtin();
        let (records, file) = election(&mut reg, 3, 11, Some(6));
        let agg = aggregate(&records, &reg);
        let mut official = OfficialResults::default();
        read_stats_cons(&file, &reg, &mut official).unwrap();
        official.constituencies[0].candidates.insert(1, 1_000_000);
        let c = compare(&agg, &records, &official, &reg);
        let e = executive(records.as_slice(), &agg, 2, Some(&c), &reg);
        assert_eq!((e.files, e.read, e.constituencies), (38, 36, 6));
        assert_eq!(e.discrepancies, Some([1, 0, 0]));
        assert_eq!(e.top_parties.len(), 5);
        assert!(e.top_parties.windows(2).all(|w| w[0].2 >= w[1].2));
        assert!(
            !e.top_parties[0].1.is_empty(),
            "party names from the registry"
        );
        assert_eq!(e.models, vec!["generated".to_string()]);
        let reports = constituency_reports(records.as_slice(), &agg, Some(&c), &reg);
        assert_eq!(reports.len(), 12);
        let with: Vec<_> = reports
            .iter()
            .filter(|r| !r.discrepancies.is_empty())
            .collect();
        assert_eq!(with.len(), 1);
        assert_eq!(with[0].discrepancies.len(), 1);
        let first = &reports[0];
        assert_eq!(first.units, 3);
        let shares: f64 = first.lines.iter().map(|l| l.share).sum();
        assert!((shares - 1.0).abs() < 1e-9);
        assert_eq!(
            first.margin,
            Some(first.lines[0].votes - first.lines[1].votes)
        );
    }

    #[test]
    fn outlying_constituencies_are_flagged_with_their_numbers() {
        let (reg, mut records, _) = fixed();
        // One constituency's forms with ten times the invalid ballots.
        let target = (records[0].province_code, records[0].constituency);
        for r in records
            .iter_mut()
            .filter(|r| (r.province_code, r.constituency) == target)
        {
            if let Some(c) = r.totals.invalid.as_mut() {
                c.digits = Some(c.digits.unwrap_or(0) + 200);
            }
        }
        let agg = aggregate(&records, &reg);
        let a = anomalies(&agg, &reg);
        let invalid: Vec<&Anomaly> = a
            .iter()
            .filter(|x| x.measure == Measure::InvalidShare)
            .collect();
        assert_eq!(invalid.len(), 1, "{a:?}");
        assert_eq!(Some(invalid[0].constituency), target.1);
        assert!(invalid[0].value > invalid[0].high);
    }
}
