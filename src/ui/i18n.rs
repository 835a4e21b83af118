//! Thai and English texts of the UI. Thai first.

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// ภาษาไทย (default).
    #[default]
    Th,
    /// English.
    En,
}

impl Lang {
    /// The `lang` attribute value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }
    /// The other language (for the toggle).
    pub fn other(self) -> Lang {
        match self {
            Lang::Th => Lang::En,
            Lang::En => Lang::Th,
        }
    }
}

/// A text of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Tagline,
    SwitchLang,
    Settings,
    ApiKind,
    OpenAiCompatible,
    Anthropic,
    Endpoint,
    Model,
    ApiKey,
    RememberKey,
    KeyStaysHere,
    PickImages,
    Start,
    Running,
    Progress,
    File,
    Status,
    Answer,
    Read,
    Failed,
    NoFiles,
    SimNotice,
    Results,
    Pause,
    Resume,
    Cancel,
    Advanced,
    PerMinute,
    Burst,
    Concurrency,
    Verbose,
    NeedsReview,
    NotStarted,
    Rate,
    Eta,
    Errors,
    Retries,
    Cleanups,
    PickFolder,
    Level,
    PausedNow,
    Export,
    ExportRows,
    ExportSummary,
    Timeout,
    ImportResults,
    Constituencies,
    Province,
    ConstituencyNo,
    Category,
    Units,
    UnitsReview,
    Leader,
    Valid,
    Total,
    NotPlaced,
    PartyList,
    ConstituencyBallot,
}

