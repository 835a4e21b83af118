//! The results table as data: one [`RowFacts`] per picked file, and which
//! of them a view shows ([`select`]): filtered by status, form and
//! province, sorted by a column, one page at a time. Pure, so the table
//! stays smooth at thousands of rows and is tested natively.

use crate::core::domain::ballot::{digits, BallotRecord, Level};
use std::cmp::Ordering;

/// How a file ended, as the table shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowStatus {
    /// A record with no problem that needs a person (or accepted by one).
    Read,
    /// A record that needs review.
    Review,
    /// No record.
    Error,
    /// Not started (cancelled, or the key was refused).
    NotStarted,
}

/// What a row shows and is sorted or filtered by.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowFacts {
    /// Position in the batch, from 1 (file order).
    pub index: usize,
    pub file: String,
    pub status: Option<RowStatus>,
    /// The form's label ("ส.ส. 5/18", "ส.ส. 5/18 (บช)").
    pub form: Option<String>,
    pub province: Option<String>,
    pub constituency: Option<u32>,
    pub unit: Option<u32>,
    /// Vote rows read.
    pub rows: Option<usize>,
    pub valid: Option<u64>,
    pub total: Option<u64>,
    /// Confidence score in `[0, 1]` and its level.
    pub score: Option<f64>,
    pub level: Option<Level>,
}

impl RowFacts {
    /// The facts of a file that ended with a record.
    pub fn of_record(index: usize, file: &str, r: &BallotRecord) -> Self {
        RowFacts {
            index,
            file: file.into(),
            status: Some(if r.in_review_queue() {
                RowStatus::Review
            } else {
                RowStatus::Read
            }),
            form: r.form.map(|f| f.label()),
            province: r.province.clone(),
            constituency: r.constituency,
            unit: r.polling_unit,
            rows: r.has_vote_table.then_some(r.rows.len()),
            valid: digits(&r.totals.valid),
            total: digits(&r.totals.total),
            score: Some(r.confidence.score),
            level: Some(r.confidence.level),
        }
    }

    /// The facts of a file that ended without one.
    pub fn of_error(index: usize, file: &str, status: RowStatus) -> Self {
        RowFacts {
            index,
            file: file.into(),
            status: Some(status),
            ..RowFacts::default()
        }
    }
}

/// Which rows to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    #[default]
    All,
    /// Records in the review queue.
    NeedsReview,
    /// Files without a record (failed or not started).
    Failed,
}

/// A column to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Column {
    /// File order.
    #[default]
    Index,
    File,
    Status,
    Form,
    Province,
    Constituency,
    Unit,
    Rows,
    Valid,
    Total,
    Confidence,
}

impl Column {
    /// Every column, in the table's order after `#`.
    pub const ALL: [Column; 11] = [
        Column::File,
        Column::Status,
        Column::Form,
        Column::Province,
        Column::Constituency,
        Column::Unit,
        Column::Rows,
        Column::Valid,
        Column::Total,
        Column::Confidence,
        Column::Index,
    ];
}

/// A view of the table: filter, sort, page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub show: Show,
    /// Only this form label.
    pub form: Option<String>,
    /// Only this province.
    pub province: Option<String>,
    pub sort: Column,
    pub descending: bool,
}

impl Query {
    fn keeps(&self, r: &RowFacts) -> bool {
        let shown = match self.show {
            Show::All => true,
            Show::NeedsReview => r.status == Some(RowStatus::Review),
            Show::Failed => matches!(r.status, Some(RowStatus::Error | RowStatus::NotStarted)),
        };
        shown
            && self
                .form
                .as_ref()
                .is_none_or(|f| r.form.as_ref() == Some(f))
            && self
                .province
                .as_ref()
                .is_none_or(|p| r.province.as_ref() == Some(p))
    }
}

/// Orders two rows by `c`; empty values last, ties in file order.
fn compare(a: &RowFacts, b: &RowFacts, c: Column) -> Ordering {
    fn opt<T: PartialOrd>(a: &Option<T>, b: &Option<T>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    match c {
        Column::Index => Ordering::Equal,
        Column::File => a.file.cmp(&b.file),
        Column::Status => opt(&a.status, &b.status),
        Column::Form => opt(&a.form, &b.form),
        Column::Province => opt(&a.province, &b.province),
        Column::Constituency => opt(&a.constituency, &b.constituency),
        Column::Unit => opt(&a.unit, &b.unit),
        Column::Rows => opt(&a.rows, &b.rows),
        Column::Valid => opt(&a.valid, &b.valid),
        Column::Total => opt(&a.total, &b.total),
        Column::Confidence => opt(&a.score, &b.score),
    }
    .then(a.index.cmp(&b.index))
}

/// Whether `r` has no value in column `c` (shown last in either direction).
fn empty(r: &RowFacts, c: Column) -> bool {
    match c {
        Column::Index | Column::File => false,
        Column::Status => r.status.is_none(),
        Column::Form => r.form.is_none(),
        Column::Province => r.province.is_none(),
        Column::Constituency => r.constituency.is_none(),
        Column::Unit => r.unit.is_none(),
        Column::Rows => r.rows.is_none(),
        Column::Valid => r.valid.is_none(),
        Column::Total => r.total.is_none(),
        Column::Confidence => r.score.is_none(),
    }
}

/// The positions in `rows` the query shows, in order (`facts` reads a
/// row's facts, so callers keep their own row type).
pub fn select<R>(rows: &[R], facts: fn(&R) -> &RowFacts, q: &Query) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..rows.len())
        .filter(|&i| q.keeps(facts(&rows[i])))
        .collect();
    shown.sort_by(|&a, &b| {
        let (a, b) = (facts(&rows[a]), facts(&rows[b]));
        empty(a, q.sort).cmp(&empty(b, q.sort)).then_with(|| {
            let o = compare(a, b, q.sort);
            if q.descending {
                o.reverse()
            } else {
                o
            }
        })
    });
    shown
}

