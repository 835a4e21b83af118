//! Province, constituency and polling unit from a file's folder and name,
//! as volunteers file their photos: `…/แพร่/เขต 1/หน่วย 12/IMG_0001.jpg`,
//! `phrae_c1_u12.jpg`, `Phrae/constituency-1/unit 12.png`. The model's
//! reading is checked against them, and they fill what it missed; each
//! value says where it came from.

use crate::core::domain::ballot::{BallotRecord, Issue, IssueCode, Severity, ValueSource};
use crate::core::domain::field::Field;
use crate::core::domain::registry::Registry;
use crate::core::domain::thai::{nfc_thai, thai_to_ascii_digits};

/// What a path says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathHints {
    /// The province's Thai name, as in the registry.
    pub province: Option<String>,
    pub constituency: Option<u32>,
    pub polling_unit: Option<u32>,
}

impl PathHints {
    pub fn is_empty(&self) -> bool {
        *self == PathHints::default()
    }
}

/// Words that name a constituency or a unit, followed by (or fused with)
/// its number.
const CONSTITUENCY: &[&str] = &[
    "เขตเลือกตั้งที่",
    "เขตเลือกตั้ง",
    "เขตที่",
    "เขต",
    "constituency",
    "const",
    "cons",
    "c",
];
const UNIT: &[&str] = &["หน่วยเลือกตั้งที่", "หน่วยเลือกตั้ง", "หน่วยที่", "หน่วย", "unit", "u"];

/// The path's tokens: split at separators, digits made ASCII, NFC,
/// lower-case ASCII; the file's extension dropped.
fn tokens(path: &str) -> Vec<String> {
    let path = nfc_thai(&thai_to_ascii_digits(path));
    let stem = match path.rfind('.') {
        Some(dot) if dot > path.rfind(['/', '\\']).map_or(0, |s| s + 1) => &path[..dot],
        _ => &path[..],
    };
    stem.split(['/', '\\', '_', '-', ' ', '.', ','])
        .filter(|t| !t.is_empty())
        .map(|t| t.to_ascii_lowercase())
        .collect()
}

/// A number named by one of `words`: fused ("c1", "เขต1") or the next token.
fn numbered(tokens: &[String], words: &[&str]) -> Option<u32> {
    for (i, t) in tokens.iter().enumerate() {
        for w in words {
            let Some(rest) = t.strip_prefix(w) else {
                continue;
            };
            if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) {
                return rest.parse().ok().filter(|n| *n > 0);
            }
            let next = tokens
                .get(i + 1)
                .filter(|n| n.chars().all(|c| c.is_ascii_digit()));
            if rest.is_empty() && w.chars().count() > 1 {
                if let Some(n) = next {
                    return n.parse().ok().filter(|n| *n > 0);
                }
            }
        }
    }
    None
}

/// The first run of one to three tokens that names a province.
fn province(tokens: &[String], registry: &Registry) -> Option<String> {
    for len in (1..=3).rev() {
        for w in tokens.windows(len) {
            if let Some(p) = registry.province(&w.join(" ")) {
                return Some(p.name_th.clone());
            }
        }
    }
    None
}

/// What `path` says about its form.
pub fn hints(path: &str, registry: &Registry) -> PathHints {
    let t = tokens(path);
    PathHints {
        province: province(&t, registry),
        constituency: numbered(&t, CONSTITUENCY),
        polling_unit: numbered(&t, UNIT),
    }
}

/// Checks a record's place against its path: a value the model did not
/// read is filled from the path (and marked so); one that differs is an
/// error naming both, for a person to settle.
pub fn apply(r: &mut BallotRecord, h: &PathHints, registry: &Registry) {
    if let Some(p) = &h.province {
        let read = r.province.as_deref().and_then(|x| registry.province(x));
        match (&r.province, read) {
            (None, _) => {
                r.province = Some(p.clone());
                r.sources.province = ValueSource::Path;
            }
            (Some(_), Some(q)) if q.name_th == *p => {}
            (Some(x), _) => r.issues.push(mismatch(Field::Province, x, p)),
        }
    }
    if let Some(c) = h.constituency {
        match r.constituency {
            None => {
                r.constituency = Some(c);
                r.sources.constituency = ValueSource::Path;
            }
            Some(x) if x != c => r.issues.push(mismatch(Field::Constituency, &x, &c)),
            Some(_) => {}
        }
    }
    if let Some(u) = h.polling_unit {
        match r.polling_unit {
            None => {
                r.polling_unit = Some(u);
                r.sources.polling_unit = ValueSource::Path;
            }
            Some(x) if x != u => r.issues.push(mismatch(Field::Unit, &x, &u)),
            Some(_) => {}
        }
    }
}

