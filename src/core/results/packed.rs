//! A record as the live aggregate holds it, a hundred thousand at a time:
//! its rows packed (8 bytes each, not a [`VoteRow`]'s 48) and their Thai
//! words kept only where they do not spell the digits (the usual case
//! costs nothing: the words are [`to_words`] of the digits), the totals'
//! words likewise, and the image's SHA-256 as its 32 bytes, not 64 hex
//! digits. Unpacking gives back the very record that was packed.

use crate::core::domain::ballot::{BallotRecord, Count, VoteRow};
use crate::core::domain::thai::{to_words, write_words};

/// How a row's words were: none, the digits spelled, or other words (kept).
const NO_WORDS: u8 = 0;
const SPELLED: u8 = 1;
const OTHER: u8 = 2;
/// Set when the row has digits.
const HAS_DIGITS: u8 = 4;
/// Set when the row's number or digits do not fit here: both are in
/// [`Packed::big`].
const BIG: u8 = 8;

/// A row: its number and digits as nearly every row has them (a few
/// hundred rows, a few thousand votes), and how its words were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    digits: u32,
    number: u16,
    flags: u8,
}

/// A record with its rows packed. [`Packed::head`] is the record without
/// its rows (place, source, confidence, issues, corrections, totals).
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    head: BallotRecord,
    rows: Box<[Row]>,
    /// The number and digits of the rows marked `BIG`, in row order.
    big: Box<[(u32, u64)]>,
    /// The words of the rows marked `OTHER`, in row order.
    words: Box<[Box<str>]>,
    /// Which totals (valid, invalid, no vote, total: bits 0 to 3) had words
    /// spelling their digits (left out of the head).
    spelled_totals: u8,
    /// The image's SHA-256, when it was 64 lowercase hex digits (left out
    /// of the head).
    sha256: Option<[u8; 32]>,
}

impl Packed {
    pub fn new(mut record: BallotRecord) -> Self {
        let (mut words, mut big) = (Vec::new(), Vec::new());
        let mut spelled = String::new();
        let rows = std::mem::take(&mut record.rows)
            .into_iter()
            .map(|r| pack_row(r, &mut words, &mut big, &mut spelled))
            .collect();
        let mut spelled_totals = 0;
        for (bit, total) in totals_of(&mut record).into_iter().enumerate() {
            let Some(Count {
                digits: Some(d),
                words: w @ Some(_),
            }) = total
            else {
                continue;
            };
            spelled.clear();
            write_words(*d, &mut spelled);
            if w.as_deref() == Some(spelled.as_str()) {
                *w = None;
                spelled_totals |= 1 << bit;
            }
        }
        let sha256 = hex_bytes(&record.source.sha256);
        if sha256.is_some() {
            record.source.sha256 = String::new();
        }
        Packed {
            head: record,
            rows,
            big: big.into_boxed_slice(),
            words: words.into_boxed_slice(),
            spelled_totals,
            sha256,
        }
    }

    /// The record without its rows (`rows` is empty), the totals' words
    /// that spell their digits, or the image's SHA-256 when it is 64 hex
    /// digits (see [`Packed::sha256`]).
    pub fn head(&self) -> &BallotRecord {
        &self.head
    }

    /// The image's SHA-256, hex.
    pub fn sha256(&self) -> String {
        match &self.sha256 {
            Some(bytes) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
            None => self.head.source.sha256.clone(),
        }
    }

