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
        (Lang::Th, PausedNow) => "หยุดชั่วคราวอยู่: คำขอที่ส่งไปแล้วจะเสร็จ แต่จะไม่ส่งใหม่",
        (Lang::En, PausedNow) => "Paused: requests in flight finish, no new ones are sent",
    }
}
