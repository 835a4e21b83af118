//! The words of the results table, the review panel and the run summary,
//! in Thai and English. Issues are worded from their code and values
//! (`ui::issue_text`); core's English messages stay for logs and exports.

use super::i18n::{t, unfinished_row, Lang, Text};
use super::issue_text::{cell_thai, field_thai, issue_thai};
use super::progress::{RowError, RunSummary};
use crate::core::domain::ballot::{BallotRecord, Issue, Level, Severity};
use crate::core::domain::field::{Cell, Field};
use crate::core::engine::batch::StopReason;
use crate::core::engine::progress::FailureKind;
use crate::core::results::table::RowStatus;
use crate::core::sync::doc::FormDoc;
use crate::core::sync::national::disagreements;

/// A confidence level's name.
pub fn level_name(lang: Lang, level: Level) -> &'static str {
    match (lang, level) {
        (Lang::Th, Level::High) => "สูง",
        (Lang::Th, Level::Medium) => "ปานกลาง",
        (Lang::Th, Level::Low) => "ต่ำ",
        (Lang::Th, Level::VeryLow) => "ต่ำมาก",
        (Lang::En, Level::High) => "High",
        (Lang::En, Level::Medium) => "Medium",
        (Lang::En, Level::Low) => "Low",
        (Lang::En, Level::VeryLow) => "Very low",
    }
}

/// A row's status.
pub fn status_name(lang: Lang, s: RowStatus) -> &'static str {
    t(
        lang,
        match s {
            RowStatus::Read => Text::Read,
            RowStatus::Review => Text::NeedsReview,
            RowStatus::Error => Text::Failed,
            RowStatus::NotStarted => Text::NotStarted,
        },
    )
}

/// An issue in the language.
pub fn issue(lang: Lang, i: &Issue) -> String {
    match lang {
        Lang::Th => issue_thai(i),
        Lang::En => i.message.clone(),
    }
}

/// A field's name ("row 3"...) in the language.
pub fn field(lang: Lang, f: &Field) -> String {
    match lang {
        Lang::Th => field_thai(f),
        Lang::En => f.to_string(),
    }
}

/// A cell's name ("row 3 words"...) in the language.
pub fn cell(lang: Lang, c: &Cell) -> String {
    match lang {
        Lang::Th => cell_thai(c),
        Lang::En => c.to_string(),
    }
}

/// The issue a row shows first: an error, else a warning; or who accepted
/// the record and why.
pub fn first_issue(lang: Lang, r: &BallotRecord) -> String {
    if let Some(a) = &r.accepted {
        return match lang {
            Lang::Th => format!("ยอมรับโดย {}: {}", a.who, a.reason),
            Lang::En => format!("accepted by {}: {}", a.who, a.reason),
        };
    }
    let worst = [Severity::Error, Severity::Warning]
        .iter()
        .find_map(|s| r.issues.iter().find(|i| i.severity == *s));
    let mut text = worst.map(|i| issue(lang, i)).unwrap_or_default();
    if !r.has_vote_table {
        text = t(lang, Text::NoVoteTable).to_string();
    }
    if let Some(file) = &r.source.imported_from {
        let from = match lang {
            Lang::Th => format!("นำเข้าจาก {file}"),
            Lang::En => format!("imported from {file}"),
        };
        text = if text.is_empty() {
            from
        } else {
            format!("{text} · {from}")
        };
    }
    text
}

