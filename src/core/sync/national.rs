//! The coordinator's national picture of the shared database, kept up to
//! date document by document: each form's current reading (the winner of
//! a conflict) counts in a [`LiveAggregate`], so a change costs its unit and
//! constituency, never a recount; forms read differently are listed; what
//! cannot be read is listed and skipped.

use super::doc::{leaves, FormDoc};
use crate::core::domain::form::Category;
use crate::core::domain::registry::Registry;
use crate::core::results::aggregate::ConstituencyTally;
use crate::core::results::live::LiveAggregate;
use std::collections::BTreeMap;

/// The national picture.
#[derive(Debug, Clone, Default)]
pub struct National {
    live: LiveAggregate,
    /// Each document's slot in the aggregate.
    slots: BTreeMap<String, usize>,
    /// Every revision held, by document (to find leaves and conflicts).
    revisions: BTreeMap<String, Vec<FormDoc>>,
    /// Documents with more than one leaf: read differently.
    pub conflicts: BTreeMap<String, Vec<FormDoc>>,
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
}

impl National {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forms (documents) held.
    pub fn forms(&self) -> usize {
        self.revisions.len()
    }

    /// Takes new revisions (from a pull or the changes feed): each
    /// document they touch is counted again, at its current reading.
    pub fn apply(&mut self, docs: Vec<FormDoc>, registry: &Registry) {
        let mut touched = Vec::new();
        for d in docs {
            let revs = self.revisions.entry(d.id.clone()).or_default();
            if !revs.iter().any(|r| r.rev() == d.rev()) {
                touched.push(d.id.clone());
                revs.push(d);
            }
        }
        touched.sort();
        touched.dedup();
        for id in touched {
            self.recount(&id, registry);
        }
    }

    fn recount(&mut self, id: &str, registry: &Registry) {
        let Some(revs) = self.revisions.get(id) else {
            return;
        };
        let tips: Vec<FormDoc> = leaves(revs).into_iter().cloned().collect();
        let next = self.slots.len();
        let slot = *self.slots.entry(id.to_string()).or_insert(next);
        if let Some(winner) = tips.first() {
            self.live.set(slot, winner.record.clone(), registry);
        }
        if tips.len() > 1 {
            self.conflicts.insert(id.to_string(), tips);
        } else {
            self.conflicts.remove(id);
        }
    }

    /// The constituency tallies, in order.
    pub fn tallies(&self) -> impl Iterator<Item = &ConstituencyTally> {
        self.live.constituencies()
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
                }
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
    use crate::core::domain::ballot::{BallotRecord, Source};
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
        n.apply(vec![other], &reg);
        assert_eq!(n.conflicts.len(), 1, "read differently");
        assert_eq!(n.forms(), 2);
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
        assert!(c.iter().all(|p| p.expected > 0));
    }
}
