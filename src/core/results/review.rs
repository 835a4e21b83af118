//! A person's review of a record: correcting a value (kept in the record's
//! audit trail with the value it replaced), checking again, and accepting a
//! record as it is with a reason. A record leaves the review queue only when
//! its checks pass or a person accepts it ([`BallotRecord::in_review_queue`]).
//!
//! A person corrects a [`Cell`]: the place (`province`, `constituency`,
//! `unit`), or the digits or Thai words of a row or total.

use crate::core::domain::ballot::{
    Acceptance, BallotRecord, Correction, Count, Stage, ValueSource,
};
use crate::core::domain::field::{Cell, Field, TOTALS};
use crate::core::domain::registry::Registry;
use crate::core::domain::thai::{nfc_thai, parse_digits, parse_words};
use crate::core::read::validate::validate;
use std::fmt;

/// Why a correction was refused (the record is unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewError {
    /// Not a field of this record.
    UnknownField(String),
    /// A count or number that cannot be read.
    NotANumber(String),
    /// Thai words that do not spell a number.
    NotWords(String),
    /// Accepting needs a reason.
    NoReason,
}

impl fmt::Display for ReviewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReviewError::UnknownField(x) => write!(f, "\"{x}\" is not a field of this form"),
            ReviewError::NotANumber(x) => write!(f, "\"{x}\" is not a whole number"),
            ReviewError::NotWords(x) => write!(f, "\"{x}\" is not a number in Thai words"),
            ReviewError::NoReason => write!(f, "say why the record is accepted as it is"),
        }
    }
}

/// The current text of `cell` ("" when empty; `None` when the record has
/// no such cell).
pub fn value(r: &BallotRecord, cell: &Cell) -> Option<String> {
    let num = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    Some(match (&cell.field, cell.words) {
        (Field::Province, false) => r.province.clone().unwrap_or_default(),
        (Field::Constituency, false) => num(r.constituency.map(u64::from)),
        (Field::Unit, false) => num(r.polling_unit.map(u64::from)),
        (Field::Row(_), _) => count_text(Some(r.count(&cell.field)?), cell.words),
        (f, _) if f.is_total() => count_text(r.count(f), cell.words),
        _ => return None,
    })
}

fn count_text(c: Option<&Count>, words: bool) -> String {
    match words {
        true => c.and_then(|c| c.words.clone()).unwrap_or_default(),
        false => c
            .and_then(|c| c.digits)
            .map(|n| n.to_string())
            .unwrap_or_default(),
    }
}

fn number(input: &str) -> Result<Option<u64>, ReviewError> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    parse_digits(input)
        .map(Some)
        .map_err(|_| ReviewError::NotANumber(input.trim().into()))
}

fn small(input: &str) -> Result<Option<u32>, ReviewError> {
    number(input)?
        .map(|n| u32::try_from(n).map_err(|_| ReviewError::NotANumber(input.trim().into())))
        .transpose()
}

/// Sets a count's digits or words from what a person typed.
fn set_count(c: &mut Option<Count>, input: &str, words: bool) -> Result<(), ReviewError> {
    let count = c.get_or_insert_with(Count::default);
    if words {
        let w = nfc_thai(input.trim());
        if !w.is_empty() && parse_words(&w).is_err() {
            return Err(ReviewError::NotWords(input.trim().into()));
        }
        count.words = (!w.is_empty()).then_some(w);
    } else {
        count.digits = number(input)?;
    }
    if count.digits.is_none() && count.words.is_none() {
        *c = None;
    }
    Ok(())
}

fn apply(r: &mut BallotRecord, cell: &Cell, input: &str) -> Result<(), ReviewError> {
    let unknown = || ReviewError::UnknownField(cell.to_string());
    match (&cell.field, cell.words) {
        (Field::Province, false) => {
            let p = nfc_thai(input.trim());
            r.province = (!p.is_empty()).then_some(p);
            r.province_code = None;
            r.sources.province = ValueSource::Person;
        }
        (Field::Constituency, false) => {
            r.constituency = small(input)?;
            r.sources.constituency = ValueSource::Person;
        }
        (Field::Unit, false) => {
            r.polling_unit = small(input)?;
            r.sources.polling_unit = ValueSource::Person;
        }
        (Field::Row(_), words) => {
            let votes = r.count_mut(&cell.field).ok_or_else(unknown)?;
            let mut c = Some(votes.clone());
            set_count(&mut c, input, words)?;
            *votes = c.unwrap_or_default();
        }
        (f, words) => set_count(r.total_slot(f).ok_or_else(unknown)?, input, words)?,
    }
    Ok(())
}

/// Corrects `cell` to what a person typed, keeping the old value in the
/// audit trail; an unchanged value records nothing. The caller checks the
/// record again with [`recheck`].
pub fn correct(
    r: &mut BallotRecord,
    cell: &Cell,
    input: &str,
    who: &str,
    at_unix_ms: u64,
) -> Result<bool, ReviewError> {
    let from = value(r, cell).ok_or_else(|| ReviewError::UnknownField(cell.to_string()))?;
    let mut edited = r.clone();
    apply(&mut edited, cell, input)?;
    let to = value(&edited, cell).unwrap_or_default();
    if to == from {
        return Ok(false);
    }
    edited.audit.push(Correction {
        field: cell.clone(),
        from,
        to,
        who: who.into(),
        at_unix_ms,
    });
    // A changed record is judged again: an earlier acceptance no longer holds.
    edited.accepted = None;
    *r = edited;
    Ok(true)
}

