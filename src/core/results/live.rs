//! The aggregate kept up to date one record at a time, for a database that
//! changes while it is watched: setting or removing a record recomputes
//! only its polling unit (duplicates, conflicts, pages merged) and that
//! unit's constituency tally (by that unit's rows, not the constituency's
//! other units), never everything. [`LiveAggregate::snapshot`]
//! equals [`aggregate`](super::aggregate::aggregate) of the same records
//! (issues in another order), as the property test checks.

use super::aggregate::{
    add_sums, better, duplicate, finish_tally, merge_unit, new_tally, Aggregate, AggregateIssue,
    ConstituencyTally, NotPlaced, Records, UnitForm, UnitKey, UnitSums, Unplaced,
};
use super::aggregate::{saturated, shift_sums, RowCounts};
use super::packed::Packed;
use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::ballot::IssueCode;
use crate::core::domain::field::Field;
use crate::core::domain::form::Category;
use crate::core::domain::registry::Registry;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

type TallyKey = (u16, u32, Category);

fn tally_key(k: &UnitKey) -> TallyKey {
    (k.province_code, k.constituency, k.category)
}

/// One unit's share of the aggregate: what its form adds to the tally
/// (its merged record is made again only for a snapshot), and what its
/// records that do not count and its conflicts say.
#[derive(Debug, Clone, Default)]
struct UnitPart {
    sums: Sums,
    not_placed: Vec<NotPlaced>,
    issues: Vec<AggregateIssue>,
}

/// What a unit adds to its tally. A unit of one record (most) keeps no
/// copy of its rows: its sums are read from that record when needed.
#[derive(Debug, Clone, Default)]
enum Sums {
    #[default]
    Nothing,
    /// Those of the packed record in this slot, the unit's only one
    /// when it was counted (kept: while a change is applied, a unit of
    /// the same constituency may already have another member first).
    Single(usize),
    /// Those of the unit's merged form (several records).
    Merged(Box<UnitSums>),
}

/// A unit: its records' slots, in order (one, nearly always: no tree for
/// it), and its share of the aggregate.
#[derive(Debug, Clone, Default)]
struct Unit {
    members: Vec<usize>,
    part: UnitPart,
}

/// The aggregate of records that come, change and go, by slot.
#[derive(Debug, Clone, Default)]
pub struct LiveAggregate {
    /// Packed (most of a record is its rows), and boxed: a B-tree filled
    /// in slot order leaves its nodes half empty.
    /// (A record's unit is read from it when needed, not kept.)
    records: BTreeMap<usize, Box<Packed>>,
    /// Units with records (one map: a unit's key is kept once).
    units: BTreeMap<UnitKey, Unit>,
    tallies: BTreeMap<TallyKey, ConstituencyTally>,
    /// Each tally's row numbers, by how many units carry them.
    rows: BTreeMap<TallyKey, RowCounts>,
    needing: usize,
    /// Units reported by several records with different numbers.
    conflicted: BTreeSet<UnitKey>,
}

impl LiveAggregate {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records held.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Sets the record of `slot` (new, or changed).
    pub fn set(&mut self, slot: usize, record: BallotRecord, registry: &Registry) {
        let key = UnitKey::of(&record);
        let old = self.placed(slot);
        let before = self.sums_before([old, key.clone().ok()]);
        self.freeze(&before);
        self.take(slot);
        self.needing += usize::from(record.in_review_queue());
        if let Ok(k) = &key {
            let m = &mut self.units.entry(k.clone()).or_default().members;
            if let Err(at) = m.binary_search(&slot) {
                m.insert(at, slot);
            }
        }
        self.records.insert(slot, Box::new(Packed::new(record)));
        for (k, old) in before {
            self.recompute(&k, old, registry);
        }
    }

    /// Removes the record of `slot` (deleted).
    pub fn remove(&mut self, slot: usize, registry: &Registry) {
        let before = self.sums_before([self.placed(slot), None]);
        self.freeze(&before);
        self.take(slot);
        for (k, old) in before {
            self.recompute(&k, old, registry);
        }
    }

    /// The unit `slot`'s record is in, if it is placed.
    fn placed(&self, slot: usize) -> Option<UnitKey> {
        UnitKey::of(&self.records.get(&slot)?.place()).ok()
    }

    /// Units `keys` (each once) with what they add to their tallies now:
    /// read before a change, while their records are still here.
    fn sums_before(&self, keys: [Option<UnitKey>; 2]) -> Vec<(UnitKey, Option<UnitSums>)> {
        let keys: BTreeSet<UnitKey> = keys.into_iter().flatten().collect();
        keys.into_iter()
            .map(|k| {
                let sums = self.units.get(&k).and_then(|u| self.sums(u));
                (k, sums)
            })
            .collect()
    }

