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

/// Declares [`Text`], one variant a text, and its Thai and English in
/// one table (the variant's number is its row).
macro_rules! texts {
    ($($key:ident => $th:expr, $en:expr;)*) => {
        /// A text of the UI.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text {
            $($key,)*
        }

        /// Each text's Thai and English, in the order of [`Text`].
        const TEXTS: &[(&str, &str)] = &[$(($th, $en),)*];
    };
}

#[rustfmt::skip]
texts! {
    Tagline => "อ่านใบรายงานผลการนับคะแนน (ส.ส. ๕/๑๖, ๕/๑๗, ๕/๑๘) ด้วยโมเดลภาษาที่อ่านภาพได้ ในเบราว์เซอร์ของคุณ",
        "Reads Thai vote-count forms (ส.ส. 5/16, 5/17, 5/18) with a vision model, in your browser";
    SwitchLang => "English",
        "ภาษาไทย";
    Settings => "การตั้งค่า API",
        "API settings";
    ApiKind => "รูปแบบ API",
        "API format";
    OpenAiCompatible => "แบบเดียวกับ OpenAI (OpenRouter, OpenAI, Gemini, Ollama, vLLM)",
        "OpenAI-compatible (OpenRouter, OpenAI, Gemini, Ollama, vLLM)";
    Anthropic => "Anthropic Messages",
        "Anthropic Messages";
    Endpoint => "ที่อยู่ API (endpoint)",
        "Endpoint";
    Model => "โมเดล",
        "Model";
    ApiKey => "คีย์ API",
        "API key";
    RememberKey => "จำคีย์ไว้ในเครื่องนี้",
        "Remember the key on this device";
    KeyStaysHere => "คีย์ถูกส่งไปยังที่อยู่ API ข้างบนเท่านั้น ไม่ถูกบันทึกหรือส่งออก",
        "The key goes only to the endpoint above; it is never logged or exported.";
    PickImages => "เลือกภาพหรือ PDF ใบรายงานผล",
        "Choose form images or PDFs";
    Start => "เริ่มอ่าน",
        "Start";
    Running => "กำลังอ่าน…",
        "Reading…";
    Progress => "ความคืบหน้า",
        "Progress";
    File => "ไฟล์",
        "File";
    Status => "สถานะ",
        "Status";
    Answer => "คำตอบ / ข้อผิดพลาด",
        "Answer / error";
    Read => "อ่านแล้ว",
        "read";
    Failed => "ผิดพลาด",
        "error";
    NoFiles => "ยังไม่ได้เลือกไฟล์",
        "No files chosen";
    SimNotice => "ที่อยู่นี้คือโปรแกรมจำลอง (ocr-sim): คำตอบเป็นข้อมูลสังเคราะห์ ไม่ใช่การอ่านภาพจริง",
        "This endpoint is the simulator (ocr-sim): answers are synthetic, not real readings.";
    Results => "ผลการอ่าน",
        "Results";
    Pause => "หยุดชั่วคราว",
        "Pause";
    Resume => "ทำต่อ",
        "Resume";
    Cancel => "ยกเลิก",
        "Cancel";
    Advanced => "ตั้งค่าขั้นสูง (อัตราการส่ง)",
        "Advanced (request rate)";
    PerMinute => "คำขอต่อนาที",
        "Requests per minute";
    Burst => "ส่งพร้อมกันได้ (burst)",
        "Burst";
    Concurrency => "คำขอพร้อมกัน (0 = อัตโนมัติ)",
        "In flight (0 = automatic)";
    Verbose => "บันทึกละเอียดในคอนโซล",
        "Verbose console log";
    NeedsReview => "ต้องตรวจ",
        "needs review";
    NotStarted => "ไม่ได้เริ่ม",
        "not started";
    Rate => "ใบ/นาที",
        "per min";
    Eta => "เหลืออีกประมาณ",
        "about";
    Errors => "ผิดพลาด",
        "errors";
    Retries => "ลองใหม่",
        "retries";
    Cleanups => "คืนหน่วยความจำ",
        "memory cleanups";
    PickFolder => "หรือเลือกทั้งโฟลเดอร์",
        "or a whole folder";
    Level => "ความเชื่อมั่น",
        "Confidence";
    MaxTokens => "คำตอบยาวได้ไม่เกิน (โทเค็น)",
        "Longest answer (tokens)";
    MaxTokensRetry => "คำตอบที่ถูกตัดเพราะยาวเกิน ให้ถามซ้ำหนึ่งครั้งโดยยาวได้ถึง (โทเค็น)",
        "An answer cut off for length is asked again once, allowed up to (tokens)";
    PausedNow => "หยุดชั่วคราวอยู่: คำขอที่ส่งไปแล้วจะเสร็จ แต่จะไม่ส่งใหม่",
        "Paused: requests in flight finish, no new ones are sent";
    Export => "ส่งออกผล",
        "Export";
    ExportRows => "CSV รายแถว (เปิดใน Excel ได้)",
        "CSV, one line per row (opens in Excel)";
    ExportSummary => "CSV สรุปรายเขต",
        "CSV per constituency";
    Timeout => "รอคำตอบนานสุด (วินาที)",
        "Request timeout (seconds)";
    ImportResults => "หรือนำเข้าผลที่อ่านไว้แล้ว (JSON/CSV ของ TallyScan หรือโปรแกรม Python)",
        "or import results read before (TallyScan or Python tool JSON/CSV)";
    Constituencies => "ผลรายเขตเลือกตั้ง",
        "Results by constituency";
    Province => "จังหวัด",
        "Province";
    ConstituencyNo => "เขต",
        "Constituency";
    Category => "ประเภท",
        "Ballot";
    Units => "หน่วย",
        "Units";
    UnitsReview => "ต้องตรวจ",
        "Need review";
    Leader => "คะแนนนำ",
        "Leading";
    Valid => "บัตรดี",
        "Valid";
    Total => "รวม",
        "Total";
    NotPlaced => "ไม่ได้นับรวมในเขตใด",
        "Not counted in any constituency";
    PartyList => "บัญชีรายชื่อ",
        "party list";
    ConstituencyBallot => "แบ่งเขต",
        "constituency";
    Storage => "พื้นที่จัดเก็บในเครื่องนี้",
        "Storage on this device";
    Persist => "ขอให้เบราว์เซอร์เก็บข้อมูลไว้ถาวร",
        "Ask the browser to keep this data";
    Persisted => "เบราว์เซอร์จะเก็บข้อมูลนี้ไว้แม้พื้นที่เหลือน้อย",
        "The browser keeps this data even when space runs low.";
    NotPersisted => "เบราว์เซอร์ไม่รับปากว่าจะเก็บไว้ (อาจลบเมื่อพื้นที่เหลือน้อย) ส่งออกผลไว้ด้วย",
        "The browser made no promise: it may clear this data when space runs low. Export your results too.";
    KeepImages => "เก็บภาพที่ส่งอ่านไว้ในเครื่อง (ภาพที่ย่อแล้ว ราว 0.5 MB ต่อใบ ไว้ตรวจทาน)",
        "Keep the images read on this device (the JPEG sent, about 0.5 MB each, for review)";
    KeepOriginals => "เก็บไฟล์ต้นฉบับไว้ด้วย (อ่านต่อได้โดยไม่ต้องเลือกไฟล์ใหม่ แต่ใช้พื้นที่มากกว่าหลายเท่า)",
        "Keep the original files too (resume without picking them again; takes several times the room)";
    ImageBudget => "ขนาดรวมสูงสุดของภาพที่เก็บต่อชุด (MB)",
        "Largest image set kept per batch (MB)";
    StoredBatches => "ชุดงานที่เก็บไว้",
        "Batches on this device";
    Unfinished => "ยังไม่จบ",
        "unfinished";
    Ended => "จบแล้ว",
        "ended";
    ExportSession => "ส่งออกไฟล์เซสชัน",
        "Export session";
    Delete => "ลบ",
        "Delete";
    WithImages => "รวมภาพไว้ในไฟล์เซสชัน",
        "Include the images in session files";
    Volunteer => "ชื่อผู้อ่าน (ใส่ในไฟล์เซสชัน)",
        "Your name (written in session files)";
    ImportSession => "นำเข้าไฟล์เซสชันของอาสาสมัครคนอื่น (รวมกันโดยไม่ซ้ำ)",
        "Import other volunteers' session files (merged, no duplicates)";
    Conflicts => "ภาพเดียวกันอ่านได้ต่างกัน ตรวจทั้งสองแถว:",
        "The same image was read differently; check both rows:";
    ClearDevice => "ล้างข้อมูลในเครื่องนี้ (คีย์ การตั้งค่า ชุดงาน ภาพ)",
        "Clear this device (key, settings, batches, images)";
    ConfirmClear => "กดอีกครั้งเพื่อยืนยัน: ข้อมูลทั้งหมดในเครื่องนี้จะถูกลบ",
        "Press again to confirm: everything on this device is deleted";
    Cleared => "ล้างข้อมูลในเครื่องนี้แล้ว",
        "This device was cleared.";
    ResumeBatch => "อ่านต่อ",
        "Resume the batch";
    DiscardResume => "ไม่อ่านต่อ",
        "Don't resume";
    ResumeNeedsFiles => "ภาพของชุดนี้ไม่ได้เก็บไว้ในเครื่อง: เลือกไฟล์หรือโฟลเดอร์เดิมอีกครั้ง",
        "The images of this batch were not kept: pick the same files or folder again";
    NotPickedAgain => "ไม่ได้เริ่ม: ไม่พบไฟล์นี้ในไฟล์ที่เลือกใหม่ (เลือกโฟลเดอร์เดิมแล้วอ่านต่อได้อีก)",
        "not started: this file was not among the files picked again (pick the same folder and resume again)";
    Offline => "ไม่มีเครือข่าย: หยุดส่งชั่วคราว จะส่งต่อเองเมื่อ API ตอบอีกครั้ง",
        "Offline: sending is paused and goes on by itself when the API answers again";
    UpdateReady => "TallyScan เวอร์ชันใหม่พร้อมใช้แล้ว",
        "A new version of TallyScan is ready";
    UpdateNow => "เปลี่ยนเป็นเวอร์ชันใหม่",
        "Switch to the new version";
    UpdateAfterBatch => "เปลี่ยนได้เมื่ออ่านชุดนี้เสร็จ",
        "You can switch once this batch ends";
    OfflineReady => "ใช้งานแบบออฟไลน์ได้แล้ว",
        "Ready to work offline";
    Number => "ลำดับ",
        "No.";
    Form => "แบบฟอร์ม",
        "Form";
    Unit => "หน่วย",
        "Unit";
    RowsRead => "แถว",
        "Rows";
    FirstIssue => "ปัญหาแรก",
        "First issue";
    ShowRows => "แสดง",
        "Show";
    AllRows => "ทุกแถว",
        "All rows";
    FailedRows => "อ่านไม่สำเร็จ",
        "Failed";
    AnyForm => "ทุกแบบฟอร์ม",
        "Any form";
    AnyProvince => "ทุกจังหวัด",
        "Any province";
    PageSize => "แถวต่อหน้า",
        "Rows per page";
    Pages => "หน้าของตาราง",
        "Table pages";
    Previous => "ก่อนหน้า",
        "Previous";
    Next => "ถัดไป",
        "Next";
    RetryFailed => "ลองอ่านใบที่ไม่สำเร็จอีกครั้ง",
        "Retry failed";
    NoVoteTable => "ไม่มีตารางคะแนน",
        "No vote table";
    ReviewTitle => "ตรวจและแก้ไข",
        "Review and correct";
    Close => "ปิด",
        "Close";
    NextReview => "ใบถัดไปที่ต้องตรวจ (n)",
        "Next needing review (n)";
    Accept => "ยอมรับตามนี้",
        "Accept as it is";
    AcceptReason => "เหตุผลที่ยอมรับ",
        "Reason for accepting";
    Corrections => "ประวัติการแก้ไข",
        "Corrections";
    FromModel => "โมเดลอ่าน",
        "read by the model";
    FromPath => "จากชื่อโฟลเดอร์/ไฟล์",
        "from the folder or file name";
    FromPerson => "แก้โดยคน",
        "typed by a person";
    ZoomIn => "ขยาย",
        "Zoom in";
    ZoomOut => "ย่อ",
        "Zoom out";
    ImageUnavailable => "ไม่มีภาพของใบนี้ในเครื่อง (เลือกไฟล์อีกครั้งเพื่อดูภาพ)",
        "The image is not on this device (pick the file again to see it)";
    Issues => "ปัญหาที่พบ",
        "Issues";
    ChecksPass => "ตรวจผ่านทุกข้อ",
        "Every check passes";
    Field => "ช่อง",
        "Field";
    Digits => "ตัวเลข",
        "Digits";
    Words => "ตัวอักษร",
        "Words";
    Place => "ที่ตั้ง",
        "Place";
    TabResults => "ผลการอ่าน",
        "Results";
    TabReports => "รายงาน",
        "Reports";
    TabOfficial => "เทียบผลทางการ",
        "Official results";
    TabConstituencies => "รายเขต",
        "Constituencies";
    ConfirmNewBatch => "ผลชุดนี้ยังไม่ได้ส่งออก เริ่มชุดใหม่เลยหรือไม่? (ผลชุดเดิมยังเก็บอยู่ในเครื่อง)",
        "These results have not been exported. Start a new batch anyway? (The old batch stays on this device.)";
    Volunteer0 => "อาสาสมัคร",
        "volunteer";
    Votes => "คะแนน",
        "Votes";
    Candidate => "ผู้สมัคร/พรรค",
        "Candidate or party";
    Duplicates => "ซ้ำ",
        "Duplicates";
    Expected => "หน่วยทั้งหมด",
        "Units expected";
    ReviewShare => "ต้องตรวจ",
        "Needing review";
    ExportJson => "JSON (ครบทุกข้อมูล)",
        "JSON (complete)";
    ConflictCount => "อ่านต่างกัน",
        "Conflicts";
    StartAnyway => "เริ่มชุดใหม่เลย",
        "Start the new batch";
    LongEdge => "ย่อภาพให้ด้านยาวไม่เกิน (พิกเซล)",
        "Downscale the long edge to at most (pixels)";
    PdfDpi => "ความละเอียดเมื่อแปลงหน้า PDF เป็นภาพ (150–200 dpi)",
        "Resolution PDF pages are drawn at (150–200 dpi)";
    Quality => "คุณภาพ JPEG (0.3–1)",
        "JPEG quality (0.3–1)";
    SendOriginal => "ส่งไฟล์ต้นฉบับตามที่เลือก (ไม่ย่อ ไม่ลบข้อมูลตำแหน่งในภาพ)",
        "Send the original file (no downscale, location data kept)";
    Preset => "ผู้ให้บริการ",
        "Provider";
    CustomPreset => "กำหนดเอง",
        "Custom";
    PriceIn => "ราคาโทเคนขาเข้า (ดอลลาร์ต่อล้านโทเคน)",
        "Input price (dollars per million tokens)";
    PriceOut => "ราคาโทเคนขาออก (ดอลลาร์ต่อล้านโทเคน)",
        "Output price (dollars per million tokens)";
    BudgetCap => "งบสูงสุดของชุดนี้ (ดอลลาร์, 0 = ไม่จำกัด)",
        "Budget for a batch (dollars, 0 = no cap)";
    PricesHint => "ราคาเป็นค่าตั้งต้นจากผู้ให้บริการ ผู้ใช้ต้องตรวจสอบราคาปัจจุบันเอง",
        "Prices are starting values: checking the provider's current prices is up to you";
    TestConnection => "ทดสอบการเชื่อมต่อ",
        "Test connection";
    RereadCount => "ใบอ่านซ้ำเฉพาะช่องที่ไม่ผ่าน",
        "read again for the failing counts";
    Reread => "ใบที่ตรวจไม่ผ่าน ให้อ่านซ้ำเฉพาะช่องที่มีปัญหาอีกครั้ง (ยอมรับค่าใหม่เฉพาะเมื่อการอ่านสองครั้งตรงกันและผ่านทุกการตรวจ)",
        "Read flagged ballots again, just their failing counts (a new value is taken only when both readings agree and every check passes)";
    RereadCap => "อ่านซ้ำได้ไม่เกิน (ใบต่อชุด)",
        "Second readings at most (per batch)";
    RereadFallback => "อ่านซ้ำด้วยโมเดลสำรอง (ถ้าตั้งไว้)",
        "Read again with the fallback model (when one is set)";
    PublishEvents => "ส่งความคืบหน้าให้แท็บอื่นและหน้าที่ฟังอยู่ (ไม่มีภาพ ไม่มีคีย์)",
        "Publish progress to other tabs and listening pages (no images, no key)";
    EmbedOrigin => "หน้าเว็บที่ฝังแอปนี้ไว้และให้รับความคืบหน้าได้ (ที่อยู่ต้นทางเดียว ว่าง = ไม่มี)",
        "The page embedding this app that may receive progress (one origin; empty = none)";
    FallbackCount => "ใบส่งให้โมเดลสำรอง",
        "to the fallback model";
    FallbackTitle => "โมเดลสำรอง (ใช้เมื่อโมเดลแรกปฏิเสธหรืออ่านไม่ได้)",
        "Fallback model (asked when the first refuses or cannot read)";
    FallbackEndpoint => "ที่อยู่ API ของโมเดลสำรอง (ว่าง = ไม่ใช้)",
        "Fallback base URL (empty: none)";
    FallbackModel => "ชื่อโมเดลสำรอง",
        "Fallback model";
    FallbackKey => "คีย์ API ของโมเดลสำรอง (ไม่ถูกบันทึก)",
        "Fallback API key (never stored)";
    Batch => "ชุด",
        "batch";
    Generated => "จัดทำเมื่อ",
        "generated";
    Processing => "การประมวลผล",
        "Processing";
    Value => "ค่า",
        "Value";
    DurationS => "ใช้เวลา (วินาที)",
        "Duration (s)";
    Requests => "คำขอ",
        "Requests";
    Retries2 => "ลองใหม่",
        "Retries";
    RateAchievedPerMinute => "อัตราที่ได้ (ต่อนาที)",
        "Rate achieved (per minute)";
    TokensInOut => "โทเคน (เข้า / ออก)",
        "Tokens (in / out)";
    CostUS => "ค่าใช้จ่าย (ดอลลาร์สหรัฐ)",
        "Cost (US$)";
    Turnout => "ผู้มาใช้สิทธิ",
        "Turnout";
    InvalidShare => "สัดส่วนบัตรเสีย",
        "Invalid share";
    Constituency => "เขต",
        "constituency";
    NotRead => "(อ่านไม่ได้)",
        "(not read)";
    High => "สูง",
        "High";
    Medium => "กลาง",
        "Medium";
    Low => "ต่ำ",
        "Low";
    VeryLow => "ต่ำมาก",
        "Very low";
    ReadingConfidence => "ความเชื่อมั่นของการอ่าน",
        "Reading confidence";
    Files => "ไฟล์",
        "files";
    Read2 => "อ่านได้",
        "read";
    NeedReview => "ต้องตรวจ",
        "need review";
    Failed2 => "ผิดพลาด",
        "failed";
    Corrections2 => "คนแก้ไข",
        "corrections";
    Forms => "ใบ",
        "Forms";
    AnomaliesInterquartileRangeRule => "ค่าผิดปกติ (กฎพิสัยระหว่างควอร์ไทล์)",
        "Anomalies (interquartile-range rule)";
    Measure => "ค่า",
        "Measure";
    Value2 => "ค่านี้",
        "Value";
    Q1Q3 => "Q1 – Q3",
        "Q1 – Q3";
    Fences => "ช่วงปกติ",
        "Fences";
    FilesNotRead => "ไฟล์ที่อ่านไม่ได้",
        "Files not read";
    CorrectionsMadeByPeople => "การแก้ไขโดยคน",
        "Corrections made by people";
    HighOver10 => "สูง (เกิน 10%)",
        "High (over 10%)";
    MediumOver5 => "กลาง (เกิน 5%)",
        "Medium (over 5%)";
    TheOfficialResultsAreNot => "ยังไม่ได้โหลดผลทางการของ กกต. จึงยังไม่มีการเทียบ",
        "The official results are not loaded: nothing compared yet";
    Top5PartiesByParty => "5 พรรคที่ได้คะแนนบัญชีรายชื่อมากที่สุด",
        "Top 5 parties by party-list votes";
    BallotsProcessed => "ใบที่ประมวลผล",
        "ballots processed";
    Provinces => "จังหวัด",
        "provinces";
    Constituencies2 => "เขตเลือกตั้ง",
        "constituencies";
    DiscrepanciesWithTheOfficialResults => "ข้อแตกต่างกับผลทางการ ตามความรุนแรง",
        "Discrepancies with the official results, by severity";
    PartyVotes => "คะแนนพรรค",
        "Party votes";
    ReadBy => "อ่านโดยโมเดล",
        "Read by";
    ConstituencyBallot2 => "แบ่งเขต",
        "constituency ballot";
    Leading => "นำ:",
        "Leading:";
    Margin => "ทิ้งห่าง",
        "margin";
    Discrepancy => "ข้อแตกต่าง",
        "Discrepancy";
    Forms2 => "จากใบรายงาน",
        "forms";
    Official => "ทางการ",
        "official";
    No => "หมายเลข",
        "No.";
    Name => "ชื่อ",
        "Name";
    Share => "ร้อยละ",
        "Share";
    Summary => "สรุป",
        "Summary";
    Invalid => "บัตรเสีย",
        "Invalid";
    NoVote => "ไม่เลือกผู้ใด",
        "No vote";
    BallotsUsed => "ผู้มาใช้สิทธิ (บัตรที่ใช้)",
        "Ballots used";
    UnitsReportedExpected => "หน่วยที่รายงาน / ทั้งหมด",
        "Units reported / expected";
    TurnoutOfUnitsRead => "ผู้มาใช้สิทธิ (ของหน่วยที่อ่าน)",
        "Turnout (of units read)";
    StillNeedingReview => "ยังต้องตรวจ",
        "Still needing review";
    DuplicatesConflicts => "ซ้ำ / ขัดกัน",
        "Duplicates / conflicts";
    ExecutiveSummary => "สรุปผู้บริหาร",
        "Executive summary";
    BatchSummary => "สรุปชุดการอ่าน",
        "Batch summary";
    ConstituencyReport => "รายงานรายเขตเลือกตั้ง",
        "Constituency report";
    Report => "รายงาน",
        "Report";
    ExecutiveSummaryOnePage => "สรุปผู้บริหาร (หน้าเดียว)",
        "Executive summary (one page)";
    SaveAsPDFPrint => "บันทึกเป็น PDF / พิมพ์",
        "Save as PDF / print";
    PickTheElectionCommissionS => "เลือกไฟล์ stats_cons.json และ stats_party.json ของ กกต. (หรือใส่ที่อยู่ไฟล์) แล้วดูว่าผลรวมจากใบรายงานที่อ่านไว้ตรงกับผลที่ประกาศหรือไม่",
        "Pick the Election Commission's stats_cons.json and stats_party.json (or give their address) to see whether the forms read add up to what was published";
    ChooseOfficialResultFiles => "เลือกไฟล์ผลทางการ",
        "Choose official result files";
    OrItsAddress => "หรือที่อยู่ไฟล์",
        "or its address";
    Fetch => "ดึงไฟล์",
        "Fetch";
    ValidBallots => "บัตรดี",
        "Valid ballots";
    InvalidBallots => "บัตรเสีย",
        "Invalid ballots";
    BallotsUsed2 => "ผู้มาใช้สิทธิ",
        "Ballots used";
    CompareWithTheOfficialResults => "เทียบกับผลทางการของ กกต.",
        "Compare with the official results";
    Severity => "ความรุนแรง",
        "Severity";
    All => "ทั้งหมด",
        "All";
    AllProvinces => "ทุกจังหวัด",
        "All provinces";
    ExportCSV => "ส่งออก CSV",
        "Export CSV";
    ExportJSON => "ส่งออก JSON",
        "Export JSON";
    Unit2 => "หน่วย",
        "unit";
    CorrectedByAPerson => "คนแก้แล้ว",
        "corrected by a person";
    AcceptedByAPerson => "คนยอมรับแล้ว",
        "accepted by a person";
    National => "ทั้งประเทศ",
        "National";
    CertainExcessBeforeEveryUnit => "เกินแน่นอน แม้ยังอ่านไม่ครบทุกหน่วย",
        "certain excess, before every unit is read";
    DiscrepancyWhere => "ที่",
        "Where";
    DiscrepancyWhat => "รายการ",
        "What";
    DiscrepancyForms => "จากใบรายงาน",
        "Forms";
    DiscrepancyOfficial => "ผลทางการ",
        "Official";
    DiscrepancyDifference => "ผลต่าง",
        "Difference";
    DiscrepancyVariance => "ร้อยละ",
        "Variance";
    DiscrepancyEvidence => "หลักฐาน",
        "Evidence";
    CandidateNumber => "หมายเลข",
        "No.";
    Shared => "ฐานข้อมูลร่วม (CouchDB)",
        "Shared database (CouchDB)";
    SharedHint => "ส่งผลการอ่านไปรวมกับอาสาสมัครคนอื่นในฐานข้อมูล CouchDB ของกลุ่ม ทำงานต่อได้แม้ออฟไลน์ ส่งเมื่อกลับมาออนไลน์ ไม่ส่งคีย์ API",
        "Pools your readings with other volunteers' in your group's CouchDB database. Works offline and sends when back online. The API key is never sent.";
    SharedServer => "ที่อยู่เซิร์ฟเวอร์",
        "Server address";
    SharedDb => "ชื่อฐานข้อมูล",
        "Database name";
    SharedName => "ชื่อผู้ใช้",
        "User name";
    SharedPassword => "รหัสผ่าน (ไม่เก็บไว้)",
        "Password (not kept)";
    LogIn => "เข้าสู่ระบบ",
        "Log in";
    LogOut => "ออกจากระบบ",
        "Log out";
    SyncNow => "ซิงก์ตอนนี้",
        "Sync now";
    SyncWaiting => "รอส่ง",
        "Waiting to send";
    SyncForms => "แบบฟอร์มในฐานข้อมูล (ที่เครื่องนี้มี)",
        "Forms in the database (held here)";
    SyncLast => "ซิงก์ล่าสุด",
        "Last sync";
    SyncNever => "ยังไม่เคย",
        "never";
    SyncBusy => "กำลังซิงก์…",
        "Syncing…";
    SyncConflicts => "อ่านไม่ตรงกัน (ภาพเดียวกัน อ่านได้ต่างกัน)",
        "Read differently (the same image, different readings)";
    SyncRefused => "ฐานข้อมูลไม่รับ",
        "Refused by the database";
    SyncSkipped => "ข้อมูลที่อ่านไม่ได้ (ข้ามไป)",
        "Could not be read (skipped)";
    LoggedInAs => "เข้าสู่ระบบเป็น",
        "Logged in as";
    ReadByPerson => "อ่านโดย",
        "Read by";
    SyncForm => "แบบฟอร์ม",
        "Form";
    NationalTitle => "ภาพรวมทั้งประเทศ (ผู้ประสานงาน)",
        "National picture (coordinator)";
    NationalParties => "คะแนนบัญชีรายชื่อทั้งประเทศ ตามพรรค",
        "Party-list votes, whole country, by party";
    NationalCoverage => "ความครอบคลุมรายจังหวัด (แบบ ส.ส. 5/18 แบ่งเขต)",
        "Coverage by province (constituency forms)";
    Party => "พรรค",
        "Party";
    UnitsReported => "หน่วยที่รายงาน",
        "Units reported";
    UnitsExpected => "หน่วยทั้งหมด",
        "Units expected";
    NationalRaces => "ผู้นำรายเขต (แบบแบ่งเขต ตามที่นับได้)",
        "Leaders by constituency (constituency ballots, as counted so far)";
    LeadingNumber => "หมายเลขที่นำ",
        "Leading number";
    MarginVotes => "ทิ้งห่าง (คะแนน)",
        "Margin (votes)";
    NationalLedByParty => "เขตที่ผู้สมัครของแต่ละพรรคนำอยู่ (แบบแบ่งเขต ตามที่นับได้)",
        "Constituencies led, by the leading candidate's party (as counted so far)";
    ConstituenciesLed => "เขตที่นำ",
        "Constituencies led";
    LeadTied => "คะแนนเท่ากัน",
        "Tied for the lead";
    PartyNotKnown => "ไม่ทราบพรรค",
        "Party not known";
    NationalImageConflicts => "ภาพเดียวกัน อ่านได้ต่างกัน: เลือกค่าที่ถูก",
        "One image read differently: keep the right reading";
    NationalUnitConflicts => "หน่วยเดียวกัน รายงานจากหลายภาพ ตัวเลขต่างกัน: เลือกภาพที่ถูก",
        "One unit reported by several images with different numbers: keep the right one";
    NationalMap => "แผนที่ 77 จังหวัด",
        "Map of the 77 provinces";
    MapByCoverage => "ตามความครอบคลุม",
        "By coverage";
    MapByLeader => "ตามพรรคที่นำ (บัญชีรายชื่อ)",
        "By leading party (party list)";
    MapColour => "สีบนแผนที่",
        "Map colours";
    CoverageNone => "ยังไม่มี",
        "None yet";
    LeadingParty => "พรรคที่นำ",
        "Leading party";
    WholeDatabase => "ทั้งฐานข้อมูลที่ใช้ร่วมกัน",
        "the whole shared database";
    NationalReports => "รายงานสำหรับพิมพ์ จากทั้งฐานข้อมูล",
        "Printable reports of the whole database";
    CompareWholeDatabase => "เทียบกับผลทางการของ กกต. (ทั้งฐานข้อมูล)",
        "Compare with the official results (the whole database)";
    KeepReading => "ใช้ค่านี้",
        "Keep this";
    Reading => "ค่าที่อ่านได้",
        "Reading";
    NationalLoading => "กำลังโหลดแบบฟอร์มจากฐานข้อมูล",
        "Loading forms from the database";
    NoConflicts => "ไม่มี",
        "None";
    SyncImages => "ส่งภาพแบบฟอร์มไปด้วย (ภาพที่เตรียมส่ง ประมาณใบละครึ่งเมกะไบต์)",
        "Send the forms' images too (as prepared, about half a megabyte each)";
}

