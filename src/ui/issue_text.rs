//! Issues and field names in Thai. Core gives each issue its code, its
//! typed field and its values (and an English message for logs and
//! exports); the page words it in Thai from those. An issue without its
//! values (from an older export) gets its code's sentence without them.

use crate::core::domain::ballot::{Issue, IssueCode};
use crate::core::domain::field::{Cell, Field};

/// A field's name in Thai.
pub fn field_thai(field: &Field) -> String {
    let name = match field {
        Field::Row(n) => return format!("แถว {n}"),
        Field::RowKey(k) => return format!("แถว {k}"),
        Field::Other(s) => return s.clone(),
        Field::Valid => "บัตรดี",
        Field::Invalid => "บัตรเสีย",
        Field::NoVote => "บัตรไม่เลือกผู้ใด",
        Field::Total => "บัตรที่ใช้ทั้งหมด",
        Field::Province => "จังหวัด",
        Field::Constituency => "เขตเลือกตั้ง",
        Field::Unit => "หน่วยเลือกตั้ง",
        Field::Page => "หน้า",
        Field::PageCount => "จำนวนหน้า",
        Field::Rows => "ตารางคะแนน",
        Field::Totals => "ยอดรวมบัตร",
        Field::FormType => "ชนิดแบบฟอร์ม",
        Field::BallotsReceived => "บัตรที่ได้รับ",
        Field::Answer => "คำตอบของโมเดล",
        Field::Image => "ภาพ",
        Field::Record => "ผลการอ่าน",
    };
    name.to_string()
}

/// A cell's name (a field's digits, or its words) in Thai.
pub fn cell_thai(cell: &Cell) -> String {
    match cell.words {
        true => format!("{} (ตัวอักษร)", field_thai(&cell.field)),
        false => field_thai(&cell.field),
    }
}

/// An issue in Thai.
pub fn issue_thai(i: &Issue) -> String {
    with_values(i).unwrap_or_else(|| generic(i))
}

fn with_values(i: &Issue) -> Option<String> {
    let a = |k: usize| i.args.get(k).map(String::as_str);
    let f = field_thai(&i.field);
    Some(match i.code {
        IssueCode::WordsMismatch => format!(
            "{f}: ตัวเลขเขียน {} แต่ตัวอักษรเขียน \"{}\" ({}); {} ต้องเขียนว่า \"{}\"",
            a(0)?,
            a(1)?,
            a(2)?,
            a(0)?,
            a(3)?
        ),
        IssueCode::SumMismatch => format!(
            "คะแนนทุกแถวรวมได้ {} แต่บัตรดีคือ {} (ต่างกัน {})",
            a(0)?,
            a(1)?,
            a(2)?
        ),
        IssueCode::TotalMismatch => format!(
            "บัตรดี {} + บัตรเสีย {} + บัตรไม่เลือกผู้ใด {} = {} แต่บัตรที่ใช้ทั้งหมดคือ {}",
            a(0)?,
            a(1)?,
            a(2)?,
            a(3)?,
            a(4)?
        ),
        IssueCode::ExceedsReceived => {
            format!("ใช้บัตร {} ใบ แต่ได้รับมาเพียง {} ใบ", a(0)?, a(1)?)
        }
        IssueCode::UnknownProvince => {
            let hint = a(2)
                .map(|s| format!(" หมายถึง {s} หรือไม่?"))
                .unwrap_or_default();
            format!("\"{}\" ไม่ใช่ชื่อจังหวัด (มี {} จังหวัด){hint}", a(0)?, a(1)?)
        }
        IssueCode::ConstituencyOutOfRange => {
            format!("{} มีเขตเลือกตั้ง 1 ถึง {} ไม่มีเขต {}", a(0)?, a(1)?, a(2)?)
        }
        IssueCode::UnitOutOfRange => {
            format!("เขตนี้มีหน่วยเลือกตั้ง 1 ถึง {} ไม่มีหน่วย {}", a(0)?, a(1)?)
        }
        IssueCode::NumberOutOfRange => {
            let what = if a(1)? == "parties" {
                "พรรค"
            } else {
                "ผู้สมัคร"
            };
            let listed = a(2)?.replace(" to ", " ถึง ");
            format!("{f}: มี{what} {} หมายเลข ({listed})", a(0)?)
        }
        IssueCode::MissingRows => format!("ไม่มีแถวของหมายเลข {} (จาก {})", a(0)?, a(1)?),
        IssueCode::PageRangeMismatch => format!(
            "หน้า {} ควรมีแถว {} ถึง {} แต่มีแถว {}",
            a(0)?,
            a(1)?,
            a(2)?,
            a(3)?
        ),
        IssueCode::AbsurdValue if a(2)? == "unit" => {
            format!("{f}: {} มากกว่าที่หน่วยเลือกตั้งหนึ่งจะมีได้ (ไม่เกิน {})", a(0)?, a(1)?)
        }
        IssueCode::AbsurdValue => format!("{f}: {} มากกว่าผู้มีสิทธิเลือกตั้ง {} คนของเขตนี้", a(0)?, a(1)?),
        IssueCode::PageInferred => format!(
            "หน้า {} ของบัญชีรายชื่อ ดูจากหมายเลขพรรค ({} ถึง {})",
            a(0)?,
            a(1)?,
            a(2)?
        ),
        IssueCode::PathMismatch => {
            format!("{f}: แบบฟอร์มเขียน {} แต่ชื่อโฟลเดอร์หรือไฟล์บอก {}", a(0)?, a(1)?)
        }
        IssueCode::SmallImage => format!(
            "ภาพมีขนาดเพียง {} × {} พิกเซล (ด้านยาวควรมีอย่างน้อย {}) อาจอ่านผิด ควรถ่ายหรือสแกนใหม่ให้ชัดขึ้น",
            a(0)?,
            a(1)?,
            a(2)?
        ),
        _ => return None,
    })
}