/// Why a file has no record, in the language (the engine's English
/// message is the detail, shown on hover).
pub fn failure(lang: Lang, e: &RowError, stopped: Option<&StopReason>) -> String {
    if e.kind.is_unfinished() {
        return unfinished_row(lang, &e.kind, e.attempts, stopped);
    }
    let th = lang == Lang::Th;
    if let FailureKind::CutOff { tokens } = e.kind {
        return match lang {
            Lang::Th => format!("คำตอบถูกตัดที่ {tokens} โทเค็น แม้ถามซ้ำโดยให้ยาวขึ้นแล้ว: เพิ่มจำนวนโทเค็นใน \"ตั้งค่าขั้นสูง\" แล้วลองใหม่"),
            Lang::En => format!("The answer was cut off at {tokens} tokens, even asked again with more: raise the tokens under \"Advanced\" and retry"),
        };
    }
    match e.kind {
        FailureKind::Image if th => "อ่านไฟล์นี้จากเครื่องไม่ได้ (ถูกย้าย ลบ หรือไม่มีสิทธิ์อ่าน) หรือไม่ใช่ภาพที่ส่งได้",
        FailureKind::Image => "The file could not be read from the device (moved, deleted or not allowed), or is not an image that can be sent",
        FailureKind::EmptyFile if th => "ไฟล์ว่าง (0 ไบต์): เลือกไฟล์นี้ใหม่จากที่เก็บเดิม",
        FailureKind::EmptyFile => "The file is empty (0 bytes): pick it again from where it was saved",
        FailureKind::TooLarge if th => "ไฟล์ใหญ่เกินกว่าจะส่งได้ (ไม่เกิน 50 MB ต่อไฟล์; 15 MB เมื่อส่งไฟล์ต้นฉบับ): สแกนใหม่ที่ความละเอียดต่ำลง",
        FailureKind::TooLarge => "Too large to send (at most 50 MB a file; 15 MB when sending originals): scan it again at a lower resolution",
        FailureKind::Heic if th => "ภาพ HEIC ของ iPhone ที่เบราว์เซอร์นี้เปิดไม่ได้: ส่งออกเป็น JPEG (iPhone: การตั้งค่า → กล้อง → รูปแบบ → เข้ากันได้มากที่สุด)",
        FailureKind::Heic => "An iPhone HEIC photo this browser cannot open: export it as JPEG (iPhone: Settings → Camera → Formats → Most Compatible)",
        FailureKind::NotAnImage if th => "ไม่ใช่ไฟล์ภาพ: ใช้ภาพ PNG, JPEG, GIF, WebP หรือ PDF",
        FailureKind::NotAnImage => "Not an image: PNG, JPEG, GIF, WebP or PDF expected",
        FailureKind::Damaged if th => "ภาพเสียหรือไม่ครบ เปิดไม่ได้: ถ่ายหรือสแกนใหม่",
        FailureKind::Damaged => "A damaged or truncated image that cannot be opened: photograph or scan it again",
        FailureKind::Api if th => "API ปฏิเสธคำขอนี้ การลองใหม่จะไม่ช่วย",
        FailureKind::Api => "The API refused this request; trying again will not help",
        FailureKind::RetriesExhausted if th => "ลองใหม่ครบทุกครั้งแล้วยังไม่สำเร็จ",
        FailureKind::RetriesExhausted => "Every attempt failed",
        FailureKind::Unreadable if th => "คำตอบของโมเดลไม่มีข้อมูลแบบฟอร์มที่ใช้ได้",
        FailureKind::Unreadable => "The model's answer held no usable form data",
        FailureKind::PdfLocked if th => "PDF นี้ตั้งรหัสผ่านไว้: เปิดแล้วสั่งพิมพ์เป็น PDF ใหม่ที่ไม่มีรหัสผ่าน แล้วเลือกไฟล์นั้น",
        FailureKind::PdfLocked => "This PDF is password-protected: open it, print it to a new PDF without a password and pick that",
        FailureKind::PdfDamaged if th => "เปิด PDF นี้ไม่ได้ ไฟล์เสียหรือไม่ครบ",
        FailureKind::PdfDamaged => "This PDF cannot be opened: the file is damaged or incomplete",
        FailureKind::PageFailed if th => "วาดหน้านี้ของ PDF ไม่ได้ หน้าอื่นไม่กระทบ",
        FailureKind::PageFailed => "This page of the PDF could not be drawn; the other pages are not affected",
        FailureKind::BlankPage if th => "หน้าว่าง ไม่มีอะไรให้อ่าน จึงไม่ได้ส่ง",
        FailureKind::BlankPage => "A blank page: nothing to read, not sent",
        _ => "",
    }
    .to_string()
}

