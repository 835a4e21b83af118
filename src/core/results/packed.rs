//! A record as the live aggregate holds it, a hundred thousand at a time:
//! its rows packed (4 bytes each, not a [`VoteRow`]'s 48) and their Thai
//! words kept only where they do not spell the digits (the usual case
//! costs nothing: the words are [`to_words`] of the digits), the totals
//! packed likewise; the fields nearly every record fills kept inline (the
//! image's SHA-256 as its 32 bytes, not 64 hex digits), the others, which
//! most records leave empty, boxed apart only when set. Unpacking gives
//! back the very record that was packed.

use crate::core::domain::ballot::{BallotRecord, Confidence, Count, VoteRow};
use crate::core::domain::form::FormType;
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

/// A row: its number and digits as a polling unit's form has them (under
/// 256 rows, under 65,536 votes a row), and how its words were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    digits: u16,
    number: u8,
    flags: u8,
}

/// Set on a total the record has.
const PRESENT: u8 = 16;

/// A record with its rows packed, and the rest of it in a [`Head`].
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    head: Head,
    rows: Box<[Row]>,
    /// The number and digits of the rows (then the totals) marked `BIG`,
    /// in order.
    big: Box<[(u32, u64)]>,
    /// The words of the rows (then the totals) marked `OTHER`, in order.
    words: Box<[Box<str>]>,
}

/// A record without its rows: the fields nearly every record fills, and
/// the others (most records have none of them) boxed apart.
#[derive(Debug, Clone, PartialEq)]
struct Head {
    form: Option<FormType>,
    has_vote_table: bool,
    province_code: Option<u16>,
    constituency: Option<u32>,
    polling_unit: Option<u32>,
    ballots_received: Option<u64>,
    province: Option<Box<str>>,
    file_name: Box<str>,
    model: Box<str>,
    /// The image's SHA-256, when it is 64 lowercase hex digits (else it
    /// stays in `rest`).
    sha256: Option<[u8; 32]>,
    confidence: Confidence,
    /// Valid, invalid, no vote and total, packed as rows (`PRESENT` when
    /// the record has the total).
    totals: [Row; 4],
    /// The rest of the record (the fields above, rows and totals left at
    /// their defaults), when any of it is set.
    rest: Option<Box<BallotRecord>>,
}

impl Packed {
    pub fn new(mut r: BallotRecord) -> Self {
        let (mut words, mut big) = (Vec::new(), Vec::new());
        let mut spelled = String::new();
        let mut pack = |v: VoteRow| pack_row(v, &mut words, &mut big, &mut spelled);
        let rows = std::mem::take(&mut r.rows)
            .into_iter()
            .map(&mut pack)
            .collect();
        let totals = totals_of(&mut r).map(|t| match t.take() {
            Some(votes) => {
                let row = pack(VoteRow { number: 0, votes });
                Row {
                    flags: row.flags | PRESENT,
                    ..row
                }
            }
            None => Row {
                digits: 0,
                number: 0,
                flags: 0,
            },
        });
        let sha256 = hex_bytes(&r.source.sha256);
        if sha256.is_some() {
            r.source.sha256 = String::new();
        }
        let head = Head {
            form: r.form.take(),
            has_vote_table: std::mem::take(&mut r.has_vote_table),
            province_code: r.province_code.take(),
            constituency: r.constituency.take(),
            polling_unit: r.polling_unit.take(),
            ballots_received: r.ballots_received.take(),
            province: r.province.take().map(String::into_boxed_str),
            file_name: std::mem::take(&mut r.source.file_name).into_boxed_str(),
            model: std::mem::take(&mut r.source.model).into_boxed_str(),
            sha256,
            confidence: std::mem::take(&mut r.confidence),
            totals,
            rest: (r != BallotRecord::default()).then(|| Box::new(r)),
        };
        Packed {
            head,
            rows,
            big: big.into_boxed_slice(),
            words: words.into_boxed_slice(),
        }
    }

    /// The record without its rows (`rows` is empty).
    pub fn head(&self) -> BallotRecord {
        let h = &self.head;
        let mut r = h.rest.as_deref().cloned().unwrap_or_default();
        r.form = h.form;
        r.has_vote_table = h.has_vote_table;
        r.province_code = h.province_code;
        r.constituency = h.constituency;
        r.polling_unit = h.polling_unit;
        r.ballots_received = h.ballots_received;
        r.province = h.province.as_deref().map(String::from);
        r.source.file_name = h.file_name.to_string();
        r.source.model = h.model.to_string();
        r.source.sha256 = self.sha256();
        r.confidence = h.confidence;
        let (mut big, mut words) = self.after_rows();
        for (total, row) in totals_of(&mut r).into_iter().zip(&h.totals) {
            if row.flags & PRESENT != 0 {
                *total = Some(count(row, &mut big, &mut words).1);
            }
        }
        r
    }

    /// Where the record is: its place fields alone (what its unit is
    /// known by).
    pub fn place(&self) -> BallotRecord {
        let h = &self.head;
        let rest = h.rest.as_deref();
        BallotRecord {
            form: h.form,
            province: h.province.as_deref().map(String::from),
            province_code: h.province_code,
            constituency: h.constituency,
            polling_unit: h.polling_unit,
            district: rest.and_then(|r| r.district.clone()),
            ..BallotRecord::default()
        }
    }

    /// Whether the record waits for a person (see
    /// [`BallotRecord::in_review_queue`]).
    pub fn in_review_queue(&self) -> bool {
        let accepted = self
            .head
            .rest
            .as_ref()
            .is_some_and(|r| r.accepted.is_some());
        self.head.confidence.needs_review && !accepted
    }