    /// Each row's number, digits and flags, in order.
    fn each_row(&self) -> impl Iterator<Item = (u32, Option<u64>, u8)> + '_ {
        let mut big = self.big.iter();
        self.rows.iter().map(move |r| {
            let (number, digits) = match r.flags & BIG {
                0 => (u32::from(r.number), u64::from(r.digits)),
                _ => big.next().copied().unwrap_or_default(),
            };
            let digits = (r.flags & HAS_DIGITS != 0).then_some(digits);
            (number, digits, r.flags)
        })
    }

    /// Each row's number and digits, in order.
    pub fn digits(&self) -> impl Iterator<Item = (u32, Option<u64>)> + '_ {
        self.each_row().map(|(n, d, _)| (n, d))
    }

    /// The whole record, as it was packed.
    pub fn unpack(&self) -> BallotRecord {
        let mut words = self.words.iter();
        let rows = self
            .each_row()
            .map(|(number, digits, flags)| {
                let words = match flags & 3 {
                    SPELLED => digits.map(to_words),
                    OTHER => words.next().map(|w| w.to_string()),
                    _ => None,
                };
                VoteRow {
                    number,
                    votes: Count { digits, words },
                }
            })
            .collect();
        let mut record = BallotRecord {
            rows,
            ..self.head.clone()
        };
        for (bit, total) in totals_of(&mut record).into_iter().enumerate() {
            if let Some(c) = total
                .as_mut()
                .filter(|_| self.spelled_totals & (1 << bit) != 0)
            {
                c.words = c.digits.map(to_words);
            }
        }
        record.source.sha256 = self.sha256();
        record
    }
}

/// The four totals, in the order of [`Packed::spelled_totals`]' bits.
fn totals_of(r: &mut BallotRecord) -> [&mut Option<Count>; 4] {
    let t = &mut r.totals;
    [&mut t.valid, &mut t.invalid, &mut t.no_vote, &mut t.total]
}

/// 64 lowercase hex digits as their 32 bytes (anything else: `None`, and
/// the text is kept as it is).
fn hex_bytes(hex: &str) -> Option<[u8; 32]> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let h = hex.as_bytes();
    if h.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = digit(h[2 * i])? << 4 | digit(h[2 * i + 1])?;
    }
    Some(out)
}

/// `spelled`: a buffer for the words of the digits.
fn pack_row(
    row: VoteRow,
    other: &mut Vec<Box<str>>,
    big: &mut Vec<(u32, u64)>,
    spelled: &mut String,
) -> Row {
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
    let flags = kind | if digits.is_some() { HAS_DIGITS } else { 0 };
    let value = digits.unwrap_or(0);
    match (u16::try_from(row.number), u32::try_from(value)) {
        (Ok(number), Ok(digits)) => Row {
            digits,
            number,
            flags,
        },
        _ => {
            big.push((row.number, value));
            Row {
                digits: 0,
                number: 0,
                flags: flags | BIG,
            }
        }
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
    fn a_row_is_8_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 8);
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
        // Numbers and digits beyond a small row's (kept beside it).
        r.rows[5].votes = Count {
            digits: Some(u64::MAX - 5),
            words: Some(to_words(u64::MAX - 5)),
        };
        r.rows[5].number = 70_000;
        // Totals: words spelled, other words, no words, no digits.
        r.totals.valid = Some(Count {
            digits: Some(301),
            words: Some(to_words(301)),
        });
        r.totals.invalid = Some(Count {
            digits: Some(4),
            words: Some("สาม".into()),
        });
        r.totals.no_vote = Some(Count {
            digits: Some(2),
            words: None,
        });
        r.totals.total = Some(Count {
            digits: None,
            words: Some(to_words(9)),
        });
        r.source.sha256 = format!("{:064x}", 0xabc_u32);
        let packed = Packed::new(r.clone());
        assert!(packed.head().rows.is_empty());
        assert_eq!(packed.head().issues, r.issues);
        assert_eq!(packed.unpack(), r);
        // Only the words that do not spell the digits are kept.
        assert_eq!(packed.words.len(), 4, "{:?}", packed.words);
        assert_eq!(packed.spelled_totals, 0b0001);
        assert_eq!(packed.head().totals.valid.as_ref().unwrap().words, None);
        assert!(packed.head().source.sha256.is_empty(), "kept as bytes");
        assert_eq!(packed.sha256(), r.source.sha256);
    }

    #[test]
    fn a_sha256_that_is_not_64_lowercase_hex_digits_is_kept_as_written() {
        for text in [
            "",
            "abc",
            &"A".repeat(64),
            &"g".repeat(64),
            &"0".repeat(63),
            &"ก".repeat(64),
        ] {
            let mut r = BallotRecord::default();
            r.source.sha256 = text.to_string();
            let packed = Packed::new(r.clone());
            assert_eq!(packed.head().source.sha256, text);
            assert_eq!(packed.unpack(), r);
        }
    }
}