/// A static text that follows the language signal. Every static text of
/// the page is this one closure type, so its rendering code is in the
/// bundle once rather than once per text.
pub fn tr(
    lang: leptos::prelude::RwSignal<Lang>,
    text: Text,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    use leptos::prelude::Get;
    move || t(lang.get(), text)
}

/// The text in a language.
pub fn t(lang: Lang, text: Text) -> &'static str {
    let (thai, english) = TEXTS[text as usize];
    match lang {
        Lang::Th => thai,
        Lang::En => english,
    }
}

// ---- Messages with values, Thai and English.

use crate::core::api::endpoint::{EndpointError, HostKind};
use crate::core::api::provider::{KeyError, SettingsError};
use crate::core::engine::progress::{FailureKind, RateChange, StopReason, SystemicCause};

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
            StopReason::Budget {
                spent_micros,
                cap_micros,
            },
        ) => format!(
            "หยุดแล้ว: ใช้งบครบแล้ว (${:.2} จากงบ ${:.2}) ใบที่อ่านแล้วเก็บไว้ครบ ใบที่เหลือยังไม่ได้ส่ง",
            *spent_micros as f64 / 1e6,
            *cap_micros as f64 / 1e6
        ),
        (
            Lang::En,
            StopReason::Budget {
                spent_micros,
                cap_micros,
            },
        ) => format!(
            "Stopped: the budget is reached (${:.2} of ${:.2}). Everything read is kept; the rest was not sent.",
            *spent_micros as f64 / 1e6,
            *cap_micros as f64 / 1e6
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
        (lang, FailureKind::Missing) => t(lang, Text::NotPickedAgain).to_string(),
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

use crate::core::results::aggregate::Unplaced;

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

/// What was picked: files, the ballots in PDFs (one a page) once counted,
/// and the files of a folder skipped as neither image nor PDF.
pub fn file_summary(lang: Lang, n: usize, pdfs: Option<(usize, usize)>, skipped: usize) -> String {
    let mut s = match (lang, n) {
        (_, 0) => t(lang, Text::NoFiles).to_string(),
        (Lang::Th, _) => format!("เลือกแล้ว {n} ไฟล์"),
        (Lang::En, _) => format!("{n} file(s) chosen"),
    };
    if let Some((pdfs, ballots)) = pdfs {
        s.push_str(&match lang {
            Lang::Th => format!(" · PDF {pdfs} ไฟล์ · รวม {ballots} ใบ (หน้าละใบ)"),
            Lang::En => format!(" · {pdfs} PDF(s) · {ballots} ballot(s) in all (one per page)"),
        });
    }
    if skipped > 0 {
        s.push_str(&match lang {
            Lang::Th => format!(" (ข้ามไฟล์ที่ไม่ใช่ภาพหรือ PDF {skipped} ไฟล์)"),
            Lang::En => format!(" ({skipped} file(s) neither image nor PDF skipped)"),
        });
    }
    s
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

/// "12.3 MB".
pub fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_048_576.0)
}