    /// False for a page without vote rows.
    pub fn has_vote_table(&self) -> bool {
        self.head.has_vote_table
    }

    /// The digits of the totals: valid, invalid, no vote, total.
    pub fn total_digits(&self) -> [Option<u64>; 4] {
        let (mut big, _) = self.after_rows();
        self.head.totals.map(|row| match row.flags & PRESENT {
            0 => None,
            _ => value(&row, &mut big).1,
        })
    }

    /// The image's SHA-256, hex.
    pub fn sha256(&self) -> String {
        match (&self.head.sha256, &self.head.rest) {
            (Some(bytes), _) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
            (None, Some(rest)) => rest.source.sha256.clone(),
            (None, None) => String::new(),
        }
    }

    /// The big values and words of the totals (those after the rows').
    fn after_rows(
        &self,
    ) -> (
        std::slice::Iter<'_, (u32, u64)>,
        std::slice::Iter<'_, Box<str>>,
    ) {
        let big = self.rows.iter().filter(|r| r.flags & BIG != 0).count();
        let other = self.rows.iter().filter(|r| r.flags & 3 == OTHER).count();
        let big = self.big.get(big..).unwrap_or_default();
        let words = self.words.get(other..).unwrap_or_default();
        (big.iter(), words.iter())
    }

    /// Each row's number and digits, in order.
    pub fn digits(&self) -> impl Iterator<Item = (u32, Option<u64>)> + '_ {
        let mut big = self.big.iter();
        self.rows.iter().map(move |r| value(r, &mut big))
    }

    /// The whole record, as it was packed.
    pub fn unpack(&self) -> BallotRecord {
        let (mut big, mut words) = (self.big.iter(), self.words.iter());
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let (number, votes) = count(r, &mut big, &mut words);
                VoteRow { number, votes }
            })
            .collect();
        BallotRecord {
            rows,
            ..self.head()
        }
    }
}

/// A packed row's number and digits (`big`: the values of the rows marked
/// `BIG`, from this one on).
fn value(r: &Row, big: &mut std::slice::Iter<'_, (u32, u64)>) -> (u32, Option<u64>) {
    let (number, digits) = match r.flags & BIG {
        0 => (u32::from(r.number), u64::from(r.digits)),
        _ => big.next().copied().unwrap_or_default(),
    };
    (number, (r.flags & HAS_DIGITS != 0).then_some(digits))
}

/// A packed row's number and count, its words too.
fn count(
    r: &Row,
    big: &mut std::slice::Iter<'_, (u32, u64)>,
    words: &mut std::slice::Iter<'_, Box<str>>,
) -> (u32, Count) {
    let (number, digits) = value(r, big);
    let words = match r.flags & 3 {
        SPELLED => digits.map(to_words),
        OTHER => words.next().map(|w| w.to_string()),
        _ => None,
    };
    (number, Count { digits, words })
}

/// The four totals, in order: valid, invalid, no vote, total.
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
    match (u8::try_from(row.number), u16::try_from(value)) {
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
    use crate::core::results::aggregate::UnitKey;

    #[test]
    fn a_row_is_4_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 4);
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
            digits: Some(u64::MAX - 1),
            words: None,
        });
        r.totals.total = Some(Count {
            digits: None,
            words: Some(to_words(9)),
        });
        r.source.sha256 = format!("{:064x}", 0xabc_u32);
        r.source.model = "m".into();
        let packed = Packed::new(r.clone());
        let rowless = BallotRecord {
            rows: Vec::new(),
            ..r.clone()
        };
        assert_eq!(packed.head(), rowless);
        assert_eq!(packed.unpack(), r);
        // Only the words that do not spell the digits are kept: four rows'
        // and two totals'.
        assert_eq!(packed.words.len(), 6, "{:?}", packed.words);
        assert_eq!(packed.big.len(), 2, "a row and a total");
        assert_eq!(
            packed.total_digits(),
            [Some(301), Some(4), Some(u64::MAX - 1), None]
        );
        let digits: Vec<_> = packed.digits().collect();
        let want: Vec<_> = r.rows.iter().map(|x| (x.number, x.votes.digits)).collect();
        assert_eq!(digits, want);
        assert_eq!(packed.head.sha256.map(|_| ()), Some(()), "kept as bytes");
        assert_eq!(packed.sha256(), r.source.sha256);
        assert_eq!(packed.in_review_queue(), r.in_review_queue());
        assert_eq!(
            UnitKey::of(&packed.place()),
            UnitKey::of(&r),
            "the unit, from the place fields alone"
        );
    }

    #[test]
    fn the_rarely_set_fields_are_kept_apart_only_when_set() {
        let plain = BallotRecord {
            province: Some("แพร่".into()),
            constituency: Some(1),
            polling_unit: Some(3),
            has_vote_table: true,
            ..BallotRecord::default()
        };
        let packed = Packed::new(plain.clone());
        assert!(packed.head.rest.is_none());
        assert_eq!(packed.unpack(), plain);
        let mut rare = plain.clone();
        rare.district = Some("เมืองแพร่".into());
        // A form without a unit number is told apart by its district.
        rare.polling_unit = None;
        rare.accepted = Some(Box::new(crate::core::domain::ballot::Acceptance {
            reason: "ตรวจแล้ว".into(),
            who: "nid".into(),
            at_unix_ms: 1,
        }));
        rare.confidence.needs_review = true;
        let packed = Packed::new(rare.clone());
        assert!(packed.head.rest.is_some());
        assert_eq!(packed.unpack(), rare);
        assert!(!packed.in_review_queue(), "accepted: out of the queue");
        assert_eq!(UnitKey::of(&packed.place()), UnitKey::of(&rare));
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
