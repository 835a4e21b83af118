//! Thai digits and Thai number words, both directions.
//!
//! Count forms write every number twice: in digits (Arabic or Thai ๐-๙) and
//! in words (หนึ่งร้อยแปด = 108). This module turns both into integers and
//! back. Pure: imports std only.

use std::fmt;

/// The largest number [`to_words`] and [`parse_words`] are meant for.
pub const MAX_WORDS: u64 = 9_999_999;

const THAI_ZERO: u32 = 0x0E50;

/// The canonical combining class of a Thai character (0 for all else).
fn thai_ccc(c: char) -> u8 {
    match c {
        '\u{0E38}' | '\u{0E39}' => 103, // SARA U, SARA UU
        '\u{0E3A}' => 9,                // PHINTHU
        '\u{0E48}'..='\u{0E4B}' => 107, // the four tone marks
        _ => 0,
    }
}

/// Unicode NFC for Thai text: Thai has no canonical compositions, so NFC
/// only puts runs of combining marks in canonical order (a below vowel
/// before a tone mark, whichever order they were typed in). Other scripts
/// are left as they are. Equal to full NFC on Thai and ASCII text (tested
/// against the `unicode-normalization` crate), for a fraction of its
/// 60 KB of tables in the app.
pub fn nfc_thai(s: &str) -> String {
    let mut out: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < out.len() {
        if thai_ccc(out[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < out.len() && thai_ccc(out[i]) != 0 {
            i += 1;
        }
        // Stable insertion sort: runs of marks are two or three long.
        for j in start + 1..i {
            let mut k = j;
            while k > start && thai_ccc(out[k - 1]) > thai_ccc(out[k]) {
                out.swap(k - 1, k);
                k -= 1;
            }
        }
    }
    out.into_iter().collect()
}

/// Replaces Thai digits (๐-๙) with ASCII digits; everything else is kept.
pub fn thai_to_ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c as u32 {
            cp @ THAI_ZERO..=0x0E59 => char::from(b'0' + (cp - THAI_ZERO) as u8),
            _ => c,
        })
        .collect()
}

/// Writes `n` with Thai digits: 108 -> "๑๐๘" (for generated answers).
#[cfg(any(test, feature = "testing"))]
pub fn to_thai_digits(n: u64) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(THAI_ZERO + (c as u32 - '0' as u32)).unwrap_or(c))
        .collect()
}

/// Why a number written in digits could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigitsError {
    /// Nothing but blanks, dashes or dots.
    Empty,
    /// A character that is not a digit or a thousands separator.
    NotANumber(String),
    /// More digits than a count can have.
    TooLarge(String),
}

impl fmt::Display for DigitsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DigitsError::Empty => write!(f, "no number written"),
            DigitsError::NotANumber(s) => write!(f, "\"{s}\" is not a whole number"),
            DigitsError::TooLarge(s) => write!(f, "\"{s}\" is too large for a vote count"),
        }
    }
}

/// Reads a count written in digits: "1,234", "๑๒๓", " 42 ", "1 234", "42.0".
pub fn parse_digits(s: &str) -> Result<u64, DigitsError> {
    let ascii = thai_to_ascii_digits(s.trim());
    let mut cleaned: String = ascii
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '_' | '\''))
        .collect();
    if let Some(stripped) = cleaned.strip_suffix(".0").or(cleaned.strip_suffix(".00")) {
        cleaned = stripped.to_string();
    }
    if cleaned.is_empty() || cleaned.chars().all(|c| matches!(c, '-' | '.' | '–')) {
        return Err(DigitsError::Empty);
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Err(DigitsError::NotANumber(s.trim().to_string()));
    }
    if cleaned.len() > 12 {
        return Err(DigitsError::TooLarge(s.trim().to_string()));
    }
    cleaned
        .parse()
        .map_err(|_| DigitsError::NotANumber(s.trim().to_string()))
}

