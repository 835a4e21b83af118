//! The ballot record: what one form image says, as read, plus what the
//! checks found. The counterpart of the Python tool's `BallotData`.
//!
//! Values are kept as read (digits and Thai words side by side); nothing is
//! silently corrected. Problems are [`Issue`]s on the record.

use crate::core::domain::field::{Cell, Field};
use crate::core::domain::form::{Category, FormType};
use crate::core::domain::thai::{parse_words, WordsError};
use serde::{Deserialize, Serialize};

/// A count as written on the form: in digits and in Thai words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The value written in digits, if readable.
    pub digits: Option<u64>,
    /// The Thai words as read, if any.
    pub words: Option<String>,
}

impl Count {
    /// A count whose words spell its digits (for generated data and tests).
    pub fn consistent(n: u64) -> Self {
        Count {
            digits: Some(n),
            words: Some(crate::core::domain::thai::to_words(n)),
        }
    }

    /// The value of the words, if they are present.
    pub fn words_value(&self) -> Option<Result<u64, WordsError>> {
        self.words.as_deref().map(parse_words)
    }

    /// Whether digits and words agree: `None` when either is missing or the
    /// words cannot be read.
    pub fn agrees(&self) -> Option<bool> {
        match (self.digits, self.words_value()) {
            (Some(d), Some(Ok(w))) => Some(d == w),
            _ => None,
        }
    }
}

/// One row of the vote table: a candidate (constituency) or a party (party list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRow {
    /// Candidate or party ballot number.
    pub number: u32,
    pub votes: Count,
}

/// The totals block of a form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// บัตรดี: valid ballots.
    pub valid: Option<Count>,
    /// บัตรเสีย: invalid ballots.
    pub invalid: Option<Count>,
    /// บัตรไม่เลือกผู้สมัครผู้ใด / ไม่ประสงค์ลงคะแนน: no-vote ballots.
    pub no_vote: Option<Count>,
    /// Ballots used in all.
    pub total: Option<Count>,
}

/// The digits of a count that may not have been read.
pub fn digits(c: &Option<Count>) -> Option<u64> {
    c.as_ref().and_then(|c| c.digits)
}

impl Totals {
    /// The digits of valid, invalid, no-vote and total, in that order.
    pub fn digits(&self) -> [Option<u64>; 4] {
        [
            digits(&self.valid),
            digits(&self.invalid),
            digits(&self.no_vote),
            digits(&self.total),
        ]
    }

    /// Whether any total was read.
    pub fn is_empty(&self) -> bool {
        self.valid.is_none()
            && self.invalid.is_none()
            && self.no_vote.is_none()
            && self.total.is_none()
    }
}

/// Which page of a multi-page (party-list) form this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// Page number, from 1.
    pub number: u32,
    /// Pages in the form, when printed ("of 4").
    pub of: Option<u32>,
}

/// Where a record came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The image's file name.
    pub file_name: String,
    /// SHA-256 of the image bytes, hex.
    pub sha256: String,
    /// The model that read it.
    pub model: String,
    /// The prompt version used.
    pub prompt_version: String,
    /// When the record came from an imported file (the Python tool's
    /// results), that file's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
    /// The picked image's size in pixels (width, height), when it was
    /// prepared before sending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pixels: Option<(u32, u32)>,
    /// When the image was a page of a PDF: its page number (the PDF's
    /// SHA-256 and the page are the page's identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl Source {
    /// Whether `other` came from the same image (the same file, and the
    /// same page of it).
    pub fn same_image(&self, other: &Source) -> bool {
        !self.sha256.is_empty() && self.sha256 == other.sha256 && self.page == other.page
    }
}

/// How bad an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; does not affect the tally.
    Info,
    /// Lowers confidence.
    Warning,
    /// An inconsistency: the record goes to the review queue.
    Error,
}

