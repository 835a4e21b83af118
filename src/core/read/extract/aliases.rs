//! Every name a reading may give a field, one named table a field: the
//! app's own prompt, the Python tool's `BallotData` and prompts
//! (`vote_counts`, `party_votes`, `blank_votes`, `page_parties`…), Thai
//! labels as printed on the form, and the variants models write. The first
//! name present (and not null) wins. Each alias has its own test below.

/// The form type label ("ส.ส. ๕/๑๘ (บช)", "5/18").
pub const FORM_LABEL: &[&str] = &[
    "form_type",
    "form_code",
    "form",
    "form_label",
    "form_label_as_printed",
    "แบบ",
];
/// A yes/no saying the form is party-list.
pub const PARTY_LIST_FLAG: &[&str] = &["is_party_list", "party_list", "partylist"];
/// A category word ("party_list", "constituency", "บัญชีรายชื่อ").
pub const CATEGORY: &[&str] = &["form_category", "category", "ballot_type"];
/// The province.
pub const PROVINCE: &[&str] = &["province", "province_name", "จังหวัด"];
/// The constituency number.
pub const CONSTITUENCY: &[&str] = &[
    "constituency_number",
    "constituency",
    "constituency_no",
    "district_number",
    "เขตเลือกตั้ง",
    "เขตเลือกตั้งที่",
    "เขต",
];
/// The polling unit number (5/18).
pub const POLLING_UNIT: &[&str] = &[
    "polling_unit",
    "polling_unit_number",
    "unit",
    "unit_number",
    "หน่วยเลือกตั้ง",
    "หน่วยเลือกตั้งที่",
    "หน่วย",
];
/// The district (อำเภอ/เขต).
pub const DISTRICT: &[&str] = &["district", "district_name", "amphoe", "อำเภอ"];
/// The subdistrict (ตำบล/แขวง).
pub const SUBDISTRICT: &[&str] = &["subdistrict", "sub_district", "tambon", "ตำบล"];
/// The page: a number, "2/4", or `{number, of}`.
pub const PAGE: &[&str] = &["page", "page_number", "page_no", "หน้า"];
/// Inside a page object: its number.
pub const PAGE_NUMBER_IN_OBJECT: &[&str] = &["number", "page", "no", "current"];
/// Inside a page object: the page count.
pub const PAGE_OF_IN_OBJECT: &[&str] = &["of", "total", "total_pages", "pages", "page_count"];
/// Beside the page: the page count.
pub const PAGE_OF: &[&str] = &["total_pages", "page_count", "pages", "page_of"];
/// The party numbers a party-list page holds ("21-40").
pub const PAGE_ROWS: &[&str] = &[
    "page_parties",
    "parties_on_page",
    "page_range",
    "party_range",
];
/// The vote table (all are read and merged: one may carry digits, another words).
pub const VOTE_TABLES: &[&str] = &[
    "votes",
    "vote_details",
    "vote_counts",
    "party_votes",
    "party_details",
    "candidate_votes",
    "candidates",
    "parties",
    "rows",
    "results",
];
/// Vote tables that only a party-list form has.
pub const PARTY_TABLES: &[&str] = &["party_votes", "party_details", "parties"];
/// In a row entry: its candidate or party number.
pub const ROW_NUMBER: &[&str] = &[
    "number",
    "no",
    "candidate_number",
    "party_number",
    "ballot_number",
    "position",
    "row",
    "id",
];
/// In a row entry: where its count is nested.
pub const ROW_COUNT: &[&str] = &["votes", "count", "score", "result"];
/// In a count: the digits.
pub const DIGITS: &[&str] = &[
    "numeric", "digits", "number", "value", "count", "votes", "arabic", "num",
];
/// In a count: the Thai words.
pub const WORDS: &[&str] = &[
    "thai_text",
    "text",
    "words",
    "thai",
    "in_words",
    "thai_words",
    "word",
];
/// A nested totals block.
pub const TOTALS_BLOCK: &[&str] = &["totals", "summary", "ballot_statistics"];
/// บัตรดี: valid ballots.
pub const VALID: &[&str] = &[
    "valid_votes",
    "valid",
    "valid_ballots",
    "good_ballots",
    "บัตรดี",
    "คะแนนเสียงที่ถูกต้อง",
];
/// บัตรเสีย: invalid ballots.
pub const INVALID: &[&str] = &[
    "invalid_votes",
    "invalid",
    "invalid_ballots",
    "bad_ballots",
    "spoiled",
    "บัตรเสีย",
];
/// บัตรไม่เลือกผู้สมัครผู้ใด / ไม่ประสงค์ลงคะแนน: no-vote ballots.
pub const NO_VOTE: &[&str] = &[
    "no_vote",
    "no_votes",
    "no_vote_ballots",
    "novote",
    "blank_votes",
    "blank_ballots",
    "blank",
    "abstain",
    "abstentions",
    "บัตรไม่เลือกผู้สมัครผู้ใด",
    "บัตรไม่ประสงค์ลงคะแนน",
    "ไม่เลือกผู้สมัครผู้ใด",
    "ไม่ประสงค์ลงคะแนน",
];
/// รวม: ballots used.
pub const TOTAL: &[&str] = &[
    "total_votes",
    "total",
    "total_ballots",
    "ballots_used",
    "total_used",
    "รวม",
    "บัตรที่ใช้",
];
/// Ballots the unit received.
pub const RECEIVED: &[&str] = &[
    "ballots_received",
    "ballots_allocated",
    "received",
    "บัตรที่ได้รับ",
];
/// A yes/no saying the page has a vote table.
pub const HAS_TABLE: &[&str] = &["has_vote_table", "has_votes"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::ballot::{BallotRecord, Count, Page};
    use crate::core::domain::form::Category;
    use crate::core::read::extract::extract_value;
    use serde_json::{json, Value};

    fn read(v: Value) -> BallotRecord {
        let Value::Object(m) = v else { unreachable!() };
        extract_value(&m, Default::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Each alias of `table`, put in `shape` at "KEY", is read as `check` says.
    fn each(table: &[&str], shape: Value, check: impl Fn(&BallotRecord) -> bool) {
        for alias in table {
            let text = shape.to_string().replace("KEY", alias);
            let r = read(serde_json::from_str(&text).unwrap());
            assert!(check(&r), "alias {alias:?} in {text}: {r:?}");
        }
    }

    fn digits(c: &Option<Count>) -> Option<u64> {
        c.as_ref().and_then(|c| c.digits)
    }

    #[test]
    fn the_form_and_its_place() {
        each(FORM_LABEL, json!({"KEY": "ส.ส. ๕/๑๘"}), |r| {
            r.form.is_some()
        });
        each(
            PARTY_LIST_FLAG,
            json!({"form_type": "5/18", "KEY": true}),
            |r| r.category() == Some(Category::PartyList),
        );
        each(
            CATEGORY,
            json!({"form_type": "5/18", "KEY": "party_list"}),
            |r| r.category() == Some(Category::PartyList),
        );
        each(
            PARTY_TABLES,
            json!({"form_type": "5/18", "KEY": {"1": 5}}),
            |r| r.category() == Some(Category::PartyList),
        );
        each(
            PROVINCE,
            json!({"KEY": "จังหวัดแพร่"}),
            |r| r.province.as_deref() == Some("แพร่"),
        );
        each(
            CONSTITUENCY,
            json!({"form_type": "5/18", "KEY": "เขต ๓"}),
            |r| r.constituency == Some(3),
        );
        each(POLLING_UNIT, json!({"form_type": "5/18", "KEY": 12}), |r| {
            r.polling_unit == Some(12)
        });
        each(
            DISTRICT,
            json!({"form_type": "5/18", "KEY": "เมืองแพร่"}),
            |r| r.district.as_deref() == Some("เมืองแพร่"),
        );
        each(
            SUBDISTRICT,
            json!({"form_type": "5/18", "KEY": "ในเวียง"}),
            |r| r.subdistrict.as_deref() == Some("ในเวียง"),
        );
        each(HAS_TABLE, json!({"form_type": "5/18", "KEY": false}), |r| {
            !r.has_vote_table
        });
    }

    #[test]
    fn pages() {
        let p = |number, of| Some(Page { number, of });
        each(
            PAGE,
            json!({"form_type": "5/18 (บช)", "KEY": "๒/๔"}),
            |r| r.page == p(2, Some(4)),
        );
        each(
            PAGE_NUMBER_IN_OBJECT,
            json!({"form_type": "5/18 (บช)", "page": {"KEY": 2, "of": 4}}),
            |r| r.page == p(2, Some(4)),
        );
        each(
            PAGE_OF_IN_OBJECT,
            json!({"form_type": "5/18 (บช)", "page": {"number": 2, "KEY": 4}}),
            |r| r.page == p(2, Some(4)),
        );
        each(
            PAGE_OF,
            json!({"form_type": "5/18 (บช)", "page": 2, "KEY": 4}),
            |r| r.page == p(2, Some(4)),
        );
        each(
            PAGE_ROWS,
            json!({"form_type": "5/18 (บช)", "KEY": "41-57"}),
            |r| r.page == p(3, None),
        );
    }

    #[test]
    fn the_vote_table() {
        let one_row = |r: &BallotRecord, n: u32, d: u64| {
            r.rows.len() == 1 && r.rows[0].number == n && r.rows[0].votes.digits == Some(d)
        };
        each(
            VOTE_TABLES,
            json!({"form_type": "5/18", "KEY": {"๒": "1,204"}}),
            |r| one_row(r, 2, 1204),
        );
        each(
            ROW_NUMBER,
            json!({"form_type": "5/18", "votes": [{"KEY": 3, "numeric": 5}]}),
            |r| one_row(r, 3, 5),
        );
        each(
            ROW_COUNT,
            json!({"form_type": "5/18", "votes": [{"number": 1, "KEY": {"numeric": 5, "thai_text": "ห้า"}}]}),
            |r| one_row(r, 1, 5) && r.rows[0].votes.words.as_deref() == Some("ห้า"),
        );
        each(
            DIGITS,
            json!({"form_type": "5/18", "votes": {"1": {"KEY": 7}}}),
            |r| one_row(r, 1, 7),
        );
        each(
            WORDS,
            json!({"form_type": "5/18", "votes": {"1": {"numeric": 7, "KEY": "เจ็ด"}}}),
            |r| r.rows[0].votes.words.as_deref() == Some("เจ็ด"),
        );
    }

    #[test]
    fn the_totals_block() {
        each(VALID, json!({"form_type": "5/18", "KEY": 10}), |r| {
            digits(&r.totals.valid) == Some(10)
        });
        each(INVALID, json!({"form_type": "5/18", "KEY": "๓"}), |r| {
            digits(&r.totals.invalid) == Some(3)
        });
        each(
            NO_VOTE,
            json!({"form_type": "5/18", "KEY": {"numeric": 2, "thai_text": "สอง"}}),
            |r| digits(&r.totals.no_vote) == Some(2),
        );
        each(TOTAL, json!({"form_type": "5/18", "KEY": "1,015"}), |r| {
            digits(&r.totals.total) == Some(1015)
        });
        each(RECEIVED, json!({"form_type": "5/18", "KEY": 800}), |r| {
            r.ballots_received == Some(800)
        });
        each(
            TOTALS_BLOCK,
            json!({"form_type": "5/18", "KEY": {"บัตรดี": 9, "blank_votes": 1}}),
            |r| digits(&r.totals.valid) == Some(9) && digits(&r.totals.no_vote) == Some(1),
        );
    }
}
