//! The six ECT count forms: ส.ส. 5/16 (early voting), 5/17 (out-of-district
//! and overseas), 5/18 (per polling unit), each for the constituency ballot
//! (แบ่งเขต) or the party-list ballot (บัญชีรายชื่อ, "(บช)").

use crate::core::domain::thai::thai_to_ascii_digits;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which count a form reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// ส.ส. 5/16: early voting.
    Early,
    /// ส.ส. 5/17: out-of-district and overseas voting.
    OutOfDistrict,
    /// ส.ส. 5/18: one polling unit on election day.
    PollingUnit,
}

/// Which ballot a form counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// แบ่งเขต: candidates of one constituency.
    Constituency,
    /// บัญชีรายชื่อ "(บช)": parties.
    PartyList,
}

/// A form type: kind and category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FormType {
    /// 5/16, 5/17 or 5/18.
    pub kind: FormKind,
    /// Constituency or party list.
    pub category: Category,
}

impl FormType {
    /// "5/16", "5/17" or "5/18".
    pub fn code(&self) -> &'static str {
        match self.kind {
            FormKind::Early => "5/16",
            FormKind::OutOfDistrict => "5/17",
            FormKind::PollingUnit => "5/18",
        }
    }

    /// The label as printed, with Arabic digits: "ส.ส. 5/18 (บช)".
    pub fn label(&self) -> String {
        match self.category {
            Category::Constituency => format!("ส.ส. {}", self.code()),
            Category::PartyList => format!("ส.ส. {} (บช)", self.code()),
        }
    }

    /// Thai description.
    pub fn name_th(&self) -> String {
        let kind = match self.kind {
            FormKind::Early => "การลงคะแนนก่อนวันเลือกตั้ง",
            FormKind::OutOfDistrict => "การลงคะแนนนอกเขตและนอกราชอาณาจักร",
            FormKind::PollingUnit => "หน่วยเลือกตั้ง",
        };
        let cat = match self.category {
            Category::Constituency => "แบบแบ่งเขตเลือกตั้ง",
            Category::PartyList => "แบบบัญชีรายชื่อ",
        };
        format!("{} {kind} {cat}", self.label())
    }

    /// English description.
    pub fn name_en(&self) -> String {
        let kind = match self.kind {
            FormKind::Early => "early voting",
            FormKind::OutOfDistrict => "out-of-district and overseas voting",
            FormKind::PollingUnit => "polling unit",
        };
        let cat = match self.category {
            Category::Constituency => "constituency",
            Category::PartyList => "party-list",
        };
        format!("Form {} ({kind}, {cat})", self.code())
    }

    /// Reads a form type from any label a model may give: "ส.ส. 5/18 (บช)",
    /// "สส. ๕/๑๘ (บช)", "5/18", "ส.ส.5/17", "5-16". `party_list` (from a
    /// separate `is_party_list` field) decides the category when the label
    /// does not say; otherwise the label's "(บช)"/"บัญชีรายชื่อ" wins.
    pub fn parse(label: &str, party_list: Option<bool>) -> Option<FormType> {
        let s = thai_to_ascii_digits(label).to_ascii_lowercase();
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let kind = ["5/16", "5-16", "5.16"]
            .iter()
            .any(|p| compact.contains(p))
            .then_some(FormKind::Early)
            .or_else(|| {
                ["5/17", "5-17", "5.17"]
                    .iter()
                    .any(|p| compact.contains(p))
                    .then_some(FormKind::OutOfDistrict)
            })
            .or_else(|| {
                ["5/18", "5-18", "5.18"]
                    .iter()
                    .any(|p| compact.contains(p))
                    .then_some(FormKind::PollingUnit)
            })?;
        let label_says_party = ["บช", "บัญชีรายชื่อ", "party", "partylist"]
            .iter()
            .any(|p| compact.contains(p));
        let label_says_constituency = ["แบ่งเขต", "constituency"]
            .iter()
            .any(|p| compact.contains(p));
        let category = if label_says_party {
            Category::PartyList
        } else if label_says_constituency {
            Category::Constituency
        } else if party_list == Some(true) {
            Category::PartyList
        } else {
            Category::Constituency
        };
        Some(FormType { kind, category })
    }
}

impl fmt::Display for FormType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(label: &str, hint: Option<bool>, expect: Option<(&str, Category)>) {
        let got = FormType::parse(label, hint).map(|f| (f.code(), f.category));
        assert_eq!(got, expect, "{label:?} {hint:?}");
    }

    #[test]
    fn labels() {
        use Category::*;
        check("ส.ส. 5/18 (บช)", None, Some(("5/18", PartyList)));
        check("สส. ๕/๑๘ (บช)", None, Some(("5/18", PartyList)));
        check("ส.ส. ๕/๑๗", None, Some(("5/17", Constituency)));
        check("ส.ส.5/16", None, Some(("5/16", Constituency)));
        check("5/18", Some(true), Some(("5/18", PartyList)));
        check("5/18", Some(false), Some(("5/18", Constituency)));
        check("5-17 บัญชีรายชื่อ", Some(false), Some(("5/17", PartyList)));
        check("ส.ส. 5/18 แบ่งเขต", Some(true), Some(("5/18", Constituency)));
        check("Form 5/16 party-list", None, Some(("5/16", PartyList)));
        check("ส.ส. 5/11", None, None);
        check("", Some(true), None);
    }

    #[test]
    fn names() {
        let f = FormType {
            kind: FormKind::PollingUnit,
            category: Category::PartyList,
        };
        assert_eq!(f.label(), "ส.ส. 5/18 (บช)");
        assert!(f.name_th().contains("บัญชีรายชื่อ"));
        assert_eq!(f.name_en(), "Form 5/18 (polling unit, party-list)");
        for kind in [
            FormKind::Early,
            FormKind::OutOfDistrict,
            FormKind::PollingUnit,
        ] {
            for category in [Category::Constituency, Category::PartyList] {
                let f = FormType { kind, category };
                assert_eq!(FormType::parse(&f.label(), None), Some(f));
            }
        }
    }
}