/// Space used of the site's quota.
pub fn storage_usage(lang: Lang, used: f64, quota: f64) -> String {
    match lang {
        Lang::Th => format!(
            "ใช้ไป {} จาก {} ที่เบราว์เซอร์ให้",
            megabytes(used),
            megabytes(quota)
        ),
        Lang::En => format!(
            "{} used of the {} the browser allows",
            megabytes(used),
            megabytes(quota)
        ),
    }
}

/// Storage cannot be used at all (a private window, an old browser).
pub fn storage_unavailable(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Th => format!("เก็บผลในเครื่องนี้ไม่ได้ ({why}): ผลจะหายเมื่อโหลดหน้าใหม่ ส่งออกไว้เสมอ"),
        Lang::En => format!(
            "This browser cannot store results ({why}): they are lost on reload, so export them."
        ),
    }
}

/// Why a batch's images were not kept.
pub fn images_not_kept(lang: Lang, size: f64, limit: f64) -> String {
    match lang {
        Lang::Th => format!(
            "ไม่ได้เก็บภาพของชุดนี้: ภาพรวม {} เกินที่กำหนด/ที่ว่าง {} (ถ้าต้องอ่านต่อ ต้องเลือกไฟล์เดิมอีกครั้ง)",
            megabytes(size),
            megabytes(limit)
        ),
        Lang::En => format!(
            "The images of this batch were not kept: {} is over the budget or free space ({}); a resume will ask for the files again.",
            megabytes(size),
            megabytes(limit)
        ),
    }
}