/// Checks a record again after corrections: what reading the answer found
/// stays, except on corrected fields; every check runs again.
pub fn recheck(mut r: BallotRecord, registry: &Registry) -> BallotRecord {
    let corrected: Vec<&Field> = r.audit.iter().map(|c| &c.field.field).collect();
    let keep: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.stage == Stage::Read && !corrected.contains(&&i.field))
        .cloned()
        .collect();
    r.issues = keep;
    validate(r, registry)
}

/// A person accepts the record as it is, with a reason: it leaves the
/// review queue (and is kept in the export with who and when).
pub fn accept(
    r: &mut BallotRecord,
    reason: &str,
    who: &str,
    at_unix_ms: u64,
) -> Result<(), ReviewError> {
    if reason.trim().is_empty() {
        return Err(ReviewError::NoReason);
    }
    r.accepted = Some(Box::new(Acceptance {
        reason: reason.trim().into(),
        who: who.into(),
        at_unix_ms,
    }));
    Ok(())
}

/// The editable fields of a record, in the form's order: place, rows,
/// totals (digits and words).
pub fn fields(r: &BallotRecord) -> Vec<Cell> {
    let place = [Field::Province, Field::Constituency, Field::Unit].map(Field::digits);
    let counts = r
        .rows
        .iter()
        .map(|row| Field::Row(row.number))
        .chain(TOTALS);
    let both = counts.flat_map(|f| [f.clone().digits(), f.words()]);
    place.into_iter().chain(both).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::{IssueCode, Source};
    use crate::core::engine::testing::PHRAE_FORM;
    use crate::core::read::extract::extract;

    fn phrae() -> BallotRecord {
        validate(
            extract(PHRAE_FORM, Source::default()).unwrap(),
            &Registry::builtin(),
        )
    }

    #[test]
    fn a_misread_row_corrected_passes_its_checks_again() {
        let reg = Registry::builtin();
        let mut r = phrae();
        assert!(!r.in_review_queue(), "{:?}", r.issues);
        // The model misread row 4's digits.
        correct(&mut r, &"row 4".into(), "42", "", 1).unwrap();
        r = recheck(r, &reg);
        assert!(r.in_review_queue());
        let codes: Vec<_> = r.issues.iter().map(|i| i.code).collect();
        assert!(codes.contains(&IssueCode::WordsMismatch), "{codes:?}");
        assert!(codes.contains(&IssueCode::SumMismatch), "{codes:?}");
        // A person puts it right (Thai digits typed).
        assert!(correct(&mut r, &"row 4".into(), "๔๒๔", "นิด", 2).unwrap());
        r = recheck(r, &reg);
        assert!(!r.in_review_queue(), "{:?}", r.issues);
        assert_eq!(r.audit.len(), 2);
        assert_eq!(
            (
                r.audit[1].from.as_str(),
                r.audit[1].to.as_str(),
                r.audit[1].who.as_str()
            ),
            ("42", "424", "นิด")
        );
        assert_eq!(value(&r, &"row 4 words".into()).unwrap(), "สี่ร้อยยี่สิบสี่");
    }

    #[test]
    fn unchanged_values_record_nothing_and_bad_input_changes_nothing() {
        let mut r = phrae();
        let before = r.clone();
        assert!(!correct(&mut r, &"valid".into(), "614", "", 1).unwrap());
        assert_eq!(
            correct(&mut r, &"valid".into(), "six", "", 1),
            Err(ReviewError::NotANumber("six".into()))
        );
        assert_eq!(
            correct(&mut r, &"valid words".into(), "abc", "", 1),
            Err(ReviewError::NotWords("abc".into()))
        );
        assert!(matches!(
            correct(&mut r, &"row 99".into(), "1", "", 1),
            Err(ReviewError::UnknownField(_))
        ));
        assert_eq!(r, before);
    }

    #[test]
    fn place_corrections_say_a_person_gave_them() {
        let reg = Registry::builtin();
        let mut r = phrae();
        correct(&mut r, &"province".into(), "แพร", "", 1).unwrap();
        r = recheck(r, &reg);
        assert!(r
            .issues
            .iter()
            .any(|i| i.code == IssueCode::UnknownProvince));
        correct(&mut r, &"province".into(), "แพร่", "", 2).unwrap();
        r = recheck(r, &reg);
        assert_eq!(r.sources.province, ValueSource::Person);
        assert!(!r.in_review_queue(), "{:?}", r.issues);
    }

    #[test]
    fn acceptance_needs_a_reason_and_a_later_correction_undoes_it() {
        let reg = Registry::builtin();
        let mut r = phrae();
        correct(&mut r, &"total".into(), "700", "", 1).unwrap();
        r = recheck(r, &reg);
        assert!(r.in_review_queue());
        assert_eq!(accept(&mut r, "  ", "", 2), Err(ReviewError::NoReason));
        accept(&mut r, "the form itself is wrong; reported", "นิด", 3).unwrap();
        assert!(!r.in_review_queue());
        correct(&mut r, &"invalid".into(), "8", "", 4).unwrap();
        assert!(r.accepted.is_none());
    }

    #[test]
    fn the_audit_trail_goes_out_with_the_json_export() {
        let mut r = phrae();
        correct(&mut r, &"unit".into(), "12", "นิด", 5).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert!(
            json.contains(
                r#""audit":[{"field":"unit","from":"","to":"12","who":"นิด","at_unix_ms":5}]"#
            ),
            "{json}"
        );
        assert!(json.contains(r#""polling_unit":"person""#), "{json}");
    }
}