const DIGIT_WORDS: [&str; 10] = [
    "ศูนย์",
    "หนึ่ง",
    "สอง",
    "สาม",
    "สี่",
    "ห้า",
    "หก",
    "เจ็ด",
    "แปด",
    "เก้า",
];
const PLACE_WORDS: [&str; 6] = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"];

/// A local date and time, as a clock on the wall reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// A date and time as Thai readers write it (day/month/year of the
/// Buddhist era, 543 years on: "6/12/2569 09:05:03"), or as English
/// readers in Britain do ("06/12/2026, 19:05:09"). Written here rather than
/// by the browser's `toLocaleString`, whose first Thai call loads the
/// locale's data for 80 ms.
pub fn civil_time_text(t: CivilTime, thai: bool) -> String {
    let CivilTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
    } = t;
    match thai {
        true => format!(
            "{day}/{month}/{} {hour:02}:{minute:02}:{second:02}",
            year + 543
        ),
        false => format!("{day:02}/{month:02}/{year}, {hour:02}:{minute:02}:{second:02}"),
    }
}

/// Writes `n` in Thai words as the forms do: 108 -> "หนึ่งร้อยแปด",
/// 21 -> "ยี่สิบเอ็ด", 101 -> "หนึ่งร้อยเอ็ด", 0 -> "ศูนย์".
pub fn to_words(n: u64) -> String {
    // Room for any count below a million: at most 6 places of 2 words,
    // 126 bytes of UTF-8 (a Thai letter is 3).
    let mut out = String::with_capacity(128);
    write_words(n, &mut out);
    out
}

/// [`to_words`], appended to `out`.
pub fn write_words(n: u64, out: &mut String) {
    if n == 0 {
        return out.push_str(DIGIT_WORDS[0]);
    }
    let millions = n / 1_000_000;
    let rest = n % 1_000_000;
    if millions > 0 {
        write_words(millions, out);
        out.push_str("ล้าน");
    }
    if rest > 0 {
        write_below_million(rest, millions > 0, out);
    }
}

fn write_below_million(n: u64, after_million: bool, out: &mut String) {
    let digits: [u64; 6] = std::array::from_fn(|p| (n / 10u64.pow(p as u32)) % 10);
    for place in (0..6).rev() {
        let d = digits[place as usize] as usize;
        if d == 0 {
            continue;
        }
        match place {
            1 => {
                match d {
                    1 => {}
                    2 => out.push_str("ยี่"),
                    _ => out.push_str(DIGIT_WORDS[d]),
                }
                out.push_str("สิบ");
            }
            0 => {
                if d == 1 && (n >= 10 || after_million) {
                    out.push_str("เอ็ด");
                } else {
                    out.push_str(DIGIT_WORDS[d]);
                }
            }
            _ => {
                out.push_str(DIGIT_WORDS[d]);
                out.push_str(PLACE_WORDS[place as usize]);
            }
        }
    }
}

/// Why a number written in Thai words could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordsError {
    /// Nothing written.
    Empty,
    /// Text that is not a Thai number word, starting at this character offset.
    UnknownWord { at: usize, rest: String },
    /// Words in an order no number has ("สิบร้อย", "หนึ่งสอง").
    BadOrder(String),
    /// Beyond [`MAX_WORDS`].
    TooLarge,
}

impl fmt::Display for WordsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WordsError::Empty => write!(f, "no number written in words"),
            WordsError::UnknownWord { rest, .. } => {
                write!(f, "\"{rest}\" is not a Thai number word")
            }
            WordsError::BadOrder(s) => write!(f, "\"{s}\" is not a valid Thai number"),
            WordsError::TooLarge => write!(f, "number in words is larger than {MAX_WORDS}"),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Token {
    Digit(u64),
    /// เอ็ด: one, only in the units place after a larger place.
    Et,
    /// ยี่: two, only before สิบ.
    Yi,
    Place(u64),
    Million,
}

