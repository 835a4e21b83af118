//! The coordinator's national picture of the shared database, kept up to
//! date document by document: each form's current reading (the winner of
//! a conflict) counts in a [`LiveAggregate`], so a change costs its unit and
//! constituency, never a recount; forms read differently are listed; what
//! cannot be read is listed and skipped.

use super::doc::{leaves, FormDoc};
use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::field::Field;
use crate::core::domain::form::Category;
use crate::core::domain::hash::digest16;
use crate::core::domain::registry::Registry;
use crate::core::results::aggregate::{ConstituencyTally, Records};
use crate::core::results::live::LiveAggregate;
use std::collections::{BTreeMap, BTreeSet};

/// The national picture.
#[derive(Debug, Clone, Default)]
pub struct National {
    live: LiveAggregate,
    /// Each document's slot in the aggregate, by its id's digest (16
    /// bytes, not the id again: ids are kept in `docs`).
    slots: BTreeMap<[u8; 16], usize>,
    /// Each slot's document: its id and every revision held (to find
    /// leaves and conflicts). The revision counted is the one that keeps
    /// no record: its record is the aggregate's.
    docs: Vec<Held>,
    /// Documents with more than one leaf: read differently.
    pub conflicts: BTreeMap<String, Vec<FormDoc>>,
}

/// A document as the national picture holds it.
#[derive(Debug, Clone)]
struct Held {
    id: Box<str>,
    revisions: Vec<Kept>,
}

/// A revision as the national picture keeps it: a document without its
/// id (its [`Held`]'s) and with its record boxed, and none at all while
/// the record counts in the aggregate (most documents: a tenth of a
/// kilobyte then, where a whole document is nearly one).
#[derive(Debug, Clone)]
struct Kept {
    history: Vec<super::doc::Rev>,
    by: String,
    deleted: bool,
    settles: Vec<super::doc::Settled>,
    record: Option<Box<BallotRecord>>,
}

impl Kept {
    fn of(d: FormDoc) -> Kept {
        Kept {
            history: d.history,
            by: d.by,
            deleted: d.deleted,
            settles: d.settles,
            record: Some(Box::new(d.record)),
        }
    }

    fn rev(&self) -> &super::doc::Rev {
        &self.history[0]
    }

    /// The document of document `id` at this revision, with `record` when
    /// it is not kept here.
    fn doc(&self, id: &str, record: Option<&BallotRecord>) -> FormDoc {
        FormDoc {
            id: id.to_string(),
            history: self.history.clone(),
            by: self.by.clone(),
            record: self
                .record
                .as_deref()
                .or(record)
                .cloned()
                .unwrap_or_default(),
            image: None,
            deleted: self.deleted,
            settles: self.settles.clone(),
        }
    }
}

impl super::doc::Revision for Kept {
    fn history(&self) -> &[super::doc::Rev] {
        &self.history
    }
    fn deleted(&self) -> bool {
        self.deleted
    }
}

/// One province's coverage: units reported of those the registry expects.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub province_code: u16,
    pub province: String,
    /// Polling-unit forms (constituency ballots) counted.
    pub reported: usize,
    /// Polling stations the registry knows.
    pub expected: u32,
    /// Of the forms counted, the share needing review.
    pub review_share: f64,
}

/// One polling unit reported by several images with different numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitConflict {
    pub province: String,
    pub constituency: u32,
    pub category: Category,
    pub unit: Option<u32>,
    /// Each document's current reading.
    pub readings: Vec<FormDoc>,
}

impl UnitConflict {
    /// "แพร่ 1/12" (and " (บช)" for party-list forms).
    pub fn label(&self) -> String {
        let unit = self.unit.map(|u| u.to_string()).unwrap_or_default();
        let list = if self.category == Category::PartyList {
            " (บช)"
        } else {
            ""
        };
        format!("{} {}/{unit}{list}", self.province, self.constituency)
    }
}

