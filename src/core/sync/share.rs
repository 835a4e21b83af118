//! What a device shares and what it sees: the documents to write for its
//! records (a first reading, or the next revision of its own document when
//! a person changed the record), and the shared forms as the page shows
//! them (how many, which are in conflict).

use super::doc::{leaves, FormDoc};
use crate::core::domain::ballot::BallotRecord;
use std::collections::BTreeMap;

/// The documents to write so the database holds `records` as they are now.
/// `held` is every revision held here (any author, by [`by_id`]); `by` the
/// volunteer logged in.
/// - A record as read (no correction, not accepted) is its first
///   revision: nothing when that revision is held (this device's, or
///   another's identical reading), else written (beside a different
///   reading, a conflict).
/// - A record a person changed is the next revision of its document as it
///   stands (this volunteer's own reading when it has one), unless held as
///   it is. On another's reading the server refuses it, and says so.
pub fn to_write(
    records: &[BallotRecord],
    held: &BTreeMap<String, Vec<FormDoc>>,
    by: &str,
) -> Vec<FormDoc> {
    let none = Vec::new();
    let mut out: Vec<FormDoc> = Vec::new();
    for r in records {
        let Some(first) = FormDoc::first(r.clone(), by) else {
            continue;
        };
        let revs = held.get(&first.id).unwrap_or(&none);
        let doc = if r.audit.is_empty() && r.accepted.is_none() {
            let known = revs.iter().any(|d| d.rev() == first.rev());
            (!known).then_some(first)
        } else {
            let tips = leaves(revs);
            let base = tips.iter().find(|d| d.by == by).or(tips.first());
            match base {
                Some(_) if tips.iter().any(|d| d.record == *r) => None,
                Some(base) => Some(base.next(r.clone(), by)),
                None => Some(first),
            }
        };
        // The same image twice in one batch: once.
        if let Some(doc) = doc.filter(|d| !out.iter().any(|o| o.id == d.id)) {
            out.push(doc);
        }
    }
    out
}

/// A coordinator's resolution of readings that disagree (one image read
/// differently, or one unit reported by several images): `keep` stays, as
/// its next revision naming the readings it settles, and each of `others`
/// is deleted (set aside, still in the document's history).
pub fn resolve(keep: &FormDoc, others: &[FormDoc], by: &str) -> Vec<FormDoc> {
    let settles = others.iter().map(FormDoc::settled).collect();
    let mut out = vec![keep.settle(by, settles)];
    out.extend(others.iter().map(|d| d.delete(by)));
    out
}

/// Every revision held, by document id.
pub fn by_id(held: &[FormDoc]) -> BTreeMap<String, Vec<FormDoc>> {
    let mut m = BTreeMap::new();
    add_held(&mut m, held.iter().cloned());
    m
}

/// Adds revisions to those held (one of each).
pub fn add_held(m: &mut BTreeMap<String, Vec<FormDoc>>, docs: impl IntoIterator<Item = FormDoc>) {
    for d in docs {
        let revs = m.entry(d.id.clone()).or_default();
        if !revs.iter().any(|r| r.rev() == d.rev()) {
            revs.push(d);
        }
    }
}

/// A form read differently: its readings (leaf revisions), winner first.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: String,
    pub readings: Vec<FormDoc>,
}

/// The shared forms as held on this device.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SharedView {
    /// Documents (form pages) held.
    pub forms: usize,
    /// Of those, the ones this volunteer wrote.
    pub mine: usize,
    pub conflicts: Vec<Conflict>,
}

impl SharedView {
    pub fn of(held: &[FormDoc], me: &str) -> SharedView {
        Self::of_held(&by_id(held), me)
    }