    /// Units about to change keep a copy of their sums until each is
    /// counted again: a record they read may change first, and a
    /// constituency summed again meanwhile (another unit's change) must
    /// find what each unit counts now.
    fn freeze(&mut self, before: &[(UnitKey, Option<UnitSums>)]) {
        for (k, sums) in before {
            if let Some(u) = self.units.get_mut(k) {
                u.part.sums = sums
                    .clone()
                    .map_or(Sums::Nothing, |s| Sums::Merged(Box::new(s)));
            }
        }
    }

    /// A unit's sums, from its merged form or its one record.
    fn sums(&self, unit: &Unit) -> Option<UnitSums> {
        match &unit.part.sums {
            Sums::Nothing => None,
            Sums::Merged(s) => Some(UnitSums::clone(s)),
            Sums::Single(slot) => single_sums(self.records.get(slot)?),
        }
    }

    /// Forgets `slot`'s record (its unit is then counted again).
    fn take(&mut self, slot: usize) {
        let Some(old) = self.records.remove(&slot) else {
            return;
        };
        self.needing -= usize::from(old.in_review_queue());
        let Ok(key) = UnitKey::of(&old.place()) else {
            return;
        };
        // A unit left without records goes when it is counted again.
        if let Some(u) = self.units.get_mut(&key) {
            u.members.retain(|s| *s != slot);
        }
    }

    /// Unit `key` again from its records, then its constituency's tally
    /// (moved from `old`, what the unit added before the change).
    fn recompute(&mut self, key: &UnitKey, old: Option<UnitSums>, registry: &Registry) {
        let Some(slots) = self
            .units
            .get(key)
            .map(|u| &u.members)
            .filter(|m| !m.is_empty())
        else {
            self.units.remove(key);
            self.conflicted.remove(key);
            return self.shift(key, old.as_ref(), None, registry);
        };
        let single = slots.first().filter(|_| slots.len() == 1);
        let part = single.and_then(|s| Some(single_part(*s, self.records.get(s)?)));
        let part = part.unwrap_or_else(|| {
            let records = self.unpacked(slots);
            unit_part(key, &as_refs(&records), registry)
        });
        // Two readings of one page that differ (not two pages of one form
        // that disagree: that is the form's own issue).
        let conflict = slots.len() > 1
            && part
                .issues
                .iter()
                .any(|i| i.issue.code == IssueCode::Conflict && i.issue.field == Field::Record);
        match conflict {
            true => self.conflicted.insert(key.clone()),
            false => self.conflicted.remove(key),
        };
        if let Some(u) = self.units.get_mut(key) {
            u.part = part;
        }
        let new = self.units.get(key).and_then(|u| self.sums(u));
        self.shift(key, old.as_ref(), new.as_ref(), registry);
    }

    /// Moves a unit's tally from its old sums to its new ones: the cost of
    /// that unit's rows, never of the constituency's other units (summed
    /// again in full only when a figure reaches the top of its range).
    fn shift(
        &mut self,
        key: &UnitKey,
        old: Option<&UnitSums>,
        new: Option<&UnitSums>,
        registry: &Registry,
    ) {
        if old == new {
            return;
        }
        let tk = tally_key(key);
        let rows = self.rows.entry(tk).or_default();
        let t = self
            .tallies
            .entry(tk)
            .or_insert_with(|| new_tally(key, registry));
        let kept = !saturated(t)
            && old.is_none_or(|o| shift_sums(t, rows, o, false).is_some())
            && new.is_none_or(|n| shift_sums(t, rows, n, true).is_some());
        match (kept, t.units) {
            (false, _) => self.retally(key, registry),
            (true, 0) => {
                self.tallies.remove(&tk);
                self.rows.remove(&tk);
            }
            (true, _) => finish_tally(t),
        }
    }

    /// Sums a unit's tally again from all its units.
    fn retally(&mut self, key: &UnitKey, registry: &Registry) {
        let tk = tally_key(key);
        let lo = UnitKey {
            province_code: tk.0,
            constituency: tk.1,
            category: tk.2,
            kind: crate::core::domain::form::FormKind::Early,
            polling_unit: None,
            district: None,
        };
        let mut tally: Option<ConstituencyTally> = None;
        let mut rows = RowCounts::new();
        let forms = self
            .units
            .range(lo..)
            .take_while(|(k, _)| tally_key(k) == tk)
            .filter_map(|(k, u)| Some((k, self.sums(u)?)));
        for (k, sums) in forms {
            add_sums(tally.get_or_insert_with(|| new_tally(k, registry)), &sums);
            sums.numbers()
                .for_each(|n| *rows.entry(n).or_default() += 1);
        }
        match tally {
            Some(mut t) => {
                finish_tally(&mut t);
                self.tallies.insert(tk, t);
                self.rows.insert(tk, rows);
            }
            None => {
                self.tallies.remove(&tk);
                self.rows.remove(&tk);
            }
        }
    }