/// A batch kept on the device, as the list shows it.
pub fn batch_line(lang: Lang, date: &str, files: usize, done: usize, ended: bool) -> String {
    let state = t(lang, if ended { Text::Ended } else { Text::Unfinished });
    match lang {
        Lang::Th => format!("{date} · {files} ไฟล์ · เสร็จ {done} · {state}"),
        Lang::En => format!("{date} · {files} files · {done} done · {state}"),
    }
}

/// The offer to resume a batch cut off by a reload or a crash.
pub fn resume_offer(lang: Lang, date: &str, done: usize, total: usize) -> String {
    match lang {
        Lang::Th => format!("ชุดที่เริ่มเมื่อ {date} ยังอ่านไม่จบ: เสร็จแล้ว {done} จาก {total} ใบ ใบที่เสร็จแล้วจะไม่ส่งซ้ำ"),
        Lang::En => format!("The batch started {date} did not finish: {done} of {total} done. Finished ones are not sent again."),
    }
}

/// Files picked again for a resume.
pub fn resume_matched(lang: Lang, found: usize, needed: usize) -> String {
    match lang {
        Lang::Th => format!("พบ {found} จาก {needed} ไฟล์ที่ยังต้องอ่าน"),
        Lang::En => format!("Found {found} of the {needed} files still to read"),
    }
}