/// The text in a language.
pub fn t(lang: Lang, text: Text) -> &'static str {
    use Text::*;
    match (lang, text) {
        (Lang::Th, Tagline) => "อ่านใบรายงานผลการนับคะแนน (ส.ส. ๕/๑๖, ๕/๑๗, ๕/๑๘) ด้วยโมเดลภาษาที่อ่านภาพได้ ในเบราว์เซอร์ของคุณ",
        (Lang::En, Tagline) => "Reads Thai vote-count forms (ส.ส. 5/16, 5/17, 5/18) with a vision model, in your browser",
        (Lang::Th, SwitchLang) => "English",
        (Lang::En, SwitchLang) => "ภาษาไทย",
        (Lang::Th, Settings) => "การตั้งค่า API",
        (Lang::En, Settings) => "API settings",
        (Lang::Th, ApiKind) => "รูปแบบ API",
        (Lang::En, ApiKind) => "API format",
        (_, OpenAiCompatible) => "OpenAI-compatible (OpenRouter, OpenAI, Ollama, vLLM)",
        (_, Anthropic) => "Anthropic Messages",
        (Lang::Th, Endpoint) => "ที่อยู่ API (endpoint)",
        (Lang::En, Endpoint) => "Endpoint",
        (Lang::Th, Model) => "โมเดล",
        (Lang::En, Model) => "Model",
        (Lang::Th, ApiKey) => "คีย์ API",
        (Lang::En, ApiKey) => "API key",
        (Lang::Th, RememberKey) => "จำคีย์ไว้ในเครื่องนี้",
        (Lang::En, RememberKey) => "Remember the key on this device",
        (Lang::Th, KeyStaysHere) => "คีย์ถูกส่งไปยังที่อยู่ API ข้างบนเท่านั้น ไม่ถูกบันทึกหรือส่งออก",
        (Lang::En, KeyStaysHere) => "The key goes only to the endpoint above; it is never logged or exported.",
        (Lang::Th, PickImages) => "เลือกภาพใบรายงานผล",
        (Lang::En, PickImages) => "Choose form images",
        (Lang::Th, Start) => "เริ่มอ่าน",
        (Lang::En, Start) => "Start",
        (Lang::Th, Running) => "กำลังอ่าน…",
        (Lang::En, Running) => "Reading…",
        (Lang::Th, Progress) => "ความคืบหน้า",
        (Lang::En, Progress) => "Progress",
        (Lang::Th, File) => "ไฟล์",
        (Lang::En, File) => "File",
        (Lang::Th, Status) => "สถานะ",
        (Lang::En, Status) => "Status",
        (Lang::Th, Answer) => "คำตอบ / ข้อผิดพลาด",
        (Lang::En, Answer) => "Answer / error",
        (Lang::Th, Read) => "อ่านแล้ว",
        (Lang::En, Read) => "read",
        (Lang::Th, Failed) => "ผิดพลาด",
        (Lang::En, Failed) => "error",
        (Lang::Th, NoFiles) => "ยังไม่ได้เลือกไฟล์",
        (Lang::En, NoFiles) => "No files chosen",
        (Lang::Th, SimNotice) => "ที่อยู่นี้คือโปรแกรมจำลอง (ocr-sim): คำตอบเป็นข้อมูลสังเคราะห์ ไม่ใช่การอ่านภาพจริง",
        (Lang::En, SimNotice) => "This endpoint is the simulator (ocr-sim): answers are synthetic, not real readings.",
        (Lang::Th, Results) => "ผลการอ่าน",
        (Lang::En, Results) => "Results",
        (Lang::Th, Pause) => "หยุดชั่วคราว",
        (Lang::En, Pause) => "Pause",
        (Lang::Th, Resume) => "ทำต่อ",
        (Lang::En, Resume) => "Resume",
        (Lang::Th, Cancel) => "ยกเลิก",
        (Lang::En, Cancel) => "Cancel",
        (Lang::Th, Advanced) => "ตั้งค่าขั้นสูง (อัตราการส่ง)",
        (Lang::En, Advanced) => "Advanced (request rate)",
        (Lang::Th, PerMinute) => "คำขอต่อนาที",
        (Lang::En, PerMinute) => "Requests per minute",
        (Lang::Th, Burst) => "ส่งพร้อมกันได้ (burst)",
        (Lang::En, Burst) => "Burst",
        (Lang::Th, Concurrency) => "คำขอพร้อมกัน (0 = อัตโนมัติ)",
        (Lang::En, Concurrency) => "In flight (0 = automatic)",
        (Lang::Th, Verbose) => "บันทึกละเอียดในคอนโซล",
        (Lang::En, Verbose) => "Verbose console log",
        (Lang::Th, NeedsReview) => "ต้องตรวจ",
        (Lang::En, NeedsReview) => "needs review",
        (Lang::Th, NotStarted) => "ไม่ได้เริ่ม",
        (Lang::En, NotStarted) => "not started",
        (Lang::Th, Rate) => "ใบ/นาที",
        (Lang::En, Rate) => "per min",
        (Lang::Th, Eta) => "เหลืออีกประมาณ",
        (Lang::En, Eta) => "about",
        (Lang::Th, Errors) => "ผิดพลาด",
        (Lang::En, Errors) => "errors",
        (Lang::Th, Retries) => "ลองใหม่",
        (Lang::En, Retries) => "retries",
        (Lang::Th, Cleanups) => "คืนหน่วยความจำ",
        (Lang::En, Cleanups) => "memory cleanups",
        (Lang::Th, PickFolder) => "หรือเลือกทั้งโฟลเดอร์",
        (Lang::En, PickFolder) => "or a whole folder",
        (Lang::Th, Level) => "ความเชื่อมั่น",
        (Lang::En, Level) => "Confidence",
        (Lang::Th, Export) => "ส่งออกผล",
        (Lang::En, Export) => "Export",
        (Lang::Th, ExportRows) => "CSV รายแถว (เปิดใน Excel ได้)",
        (Lang::En, ExportRows) => "CSV, one line per row (opens in Excel)",
        (Lang::Th, ExportSummary) => "CSV สรุปรายเขต",
        (Lang::En, ExportSummary) => "CSV per constituency",
        (Lang::Th, ImportResults) => "หรือนำเข้าผลที่อ่านไว้แล้ว (JSON/CSV ของ TallyScan หรือโปรแกรม Python)",
        (Lang::En, ImportResults) => "or import results read before (TallyScan or Python tool JSON/CSV)",
        (Lang::Th, Constituencies) => "ผลรายเขตเลือกตั้ง",
        (Lang::En, Constituencies) => "Results by constituency",
        (Lang::Th, Province) => "จังหวัด",
        (Lang::En, Province) => "Province",
        (Lang::Th, ConstituencyNo) => "เขต",
        (Lang::En, ConstituencyNo) => "Constituency",
        (Lang::Th, Category) => "ประเภท",
        (Lang::En, Category) => "Ballot",
        (Lang::Th, Units) => "หน่วย",
        (Lang::En, Units) => "Units",
        (Lang::Th, UnitsReview) => "ต้องตรวจ",
        (Lang::En, UnitsReview) => "Need review",
        (Lang::Th, Leader) => "คะแนนนำ",
        (Lang::En, Leader) => "Leading",
        (Lang::Th, Valid) => "บัตรดี",
        (Lang::En, Valid) => "Valid",
        (Lang::Th, Total) => "รวม",
        (Lang::En, Total) => "Total",
        (Lang::Th, NotPlaced) => "ไม่ได้นับรวมในเขตใด",
        (Lang::En, NotPlaced) => "Not counted in any constituency",
        (Lang::Th, PartyList) => "บัญชีรายชื่อ",
        (Lang::En, PartyList) => "party list",
        (Lang::Th, ConstituencyBallot) => "แบ่งเขต",
        (Lang::En, ConstituencyBallot) => "constituency",
        (Lang::Th, Timeout) => "รอคำตอบนานสุด (วินาที)",
        (Lang::En, Timeout) => "Request timeout (seconds)",
        (Lang::Th, PausedNow) => "หยุดชั่วคราวอยู่: คำขอที่ส่งไปแล้วจะเสร็จ แต่จะไม่ส่งใหม่",
        (Lang::En, PausedNow) => "Paused: requests in flight finish, no new ones are sent",
    }
}

