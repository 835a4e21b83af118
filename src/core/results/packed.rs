//! A record as the live aggregate holds it, a hundred thousand at a time:
//! its rows packed (16 bytes each, not a [`VoteRow`]'s 48) and their Thai
//! words kept only where they do not spell the digits (the usual case
//! costs nothing: the words are [`to_words`] of the digits). Unpacking gives
//! back the very record that was packed.

use crate::core::domain::ballot::{BallotRecord, Count, VoteRow};
use crate::core::domain::thai::{to_words, write_words};

/// How a row's words were: none, the digits spelled, or other words (kept).
const NO_WORDS: u8 = 0;
const SPELLED: u8 = 1;
const OTHER: u8 = 2;
/// Set when the row has digits.
const HAS_DIGITS: u8 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    number: u32,
    flags: u8,
    digits: u64,
}

/// A record with its rows packed. [`Packed::head`] is the record without
/// its rows (place, source, confidence, issues, corrections, totals).
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    head: BallotRecord,
    rows: Box<[Row]>,
    /// The words of the rows marked `OTHER`, in row order.
    words: Box<[Box<str>]>,
}

impl Packed {
    pub fn new(mut record: BallotRecord) -> Self {
        let mut words = Vec::new();
        let mut spelled = String::new();
        let rows = std::mem::take(&mut record.rows)
            .into_iter()
            .map(|r| pack_row(r, &mut words, &mut spelled))
            .collect();
        Packed {
            head: record,
            rows,
            words: words.into_boxed_slice(),
        }
    }

    /// The record without its rows (`rows` is empty).
    pub fn head(&self) -> &BallotRecord {
        &self.head
    }

    /// Each row's number and digits, in order.
    pub fn digits(&self) -> impl Iterator<Item = (u32, Option<u64>)> + '_ {
        self.rows
            .iter()
            .map(|r| (r.number, (r.flags & HAS_DIGITS != 0).then_some(r.digits)))
    }

    /// The whole record, as it was packed.
    pub fn unpack(&self) -> BallotRecord {
        let mut words = self.words.iter();
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let digits = (r.flags & HAS_DIGITS != 0).then_some(r.digits);
                let words = match r.flags & 3 {
                    SPELLED => digits.map(to_words),
                    OTHER => words.next().map(|w| w.to_string()),
                    _ => None,
                };
                VoteRow {
                    number: r.number,
                    votes: Count { digits, words },
                }
            })
            .collect();
        BallotRecord {
            rows,
            ..self.head.clone()
        }
    }
}

/// `spelled`: a buffer for the words of the digits.
fn pack_row(row: VoteRow, other: &mut Vec<Box<str>>, spelled: &mut String) -> Row {
    let Count { digits, words } = row.votes;
    let mut spells = |w: &str, d: u64| {
        spelled.clear();
        write_words(d, spelled);
        w == spelled
    };
    let kind = match (words, digits) {
        (None, _) => NO_WORDS,
        (Some(w), Some(d)) if spells(&w, d) => SPELLED,
        (Some(w), _) => {
            other.push(w.into_boxed_str());
            OTHER
        }
    };
    Row {
        number: row.number,
        flags: kind | if digits.is_some() { HAS_DIGITS } else { 0 },
        digits: digits.unwrap_or(0),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::domain::ballot::Source;
    use crate::core::domain::registry::Registry;
    use crate::core::engine::testing::PHRAE_FORM;
    use crate::core::read::{extract::extract, validate::validate};

    #[test]
    fn a_row_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 16);
    }

    #[test]
    fn unpacks_to_the_record_packed_whatever_its_words() {
        let mut r = validate(
            extract(PHRAE_FORM, Source::default()).unwrap(),
            &Registry::builtin(),
        );
        assert!(r.rows.len() >= 6, "the form has rows");
        // Words spelled, other words (wrong, unreadable, empty), none, and
        // words with no digits.
        for row in &mut r.rows {
            row.votes.words = row.votes.digits.map(to_words);
        }
        r.rows[0].votes = Count {
            digits: Some(12),
            words: Some("สิบเอ็ด".into()),
        };
        r.rows[1].votes.words = Some("ไม่ออก".into());
        r.rows[2].votes.words = None;
        r.rows[3].votes = Count {
            digits: None,
            words: Some(to_words(7)),
        };
        r.rows[4].votes.words = Some(String::new());
        let packed = Packed::new(r.clone());
        assert!(packed.head().rows.is_empty());
        assert_eq!(packed.head().issues, r.issues);
        assert_eq!(packed.unpack(), r);
        // Only the words that do not spell the digits are kept.
        assert_eq!(packed.words.len(), 4, "{:?}", packed.words);
    }
}