/// After importing session files.
pub fn sessions_note(
    lang: Lang,
    files: usize,
    new: usize,
    duplicates: usize,
    conflicts: usize,
) -> String {
    match lang {
        Lang::Th => format!(
            "นำเข้า {files} ไฟล์เซสชัน: ใบใหม่ {new} ใบ ซ้ำกับที่มีอยู่ {duplicates} ใบ อ่านต่างกัน {conflicts} ใบ"
        ),
        Lang::En => format!(
            "Imported {files} session file(s): {new} new, {duplicates} already here, {conflicts} read differently"
        ),
    }
}

/// Dollars, as the page shows them.
pub fn dollars(d: f64) -> String {
    if d < 0.01 && d > 0.0 {
        format!("${d:.4}")
    } else {
        format!("${d:.2}")
    }
}

/// The estimate before a run.
pub fn estimate_line(lang: Lang, images: usize, tokens: u64, cost: f64, priced: bool) -> String {
    let money = if priced { dollars(cost) } else { "?".into() };
    match lang {
        Lang::Th => format!(
            "ประมาณการ: {images} ภาพ ≈ {tokens} โทเคน ≈ {money}{}",
            if priced {
                ""
            } else {
                " (ใส่ราคาในตั้งค่าขั้นสูง)"
            }
        ),
        Lang::En => format!(
            "Estimate: {images} images ≈ {tokens} tokens ≈ {money}{}",
            if priced {
                ""
            } else {
                " (set prices under Advanced)"
            }
        ),
    }
}