// ---- Messages with values, Thai and English.

use crate::core::endpoint::{EndpointError, HostKind};
use crate::core::progress::{FailureKind, RateChange, StopReason, SystemicCause};
use crate::core::provider::{KeyError, SettingsError};

/// Why the settings cannot be used.
pub fn settings_error(lang: Lang, e: &SettingsError) -> String {
    match (lang, e) {
        (Lang::En, e) => format!("Cannot start: {e}."),
        (Lang::Th, SettingsError::NoModel) => "เริ่มไม่ได้: ยังไม่ได้ใส่ชื่อโมเดล".into(),
        (Lang::Th, SettingsError::Key(KeyError::TooLong)) => {
            "เริ่มไม่ได้: คีย์ API ยาวเกิน 1,000 ตัวอักษร วางเฉพาะคีย์อีกครั้ง".into()
        }
        (Lang::Th, SettingsError::Key(KeyError::BadCharacter { position, found })) => {
            format!("เริ่มไม่ได้: คีย์ API มีอักขระที่ส่งไม่ได้ ({found} ที่ตำแหน่ง {position}) วางคีย์ใหม่อีกครั้ง")
        }
        (Lang::Th, SettingsError::Endpoint(e)) => format!("เริ่มไม่ได้: {}", endpoint_error_th(e)),
    }
}