/// The closing statistics of a run.
pub fn run_summary(lang: Lang, s: &RunSummary) -> String {
    let mut out = match lang {
        Lang::Th => format!(
            "อ่านแล้ว {} ใบ (ต้องตรวจ {}), ไม่มีผล {} · คำขอ {} ครั้ง ลองใหม่ {} ครั้ง {:.2} คำขอ/วินาที · เวลาตอบ p50 {:.0} ms, p95 {:.0} ms · เตรียมภาพ {} ภาพ · คืนหน่วยความจำ {} ครั้ง",
            s.read, s.review, s.failed, s.requests, s.retries, s.per_second, s.p50_ms, s.p95_ms, s.prepared, s.cleanups
        ),
        Lang::En => format!(
            "{} read ({} need review), {} without result · {} requests, {} retries, {:.2} req/s · latency p50 {:.0} ms, p95 {:.0} ms · {} images prepared · {} memory cleanups",
            s.read, s.review, s.failed, s.requests, s.retries, s.per_second, s.p50_ms, s.p95_ms, s.prepared, s.cleanups
        ),
    };
    if s.earlier > 0 {
        out.push_str(&match lang {
            Lang::Th => format!(" · {} ใบอ่านไว้ก่อนโหลดหน้าใหม่ (ไม่ส่งซ้ำ)", s.earlier),
            Lang::En => format!(
                " · {} finished before the reload (not sent again)",
                s.earlier
            ),
        });
    }
    if s.tokens_in + s.tokens_out > 0 {
        out.push_str(&match lang {
            Lang::Th => format!(" · โทเคน เข้า {} ออก {}", s.tokens_in, s.tokens_out),
            Lang::En => format!(" · tokens {} in, {} out", s.tokens_in, s.tokens_out),
        });
    }
    out
}

/// "Page 2 of 5 · 430 rows".
pub fn page_line(lang: Lang, page: usize, pages: usize, rows: usize) -> String {
    match lang {
        Lang::Th => format!("หน้า {} / {} · {} แถว", page + 1, pages, rows),
        Lang::En => format!("Page {} of {} · {} rows", page + 1, pages, rows),
    }
}

/// "m:ss" or "h:mm:ss".
pub fn clock_text(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The line under the progress bar: rate, time left, errors, retries,
/// cleanups, second readings, fallbacks, the timeout in force (read from
/// the progress signals: the line follows them).
pub fn progress_stats(l: Lang, p: &super::progress::SignalProgress) -> String {
    use leptos::prelude::Get;
    let mut parts = vec![format!("{:.1} {}", p.per_minute.get(), t(l, Text::Rate))];
    if let Some(eta) = p.eta_s.get() {
        parts.push(match l {
            Lang::Th => format!("{} {}", t(l, Text::Eta), clock_text(eta)),
            Lang::En => format!("{} {} left", t(l, Text::Eta), clock_text(eta)),
        });
    }
    parts.push(format!("{} {}", p.errors.get(), t(l, Text::Errors)));
    parts.push(format!("{} {}", p.retries.get(), t(l, Text::Retries)));
    parts.push(format!("{} {}", p.cleanups.get(), t(l, Text::Cleanups)));
    let (rereads, fallbacks) = (p.rereads.get(), p.fallbacks.get());
    if rereads > 0 {
        parts.push(format!("{rereads} {}", t(l, Text::RereadCount)));
    }
    if fallbacks > 0 {
        parts.push(format!("{fallbacks} {}", t(l, Text::FallbackCount)));
    }
    if let Some(d) = p.timeout.get() {
        parts.push(format!("{} {:.0} s", t(l, Text::Timeout), d.as_secs_f64()));
    }
    parts.join(" · ")
}

/// The numbers of `reading` where the readings differ: "แถว 1: 115 · บัตรดี 621".
pub fn differing(lang: Lang, readings: &[FormDoc], reading: usize) -> String {
    let records: Vec<&BallotRecord> = readings.iter().map(|d| &d.record).collect();
    disagreements(&records)
        .into_iter()
        .map(|(field, values)| {
            let name = match lang {
                Lang::Th => field_thai(&field),
                Lang::En => field.to_string(),
            };
            let value = values[reading].map_or("–".to_string(), |v| v.to_string());
            format!("{name}: {value}")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "แพร่ เขต 1 หน่วย 3" for a record.
pub fn place(r: &BallotRecord) -> String {
    let p = r.province.clone().unwrap_or_default();
    let c = r
        .constituency
        .map(|c| format!(" เขต {c}"))
        .unwrap_or_default();
    let u = r
        .polling_unit
        .map(|u| format!(" หน่วย {u}"))
        .unwrap_or_default();
    format!("{p}{c}{u}")
}