    /// Unit `key`'s merged form, made again from its records.
    fn unit_form(&self, key: &UnitKey, registry: &Registry) -> Option<UnitForm> {
        let slots = &self.units.get(key)?.members;
        unit_merged(key, &as_refs(&self.unpacked(slots)), registry).0
    }

    /// The whole records of `slots`.
    fn unpacked(&self, slots: &[usize]) -> Vec<(usize, BallotRecord)> {
        slots
            .iter()
            .filter_map(|s| Some((*s, self.records.get(s)?.unpack())))
            .collect()
    }

    /// The whole record of `slot` (its rows too, unlike [`Records`]).
    pub fn reading(&self, slot: usize) -> Option<BallotRecord> {
        self.records.get(&slot).map(|r| r.unpack())
    }

    /// The aggregate's issues (duplicates, conflicts), by slot.
    pub fn issues(&self) -> impl Iterator<Item = &AggregateIssue> {
        self.units.values().flat_map(|u| u.part.issues.iter())
    }

    /// Units reported by several records with different numbers (one image
    /// read twice, or two images of one unit), with their records' slots.
    pub fn unit_conflicts(&self) -> impl Iterator<Item = (&UnitKey, Vec<usize>)> {
        self.conflicted.iter().map(|k| {
            let slots = self.units.get(k).map(|u| u.members.to_vec());
            (k, slots.unwrap_or_default())
        })
    }

    /// The constituency tallies, in order.
    pub fn constituencies(&self) -> impl Iterator<Item = &ConstituencyTally> {
        self.tallies.values()
    }

    /// The whole aggregate as [`aggregate`](super::aggregate::aggregate)
    /// gives it.
    pub fn snapshot(&self, registry: &Registry) -> Aggregate {
        let mut out = Aggregate {
            constituencies: self.tallies.values().cloned().collect(),
            ..Aggregate::default()
        };
        for (slot, packed) in &self.records {
            if let Err(reason) = UnitKey::of(&packed.place()) {
                out.not_placed.push(NotPlaced {
                    record: *slot,
                    reason,
                });
            }
        }
        for (key, Unit { part, .. }) in &self.units {
            out.units.extend(self.unit_form(key, registry));
            out.not_placed.extend(part.not_placed.iter().cloned());
            out.issues.extend(part.issues.iter().cloned());
        }
        out.not_placed.sort_by_key(|n| n.record);
        out.review_share = match self.records.len() {
            0 => 0.0,
            n => self.needing as f64 / n as f64,
        };
        out
    }
}

fn as_refs(records: &[(usize, BallotRecord)]) -> Vec<(usize, &BallotRecord)> {
    records.iter().map(|(s, r)| (*s, r)).collect()
}

/// One unit from its records (in slot order): duplicates of a page
/// dropped (and conflicts said), the pages kept merged into its form.
fn unit_part(key: &UnitKey, records: &[(usize, &BallotRecord)], registry: &Registry) -> UnitPart {
    let (form, out) = unit_merged(key, records, registry);
    UnitPart {
        sums: form
            .filter(|f| f.record.has_vote_table)
            .map_or(Sums::Nothing, |f| {
                Sums::Merged(Box::new(UnitSums::of(&f.record)))
            }),
        not_placed: out.not_placed,
        issues: out.issues,
    }
}

/// What a unit of the one record `packed` adds to its tally (from its
/// packed rows).
fn single_sums(p: &Packed) -> Option<UnitSums> {
    p.has_vote_table()
        .then(|| UnitSums::of_parts(p.in_review_queue(), p.total_digits(), p.digits()))
}

/// A unit of one record (most): what [`unit_part`] makes of it, from its
/// packed rows (nothing to merge, nothing duplicated).
fn single_part(slot: usize, packed: &Packed) -> UnitPart {
    let counts = packed.has_vote_table();
    UnitPart {
        sums: match counts {
            true => Sums::Single(slot),
            false => Sums::Nothing,
        },
        not_placed: match counts {
            true => Vec::new(),
            false => vec![NotPlaced {
                record: slot,
                reason: Unplaced::SignaturesOnly,
            }],
        },
        issues: Vec::new(),
    }
}