    /// The view of revisions held by document id.
    pub fn of_held(held: &BTreeMap<String, Vec<FormDoc>>, me: &str) -> SharedView {
        let mut view = SharedView::default();
        for (id, revs) in held {
            let id = id.clone();
            view.forms += 1;
            let l = leaves(revs);
            if l.first().is_some_and(|d| d.by == me) {
                view.mine += 1;
            }
            if l.len() > 1 {
                view.conflicts.push(Conflict {
                    id,
                    readings: l.into_iter().cloned().collect(),
                });
            }
        }
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::domain::registry::Registry;
    use crate::core::engine::testing::PHRAE_FORM;
    use crate::core::read::{extract::extract, validate::validate};

    fn read(n: u8, votes: u64) -> BallotRecord {
        let source = Source {
            file_name: format!("{n}.jpg"),
            sha256: format!("{n:02x}").repeat(32),
            model: "m".into(),
            ..Source::default()
        };
        let mut r = validate(extract(PHRAE_FORM, source).unwrap(), &Registry::builtin());
        r.rows[0].votes.digits = Some(votes);
        r
    }

    #[test]
    fn first_readings_then_corrections_then_nothing() {
        let records = vec![read(1, 5), read(2, 6), read(1, 5)];
        let first = to_write(&records, &BTreeMap::new(), "nid");
        assert_eq!(first.len(), 2, "the copy of form 1 is written once");
        let held = by_id(&first);
        assert!(
            to_write(&records, &held, "nid").is_empty(),
            "nothing changed"
        );
        let mut corrected = records.clone();
        crate::core::results::review::correct(
            &mut corrected[1],
            &crate::core::domain::field::Field::Row(1).digits(),
            "7",
            "nid",
            1,
        )
        .unwrap();
        let next = to_write(&corrected, &held, "nid");
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].rev().generation, 2);
        let all: Vec<FormDoc> = first.iter().chain(&next).cloned().collect();
        assert!(
            to_write(&corrected, &by_id(&all), "nid").is_empty(),
            "held as it is"
        );
    }

    #[test]
    fn another_devices_identical_reading_writes_nothing() {
        let theirs = FormDoc::first(read(1, 5), "somchai").unwrap();
        let mut mine = read(1, 5);
        mine.source.file_name = "IMG_1.jpg".into();
        let held = by_id(&[theirs]);
        assert!(to_write(&[mine], &held, "nid").is_empty());
    }

    #[test]
    fn a_different_reading_is_a_first_revision_beside_theirs() {
        let theirs = FormDoc::first(read(1, 5), "somchai").unwrap();
        let w = to_write(&[read(1, 6)], &by_id(std::slice::from_ref(&theirs)), "nid");
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].rev().generation,
            1,
            "a conflict, not an edit of theirs"
        );
        let held = by_id(&[theirs, w[0].clone()]);
        assert!(to_write(&[read(1, 6)], &held, "nid").is_empty());
    }

    #[test]
    fn a_resolution_keeps_one_reading_and_names_the_others() {
        let mine = FormDoc::first(read(1, 10), "somchai").unwrap();
        let theirs = FormDoc::first(read(1, 11), "nid").unwrap();
        let mut held = by_id(&[mine.clone(), theirs.clone()]);
        assert_eq!(leaves(&held[&mine.id]).len(), 2, "read differently");
        let written = resolve(&theirs, std::slice::from_ref(&mine), "boss");
        assert_eq!(written.len(), 2);
        assert_eq!(written[0].settles, vec![mine.settled()]);
        assert!(written[1].deleted && written[1].rev().generation == 2);
        // Through the wire and back, as another device pulls them.
        let pulled: Vec<FormDoc> = written
            .iter()
            .map(|d| FormDoc::from_json(&d.to_json()).unwrap())
            .collect();
        assert_eq!(pulled, written);
        add_held(&mut held, pulled);
        let now = leaves(&held[&mine.id]);
        assert_eq!(now.len(), 1, "settled: one reading left");
        assert_eq!(now[0].record, theirs.record);
        assert_eq!(now[0].by, "boss");
        assert!(SharedView::of_held(&held, "somchai").conflicts.is_empty());
    }

    #[test]
    fn the_view_counts_forms_and_conflicts() {
        let a = FormDoc::first(read(1, 5), "somchai").unwrap();
        let b = FormDoc::first(read(1, 6), "nid").unwrap();
        let c = FormDoc::first(read(2, 6), "nid").unwrap();
        let v = SharedView::of(&[a, b, c], "nid");
        assert_eq!(v.forms, 2);
        assert_eq!(v.conflicts.len(), 1);
        assert_eq!(v.conflicts[0].readings.len(), 2);
    }
}
