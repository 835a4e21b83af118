//! Which page of a form a reading is: a number, "2/4", "หน้า ๒/๔",
//! `{number, of}`, or the party numbers it holds ("21-40").

use super::aliases::{PAGE, PAGE_NUMBER_IN_OBJECT, PAGE_OF, PAGE_OF_IN_OBJECT, PAGE_ROWS};
use super::reader::{get, Reader};
use super::MAX_PAGE;
use crate::core::domain::ballot::{IssueCode, Page, Severity};
use crate::core::domain::field::Field;
use crate::core::domain::thai::thai_to_ascii_digits;
use crate::core::read::validate::PARTY_ROWS_PER_PAGE;
use serde_json::{Map, Value};

/// The page, if its numbers are believable (1 to [`MAX_PAGE`], and not
/// beyond its own count).
pub(super) fn read_page(m: &Map<String, Value>, r: &mut Reader) -> Option<Page> {
    let page = read_page_as_written(m, r).or_else(|| page_of_rows(m))?;
    let bad = page.number == 0
        || page.number > MAX_PAGE
        || page
            .of
            .is_some_and(|of| of == 0 || of > MAX_PAGE || page.number > of);
    if bad {
        let of = page.of.map(|o| format!(" of {o}")).unwrap_or_default();
        r.issue(
            IssueCode::Missing,
            Severity::Error,
            &Field::Page,
            format!("page {}{of} is not a page of a count form", page.number),
        );
        return None;
    }
    Some(page)
}

fn read_page_as_written(m: &Map<String, Value>, r: &mut Reader) -> Option<Page> {
    match get(m, PAGE)? {
        Value::Object(p) => {
            let number =
                get(p, PAGE_NUMBER_IN_OBJECT).and_then(|v| r.small_number(v, &Field::Page))?;
            let of = get(p, PAGE_OF_IN_OBJECT).and_then(|v| r.small_number(v, &Field::PageCount));
            Some(Page { number, of })
        }
        Value::String(s) if thai_to_ascii_digits(s).contains('/') => {
            let ascii = thai_to_ascii_digits(s);
            let (a, b) = ascii.split_once('/')?;
            let number = r.small_number(&Value::String(a.into()), &Field::Page)?;
            let of = r.small_number(&Value::String(b.into()), &Field::PageCount);
            Some(Page { number, of })
        }
        v => {
            let number = r.small_number(v, &Field::Page)?;
            let of = get(m, PAGE_OF).and_then(|v| r.small_number(v, &Field::PageCount));
            Some(Page { number, of })
        }
    }
}

/// The printed page of a party-list form that holds the party numbers
/// written as "21-40" (rows 1-20 on page 1, 21-40 on page 2, …).
fn page_of_rows(m: &Map<String, Value>) -> Option<Page> {
    let (first, _) = party_range(get(m, PAGE_ROWS)?.as_str()?)?;
    Some(Page {
        number: (first.max(1) - 1) / PARTY_ROWS_PER_PAGE + 1,
        of: None,
    })
}

/// "21-40", "๒๑ – ๔๐", "พรรคที่ 21 ถึง 40": the first and last numbers.
pub(super) fn party_range(s: &str) -> Option<(u32, u32)> {
    let ascii = thai_to_ascii_digits(s);
    let numbers: Vec<u32> = ascii
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty() && p.len() <= 4)
        .filter_map(|p| p.parse().ok())
        .collect();
    match numbers.as_slice() {
        [a, b] if a <= b => Some((*a, *b)),
        _ => None,
    }
}