fn mismatch(field: Field, read: &dyn ToString, path: &dyn ToString) -> Issue {
    let (read, path) = (read.to_string(), path.to_string());
    let why = format!("{field}: the form says {read} but the file's folder or name says {path}");
    Issue::new(IssueCode::PathMismatch, Severity::Error, field, why).with_args([read, path])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(path: &str) -> PathHints {
        hints(path, &Registry::builtin())
    }

    fn hint(p: Option<&str>, c: Option<u32>, u: Option<u32>) -> PathHints {
        PathHints {
            province: p.map(str::to_string),
            constituency: c,
            polling_unit: u,
        }
    }

    #[test]
    fn folder_and_file_names_in_thai_and_english() {
        let cases = [
            (
                "scans/แพร่/เขต 1/หน่วย 12/IMG_0001.jpg",
                hint(Some("แพร่"), Some(1), Some(12)),
            ),
            ("phrae_c1_u12.jpg", hint(Some("แพร่"), Some(1), Some(12))),
            (
                "Phrae/constituency-2/unit 7.png",
                hint(Some("แพร่"), Some(2), Some(7)),
            ),
            (
                "จังหวัดแพร่/เขตเลือกตั้งที่ ๓/หน่วยเลือกตั้งที่ ๔.jpeg",
                hint(Some("แพร่"), Some(3), Some(4)),
            ),
            (
                "กรุงเทพมหานคร/เขต10/หน่วย5.jpg",
                hint(Some("กรุงเทพมหานคร"), Some(10), Some(5)),
            ),
            (
                "Nakhon Ratchasima/c3_u1.jpg",
                hint(Some("นครราชสีมา"), Some(3), Some(1)),
            ),
            (
                "nakhon_ratchasima_c3.jpg",
                hint(Some("นครราชสีมา"), Some(3), None),
            ),
            ("IMG_2031.jpg", hint(None, None, None)),
            ("unit_0.png", hint(None, None, None)),
            ("cover.png", hint(None, None, None)),
        ];
        for (path, want) in cases {
            assert_eq!(h(path), want, "{path}");
        }
    }

    #[test]
    fn the_path_fills_what_the_model_missed_and_flags_what_differs() {
        let reg = Registry::builtin();
        let mut r = BallotRecord {
            province: Some("แพร่".into()),
            constituency: Some(2),
            ..BallotRecord::default()
        };
        apply(&mut r, &h("แพร่/เขต 1/หน่วย 12/a.jpg"), &reg);
        assert_eq!(r.polling_unit, Some(12));
        assert_eq!(r.sources.polling_unit, ValueSource::Path);
        assert_eq!(r.sources.province, ValueSource::Model);
        let codes: Vec<_> = r
            .issues
            .iter()
            .map(|i| (i.code, i.field.clone(), i.args.clone()))
            .collect();
        assert_eq!(
            codes,
            vec![(
                IssueCode::PathMismatch,
                Field::Constituency,
                vec!["2".to_string(), "1".to_string()]
            )]
        );
    }
}

/// One run of a path: digits (compared by value) or other text.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Run<'a> {
    Number(usize, &'a str),
    Text(&'a str),
}

fn runs(s: &str) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut digits = None;
    for (i, c) in s.char_indices() {
        let d = c.is_ascii_digit();
        if digits.is_some_and(|was| was != d) {
            out.push(run(&s[start..i]));
            start = i;
        }
        digits = Some(d);
    }
    if start < s.len() {
        out.push(run(&s[start..]));
    }
    out
}

fn run(part: &str) -> Run<'_> {
    if part.bytes().all(|b| b.is_ascii_digit()) {
        // Leading zeros do not count; a longer number is a larger one.
        let value = part.trim_start_matches('0');
        Run::Number(value.len(), value)
    } else {
        Run::Text(part)
    }
}

/// Orders paths as a person reads them: runs of digits by their value, so
/// `หน่วย 2/…` comes before `หน่วย 10/…` (the order of a picked folder).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    runs(a).cmp(&runs(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod order_tests {
    use super::natural_cmp;

    #[test]
    fn folders_in_the_order_a_person_reads_them() {
        let mut paths = vec![
            "แพร่/เขต 1/หน่วย 10/a.png",
            "แพร่/เขต 1/หน่วย 2/a.png",
            "แพร่/เขต 1/หน่วย 1/b.png",
            "แพร่/เขต 1/หน่วย 1/a.png",
            "scan_010.png",
            "scan_9.png",
            "แพร่/เขต 1/หน่วย 007/a.png",
        ];
        paths.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            paths,
            [
                "scan_9.png",
                "scan_010.png",
                "แพร่/เขต 1/หน่วย 1/a.png",
                "แพร่/เขต 1/หน่วย 1/b.png",
                "แพร่/เขต 1/หน่วย 2/a.png",
                "แพร่/เขต 1/หน่วย 007/a.png",
                "แพร่/เขต 1/หน่วย 10/a.png",
            ]
        );
    }
}
