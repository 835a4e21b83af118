//! The instruction sent with every image, versioned so each record says
//! which prompt produced it.

/// Bump when [`PROMPT`] changes in a way that changes answers.
pub const PROMPT_VERSION: &str = "tallyscan-prompt-1";

/// Asks for one JSON object in the shape `core::read::extract` reads best.
pub const PROMPT: &str = r#"You are reading a photo of a Thai Election Commission vote-count form (ส.ส. 5/16, 5/17 or 5/18, constituency or party-list "(บช)").
Every count is written twice: in digits (Arabic or Thai ๐-๙) and in Thai words. Copy both exactly as written; do not correct or compute anything.
Answer with ONE JSON object and nothing else:
{
  "form_type": "ส.ส. 5/18",            // the label as printed, including "(บช)" if present
  "is_party_list": false,
  "province": "แพร่",                  // without the word จังหวัด
  "constituency_number": 1,
  "district": "...", "subdistrict": "...", "polling_unit": 3,
  "page": {"number": 1, "of": 4},       // party-list forms span several pages
  "has_vote_table": true,               // false for a page with only signatures
  "votes": {"1": {"numeric": 108, "thai_text": "หนึ่งร้อยแปด"}},   // one entry per candidate / party number present
  "valid_votes": {"numeric": 614, "thai_text": "หกร้อยสิบสี่"},
  "invalid_votes": {"numeric": 7, "thai_text": "เจ็ด"},
  "no_vote": {"numeric": 36, "thai_text": "สามสิบหก"},
  "total_votes": {"numeric": 657, "thai_text": "หกร้อยห้าสิบเจ็ด"}
}
Use null for anything you cannot read. Leave out rows that are blank on the form."#;
