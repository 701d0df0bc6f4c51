//! Data model of a full procedure record, as published on the national portal.
//!
//! Text fields are NFC, with invisible characters removed, and otherwise as published: the
//! parser does not reword, translate or re-case anything. "No information" markers of the portal
//! (`Không có thông tin`, `Không có`, …) become `None` or an empty list.

use serde::{Deserialize, Serialize};

use crate::catalog::model::Level;

/// Everything the portal publishes about one administrative procedure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcedureDetails {
    /// National code, `d.dddddd` (mã thủ tục).
    pub code: String,
    /// Procedure name, from the record's title.
    pub name: String,
    /// Number of the decision that published the procedure (số quyết định), e.g. `163/QĐ-BTP`.
    pub decision_number: Option<String>,
    /// Levels that carry it out (cấp thực hiện), in the order published, without duplicates.
    pub levels: Vec<Level>,
    /// Kind of procedure (loại thủ tục), raw: a phrase or a portal constant such as `OTHER`.
    pub kind: Option<String>,
    /// Field (lĩnh vực).
    pub field: Option<String>,
    /// Who may file it (đối tượng thực hiện).
    pub subjects: Vec<String>,
    /// Competent agency (cơ quan có thẩm quyền).
    pub competent_agency: Option<String>,
    /// Where dossiers are received (địa chỉ tiếp nhận hồ sơ).
    pub receiving_address: Option<String>,
    /// Agency the power is delegated to (cơ quan được ủy quyền).
    pub authorised_agency: Option<String>,
    /// Coordinating agency (cơ quan phối hợp).
    pub coordinating_agency: Option<String>,
    /// Related procedures (thủ tục hành chính liên quan), one entry per published item.
    pub related_procedures: Vec<String>,
    /// Steps (trình tự thực hiện), each possibly multi-line.
    pub steps: Vec<String>,
    /// Ways to file, with time and fees for each (cách thức thực hiện).
    pub channels: Vec<Channel>,
    /// Required documents, grouped by case (thành phần hồ sơ).
    pub document_cases: Vec<DocumentCase>,
    /// Legal bases (căn cứ pháp lý).
    pub legal_bases: Vec<LegalBasis>,
    /// Executing agencies (cơ quan thực hiện).
    pub executing_agencies: Vec<String>,
    /// Requirements and conditions (yêu cầu, điều kiện thực hiện), free text.
    pub conditions: Option<String>,
    /// What the citizen gets back (kết quả xử lý).
    pub results: Vec<ResultDocument>,
    /// Search keywords (từ khóa).
    pub keywords: Vec<String>,
    /// Description (mô tả), free text.
    pub description: Option<String>,
}

/// How a dossier is filed (hình thức nộp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ChannelKind {
    /// Online, through a public-service portal or app (trực tuyến).
    Online,
    /// In person at the receiving office (trực tiếp).
    Direct,
    /// By post (dịch vụ bưu chính).
    Postal,
}

impl ChannelKind {
    /// Vietnamese label as the portal writes it.
    #[must_use]
    pub fn label_vi(self) -> &'static str {
        match self {
            ChannelKind::Online => "Trực tuyến",
            ChannelKind::Direct => "Trực tiếp",
            ChannelKind::Postal => "Dịch vụ bưu chính",
        }
    }
}

/// One way to file, with its own processing time and fees.
///
/// A record may list the same kind twice (e.g. two online rows for two different cases).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// How the dossier is filed.
    pub kind: ChannelKind,
    /// Processing time as published (`7 ngày làm việc`, `N/A`, `Trong ngày`, …).
    pub processing_time_raw: String,
    /// The processing time, when it is a plain amount and unit.
    pub processing_time: Option<ProcessingTime>,
    /// Fees cell as published (`<br>` turned into new lines); `None` when it says nothing.
    pub fees_raw: Option<String>,
    /// Fees, one per published entry.
    pub fees: Vec<Fee>,
    /// Notes on this channel (mô tả).
    pub description: Option<String>,
}

/// A processing time that reads as an amount and a unit, e.g. `5 ngày làm việc`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProcessingTime {
    /// How many units; fractional because the portal allows e.g. `0,5 ngày`. Always finite.
    #[serde(deserialize_with = "finite_amount")]
    pub amount: f32,
    /// The unit.
    pub unit: TimeUnit,
}

/// Reads an amount, refusing numbers too large for `f32`. JSON decoding would read `1e39` as
/// infinity, which JSON encodes as `null`: a record fetched from a portal would be stored in
/// the cache and then fail to read back, and drop out of the catalogue. (Found by the
/// `wire_json` fuzz target's round trip.)
fn finite_amount<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
    let amount = f32::deserialize(deserializer)?;
    if amount.is_finite() {
        Ok(amount)
    } else {
        Err(serde::de::Error::custom(
            "a processing time's amount must be a finite number",
        ))
    }
}

/// Unit of a processing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TimeUnit {
    /// Minutes (phút).
    Minutes,
    /// Hours (giờ).
    Hours,
    /// Working hours (giờ làm việc).
    WorkingHours,
    /// Calendar days (ngày).
    Days,
    /// Working days (ngày làm việc).
    WorkingDays,
    /// Weeks (tuần).
    Weeks,
    /// Months (tháng).
    Months,
    /// Years (năm).
    Years,
}

impl TimeUnit {
    /// Vietnamese label as the portal writes it.
    #[must_use]
    pub fn label_vi(self) -> &'static str {
        match self {
            TimeUnit::Minutes => "phút",
            TimeUnit::Hours => "giờ",
            TimeUnit::WorkingHours => "giờ làm việc",
            TimeUnit::Days => "ngày",
            TimeUnit::WorkingDays => "ngày làm việc",
            TimeUnit::Weeks => "tuần",
            TimeUnit::Months => "tháng",
            TimeUnit::Years => "năm",
        }
    }
}

/// One fee or charge (phí, lệ phí) of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    /// The entry as published, e.g. `Lệ phí: 8.000 đồng`.
    pub description: String,
    /// Amount in đồng: `Some(0)` when the entry says the service is free, `None` when it
    /// states no amount or several different ones.
    pub amount_vnd: Option<u64>,
}

/// One case of required documents (trường hợp), e.g. "documents to file" vs "to show".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentCase {
    /// Case name without list markers or trailing colon; `None` for an unnamed case.
    pub name: Option<String>,
    /// Documents of the case, in published order.
    pub items: Vec<DocumentItem>,
}

/// One required document (giấy tờ).
///
/// The portal also stores notes as items with no originals and no copies; they are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentItem {
    /// Document name or note, as published (leading `-`/`+` list markers kept).
    pub name: String,
    /// Number of originals (bản chính).
    pub originals: u32,
    /// Number of copies (bản sao).
    pub copies: u32,
    /// File names of the attached forms (tệp đính kèm).
    pub forms: Vec<String>,
}

/// A legal basis (căn cứ pháp lý).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// Title of the legal document.
    pub title: String,
    /// Its number as published, e.g. `123/2015/NĐ-CP`.
    pub number: Option<String>,
}

/// A document or outcome the procedure produces (kết quả).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDocument {
    /// Name of the result.
    pub name: String,
    /// Portal code of the result, e.g. `KQ.G15.000031`.
    pub code: Option<String>,
}