/// Tokens and cost so far.
pub fn spent_line(lang: Lang, input: u64, output: u64, cost: f64) -> String {
    match lang {
        Lang::Th => format!("ใช้ไปแล้ว: โทเคนเข้า {input} ออก {output} ≈ {}", dollars(cost)),
        Lang::En => format!(
            "Spent so far: {input} tokens in, {output} out ≈ {}",
            dollars(cost)
        ),
    }
}

/// What testing the connection found, in plain words.
pub fn connection(
    lang: Lang,
    c: &crate::core::api::connection::Connection,
    origin: &str,
) -> String {
    use crate::core::api::connection::Connection as C;
    let th = lang == Lang::Th;
    match c {
        C::Works { listed: Some(true), models } if th => format!("เชื่อมต่อได้: มีโมเดลนี้ (จาก {models} โมเดล)"),
        C::Works { listed: Some(true), models } => format!("Connected: the model is served ({models} models listed)"),
        C::Works { .. } if th => "เชื่อมต่อได้ (เซิร์ฟเวอร์ไม่ได้บอกรายชื่อโมเดล)".into(),
        C::Works { .. } => "Connected (the server lists no models)".into(),
        C::KeyRefused(s) if th => format!("คีย์ API ไม่ถูกต้องหรือไม่มีสิทธิ์ (HTTP {s}) ตรวจคีย์อีกครั้ง"),
        C::KeyRefused(s) => format!("The API key was refused (HTTP {s}): check the key"),
        C::NotFound if th => "ไม่พบ API ที่ที่อยู่นี้ (HTTP 404) ตรวจที่อยู่ API (เช่น ต้องลงท้ายด้วย /v1)".into(),
        C::NotFound => "No API at this address (HTTP 404): check the base URL (it usually ends in /v1)".into(),
        C::NoCredit if th => "เครดิตหมด (HTTP 402) เติมเงินที่ผู้ให้บริการก่อน".into(),
        C::NoCredit => "No credit left (HTTP 402): top up with the provider".into(),
        C::ModelMissing { model, examples } if th => format!("ไม่มีโมเดล \"{model}\" ที่นี่ ตัวอย่างที่มี: {}", examples.join(", ")),
        C::ModelMissing { model, examples } => format!("The model \"{model}\" is not served here; some that are: {}", examples.join(", ")),
        C::Unreachable(_) if th => format!("เบราว์เซอร์ติดต่อเซิร์ฟเวอร์นี้ไม่ได้: ที่อยู่ผิด เซิร์ฟเวอร์ไม่ทำงาน หรือเซิร์ฟเวอร์ไม่อนุญาตหน้านี้ (CORS) สำหรับ Ollama ให้เริ่มด้วย OLLAMA_ORIGINS={origin} ollama serve สำหรับ vLLM ใส่ --allowed-origins '[\"{origin}\"]'"),
        C::Unreachable(_) => format!("The browser could not reach this server: wrong address, server down, or it does not allow this page (CORS). For Ollama start it with OLLAMA_ORIGINS={origin} ollama serve; for vLLM pass --allowed-origins '[\"{origin}\"]'"),
        C::Status(s) if th => format!("เซิร์ฟเวอร์ตอบ HTTP {s} ลองใหม่ภายหลัง"),
        C::Status(s) => format!("The server answered HTTP {s}: try again later"),
    }
}