/// The page `page` (from 0) of `shown`, `size` rows a page; the last page
/// when `page` is past the end.
pub fn page(shown: &[usize], page: usize, size: usize) -> (&[usize], usize) {
    let size = size.max(1);
    let pages = shown.len().div_ceil(size).max(1);
    let page = page.min(pages - 1);
    let from = page * size;
    (&shown[from..(from + size).min(shown.len())], page)
}

/// The values a filter offers for a column (forms, provinces), sorted.
pub fn choices<R>(
    rows: &[R],
    facts: fn(&R) -> &RowFacts,
    pick: fn(&RowFacts) -> Option<&String>,
) -> Vec<String> {
    let mut out: Vec<String> = rows.iter().map(facts).filter_map(pick).cloned().collect();
    out.sort();
    out.dedup();
    out
}

/// A file name as it may be shown: control characters and the marks that
/// reorder text (bidi overrides, embeddings, isolates, direction marks)
/// written out as `⟦U+202E⟧`, so a name cannot hide or reverse what is
/// around it. (The page also isolates it, in `<bdi>`.)
pub fn display_name(name: &str) -> String {
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    };
    if !name.chars().any(hidden) {
        return name.to_string();
    }
    name.chars()
        .map(|c| match hidden(c) {
            true => format!("⟦U+{:04X}⟧", u32::from(c)),
            false => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(index: usize, status: RowStatus, province: &str, valid: Option<u64>) -> RowFacts {
        RowFacts {
            index,
            file: format!("f{index:02}.png"),
            status: Some(status),
            province: (!province.is_empty()).then(|| province.into()),
            valid,
            form: Some(
                if index.is_multiple_of(2) {
                    "ส.ส. 5/18"
                } else {
                    "ส.ส. 5/18 (บช)"
                }
                .into(),
            ),
            ..RowFacts::default()
        }
    }

    fn rows() -> Vec<RowFacts> {
        vec![
            row(1, RowStatus::Read, "แพร่", Some(600)),
            row(2, RowStatus::Review, "น่าน", Some(10)),
            row(3, RowStatus::Error, "", None),
            row(4, RowStatus::Read, "แพร่", Some(50)),
            row(5, RowStatus::NotStarted, "", None),
        ]
    }

    #[test]
    fn filters_and_sorts_as_a_volunteer_expects() {
        let rows = rows();
        let idx = |q: Query| -> Vec<usize> {
            select(&rows, |r| r, &q)
                .into_iter()
                .map(|i| rows[i].index)
                .collect()
        };
        let cases: Vec<(Query, Vec<usize>)> = vec![
            (Query::default(), vec![1, 2, 3, 4, 5]),
            (
                Query {
                    show: Show::NeedsReview,
                    ..Query::default()
                },
                vec![2],
            ),
            (
                Query {
                    show: Show::Failed,
                    ..Query::default()
                },
                vec![3, 5],
            ),
            (
                Query {
                    province: Some("แพร่".into()),
                    ..Query::default()
                },
                vec![1, 4],
            ),
            (
                Query {
                    form: Some("ส.ส. 5/18".into()),
                    ..Query::default()
                },
                vec![2, 4],
            ),
            // Empty values last whichever the direction of the values.
            (
                Query {
                    sort: Column::Valid,
                    ..Query::default()
                },
                vec![2, 4, 1, 3, 5],
            ),
            (
                Query {
                    sort: Column::Status,
                    ..Query::default()
                },
                vec![1, 4, 2, 3, 5],
            ),
            (
                Query {
                    sort: Column::Valid,
                    descending: true,
                    ..Query::default()
                },
                vec![1, 4, 2, 5, 3],
            ),
            (
                Query {
                    sort: Column::Index,
                    descending: true,
                    ..Query::default()
                },
                vec![5, 4, 3, 2, 1],
            ),
        ];
        for (q, want) in cases {
            assert_eq!(idx(q.clone()), want, "{q:?}");
        }
    }

    #[test]
    fn pages_never_panic() {
        let shown: Vec<usize> = (0..250).collect();
        assert_eq!(page(&shown, 0, 100).0.len(), 100);
        assert_eq!(page(&shown, 2, 100), (&shown[200..], 2));
        assert_eq!(page(&shown, 9, 100).1, 2, "past the end: the last page");
        assert_eq!(page(&[], 3, 0), (&[][..], 0));
    }

    #[test]
    fn choices_are_distinct_and_sorted() {
        let rows = rows();
        assert_eq!(
            choices(&rows, |r| r, |r| r.province.as_ref()),
            vec!["น่าน", "แพร่"]
        );
    }

    #[test]
    fn names_that_hide_or_reverse_text_are_shown_safely() {
        for (name, shown) in [
            ("scan_01.jpg", "scan_01.jpg"),
            ("หน่วย 3/ส.ส. 5-18.png", "หน่วย 3/ส.ส. 5-18.png"),
            ("invoice\u{202E}gpj.exe", "invoice⟦U+202E⟧gpj.exe"),
            ("a\nb\tc", "a⟦U+000A⟧b⟦U+0009⟧c"),
            ("\u{2067}x\u{2069}", "⟦U+2067⟧x⟦U+2069⟧"),
        ] {
            assert_eq!(super::display_name(name), shown);
        }
    }
}