/// What kind of problem an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// The model's text was not clean JSON but could be repaired.
    AnswerRepaired,
    /// A field is missing or unreadable.
    Missing,
    /// A value in digits could not be read.
    DigitsUnreadable,
    /// A value in words could not be read.
    WordsUnreadable,
    /// Digits and words disagree.
    WordsMismatch,
    /// Sum of the rows is not the valid count.
    SumMismatch,
    /// valid + invalid + no-vote is not the total.
    TotalMismatch,
    /// More ballots used than received.
    ExceedsReceived,
    /// Province not in the registry.
    UnknownProvince,
    /// Constituency number outside the province's range.
    ConstituencyOutOfRange,
    /// Polling unit number beyond the constituency's polling stations.
    UnitOutOfRange,
    /// A party or candidate number that does not exist.
    NumberOutOfRange,
    /// The same row number twice.
    DuplicateRow,
    /// Rows missing from a complete table.
    MissingRows,
    /// Rows do not fit the page's range.
    PageRangeMismatch,
    /// A negative number.
    NegativeValue,
    /// A number too large to be true.
    AbsurdValue,
    /// The form type could not be read.
    UnknownForm,
    /// A page without vote rows (signature page).
    NoVoteTable,
    /// Checked only once the pages are merged.
    PartialPage,
    /// The same unit and page twice in a batch.
    Duplicate,
    /// Two copies of one unit disagree.
    Conflict,
    /// The page of a party-list form, inferred from its party numbers.
    PageInferred,
    /// The form says one place, the file's folder or name another.
    PathMismatch,
    /// The picked image has few pixels: hard to read.
    SmallImage,
}

/// A problem found in a record, with a specific message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The kind of problem.
    pub code: IssueCode,
    /// How bad.
    pub severity: Severity,
    /// Which field (written "row 3", "valid", "province").
    pub field: Field,
    /// What is wrong, in English, with the values involved.
    pub message: String,
    /// The values in the message, in the order its code names them (the
    /// page words it in the user's language from `code` and these).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Found reading the answer, or checking the record (checks run again
    /// after a correction; what reading found stays unless corrected).
    #[serde(default, skip_serializing_if = "Stage::is_read")]
    pub stage: Stage,
}

/// Where an issue was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading the model's answer.
    #[default]
    Read,
    /// Checking the record (`validate`).
    Check,
}

impl Stage {
    fn is_read(&self) -> bool {
        *self == Stage::Read
    }
}

impl Issue {
    pub fn new(
        code: IssueCode,
        severity: Severity,
        field: Field,
        message: impl Into<String>,
    ) -> Self {
        Issue {
            code,
            severity,
            field,
            message: message.into(),
            args: Vec::new(),
            stage: Stage::Read,
        }
    }

    /// The same issue with the values its message names.
    pub fn with_args<I: IntoIterator<Item = S>, S: ToString>(mut self, args: I) -> Self {
        self.args = args.into_iter().map(|a| a.to_string()).collect();
        self
    }
}

/// Where a value of a record came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSource {
    /// Read by the model.
    #[default]
    Model,
    /// Taken from the folder or file name.
    Path,
    /// Typed by a person.
    Person,
}

/// Where the record's place came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    pub province: ValueSource,
    pub constituency: ValueSource,
    pub polling_unit: ValueSource,
}

impl Sources {
    fn all_model(&self) -> bool {
        *self == Sources::default()
    }
}

/// One change a person made to a record: the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The cell (written "row 3", "row 3 words", "valid", "province"...).
    pub field: Cell,
    /// The value before ("" when there was none).
    pub from: String,
    /// The value typed.
    pub to: String,
    /// Who (the volunteer's name, may be empty).
    pub who: String,
    /// When, ms since the epoch.
    pub at_unix_ms: u64,
}

/// A person's decision that a record counts as it is, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub reason: String,
    pub who: String,
    pub at_unix_ms: u64,
}

/// Confidence levels, as the Python tool named them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    /// Below 0.5.
    VeryLow,
    /// 0.5 to 0.7.
    Low,
    /// 0.7 to 0.9.
    Medium,
    /// 0.9 and above.
    High,
}

impl Level {
    /// The name as the Python tool wrote it: "HIGH", "MEDIUM", "LOW", "VERY_LOW".
    pub fn name(self) -> &'static str {
        match self {
            Level::VeryLow => "VERY_LOW",
            Level::Low => "LOW",
            Level::Medium => "MEDIUM",
            Level::High => "HIGH",
        }
    }
}