const TOKENS: [(&str, Token); 18] = [
    ("ศูนย์", Token::Digit(0)),
    ("หนึ่ง", Token::Digit(1)),
    ("เอ็ด", Token::Et),
    ("สอง", Token::Digit(2)),
    ("ยี่", Token::Yi),
    ("สาม", Token::Digit(3)),
    ("สี่", Token::Digit(4)),
    ("ห้า", Token::Digit(5)),
    ("หก", Token::Digit(6)),
    ("เจ็ด", Token::Digit(7)),
    ("แปด", Token::Digit(8)),
    ("เก้า", Token::Digit(9)),
    ("สิบ", Token::Place(10)),
    ("ร้อย", Token::Place(100)),
    ("พัน", Token::Place(1_000)),
    ("หมื่น", Token::Place(10_000)),
    ("แสน", Token::Place(100_000)),
    ("ล้าน", Token::Million),
];

/// Words that may surround a number on a form and carry no value.
const NOISE: [&str; 6] = ["ถ้วน", "บัตร", "คะแนน", "เสียง", "ใบ", "จำนวน"];

fn tokenize(s: &str) -> Result<Vec<Token>, WordsError> {
    let mut tokens = Vec::new();
    let mut rest = s;
    let mut at = 0;
    'outer: while !rest.is_empty() {
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() || matches!(c, '\u{200b}' | '-' | '(' | ')' | '.' | ',' | '"') {
            rest = &rest[c.len_utf8()..];
            at += 1;
            continue;
        }
        // A number word becomes a token; a noise word is skipped.
        let words = TOKENS
            .iter()
            .map(|(w, t)| (*w, Some(*t)))
            .chain(NOISE.iter().map(|w| (*w, None)));
        for (word, token) in words {
            if let Some(r) = rest.strip_prefix(word) {
                tokens.extend(token);
                at += word.chars().count();
                rest = r;
                continue 'outer;
            }
        }
        return Err(WordsError::UnknownWord {
            at,
            rest: rest.chars().take(12).collect(),
        });
    }
    Ok(tokens)
}

/// Reads a number written in Thai words: "หนึ่งร้อยแปด" -> 108. Accepts
/// "ร้อยห้า" (no หนึ่ง), both "หนึ่งร้อยเอ็ด" and "หนึ่งร้อยหนึ่ง", spaces,
/// and the words ถ้วน / บัตร / คะแนน around the number.
pub fn parse_words(s: &str) -> Result<u64, WordsError> {
    let normalized: String = s.trim().chars().filter(|c| *c != '\u{200b}').collect();
    let tokens = tokenize(&normalized)?;
    if tokens.is_empty() {
        return Err(WordsError::Empty);
    }
    let bad = || WordsError::BadOrder(s.trim().to_string());
    let mut number = Words::default();
    for &tok in &tokens {
        number
            .read(tok, tokens.len() == 1)
            .map_err(|e| e.unwrap_or_else(bad))?;
    }
    number.value().map_err(|e| e.unwrap_or_else(bad))
}

/// A number in Thai words as it is read, a word at a time.
struct Words {
    millions: Option<u64>,
    /// The value below a million read so far.
    group: u64,
    /// A digit waiting for its place.
    pending: Option<u64>,
    /// The last place used in this group: places must strictly decrease.
    last_place: u64,
    /// ยี่ was read: only สิบ may follow.
    after_yi: bool,
    zero_seen: bool,
}

impl Default for Words {
    fn default() -> Self {
        Words {
            millions: None,
            group: 0,
            pending: None,
            last_place: u64::MAX,
            after_yi: false,
            zero_seen: false,
        }
    }
}

/// Why a word cannot come here: `None` for out of order, or a specific
/// error.
type WordsStep = Result<(), Option<WordsError>>;

