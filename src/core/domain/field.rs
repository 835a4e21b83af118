//! Which value of a form an issue, a correction or a second reading is
//! about, typed. On the wire (sessions, exports, the journal) a field is
//! the short English name it has always had: `row 3`, `valid`, `no-vote`,
//! `province`, and a cell of words is `row 3 words`. A name this version
//! does not know (from a newer export) is kept as it was, never dropped.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A value of a form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Field {
    Province,
    Constituency,
    Unit,
    /// The votes of candidate or party `n`.
    Row(u32),
    /// A row whose key is not a number (as the answer wrote it).
    RowKey(String),
    Valid,
    Invalid,
    NoVote,
    Total,
    BallotsReceived,
    Page,
    /// How many pages the form has.
    PageCount,
    /// The table of votes as a whole.
    Rows,
    FormType,
    /// The totals block as a whole.
    Totals,
    /// The model's answer as a whole.
    Answer,
    /// The picked image.
    Image,
    /// The record as a whole (its place in the batch).
    Record,
    /// A name this version does not know.
    Other(String),
}

/// The four totals of a form, in its order.
pub const TOTALS: [Field; 4] = [Field::Valid, Field::Invalid, Field::NoVote, Field::Total];

const NAMES: [(Field, &str); 16] = [
    (Field::Province, "province"),
    (Field::Constituency, "constituency"),
    (Field::Unit, "unit"),
    (Field::Valid, "valid"),
    (Field::Invalid, "invalid"),
    (Field::NoVote, "no-vote"),
    (Field::Total, "total"),
    (Field::BallotsReceived, "ballots received"),
    (Field::Page, "page"),
    (Field::PageCount, "page count"),
    (Field::Rows, "rows"),
    (Field::FormType, "form_type"),
    (Field::Totals, "totals"),
    (Field::Answer, "answer"),
    (Field::Record, "record"),
    (Field::Image, "image"),
];

impl Field {
    /// The digits of this field, as a cell.
    pub fn digits(self) -> Cell {
        Cell {
            field: self,
            words: false,
        }
    }

    /// The Thai words of this field, as a cell.
    pub fn words(self) -> Cell {
        Cell {
            field: self,
            words: true,
        }
    }

    /// One of the four totals.
    pub fn is_total(&self) -> bool {
        TOTALS.contains(self)
    }

    fn parse(s: &str) -> Field {
        if let Some((f, _)) = NAMES.iter().find(|(_, n)| *n == s) {
            return f.clone();
        }
        match s {
            "polling_unit" | "polling unit" => Field::Unit,
            _ => match s.strip_prefix("row ") {
                Some(n) => n
                    .parse()
                    .map_or_else(|_| Field::RowKey(n.into()), Field::Row),
                None => Field::Other(s.into()),
            },
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Row(n) => write!(f, "row {n}"),
            Field::RowKey(k) => write!(f, "row {k}"),
            Field::Other(s) => f.write_str(s),
            known => {
                let name = NAMES.iter().find(|(k, _)| k == known).map(|(_, n)| *n);
                f.write_str(name.unwrap_or("?"))
            }
        }
    }
}

impl From<&str> for Field {
    fn from(s: &str) -> Field {
        Field::parse(s)
    }
}

impl From<String> for Field {
    fn from(s: String) -> Field {
        Field::parse(&s)
    }
}

impl From<Field> for String {
    fn from(f: Field) -> String {
        f.to_string()
    }
}

/// A cell a person can correct: a field's digits, or its Thai words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub struct Cell {
    pub field: Field,
    /// The Thai words rather than the digits.
    pub words: bool,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.words {
            true => write!(f, "{} words", self.field),
            false => write!(f, "{}", self.field),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        match s.strip_suffix(" words") {
            Some(base) => Field::parse(base).words(),
            None => Field::parse(s).digits(),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::from(s.as_str())
    }
}

impl From<Cell> for String {
    fn from(c: Cell) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_itself() {
        for name in [
            "province",
            "constituency",
            "unit",
            "row 3",
            "row x",
            "valid",
            "invalid",
            "no-vote",
            "total",
            "ballots received",
            "page",
            "page count",
            "rows",
            "totals",
            "answer",
            "form_type",
            "record",
            "image",
            "something new",
        ] {
            assert_eq!(Field::from(name).to_string(), name);
            let words = format!("{name} words");
            assert_eq!(Cell::from(words.as_str()).to_string(), words);
        }
    }

    #[test]
    fn typed_from_their_names() {
        assert_eq!(Field::from("row 12"), Field::Row(12));
        assert_eq!(Field::from("row x"), Field::RowKey("x".into()));
        assert_eq!(Field::from("polling_unit"), Field::Unit);
        assert_eq!(Cell::from("no-vote words"), Field::NoVote.words());
        assert_eq!(Cell::from("row 4"), Field::Row(4).digits());
    }

    #[test]
    fn serialized_as_the_old_strings() {
        let json = serde_json::to_string(&[Field::Row(2).words(), Field::Valid.digits()]).unwrap();
        assert_eq!(json, r#"["row 2 words","valid"]"#);
        let back: Vec<Field> = serde_json::from_str(r#"["row 2","total"]"#).unwrap();
        assert_eq!(back, [Field::Row(2), Field::Total]);
    }
}