/// A message with values, kept as what it says (not as text), so it is
/// worded in the page's language whenever it is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// An official results file was read.
    OfficialRead { name: String },
    /// What reading an official file noticed.
    OfficialNote(crate::core::results::official::Note),
    /// An official file that is not one.
    OfficialUnreadable { name: String, why: String },
    /// The server holding an official file answered with an error.
    OfficialStatus { url: String, status: u16 },
    /// An official file's address could not be fetched.
    OfficialUnreachable { url: String, why: String },
    /// A picked file could not be read.
    FileUnreadable { why: String },
    /// The official comparison's coverage: exact, partial, without an
    /// official result, and the discrepancies found.
    Coverage {
        full: usize,
        partial: usize,
        without: usize,
        discrepancies: usize,
    },
    /// The forms a discrepancy rests on.
    Evidence { forms: usize },
}

/// The national picture's line: forms held and forms read differently.
pub fn national_summary(lang: Lang, forms: usize, conflicts: usize) -> String {
    match lang {
        Lang::Th => format!("แบบฟอร์ม {forms} ใบ · อ่านไม่ตรงกัน {conflicts} ใบ"),
        Lang::En => format!("{forms} forms · {conflicts} read differently"),
    }
}

/// "Show more" under a long list: shown of total.
pub fn show_more(lang: Lang, shown: usize, total: usize) -> String {
    match lang {
        Lang::Th => format!("แสดงเพิ่ม (แสดงอยู่ {shown} จาก {total} รายการ)"),
        Lang::En => format!("Show more ({shown} of {total} shown)"),
    }
}