impl Words {
    /// Takes the next word (`alone`: it is the only one).
    fn read(&mut self, tok: Token, alone: bool) -> WordsStep {
        if self.after_yi && !matches!(tok, Token::Place(10)) {
            return Err(None);
        }
        match tok {
            Token::Digit(d) => {
                // ศูนย์ only stands alone.
                if self.pending.is_some() || (d == 0 && !alone) {
                    return Err(None);
                }
                self.zero_seen |= d == 0;
                self.pending = Some(d);
            }
            Token::Et => {
                // เอ็ด: units after a larger place (or alone after ล้าน).
                let nothing_before = self.last_place == u64::MAX && self.millions.is_none();
                if self.pending.is_some() || nothing_before || self.last_place == 1 {
                    return Err(None);
                }
                self.pending = Some(1);
                self.last_place = 1;
            }
            Token::Yi => {
                if self.pending.is_some() {
                    return Err(None);
                }
                self.pending = Some(2);
                self.after_yi = true;
            }
            Token::Place(p) => {
                let d = self.pending.take().unwrap_or(1);
                if p >= self.last_place || d == 0 {
                    return Err(None);
                }
                self.group += d * p;
                self.last_place = p;
                self.after_yi = false;
            }
            Token::Million => {
                if self.millions.is_some() {
                    return Err(Some(WordsError::TooLarge));
                }
                let m = self.group + self.pending.take().unwrap_or(0);
                self.millions = Some(if m == 0 { 1 } else { m });
                self.group = 0;
                self.last_place = u64::MAX;
            }
        }
        Ok(())
    }

