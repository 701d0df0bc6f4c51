//! A procedure's full record as the UIs get it, converted from the core's model.

use longan_core::catalog::details as core_details;
use longan_core::catalog::{Level, Procedure, Scope};

/// Administrative level that carries out a procedure (cấp thực hiện).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ProcedureLevel {
    /// Commune or ward (cấp xã).
    Commune,
    /// Province (cấp tỉnh).
    Province,
    /// Ministry or central agency (cấp bộ/ngành).
    Ministry,
}

/// Whose procedure it is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ProcedureScope {
    /// Published by a ministry or national body: valid everywhere.
    National,
    /// A province's own procedure.
    Province {
        /// The province as published, e.g. `Tây Ninh`.
        name: String,
    },
}

/// One procedure with everything stored about it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProcedureDetail {
    /// National code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Publishing body (cơ quan ban hành).
    pub publisher: String,
    /// Executing agencies (cơ quan thực hiện).
    pub agencies: Vec<String>,
    /// Levels that carry it out; empty when nothing says.
    pub levels: Vec<ProcedureLevel>,
    /// National or a province's own.
    pub scope: ProcedureScope,
    /// Page on the national portal.
    pub source_url: String,
    /// The full record (documents, fees, steps), when it is available offline.
    pub record: Option<ProcedureRecord>,
}

/// Everything the portal publishes about a procedure. Texts are as published.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ProcedureRecord {
    /// Number of the decision that published it, e.g. `163/QĐ-BTP`.
    pub decision_number: Option<String>,
    /// Kind of procedure, as published.
    pub kind: Option<String>,
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
    /// Related procedures, one entry per published item.
    pub related_procedures: Vec<String>,
    /// Steps (trình tự thực hiện).
    pub steps: Vec<String>,
    /// Ways to file, each with its time and fees (cách thức thực hiện).
    pub channels: Vec<FilingChannel>,
    /// Required documents by case (thành phần hồ sơ).
    pub document_cases: Vec<DocumentCase>,
    /// Legal bases (căn cứ pháp lý).
    pub legal_bases: Vec<LegalBasis>,
    /// Requirements and conditions, free text.
    pub conditions: Option<String>,
    /// What the citizen gets back (kết quả).
    pub results: Vec<ResultDocument>,
    /// Description, free text.
    pub description: Option<String>,
}

/// How a dossier is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChannelKind {
    /// Online (trực tuyến).
    Online,
    /// In person (trực tiếp).
    Direct,
    /// By post (dịch vụ bưu chính).
    Postal,
}

/// One way to file, with its own time and fees.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FilingChannel {
    /// How.
    pub kind: ChannelKind,
    /// Processing time as published (`7 ngày làm việc`).
    pub processing_time_text: String,
    /// The processing time, when it is a plain amount and unit.
    pub processing_time: Option<ProcessingTime>,
    /// Fees as published; `None` when nothing is said.
    pub fees_text: Option<String>,
    /// Fees, one per published entry.
    pub fees: Vec<Fee>,
    /// Notes on this channel.
    pub description: Option<String>,
    /// When the result would be due if filed today (Vietnamese working days), where the
    /// processing time is a plain amount.
    pub due_if_filed_today: Option<crate::dossier::CalendarDate>,
}

/// A processing time as amount and unit.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct ProcessingTime {
    /// How many units (may be fractional, `0,5 ngày`).
    pub amount: f32,
    /// The unit.
    pub unit: TimeUnit,
}

/// Unit of a processing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TimeUnit {
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Working hours.
    WorkingHours,
    /// Calendar days.
    Days,
    /// Working days.
    WorkingDays,
    /// Weeks.
    Weeks,
    /// Months.
    Months,
    /// Years.
    Years,
}

/// One fee or charge.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Fee {
    /// The entry as published, e.g. `Lệ phí: 8.000 đồng`.
    pub description: String,
    /// Amount in đồng: 0 when free, `None` when no single amount is stated.
    pub amount_vnd: Option<u64>,
}

/// One case of required documents.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DocumentCase {
    /// Case name; `None` for an unnamed case.
    pub name: Option<String>,
    /// Documents of the case.
    pub items: Vec<RequiredDocument>,
}

/// One required document.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequiredDocument {
    /// Name or note, as published.
    pub name: String,
    /// Originals (bản chính).
    pub originals: u32,
    /// Copies (bản sao).
    pub copies: u32,
    /// File names of the attached forms.
    pub forms: Vec<String>,
}

/// A legal basis.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LegalBasis {
    /// Title of the legal document.
    pub title: String,
    /// Its number, e.g. `123/2015/NĐ-CP`.
    pub number: Option<String>,
}