/// The parts of a confidence score, each in `[0, 1]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// Share of counts whose words agree with the digits.
    pub words: f64,
    /// Sum of rows = valid.
    pub sum: f64,
    /// valid + invalid + no-vote = total.
    pub total: f64,
    /// Province and constituency found in the registry.
    pub registry: f64,
    /// Share of expected fields present.
    pub completeness: f64,
}

/// How far a record can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Confidence {
    /// Weighted score in `[0, 1]`.
    pub score: f64,
    pub level: Level,
    /// The parts.
    pub breakdown: Breakdown,
    /// Whether a person must look at it before it counts.
    pub needs_review: bool,
}

impl Default for Confidence {
    fn default() -> Self {
        Confidence {
            score: 0.0,
            level: Level::VeryLow,
            breakdown: Breakdown::default(),
            needs_review: true,
        }
    }
}

/// One form image, as read and checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BallotRecord {
    /// Form type, if the label could be read.
    pub form: Option<FormType>,
    /// Province as written (NFC, without "จังหวัด").
    pub province: Option<String>,
    /// Official province code, once matched in the registry.
    pub province_code: Option<u16>,
    pub constituency: Option<u32>,
    /// District (อำเภอ/เขต).
    pub district: Option<String>,
    /// Subdistrict (ตำบล/แขวง).
    pub subdistrict: Option<String>,
    /// Polling unit number (5/18).
    pub polling_unit: Option<u32>,
    /// Page of a multi-page form.
    pub page: Option<Page>,
    /// False for a page without vote rows (signature page).
    pub has_vote_table: bool,
    /// The vote rows, in the order read.
    pub rows: Vec<VoteRow>,
    pub totals: Totals,
    /// Ballots received by the unit, when the form says.
    pub ballots_received: Option<u64>,
    /// Where it came from.
    pub source: Source,
    /// Confidence, set by validation.
    pub confidence: Confidence,
    /// Problems found, by extraction and validation.
    pub issues: Vec<Issue>,
    /// Where the place fields came from.
    #[serde(default, skip_serializing_if = "Sources::all_model")]
    pub sources: Sources,
    /// Every correction a person made, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<Correction>,
    /// A person accepted the record as it is (it leaves the review queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// (Boxed, as `reread`: most records have neither, and a hundred
    /// thousand are held at a time.)
    pub accepted: Option<Box<Acceptance>>,
    /// The second reading, when the ballot was read again (both readings
    /// kept; see `core::read::reread`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reread: Option<Box<crate::core::read::reread::SecondReading>>,
}

impl BallotRecord {
    /// The count of a row or total (`None` for other fields, or a row the
    /// form does not have).
    pub fn count(&self, field: &Field) -> Option<&Count> {
        match field {
            Field::Row(n) => self.rows.iter().find(|x| x.number == *n).map(|x| &x.votes),
            Field::Valid => self.totals.valid.as_ref(),
            Field::Invalid => self.totals.invalid.as_ref(),
            Field::NoVote => self.totals.no_vote.as_ref(),
            Field::Total => self.totals.total.as_ref(),
            _ => None,
        }
    }

    /// The count of a row or total, to change it.
    pub fn count_mut(&mut self, field: &Field) -> Option<&mut Count> {
        match field {
            Field::Row(n) => self
                .rows
                .iter_mut()
                .find(|x| x.number == *n)
                .map(|x| &mut x.votes),
            other => self.total_slot(other)?.as_mut(),
        }
    }

    /// Where a total's count lives (`None` for rows and other fields).
    pub fn total_slot(&mut self, field: &Field) -> Option<&mut Option<Count>> {
        let t = &mut self.totals;
        match field {
            Field::Valid => Some(&mut t.valid),
            Field::Invalid => Some(&mut t.invalid),
            Field::NoVote => Some(&mut t.no_vote),
            Field::Total => Some(&mut t.total),
            _ => None,
        }
    }

    /// The category, if the form type is known.
    pub fn category(&self) -> Option<Category> {
        self.form.map(|f| f.category)
    }

    /// Whether the record waits for a person: its checks failed (or its
    /// confidence is low) and no one accepted it.
    pub fn in_review_queue(&self) -> bool {
        self.confidence.needs_review && self.accepted.is_none()
    }

    /// Whether any issue is an error.
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}