    /// The number, once every word is read.
    fn value(&self) -> Result<u64, Option<WordsError>> {
        if self.after_yi {
            return Err(None);
        }
        let value = self.millions.unwrap_or(0) * 1_000_000 + self.group + self.pending.unwrap_or(0);
        if value == 0 && !self.zero_seen {
            return Err(None);
        }
        if value > MAX_WORDS {
            return Err(Some(WordsError::TooLarge));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_puts_thai_marks_in_canonical_order() {
        // น + tone mark + SARA U, typed in that order, is น + SARA U + tone mark.
        assert_eq!(
            nfc_thai("\u{0E19}\u{0E48}\u{0E38}"),
            "\u{0E19}\u{0E38}\u{0E48}"
        );
        assert_eq!(nfc_thai("แพร่"), "แพร่");
        assert_eq!(nfc_thai("Phrae"), "Phrae");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn nfc_thai_is_nfc_on_thai_and_ascii(s in "[\u{0E01}-\u{0E5B} a-z0-9.]{0,24}") {
            use unicode_normalization::UnicodeNormalization;
            proptest::prop_assert_eq!(nfc_thai(&s), s.nfc().collect::<String>());
        }
    }

    fn check(words: &str, n: u64) {
        assert_eq!(parse_words(words), Ok(n), "parse_words({words:?})");
    }

    #[test]
    fn words_from_real_forms() {
        // ../shared/fixtures/forms/ground-truth.json, constituency form, แพร่ เขต 1.
        for (w, n) in [
            ("หนึ่งร้อยแปด", 108),
            ("ห้าสิบสี่", 54),
            ("สิบห้า", 15),
            ("สี่ร้อยยี่สิบสี่", 424),
            ("แปด", 8),
            ("ห้า", 5),
            ("หกร้อยสิบสี่", 614),
            ("เจ็ด", 7),
            ("สามสิบหก", 36),
        ] {
            check(w, n);
            assert_eq!(to_words(n), w);
        }
    }

    #[test]
    fn word_variants() {
        check("ศูนย์", 0);
        check("สิบ", 10);
        check("สิบเอ็ด", 11);
        check("ยี่สิบเอ็ด", 21);
        check("ยี่สิบ", 20);
        check("ร้อยห้า", 105);
        check("หนึ่งร้อยเอ็ด", 101);
        check("หนึ่งร้อยหนึ่ง", 101);
        check("หนึ่ง พัน สองร้อย", 1200);
        check("หนึ่งร้อยแปดถ้วน", 108);
        check("หนึ่งร้อยแปด บัตร", 108);
        check("หนึ่งล้าน", 1_000_000);
        check("ล้านเอ็ด", 1_000_001);
        check("เก้าล้านเก้าแสนเก้าหมื่นเก้าพันเก้าร้อยเก้าสิบเก้า", 9_999_999);
        check("สองหมื่นสามพันสี่สิบ", 23_040);
    }

    #[test]
    fn words_errors_are_specific() {
        assert_eq!(parse_words(""), Err(WordsError::Empty));
        assert_eq!(parse_words("ถ้วน"), Err(WordsError::Empty));
        assert!(matches!(
            parse_words("หนึ่งร้อยabc"),
            Err(WordsError::UnknownWord { at: 9, .. })
        ));
        assert!(matches!(parse_words("สิบร้อย"), Err(WordsError::BadOrder(_))));
        assert!(matches!(
            parse_words("หนึ่งสอง"),
            Err(WordsError::BadOrder(_))
        ));
        assert!(matches!(parse_words("ยี่ร้อย"), Err(WordsError::BadOrder(_))));
        assert!(matches!(parse_words("เอ็ด"), Err(WordsError::BadOrder(_))));
        assert!(matches!(
            parse_words("ศูนย์ร้อย"),
            Err(WordsError::BadOrder(_))
        ));
        assert_eq!(
            parse_words("สิบล้าน"),
            Err(WordsError::TooLarge),
            "10,000,000 is past the range"
        );
    }

    #[test]
    fn words_round_trip_sampled() {
        // Every number below 20,000, then a stride over the rest of the range.
        let mut n = 0u64;
        while n <= MAX_WORDS {
            let w = to_words(n);
            assert_eq!(parse_words(&w), Ok(n), "{n} -> {w}");
            n += if n < 20_000 { 1 } else { 997 };
        }
        assert_eq!(parse_words(&to_words(MAX_WORDS)), Ok(MAX_WORDS));
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// words(n) parses back to n anywhere in 0..=9,999,999, also with
        /// spaces between the words and a trailing ถ้วน.
        #[test]
        fn words_round_trip(n in 0u64..=MAX_WORDS, spaced: bool, thuan: bool) {
            let mut w = to_words(n);
            if spaced {
                for unit in ["ล้าน", "แสน", "หมื่น", "พัน", "ร้อย"] {
                    w = w.replace(unit, &format!("{unit} "));
                }
            }
            if thuan {
                w.push_str("ถ้วน");
            }
            proptest::prop_assert_eq!(parse_words(&w), Ok(n), "{}", w);
        }

        /// Arbitrary text never panics the parser.
        #[test]
        fn words_never_panic(s in "\\PC{0,30}") {
            let _ = parse_words(&s);
            let _ = parse_digits(&s);
        }
    }

    #[test]
    fn digits() {
        assert_eq!(thai_to_ascii_digits("ส.ส. ๕/๑๘"), "ส.ส. 5/18");
        assert_eq!(to_thai_digits(614), "๖๑๔");
        assert_eq!(parse_digits("๖๑๔"), Ok(614));
        assert_eq!(parse_digits("1,234"), Ok(1234));
        assert_eq!(parse_digits(" 42 "), Ok(42));
        assert_eq!(parse_digits("42.0"), Ok(42));
        assert_eq!(parse_digits("-"), Err(DigitsError::Empty));
        assert_eq!(parse_digits(""), Err(DigitsError::Empty));
        assert!(matches!(
            parse_digits("4x2"),
            Err(DigitsError::NotANumber(_))
        ));
        assert!(matches!(
            parse_digits("1234567890123"),
            Err(DigitsError::TooLarge(_))
        ));
    }

    #[test]
    fn civil_time_reads_as_the_browser_wrote_it() {
        let t = CivilTime {
            year: 2026,
            month: 12,
            day: 6,
            hour: 9,
            minute: 5,
            second: 3,
        };
        // As Chromium's toLocaleString("th-TH") and ("en-GB") write it.
        assert_eq!(civil_time_text(t, true), "6/12/2569 09:05:03");
        assert_eq!(civil_time_text(t, false), "06/12/2026, 09:05:03");
    }
}