/// The numbers on which readings of one form or unit disagree (rows, then
/// the totals), with each reading's value.
pub fn disagreements(records: &[&BallotRecord]) -> Vec<(Field, Vec<Option<u64>>)> {
    let rows: BTreeSet<u32> = records
        .iter()
        .flat_map(|r| r.rows.iter().map(|x| x.number))
        .collect();
    let totals = [Field::Valid, Field::Invalid, Field::NoVote, Field::Total];
    rows.into_iter()
        .map(Field::Row)
        .chain(totals)
        .filter_map(|f| {
            let values: Vec<Option<u64>> = records
                .iter()
                .map(|r| r.count(&f).and_then(|c| c.digits))
                .collect();
            let differ = values.windows(2).any(|w| w[0] != w[1]);
            differ.then_some((f, values))
        })
        .collect()
}

impl Coverage {
    /// Units reported of those expected (0 to 1).
    pub fn share(&self) -> f64 {
        match self.expected {
            0 => 0.0,
            e => (self.reported as f64 / f64::from(e)).min(1.0),
        }
    }

    /// The map's band: 0 none, 1 under a quarter, 2 under half, 3 under
    /// three quarters, 4 the rest.
    pub fn band(&self) -> u8 {
        match self.share() {
            s if self.reported == 0 || s <= 0.0 => 0,
            s if s < 0.25 => 1,
            s if s < 0.5 => 2,
            s if s < 0.75 => 3,
            _ => 4,
        }
    }
}

/// Who leads a constituency (constituency ballots), and by how much.
#[derive(Debug, Clone, PartialEq)]
pub struct Race {
    pub province: String,
    pub constituency: u32,
    /// Units counted, of those the registry expects.
    pub reported: usize,
    pub expected: u32,
    /// The leading candidate number(s) (more than one on a tie).
    pub leaders: Vec<u32>,
    /// Votes ahead of the next candidate (0 on a tie).
    pub margin: u64,
    /// The single leader's party (its party-list ballot number), where the
    /// registry knows the candidate's party.
    pub party: Option<u32>,
}

/// Constituencies led, by the leading candidate's party.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LedByParty {
    /// (party ballot number, constituencies led), most first.
    pub parties: Vec<(u32, usize)>,
    /// Constituencies where candidates tie for the lead.
    pub tied: usize,
    /// Led by a candidate whose party the registry does not know.
    pub unknown: usize,
}