fn endpoint_error_th(e: &EndpointError) -> String {
    match e {
        EndpointError::Empty => "ยังไม่ได้ใส่ที่อยู่ API".into(),
        EndpointError::NotHttp => "ที่อยู่ API ต้องขึ้นต้นด้วย https:// (หรือ http:// สำหรับเครื่องนี้หรือเครือข่ายภายใน)".into(),
        EndpointError::Whitespace => "ที่อยู่ API มีช่องว่าง".into(),
        EndpointError::UserInfo => "ที่อยู่ API มีชื่อผู้ใช้หรือรหัสผ่าน (user@host): ใส่คีย์ในช่องคีย์แทน".into(),
        EndpointError::Query => "ที่อยู่ API มีส่วน ?… ใส่เฉพาะที่อยู่หลัก".into(),
        EndpointError::Fragment => "ที่อยู่ API มีส่วน #… ใส่เฉพาะที่อยู่หลัก".into(),
        EndpointError::NoHost => "ที่อยู่ API ไม่มีชื่อเครื่อง".into(),
        EndpointError::BadPort => "พอร์ตของที่อยู่ API ต้องเป็นตัวเลข 1 ถึง 65535".into(),
        EndpointError::BadHost(h) => format!("\"{h}\" ไม่ใช่ชื่อเครื่อง"),
        EndpointError::PlainHttpPublic(h) => format!(
            "{h} อยู่บนอินเทอร์เน็ต ต้องใช้ https:// (http:// ใช้ได้เฉพาะเครื่องนี้หรือเครือข่ายภายใน)"
        ),
        EndpointError::MixedContent(h) => format!(
            "หน้านี้เปิดผ่าน https เบราว์เซอร์จึงไม่ยอมส่งไปที่ http://{h}: ใช้ที่อยู่แบบ https:// หรือเปิด TallyScan ผ่าน http ในเครือข่ายภายใน"
        ),
    }
}

/// The notice for an endpoint reached over plain `http://`.
pub fn unencrypted_note(lang: Lang, host: &str, kind: HostKind) -> String {
    match (lang, kind) {
        (Lang::Th, HostKind::Loopback) => format!(
            "ไม่เข้ารหัส (http://): ภาพและคีย์ส่งไปที่ {host} ในเครื่องนี้โดยไม่เข้ารหัส"
        ),
        (Lang::Th, _) => format!(
            "ไม่เข้ารหัส (http://): ภาพและคีย์จะส่งผ่านเครือข่ายภายในไปที่ {host} โดยไม่เข้ารหัส ใช้เฉพาะเครือข่ายที่ไว้ใจได้"
        ),
        (Lang::En, HostKind::Loopback) => format!(
            "Unencrypted (http://): images and the key go to {host} on this device without encryption."
        ),
        (Lang::En, _) => format!(
            "Unencrypted (http://): images and the key travel over the local network to {host} without encryption. Use only a network you trust."
        ),
    }
}

fn advice(lang: Lang, c: SystemicCause) -> &'static str {
    match (lang, c) {
        (Lang::En, c) => c.advice(),
        (Lang::Th, SystemicCause::Network) => "ไม่มีคำตอบจากที่อยู่ API: ตรวจที่อยู่ ตรวจว่าเซิร์ฟเวอร์ทำงานอยู่ และอนุญาตคำขอจากหน้านี้ (CORS; Ollama ให้ตั้ง OLLAMA_ORIGINS)",
        (Lang::Th, SystemicCause::NotFound) => "ที่อยู่ API ตอบว่า \"ไม่พบ\" (HTTP 404): ตรวจที่อยู่และชื่อโมเดล",
        (Lang::Th, SystemicCause::NoCredit) => "บัญชีไม่มีเครดิตเหลือ (HTTP 402): เติมเครดิตหรือใช้คีย์อื่น",
        (Lang::Th, SystemicCause::Refused) => "API ปฏิเสธคำขอ (HTTP 400): ตรวจว่าโมเดลอ่านภาพได้และเลือกรูปแบบ API ถูกต้อง",
    }
}

