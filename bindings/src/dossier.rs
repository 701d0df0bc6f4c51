//! Dossier records as the UIs get them, converted from the core's.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use longan_core::calendar::LocalDate;
use longan_core::dossier::due::DueState;
use longan_core::dossier::model::Dossier;
use longan_core::dossier::places::with_current_units;
use longan_core::dossier::status::DossierStatus as CoreStatus;
use longan_core::dossier::tracking::TrackedDossier;

/// A calendar date (an appointment, a due date) in Asia/Ho_Chi_Minh: never an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct CalendarDate {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month.
    pub day: u8,
}

/// The national dossier status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DossierStatus {
    /// 1 Mới đăng ký.
    Registered,
    /// 2 Được tiếp nhận.
    Accepted,
    /// 3 Không được tiếp nhận.
    NotAccepted,
    /// 4 Đang xử lý.
    Processing,
    /// 5 Yêu cầu bổ sung giấy tờ.
    DocumentsRequested,
    /// 6 Yêu cầu thực hiện nghĩa vụ tài chính.
    PaymentRequested,
    /// 7 Công dân yêu cầu rút hồ sơ.
    WithdrawalRequested,
    /// 8 Dừng xử lý.
    Stopped,
    /// 9 Đã xử lý xong.
    Processed,
    /// 10 Đã trả kết quả.
    ResultReturned,
}

/// Where a dossier stands against its appointment date (working days, Vietnamese calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DueInfo {
    /// Finished one way or another.
    Finished,
    /// Not accepted yet.
    NotScheduled,
    /// Waiting for the citizen's documents: the count is stopped.
    Paused {
        /// The due date if the documents came today.
        date: CalendarDate,
    },
    /// Due later.
    DueIn {
        /// The due date.
        date: CalendarDate,
        /// Working days left.
        working_days: i64,
    },
    /// Due today.
    DueToday {
        /// The due date.
        date: CalendarDate,
    },
    /// Late.
    Overdue {
        /// The due date.
        date: CalendarDate,
        /// Working days late.
        working_days: i64,
    },
}

/// An appointment date given to a dossier.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AppointmentChange {
    /// The date.
    pub date: Option<CalendarDate>,
    /// When it was set.
    pub set_at: SystemTime,
    /// Why it moved, as the office wrote it.
    pub reason: Option<String>,
    /// An apology slip was issued (the date was moved because the office was late).
    pub apology: bool,
}

/// One event of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TimelineEntry {
    /// Stable id.
    pub id: String,
    /// When it happened.
    pub at: SystemTime,
    /// The status it moved the dossier to.
    pub status: DossierStatus,
    /// The office's wording.
    pub status_text: String,
    /// The office's note, when any.
    pub note: Option<String>,
}

/// A dossier as this device knows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DossierView {
    /// Canonical code.
    pub code: String,
    /// Grows with every change.
    pub version: u64,
    /// National status.
    pub status: DossierStatus,
    /// National status number (1–10).
    pub status_number: u8,
    /// The office's wording of the status.
    pub status_text: String,
    /// Procedure code.
    pub procedure_code: String,
    /// Procedure name.
    pub procedure_name: String,
    /// Receiving agency, as the receipt names it.
    pub agency: String,
    /// The same agency's place written with the units of after 1 July 2025, when it changed.
    pub agency_current: Option<String>,
    /// Applicant, masked.
    pub applicant: String,
    /// When the desk received it.
    pub received_at: SystemTime,
    /// The current appointment date.
    pub appointment: Option<CalendarDate>,
    /// Every appointment date given, oldest first.
    pub appointment_history: Vec<AppointmentChange>,
    /// What happened, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// When the portal last confirmed all this.
    pub confirmed_at: SystemTime,
    /// The citizen follows it.
    pub followed: bool,
    /// Due, late or paused, today.
    pub due: DueInfo,
}

/// A sample dossier of the demo.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DemoDossier {
    /// Its code.
    pub code: String,
    /// The verifier that unlocks it.
    pub verifier: String,
}

fn instant(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

pub(crate) fn calendar_date(date: LocalDate) -> CalendarDate {
    CalendarDate {
        year: date.year(),
        month: date.month(),
        day: date.day(),
    }
}

fn iso_date(text: &str) -> Option<CalendarDate> {
    text.parse::<LocalDate>().ok().map(calendar_date)
}

fn status(status: CoreStatus) -> DossierStatus {
    match status {
        CoreStatus::Registered => DossierStatus::Registered,
        CoreStatus::Accepted => DossierStatus::Accepted,
        CoreStatus::NotAccepted => DossierStatus::NotAccepted,
        CoreStatus::Processing => DossierStatus::Processing,
        CoreStatus::DocumentsRequested => DossierStatus::DocumentsRequested,
        CoreStatus::PaymentRequested => DossierStatus::PaymentRequested,
        CoreStatus::WithdrawalRequested => DossierStatus::WithdrawalRequested,
        CoreStatus::Stopped => DossierStatus::Stopped,
        CoreStatus::Processed => DossierStatus::Processed,
        CoreStatus::ResultReturned => DossierStatus::ResultReturned,
    }
}

fn due(due: DueState) -> DueInfo {
    match due {
        DueState::Finished => DueInfo::Finished,
        DueState::NotScheduled => DueInfo::NotScheduled,
        DueState::Paused { date } => DueInfo::Paused {
            date: calendar_date(date),
        },
        DueState::DueIn { date, working_days } => DueInfo::DueIn {
            date: calendar_date(date),
            working_days,
        },
        DueState::DueToday { date } => DueInfo::DueToday {
            date: calendar_date(date),
        },
        DueState::Overdue { date, working_days } => DueInfo::Overdue {
            date: calendar_date(date),
            working_days,
        },
    }
}

impl DossierView {
    pub(crate) fn new(tracked: TrackedDossier, due_state: DueState) -> DossierView {
        let Dossier {
            code,
            version,
            status: dossier_status,
            status_text,
            procedure_code,
            procedure_name,
            agency,
            applicant,
            received_at_ms,
            appointment,
            appointment_history,
            timeline,
        } = tracked.dossier;
        DossierView {
            agency_current: with_current_units(&agency),
            code,
            version,
            status: status(dossier_status),
            status_number: dossier_status.number(),
            status_text,
            procedure_code,
            procedure_name,
            agency,
            applicant,
            received_at: instant(received_at_ms),
            appointment: appointment.as_deref().and_then(iso_date),
            appointment_history: appointment_history
                .into_iter()
                .map(|change| AppointmentChange {
                    date: iso_date(&change.date),
                    set_at: instant(change.set_at_ms),
                    reason: change.reason,
                    apology: change.apology,
                })
                .collect(),
            timeline: timeline
                .into_iter()
                .map(|entry| TimelineEntry {
                    id: entry.id,
                    at: instant(entry.at_ms),
                    status: status(entry.status),
                    status_text: entry.status_text,
                    note: entry.note,
                })
                .collect(),
            confirmed_at: instant(tracked.confirmed_at_ms),
            followed: tracked.followed,
            due: due(due_state),
        }
    }
}