fn generic(i: &Issue) -> String {
    let f = field_thai(&i.field);
    match i.code {
        IssueCode::AnswerRepaired => "คำตอบของโมเดลไม่ใช่ JSON ที่สมบูรณ์ แต่ซ่อมได้".into(),
        IssueCode::Missing => format!("{f}: ไม่มีค่าหรืออ่านไม่ได้"),
        IssueCode::DigitsUnreadable => format!("{f}: อ่านตัวเลขไม่ได้"),
        IssueCode::WordsUnreadable => format!("{f}: อ่านจำนวนที่เขียนเป็นตัวอักษรไม่ได้"),
        IssueCode::WordsMismatch => format!("{f}: ตัวเลขกับตัวอักษรไม่ตรงกัน"),
        IssueCode::SumMismatch => "คะแนนทุกแถวรวมแล้วไม่เท่ากับบัตรดี".into(),
        IssueCode::TotalMismatch => "บัตรดี + บัตรเสีย + บัตรไม่เลือกผู้ใด ไม่เท่ากับบัตรที่ใช้ทั้งหมด".into(),
        IssueCode::ExceedsReceived => "ใช้บัตรมากกว่าที่ได้รับ".into(),
        IssueCode::UnknownProvince => "ไม่ใช่ชื่อจังหวัด".into(),
        IssueCode::ConstituencyOutOfRange => "ไม่มีเขตเลือกตั้งนี้ในจังหวัดนี้".into(),
        IssueCode::UnitOutOfRange => "ไม่มีหน่วยเลือกตั้งนี้ในเขตนี้".into(),
        IssueCode::NumberOutOfRange => format!("{f}: ไม่มีหมายเลขนี้"),
        IssueCode::DuplicateRow => format!("{f}: ซ้ำสองครั้ง"),
        IssueCode::MissingRows => "ขาดแถวในตารางคะแนน".into(),
        IssueCode::PageRangeMismatch => "หมายเลขแถวไม่ตรงกับหน้า".into(),
        IssueCode::NegativeValue => format!("{f}: เป็นค่าติดลบ"),
        IssueCode::AbsurdValue => format!("{f}: มากเกินกว่าจะเป็นไปได้"),
        IssueCode::UnknownForm => "อ่านชนิดแบบฟอร์มไม่ได้".into(),
        IssueCode::NoVoteTable => "หน้านี้ไม่มีตารางคะแนน (หน้าลายมือชื่อ)".into(),
        IssueCode::PartialPage => "หน้าหนึ่งของแบบบัญชีรายชื่อ: ตรวจผลรวมเมื่อรวมทุกหน้าแล้ว".into(),
        IssueCode::Duplicate => "หน่วยและหน้าเดียวกันซ้ำในชุดนี้".into(),
        IssueCode::Conflict => format!("{f}: สองสำเนาของหน่วยเดียวกันอ่านได้ไม่ตรงกัน"),
        IssueCode::PageInferred => "หน้าของบัญชีรายชื่อ ดูจากหมายเลขพรรค".into(),
        IssueCode::PathMismatch => format!("{f}: ไม่ตรงกับชื่อโฟลเดอร์หรือไฟล์"),
        IssueCode::SmallImage => "ภาพเล็กเกินไป อาจอ่านผิด".into(),
    }
}