/// Unit `key`'s form from its records (duplicates dropped, pages merged),
/// and what its records that do not count and its conflicts say.
fn unit_merged(
    key: &UnitKey,
    records: &[(usize, &BallotRecord)],
    registry: &Registry,
) -> (Option<UnitForm>, Aggregate) {
    let mut out = Aggregate::default();
    let mut pages: BTreeMap<Option<u32>, (usize, &BallotRecord)> = BTreeMap::new();
    for &(i, r) in records {
        let page = r.page.map(|p| p.number);
        match pages.get(&page).copied() {
            None => {
                pages.insert(page, (i, r));
            }
            Some((j, other)) => {
                let (keep, drop) = if better(r, other) {
                    ((i, r), (j, other))
                } else {
                    ((j, other), (i, r))
                };
                pages.insert(page, keep);
                duplicate(keep, drop, &mut out);
            }
        }
    }
    let kept: Vec<(usize, &BallotRecord)> = pages.into_values().collect();
    merge_unit(key.clone(), &kept, registry, &mut out);
    (out.units.pop(), out)
}

/// Each record without its rows, made when asked (the reports read the
/// numbers from the tallies); [`LiveAggregate::reading`] gives a whole
/// record.
impl Records for LiveAggregate {
    fn record(&self, slot: usize) -> Option<Cow<'_, BallotRecord>> {
        self.records.get(&slot).map(|r| Cow::Owned(r.head()))
    }
    fn each(&self) -> impl Iterator<Item = Cow<'_, BallotRecord>> {
        self.records.values().map(|r| Cow::Owned(r.head()))
    }
    fn count(&self) -> usize {
        self.records.len()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::domain::ballot::{Page, Source};
    use crate::core::engine::testing::PHRAE_FORM;
    use crate::core::read::{extract::extract, validate::validate};
    use proptest::prelude::*;

    /// A record of a few units, pages and readings (so duplicates,
    /// conflicts, merged pages, signature pages and records that count
    /// nowhere all occur).
    fn record(v: u32) -> BallotRecord {
        let source = Source {
            file_name: format!("f{v}.png"),
            sha256: format!("{:064x}", v % 7),
            ..Source::default()
        };
        let mut r = validate(extract(PHRAE_FORM, source).unwrap(), &Registry::builtin());
        r.polling_unit = Some(1 + v % 3);
        r.constituency = Some(1 + (v / 3) % 2);
        r.page = (v % 5 == 4).then_some(Page {
            number: 1 + v % 2,
            of: Some(2),
        });
        r.rows[0].votes.digits = Some(10 + u64::from(v % 2));
        r.confidence.score = f64::from(v % 4) / 4.0;
        r.confidence.needs_review = v % 6 == 5;
        if v % 11 == 10 {
            r.form = None;
        }
        if v % 13 == 12 {
            r.has_vote_table = false;
        }
        if v % 17 == 16 {
            // A row number only some units carry (in the tally while one does).
            r.rows.pop();
        }
        if v % 19 == 18 {
            // Counts at the top of their range (a full sum saturates).
            r.rows[1].votes.digits = Some(u64::MAX - 5);
            r.totals.valid = Some(crate::core::domain::ballot::Count {
                digits: Some(u64::MAX - 1),
                words: None,
            });
        }
        r
    }

    /// The aggregate with record indices named by `names` (slot → index).
    fn renamed(mut a: Aggregate, names: &BTreeMap<usize, usize>) -> Aggregate {
        let n = |i: &mut usize| *i = names[i];
        a.not_placed.iter_mut().for_each(|p| {
            n(&mut p.record);
            if let Unplaced::Duplicate { kept } = &mut p.reason {
                n(kept);
            }
        });
        a.issues.iter_mut().for_each(|i| n(&mut i.record));
        a.units
            .iter_mut()
            .for_each(|u| u.parts.iter_mut().for_each(n));
        a.not_placed.sort_by_key(|p| p.record);
        a.issues
            .sort_by(|x, y| (x.record, &x.issue.message).cmp(&(y.record, &y.issue.message)));
        a
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn equals_a_full_recount_after_any_changes(ops in proptest::collection::vec((0usize..10, proptest::option::of(0u32..60)), 1..40)) {
            let registry = Registry::builtin();
            let mut live = LiveAggregate::new();
            let mut held: BTreeMap<usize, BallotRecord> = BTreeMap::new();
            for (slot, op) in ops {
                match op {
                    Some(v) => {
                        live.set(slot, record(v), &registry);
                        held.insert(slot, record(v));
                    }
                    None => {
                        live.remove(slot, &registry);
                        held.remove(&slot);
                    }
                }
            }
            let records: Vec<BallotRecord> = held.values().cloned().collect();
            let positions: BTreeMap<usize, usize> = held.keys().enumerate().map(|(p, s)| (*s, p)).collect();
            let identity: BTreeMap<usize, usize> = (0..records.len()).map(|p| (p, p)).collect();
            let full = renamed(super::super::aggregate::aggregate(&records, &registry), &identity);
            let incremental = renamed(live.snapshot(&registry), &positions);
            prop_assert_eq!(incremental, full);
        }
    }
}