/// Why the batch stopped.
pub fn stop_reason(lang: Lang, r: &StopReason) -> String {
    match (lang, r) {
        (Lang::Th, StopReason::Cancelled) => "ยกเลิกการอ่านแล้ว".into(),
        (Lang::En, StopReason::Cancelled) => "The batch was cancelled.".into(),
        (Lang::Th, StopReason::KeyRefused(m)) => {
            format!("หยุดแล้ว: API ไม่รับคีย์นี้ ({m}) ตรวจคีย์แล้วเริ่มใหม่")
        }
        (Lang::En, StopReason::KeyRefused(m)) => {
            format!("Stopped: {m}. Check the key and start again.")
        }
        (Lang::Th, StopReason::Storage(m)) => format!(
            "หยุดแล้ว: เก็บผลลงเครื่องนี้ไม่ได้ ({m}) ผลที่อ่านแล้วยังอยู่ในตาราง ส่งออกไว้ แล้วลบชุดเก่าในส่วนพื้นที่จัดเก็บก่อนอ่านต่อ"
        ),
        (Lang::En, StopReason::Storage(m)) => format!(
            "Stopped: a result could not be stored on this device ({m}). What was read is still in the table: export it, then free space under Storage before going on."
        ),
        (
            Lang::Th,
            StopReason::Systemic {
                cause, failures, ..
            },
        ) => {
            format!(
                "หยุดแล้ว: คำขอ {failures} ครั้งแรกล้มเหลวแบบเดียวกัน — {}",
                advice(lang, *cause)
            )
        }
        (
            Lang::En,
            StopReason::Systemic {
                cause, failures, ..
            },
        ) => format!(
            "Stopped: the first {failures} requests all failed the same way — {}.",
            advice(lang, *cause)
        ),
    }
}

/// The row of a ballot the batch did not finish.
pub fn unfinished_row(
    lang: Lang,
    kind: &FailureKind,
    attempts: u32,
    why: Option<&StopReason>,
) -> String {
    let why = why.map(|r| stop_reason(lang, r)).unwrap_or_default();
    match (lang, kind) {
        (Lang::Th, FailureKind::CancelledAfterSending) => {
            format!("ยกเลิกหลังส่งไปแล้ว: API อาจอ่านและคิดค่าบริการแล้ว. {why}")
        }
        (Lang::En, FailureKind::CancelledAfterSending) => {
            format!("Cancelled after sending: the API may have read it and may bill it. {why}")
        }
        (Lang::Th, FailureKind::Interrupted) => format!("ยังไม่เสร็จ (ส่งไปแล้ว {attempts} ครั้ง). {why}"),
        (Lang::En, FailureKind::Interrupted) => {
            format!("Not finished after {attempts} attempt(s). {why}")
        }
        (Lang::Th, _) => format!("ยังไม่ได้เริ่ม. {why}"),
        (Lang::En, _) => format!("Not started. {why}"),
    }
}

/// A row that is a copy of an earlier file.
pub fn copy_note(lang: Lang, of: &str) -> String {
    match lang {
        Lang::Th => format!("สำเนาของ {of} (เนื้อหาเหมือนกัน ส่งครั้งเดียว)"),
        Lang::En => format!("copy of {of} (same content, sent once)"),
    }
}

/// The server asked for a pause.
pub fn server_pause(lang: Lang, wait_s: f64, status: u16) -> String {
    match lang {
        Lang::Th => format!("HTTP {status}: เซิร์ฟเวอร์ขอให้รอ {wait_s:.0} วินาที ทั้งชุดรออยู่"),
        Lang::En => {
            format!("HTTP {status}: the server asked to wait {wait_s:.0} s; the batch waits")
        }
    }
}

/// The rate changed.
pub fn rate_note(lang: Lang, per_minute: f64, change: RateChange) -> String {
    match (lang, change) {
        (Lang::Th, RateChange::Throttled) => format!(
            "เซิร์ฟเวอร์ตอบว่าส่งถี่เกินไป (HTTP 429): ลดอัตราเหลือ {per_minute:.0} คำขอต่อนาที แล้วค่อย ๆ เพิ่มกลับ"
        ),
        (Lang::En, RateChange::Throttled) => format!(
            "The server said too many requests (HTTP 429): slowed to {per_minute:.0} a minute, rising back as answers come."
        ),
        (Lang::Th, RateChange::Recovered) => format!("กลับมาที่อัตราเต็ม {per_minute:.0} คำขอต่อนาที"),
        (Lang::En, RateChange::Recovered) => format!("Back to the full rate, {per_minute:.0} a minute."),
        (Lang::Th, RateChange::ServerLimit(l)) => format!(
            "API แจ้งว่าจำกัด {l:.0} คำขอต่อนาที: TallyScan ลดอัตราลงเป็น {per_minute:.0} สำหรับชุดนี้ (แก้ค่าได้ในตั้งค่าขั้นสูง)"
        ),
        (Lang::En, RateChange::ServerLimit(l)) => format!(
            "The API states a limit of {l:.0} requests a minute: TallyScan lowered the rate to {per_minute:.0} for this batch (see Advanced)."
        ),
    }
}

