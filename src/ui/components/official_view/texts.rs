//! The discrepancy view's words: what a discrepancy concerns, how severe, how much is covered.

use crate::core::domain::registry::Registry;
use crate::core::results::official::{Comparison, Severity, Subject};
use crate::ui::i18n::{th, Lang};

/// What a discrepancy is about, in the page's language.
pub(crate) fn subject_text(lang: Lang, s: &Subject, registry: &Registry) -> String {
    let party = |n: u32| registry.party(n).map(|p| format!("{} ({n})", p.name_th));
    match (s, lang) {
        (Subject::Candidate(n), Lang::Th) => format!("ผู้สมัครหมายเลข {n}"),
        (Subject::Candidate(n), Lang::En) => format!("Candidate {n}"),
        (Subject::Party(n), Lang::Th) => party(*n).unwrap_or_else(|| format!("พรรคหมายเลข {n}")),
        (Subject::Party(n), Lang::En) => party(*n).unwrap_or_else(|| format!("Party {n}")),
        (Subject::Valid, _) => th(lang, "บัตรดี", "Valid ballots").into(),
        (Subject::Invalid, _) => th(lang, "บัตรเสีย", "Invalid ballots").into(),
        (Subject::NoVote, _) => th(lang, "ไม่เลือกผู้ใด", "No vote").into(),
        (Subject::Turnout, _) => th(lang, "ผู้มาใช้สิทธิ", "Ballots used").into(),
    }
}

pub(crate) fn severity_text(lang: Lang, s: Severity) -> &'static str {
    match s {
        Severity::High => th(lang, "สูง", "High"),
        Severity::Medium => th(lang, "กลาง", "Medium"),
        Severity::Low => th(lang, "ต่ำ", "Low"),
    }
}

pub(super) fn coverage_line(lang: Lang, c: &Comparison) -> String {
    let full = c.coverage.iter().filter(|k| k.full).count();
    let partial = c.coverage.len() - full;
    match lang {
        Lang::Th => format!(
            "เทียบได้ครบ {full} รายการ (อ่านครบทุกหน่วยและ กกต. นับครบ) · อ่านยังไม่ครบ {partial} รายการ (บอกได้เฉพาะที่เกินแน่นอน) · ไม่มีผลทางการ {} รายการ · ข้อแตกต่าง {} รายการ",
            c.without_official,
            c.discrepancies.len()
        ),
        Lang::En => format!(
            "{full} compared exactly (every unit read, official count complete) · {partial} partly read (only certain excesses said) · {} without an official result · {} discrepancies",
            c.without_official,
            c.discrepancies.len()
        ),
    }
}