/// A document or outcome the procedure produces.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ResultDocument {
    /// Name.
    pub name: String,
    /// Portal code, e.g. `KQ.G15.000031`.
    pub code: Option<String>,
}

impl ProcedureLevel {
    pub(crate) fn into_core(self) -> Level {
        match self {
            ProcedureLevel::Commune => Level::Commune,
            ProcedureLevel::Province => Level::Province,
            ProcedureLevel::Ministry => Level::Ministry,
        }
    }

    fn from_core(level: Level) -> ProcedureLevel {
        match level {
            Level::Commune => ProcedureLevel::Commune,
            Level::Province => ProcedureLevel::Province,
            Level::Ministry => ProcedureLevel::Ministry,
        }
    }
}

impl ProcedureDetail {
    /// The record, with the due dates the core computed for each filing channel.
    pub(crate) fn new(
        procedure: Procedure,
        dues: Vec<Option<longan_core::calendar::LocalDate>>,
    ) -> ProcedureDetail {
        let mut detail = ProcedureDetail::from(procedure);
        if let Some(record) = &mut detail.record {
            for (channel, due) in record.channels.iter_mut().zip(dues) {
                channel.due_if_filed_today = due.map(crate::dossier::calendar_date);
            }
        }
        detail
    }
}

impl From<Procedure> for ProcedureDetail {
    fn from(procedure: Procedure) -> ProcedureDetail {
        ProcedureDetail {
            code: procedure.code,
            name: procedure.name,
            field: procedure.field,
            publisher: procedure.publisher,
            agencies: procedure.agencies,
            levels: procedure
                .levels
                .into_iter()
                .map(ProcedureLevel::from_core)
                .collect(),
            scope: match procedure.scope {
                Scope::National => ProcedureScope::National,
                Scope::Province(name) => ProcedureScope::Province { name },
            },
            source_url: procedure.source_url,
            record: procedure.details.map(ProcedureRecord::from),
        }
    }
}

impl From<core_details::ProcedureDetails> for ProcedureRecord {
    fn from(d: core_details::ProcedureDetails) -> ProcedureRecord {
        ProcedureRecord {
            decision_number: d.decision_number,
            kind: d.kind,
            subjects: d.subjects,
            competent_agency: d.competent_agency,
            receiving_address: d.receiving_address,
            authorised_agency: d.authorised_agency,
            coordinating_agency: d.coordinating_agency,
            related_procedures: d.related_procedures,
            steps: d.steps,
            channels: d.channels.into_iter().map(FilingChannel::from).collect(),
            document_cases: d
                .document_cases
                .into_iter()
                .map(|case| DocumentCase {
                    name: case.name,
                    items: case
                        .items
                        .into_iter()
                        .map(|item| RequiredDocument {
                            name: item.name,
                            originals: item.originals,
                            copies: item.copies,
                            forms: item.forms,
                        })
                        .collect(),
                })
                .collect(),
            legal_bases: d
                .legal_bases
                .into_iter()
                .map(|basis| LegalBasis {
                    title: basis.title,
                    number: basis.number,
                })
                .collect(),
            conditions: d.conditions,
            results: d
                .results
                .into_iter()
                .map(|result| ResultDocument {
                    name: result.name,
                    code: result.code,
                })
                .collect(),
            description: d.description,
        }
    }
}

impl From<core_details::Channel> for FilingChannel {
    fn from(channel: core_details::Channel) -> FilingChannel {
        FilingChannel {
            kind: match channel.kind {
                core_details::ChannelKind::Online => ChannelKind::Online,
                core_details::ChannelKind::Direct => ChannelKind::Direct,
                core_details::ChannelKind::Postal => ChannelKind::Postal,
            },
            processing_time_text: channel.processing_time_raw,
            processing_time: channel.processing_time.map(|time| ProcessingTime {
                amount: time.amount,
                unit: time_unit(time.unit),
            }),
            fees_text: channel.fees_raw,
            fees: channel
                .fees
                .into_iter()
                .map(|fee| Fee {
                    description: fee.description,
                    amount_vnd: fee.amount_vnd,
                })
                .collect(),
            description: channel.description,
            due_if_filed_today: None,
        }
    }
}

fn time_unit(unit: core_details::TimeUnit) -> TimeUnit {
    use core_details::TimeUnit as Core;
    match unit {
        Core::Minutes => TimeUnit::Minutes,
        Core::Hours => TimeUnit::Hours,
        Core::WorkingHours => TimeUnit::WorkingHours,
        Core::Days => TimeUnit::Days,
        Core::WorkingDays => TimeUnit::WorkingDays,
        Core::Weeks => TimeUnit::Weeks,
        Core::Months => TimeUnit::Months,
        Core::Years => TimeUnit::Years,
    }
}