/// The page was hidden during the batch.
pub fn hidden_note(lang: Lang, times: u32, total: &str, hidden_now: bool) -> String {
    match (lang, hidden_now) {
        (Lang::Th, _) => format!(
            "หน้านี้ถูกซ่อน {times} ครั้ง รวม {total} ระหว่างที่ซ่อน เบราว์เซอร์อาจชะลอการส่ง (ไม่เกินอัตราที่ตั้งไว้)"
        ),
        (Lang::En, _) => format!(
            "This page was hidden {times} time(s), {total} in all; while hidden the browser may slow the sending (never above the set rate)."
        ),
    }
}

/// Whether the screen is kept awake.
pub fn wake_note(lang: Lang, held: bool) -> &'static str {
    match (lang, held) {
        (Lang::Th, true) => "หน้าจอจะไม่ดับระหว่างอ่าน",
        (Lang::En, true) => "The screen stays on while the batch runs.",
        (Lang::Th, false) => "เบราว์เซอร์นี้ไม่ยอมให้ล็อกหน้าจอไม่ให้ดับ: อย่าปล่อยให้เครื่องพักหน้าจอระหว่างอ่าน",
        (Lang::En, false) => "This browser cannot keep the screen on: do not let the device sleep while the batch runs.",
    }
}

use crate::core::aggregate::Unplaced;

/// Why a record counts in no constituency.
pub fn unplaced(lang: Lang, u: &Unplaced, kept_file: &str) -> String {
    match (lang, u) {
        (Lang::En, Unplaced::NoForm) => "not placed: the form type was not read".into(),
        (Lang::Th, Unplaced::NoForm) => "ไม่ได้นับรวม: อ่านประเภทแบบฟอร์มไม่ได้".into(),
        (Lang::En, Unplaced::NoProvince) => "not placed: no province was read".into(),
        (Lang::Th, Unplaced::NoProvince) => "ไม่ได้นับรวม: อ่านจังหวัดไม่ได้".into(),
        (Lang::En, Unplaced::UnknownProvince(p)) => {
            format!("not placed: \"{p}\" is not a province")
        }
        (Lang::Th, Unplaced::UnknownProvince(p)) => format!("ไม่ได้นับรวม: \"{p}\" ไม่ใช่ชื่อจังหวัด"),
        (Lang::En, Unplaced::NoConstituency) => {
            "not placed: no constituency number was read".into()
        }
        (Lang::Th, Unplaced::NoConstituency) => "ไม่ได้นับรวม: อ่านหมายเลขเขตเลือกตั้งไม่ได้".into(),
        (Lang::En, Unplaced::Duplicate { .. }) => format!("counted once, as {kept_file}"),
        (Lang::Th, Unplaced::Duplicate { .. }) => format!("นับครั้งเดียว (ใช้ {kept_file})"),
        (Lang::En, Unplaced::SignaturesOnly) => {
            "not counted: a page without votes, and its unit's vote pages are not in this batch"
                .into()
        }
        (Lang::Th, Unplaced::SignaturesOnly) => {
            "ไม่ได้นับรวม: หน้านี้ไม่มีคะแนน และไม่มีหน้าคะแนนของหน่วยเดียวกันในชุดนี้".into()
        }
    }
}

/// After an import: how many records came in, and how many could not be read.
pub fn imported_note(lang: Lang, file: &str, read: usize, skipped: usize) -> String {
    match lang {
        Lang::Th => format!("นำเข้า {file}: อ่านได้ {read} ใบ ข้าม {skipped} รายการที่อ่านไม่ได้"),
        Lang::En => {
            format!("Imported {file}: {read} read, {skipped} entries skipped as unreadable")
        }
    }
}