/// A message in `lang`.
pub fn msg(lang: Lang, m: &Msg) -> String {
    use crate::core::results::official::Note;
    let th = lang == Lang::Th;
    match m {
        Msg::OfficialRead { name } if th => format!("อ่าน {name} แล้ว"),
        Msg::OfficialRead { name } => format!("{name} read"),
        Msg::OfficialUnreadable { name, why } if th => format!("อ่าน {name} ไม่ได้: ไม่ใช่ไฟล์ผลการเลือกตั้งของ กกต. ({why})"),
        Msg::OfficialUnreadable { name, why } => format!("{name} could not be read: {why}"),
        Msg::OfficialStatus { url, status } if th => format!("{url}: เซิร์ฟเวอร์ตอบ {status} ดาวน์โหลดไฟล์แล้วเลือกจากเครื่องแทน"),
        Msg::OfficialStatus { url, status } => format!("{url}: the server answered {status}; download the file and pick it instead"),
        Msg::OfficialUnreachable { url, why } if th => format!("{url}: ดึงไม่ได้ (เครือข่าย หรือเซิร์ฟเวอร์ไม่อนุญาตให้หน้านี้อ่าน) ดาวน์โหลดไฟล์แล้วเลือกจากเครื่องแทน ({why})"),
        Msg::OfficialUnreachable { url, why } => format!("{url}: could not fetch it (network, or the server does not allow this page to read it); download the file and pick it instead ({why})"),
        Msg::FileUnreadable { why } if th => format!("อ่านไฟล์ไม่ได้: {why}"),
        Msg::FileUnreadable { why } => format!("The file could not be read: {why}"),
        Msg::Coverage { full, partial, without, discrepancies } if th => format!("เทียบได้ครบ {full} รายการ (อ่านครบทุกหน่วยและ กกต. นับครบ) · อ่านยังไม่ครบ {partial} รายการ (บอกได้เฉพาะที่เกินแน่นอน) · ไม่มีผลทางการ {without} รายการ · ข้อแตกต่าง {discrepancies} รายการ"),
        Msg::Coverage { full, partial, without, discrepancies } => format!("{full} compared exactly (every unit read, official count complete) · {partial} partly read (only certain excesses said) · {without} without an official result · {discrepancies} discrepancies"),
        Msg::Evidence { forms } if th => format!("หลักฐาน {forms} ใบ"),
        Msg::Evidence { forms } => format!("evidence: {forms} form(s)"),
        Msg::OfficialNote(n) if !th => n.to_string(),
        Msg::OfficialNote(n) => match n {
            Note::NoId { file, at } => format!("{file}: รายการที่ {at} ไม่มีรหัส จึงข้ามไป"),
            Note::BadNumber { at, field, value } => format!("{at}: ค่า {field} = {value} ไม่ใช่จำนวนที่ใช้ได้ จึงไม่นำมาเทียบ"),
            Note::UnknownParty { at, party_id } => format!("{at}: พรรครหัส {party_id} ไม่มีในทะเบียนพรรค จึงไม่รู้หมายเลขบัตร ไม่นำมาเทียบ"),
            Note::UnknownProvince { at, province_id } => format!("{at}: ไม่รู้จักจังหวัดรหัส {province_id} จึงข้ามไป"),
            Note::Missing { file, field } => format!("{file}: ไม่มีช่อง {field} (ไฟล์รุ่นอื่น) ส่วนที่เหลืออ่านได้"),
        },
    }
}