/// Constituencies led by each party, of the races counted so far.
pub fn led_by_party(races: &[Race]) -> LedByParty {
    let mut out = LedByParty::default();
    let mut by: BTreeMap<u32, usize> = BTreeMap::new();
    for r in races.iter().filter(|r| !r.leaders.is_empty()) {
        match (r.leaders.len(), r.party) {
            (1, Some(p)) => *by.entry(p).or_default() += 1,
            (1, None) => out.unknown += 1,
            _ => out.tied += 1,
        }
    }
    out.parties = by.into_iter().collect();
    out.parties
        .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The party of a constituency's single leading candidate.
fn leader_party(t: &ConstituencyTally, registry: &Registry) -> Option<u32> {
    let [leader] = t.leaders.as_slice() else {
        return None;
    };
    let province = registry
        .provinces
        .iter()
        .find(|p| p.code == t.province_code)?;
    registry
        .candidate_party(&province.id, t.constituency, *leader)
        .map(|p| p.number)
}

impl National {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forms (documents) held.
    pub fn forms(&self) -> usize {
        self.docs.len()
    }

    /// Takes new revisions (from a pull or the changes feed): each
    /// document they touch is counted again, at its current reading.
    pub fn apply(&mut self, docs: Vec<FormDoc>, registry: &Registry) {
        let mut touched = Vec::new();
        for d in docs {
            let slot = self.slot(&d.id);
            let revs = &mut self.docs[slot].revisions;
            if !revs.iter().any(|r| r.rev() == d.rev()) {
                touched.push(slot);
                // One place more, not four (most documents have one).
                revs.reserve_exact(1);
                revs.push(Kept::of(d));
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for slot in touched {
            self.recount(slot, registry);
        }
    }

    fn slot(&mut self, id: &str) -> usize {
        let key = digest16(id);
        if let Some(s) = self.slots.get(&key) {
            return *s;
        }
        self.docs.push(Held {
            id: id.into(),
            revisions: Vec::new(),
        });
        self.slots.insert(key, self.docs.len() - 1);
        self.docs.len() - 1
    }

    /// Counts the document in `slot` at its winning reading. The winner's
    /// record is held once, in the aggregate: it moves there from its
    /// revision (and back before the winner is decided again).
    fn recount(&mut self, slot: usize, registry: &Registry) {
        let Some(doc) = self.docs.get_mut(slot) else {
            return;
        };
        let revs = &mut doc.revisions;
        if let Some(counted) = revs.iter_mut().find(|d| d.record.is_none()) {
            counted.record = self.live.reading(slot).map(Box::new);
        }
        let tips = leaves(revs);
        let winner = tips.first().map(|w| w.rev().clone());
        // Only the readings of a conflict are copied (to be listed).
        let id = &doc.id;
        match tips.len() > 1 {
            true => self.conflicts.insert(
                id.to_string(),
                tips.into_iter().map(|k| k.doc(id, None)).collect(),
            ),
            false => self.conflicts.remove(&**id),
        };
        let Some(rev) = winner else {
            // A coordinator deleted every reading: it counts no more.
            return self.live.remove(slot, registry);
        };
        let record = revs
            .iter_mut()
            .find(|d| *d.rev() == rev)
            .and_then(|d| d.record.take())
            .map(|r| *r)
            .unwrap_or_default();
        self.live.set(slot, record, registry);
    }

    /// The shared-forms view of a coordinator's page (forms held), without
    /// going over every document.
    pub fn view(&self) -> super::share::SharedView {
        super::share::SharedView {
            forms: self.forms(),
            mine: 0,
            // Listed, with what to do, in the national picture.
            conflicts: Vec::new(),
        }
    }

    /// Forms counted (documents with a reading not deleted).
    pub fn counted(&self) -> usize {
        self.live.len()
    }

    /// The current reading of document `id` (its winning leaf).
    pub fn current(&self, id: &str) -> Option<FormDoc> {
        self.current_in(*self.slots.get(&digest16(id))?)
    }

    /// The current reading of the document in `slot`.
    fn current_in(&self, slot: usize) -> Option<FormDoc> {
        let doc = self.docs.get(slot)?;
        let kept = leaves(&doc.revisions).into_iter().next()?;
        let record = match kept.record {
            None => self.live.reading(slot),
            Some(_) => None,
        };
        Some(kept.doc(&doc.id, record.as_ref()))
    }

    /// Units reported by several documents with different numbers, each
    /// document at its current reading.
    pub fn unit_conflicts(&self) -> Vec<UnitConflict> {
        self.first_unit_conflicts(usize::MAX)
    }

    /// The first `n` of [`National::unit_conflicts`] (only their readings
    /// are made: each is unpacked from the aggregate).
    pub fn first_unit_conflicts(&self, n: usize) -> Vec<UnitConflict> {
        self.live
            .unit_conflicts()
            .take(n)
            .map(|(key, slots)| UnitConflict {
                province: self.province_of(&slots),
                constituency: key.constituency,
                category: key.category,
                unit: key.polling_unit,
                readings: slots.iter().filter_map(|s| self.current_in(*s)).collect(),
            })
            .collect()
    }

    fn province_of(&self, slots: &[usize]) -> String {
        let first = slots.first().and_then(|s| self.live.record(*s));
        first.and_then(|r| r.province.clone()).unwrap_or_default()
    }

    /// The constituency tallies, in order.
    pub fn tallies(&self) -> impl Iterator<Item = &ConstituencyTally> {
        self.live.constituencies()
    }

    /// How many units are reported with different numbers.
    pub fn unit_conflict_count(&self) -> usize {
        self.live.unit_conflicts().count()
    }

    /// What the printable reports read of the whole database: the tallies
    /// with the duplicates and conflicts behind them (by slot), and every
    /// reading counted, by slot.
    pub fn report_parts(&self) -> (crate::core::results::aggregate::Aggregate, &LiveAggregate) {
        let agg = crate::core::results::aggregate::Aggregate {
            constituencies: self.tallies().cloned().collect(),
            issues: self.live.issues().cloned().collect(),
            ..Default::default()
        };
        (agg, &self.live)
    }

    /// Party-list votes by party number, over the whole country.
    pub fn party_totals(&self) -> BTreeMap<u32, u64> {
        let mut out: BTreeMap<u32, u64> = BTreeMap::new();
        for t in self.tallies().filter(|t| t.category == Category::PartyList) {
            for (party, votes) in &t.votes {
                *out.entry(*party).or_default() += votes;
            }
        }
        out
    }

    /// Every constituency with forms: its leader and margin so far.
    pub fn races(&self, registry: &Registry) -> Vec<Race> {
        self.tallies()
            .filter(|t| t.category == Category::Constituency)
            .map(|t| {
                let mut votes: Vec<u64> = t.votes.values().copied().collect();
                votes.sort_unstable_by(|a, b| b.cmp(a));
                let margin = match votes.as_slice() {
                    [first, second, ..] => first - second,
                    [first] => *first,
                    [] => 0,
                };
                Race {
                    province: t.province.clone(),
                    constituency: t.constituency,
                    reported: t.units,
                    expected: t.units_expected(registry),
                    leaders: t.leaders.clone(),
                    margin,
                    party: leader_party(t, registry),
                }
            })
            .collect()
    }

    /// Each province's leading party on the party-list forms counted so
    /// far (its ballot number; the lower number on a tie).
    pub fn province_leaders(&self) -> BTreeMap<u16, u32> {
        let mut votes: BTreeMap<u16, BTreeMap<u32, u64>> = BTreeMap::new();
        for t in self.tallies().filter(|t| t.category == Category::PartyList) {
            let p = votes.entry(t.province_code).or_default();
            for (party, v) in &t.votes {
                *p.entry(*party).or_default() += v;
            }
        }
        votes
            .into_iter()
            .filter_map(|(code, parties)| {
                let best = parties
                    .into_iter()
                    .filter(|(_, v)| *v > 0)
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
                Some((code, best.0))
            })
            .collect()
    }

    /// Coverage of every province of the registry (those with no form too).
    pub fn coverage(&self, registry: &Registry) -> Vec<Coverage> {
        let mut by: BTreeMap<u16, (usize, usize)> = BTreeMap::new();
        for t in self
            .tallies()
            .filter(|t| t.category == Category::Constituency)
        {
            let e = by.entry(t.province_code).or_default();
            e.0 += t.units;
            e.1 += t.units_needing_review;
        }
        registry
            .provinces
            .iter()
            .map(|p| {
                let (reported, review) = by.get(&p.code).copied().unwrap_or_default();
                Coverage {
                    province_code: p.code,
                    province: p.name_th.clone(),
                    reported,
                    expected: registry
                        .constituencies
                        .iter()
                        .filter(|((id, _), _)| *id == p.id)
                        .map(|(_, c)| c.polling_stations)
                        .sum(),
                    review_share: if reported == 0 {
                        0.0
                    } else {
                        review as f64 / reported as f64
                    },
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::engine::testing::PHRAE_FORM;
    use crate::core::read::{extract::extract, validate::validate};
    use crate::core::results::aggregate::aggregate;

    fn read(n: u32, votes: u64) -> BallotRecord {
        let source = Source {
            file_name: format!("{n}.jpg"),
            sha256: format!("{n:064x}"),
            ..Source::default()
        };
        let mut r = validate(extract(PHRAE_FORM, source).unwrap(), &Registry::builtin());
        r.polling_unit = Some(n);
        r.rows[0].votes.digits = Some(votes);
        r
    }

    #[test]
    fn forms_count_once_at_their_current_reading() {
        let reg = Registry::builtin();
        let mut n = National::new();
        let a = FormDoc::first(read(1, 10), "somchai").unwrap();
        let b = FormDoc::first(read(2, 20), "nid").unwrap();
        n.apply(vec![a.clone(), b.clone(), a.clone()], &reg);
        assert_eq!(n.forms(), 2);
        let mut changed = a.record.clone();
        changed.rows[0].votes.digits = Some(15);
        let a2 = a.next(changed.clone(), "somchai");
        n.apply(vec![a2], &reg);
        let full = aggregate(&[changed, b.record.clone()], &reg);
        let tallies: Vec<ConstituencyTally> = n.tallies().cloned().collect();
        assert_eq!(
            tallies, full.constituencies,
            "the correction replaced the reading"
        );
        assert!(n.conflicts.is_empty());
        let other = FormDoc::first(read(2, 21), "boss").unwrap();
        n.apply(vec![other.clone()], &reg);
        assert_eq!(n.conflicts.len(), 1, "read differently");
        assert_eq!(n.forms(), 2);
        // A coordinator keeps one reading: settled, counted once.
        let kept = n.current(&other.id).unwrap();
        let loser = n.conflicts[&other.id]
            .iter()
            .find(|d| d.rev() != kept.rev())
            .unwrap()
            .clone();
        n.apply(
            crate::core::sync::share::resolve(&kept, &[loser], "boss"),
            &reg,
        );
        assert!(n.conflicts.is_empty());
        assert_eq!(n.counted(), 2);
    }

    #[test]
    fn a_unit_reported_twice_with_other_numbers_is_a_conflict_until_resolved() {
        let reg = Registry::builtin();
        let mut n = National::new();
        let a = FormDoc::first(read(1, 10), "somchai").unwrap();
        let same = FormDoc::first(read(2, 20), "nid").unwrap();
        let mut other = read(3, 30);
        other.polling_unit = Some(2);
        let b = FormDoc::first(other, "boss").unwrap();
        n.apply(vec![a.clone(), same.clone(), b.clone()], &reg);
        let units = n.unit_conflicts();
        assert_eq!(units.len(), 1, "unit 2 twice, numbers differ; unit 1 alone");
        assert_eq!(units[0].label(), "แพร่ 1/2");
        assert_eq!(units[0].readings.len(), 2);
        let records: Vec<&BallotRecord> = units[0].readings.iter().map(|d| &d.record).collect();
        let differ = disagreements(&records);
        assert_eq!(differ[0], (Field::Row(1), vec![Some(20), Some(30)]));
        assert!(
            differ.iter().all(|(f, _)| *f != Field::Row(2)),
            "row 2 agrees"
        );
        n.apply(crate::core::sync::share::resolve(&same, &[b], "boss"), &reg);
        assert!(n.unit_conflicts().is_empty(), "the other image deleted");
        assert_eq!(n.counted(), 2);
        let full = aggregate(&[a.record, same.record], &reg);
        assert_eq!(
            n.tallies().cloned().collect::<Vec<_>>(),
            full.constituencies
        );
    }

    #[test]
    fn races_say_who_leads_and_by_how_much() {
        let reg = Registry::builtin();
        let mut n = National::new();
        n.apply(
            vec![
                FormDoc::first(read(1, 10), "s").unwrap(),
                FormDoc::first(read(2, 20), "s").unwrap(),
            ],
            &reg,
        );
        let races = n.races(&reg);
        assert_eq!(races.len(), 1);
        let r = &races[0];
        assert_eq!(r.reported, 2);
        assert!(r.expected > 0);
        let t = n.tallies().next().unwrap();
        let mut v: Vec<u64> = t.votes.values().copied().collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(r.margin, v[0] - v[1]);
        assert_eq!(r.leaders, t.leaders);
        let expected = reg
            .candidate_party("PRE", 1, r.leaders[0])
            .map(|p| p.number);
        assert!(expected.is_some(), "แพร่ 1's candidates have parties");
        assert_eq!(r.party, expected);
    }

    #[test]
    fn reports_of_the_whole_database_equal_those_of_its_readings() {
        use crate::core::results::report::{batch_summary, constituency_reports, executive};
        let reg = Registry::builtin();
        let mut twice = read(2, 20);
        twice.source.file_name = "again.png".into();
        twice.source.sha256 = format!("{:064x}", 9);
        let records = vec![read(1, 10), read(2, 20), twice, read(3, 30)];
        let mut n = National::new();
        let docs = records
            .iter()
            .map(|r| FormDoc::first(r.clone(), "s").unwrap());
        n.apply(docs.collect(), &reg);
        let full = aggregate(&records, &reg);
        let (agg, readings) = n.report_parts();
        assert_eq!(
            constituency_reports(readings, &agg, None, &reg),
            constituency_reports(records.as_slice(), &full, None, &reg)
        );
        assert_eq!(
            constituency_reports(readings, &agg, None, &reg)[0].duplicates,
            1,
            "the same unit twice, same numbers"
        );
        assert_eq!(
            executive(readings, &agg, 0, None, &reg),
            executive(records.as_slice(), &full, 0, None, &reg)
        );
        assert_eq!(
            batch_summary(readings, &agg, &[], None, &reg),
            batch_summary(records.as_slice(), &full, &[], None, &reg)
        );
    }

    #[test]
    fn constituencies_led_by_party() {
        let race = |leaders: Vec<u32>, party: Option<u32>| Race {
            province: "แพร่".into(),
            constituency: 1,
            reported: 1,
            expected: 2,
            leaders,
            margin: 0,
            party,
        };
        let led = led_by_party(&[
            race(vec![1], Some(9)),
            race(vec![2], Some(3)),
            race(vec![4], Some(9)),
            race(vec![1, 2], None),
            race(vec![5], None),
            race(vec![], None),
        ]);
        assert_eq!(led.parties, vec![(9, 2), (3, 1)]);
        assert_eq!((led.tied, led.unknown), (1, 1));
    }

    #[test]
    fn two_pages_of_one_form_that_disagree_are_not_a_unit_conflict() {
        use crate::core::domain::ballot::Page;
        let reg = Registry::builtin();
        let mut n = National::new();
        let page = |k: u32, votes: u64| {
            let mut r = read(10 + k, votes);
            r.polling_unit = Some(5);
            r.page = Some(Page {
                number: k,
                of: Some(2),
            });
            FormDoc::first(r, "s").unwrap()
        };
        n.apply(vec![page(1, 10), page(2, 12)], &reg);
        assert!(
            n.unit_conflicts().is_empty(),
            "the form's own issue, not two readings"
        );
    }

    #[test]
    fn every_province_has_its_coverage() {
        let reg = Registry::builtin();
        let mut n = National::new();
        n.apply(vec![FormDoc::first(read(1, 10), "s").unwrap()], &reg);
        let c = n.coverage(&reg);
        assert_eq!(c.len(), 77);
        let counted: usize = c.iter().map(|p| p.reported).sum();
        assert_eq!(counted, 1);
        let phrae = c.iter().find(|p| p.reported == 1).unwrap();
        assert_eq!(phrae.band(), 1, "one unit of hundreds");
        assert!(c.iter().filter(|p| p.reported == 0).all(|p| p.band() == 0));
        assert!(c.iter().all(|p| p.expected > 0));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::engine::testing::PHRAE_FORM;
    use crate::core::read::{extract::extract, validate::validate};
    use crate::core::results::aggregate::aggregate;
    use crate::core::sync::share::resolve;
    use proptest::prelude::*;

    /// Image `doc` (of 6) read with value `v`: units 1–3, so two images of
    /// one unit occur, with equal or different numbers.
    fn reading(doc: u8, v: u32) -> BallotRecord {
        let source = Source {
            file_name: format!("{doc}.jpg"),
            sha256: format!("{doc:064x}"),
            ..Source::default()
        };
        let mut r = validate(extract(PHRAE_FORM, source).unwrap(), &Registry::builtin());
        r.polling_unit = Some(1 + u32::from(doc) % 3);
        r.rows[0].votes.digits = Some(10 + u64::from(v % 3));
        r.confidence.needs_review = v % 5 == 4;
        r
    }

    #[derive(Debug, Clone)]
    enum Op {
        /// A volunteer's first reading (beside another: a conflict).
        Read(u8, u32),
        /// A correction of the document's current reading.
        Correct(u8, u32),
        /// A coordinator keeps leaf `k` and deletes the other leaves.
        Resolve(u8, usize),
        /// A coordinator deletes every leaf.
        Delete(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..6, 0u32..9).prop_map(|(d, v)| Op::Read(d, v)),
            (0u8..6, 0u32..9).prop_map(|(d, v)| Op::Correct(d, v)),
            (0u8..6, 0usize..3).prop_map(|(d, k)| Op::Resolve(d, k)),
            (0u8..6).prop_map(Op::Delete),
        ]
    }

    /// The revisions an operation writes, given what the database holds.
    fn written(op: &Op, all: &BTreeMap<String, Vec<FormDoc>>) -> Vec<FormDoc> {
        let tips = |d: u8| {
            let id = crate::core::sync::doc::doc_id(&format!("{d:064x}"), None);
            let revs = all.get(&id).cloned().unwrap_or_default();
            leaves(&revs).into_iter().cloned().collect::<Vec<_>>()
        };
        match *op {
            Op::Read(d, v) => FormDoc::first(reading(d, v), "v").into_iter().collect(),
            Op::Correct(d, v) => tips(d)
                .first()
                .map(|t| t.next(reading(d, v + 100), "v"))
                .into_iter()
                .collect(),
            Op::Resolve(d, k) => {
                let t = tips(d);
                match t.get(k % t.len().max(1)) {
                    Some(keep) => {
                        let others: Vec<FormDoc> =
                            t.iter().filter(|o| *o != keep).cloned().collect();
                        resolve(keep, &others, "boss")
                    }
                    None => Vec::new(),
                }
            }
            Op::Delete(d) => tips(d).iter().map(|t| t.delete("boss")).collect(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn equals_a_full_recount_after_reads_corrections_conflicts_and_deletes(ops in proptest::collection::vec(op(), 1..40)) {
            let registry = Registry::builtin();
            let mut national = National::new();
            let mut all: BTreeMap<String, Vec<FormDoc>> = BTreeMap::new();
            // In the order documents first came (ties between two images
            // of a unit go to the first, in both counts).
            let mut order: Vec<String> = Vec::new();
            for op in &ops {
                let docs = written(op, &all);
                for d in &docs {
                    if !order.contains(&d.id) {
                        order.push(d.id.clone());
                    }
                }
                crate::core::sync::share::add_held(&mut all, docs.clone());
                national.apply(docs, &registry);
            }
            // The full recount: every document at its winning leaf.
            let current: Vec<BallotRecord> = order
                .iter()
                .filter_map(|id| leaves(&all[id]).first().map(|d| d.record.clone()))
                .collect();
            let full = aggregate(&current, &registry);
            prop_assert_eq!(national.tallies().cloned().collect::<Vec<_>>(), full.constituencies);
            prop_assert_eq!(national.counted(), current.len());
            let conflicted = all.values().filter(|r| leaves(r).len() > 1).count();
            prop_assert_eq!(national.conflicts.len(), conflicted);
            let unit_conflicts = full.issues.iter().filter(|i| i.issue.code == crate::core::domain::ballot::IssueCode::Conflict).count();
            prop_assert_eq!(national.unit_conflicts().len(), unit_conflicts);
        }
    }
}
