//! A dossier as the portal reports it and the core stores it. The same record is the wire
//! body of `GET /v1/dossiers/{code}` (portal/openapi.yaml) and what the demo backend produces.
//! Instants are milliseconds since the Unix epoch; calendar dates (appointments) are ISO
//! `YYYY-MM-DD` dates in Asia/Ho_Chi_Minh, never instants.

use serde::{Deserialize, Serialize};

use super::status::DossierStatus;

/// One dossier (hồ sơ) at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    /// The dossier code, canonical (e.g. `000.00.12.H39-250315-0042`).
    pub code: String,
    /// Grows with every change; a client keeps the highest it has seen.
    pub version: u64,
    /// The national status.
    pub status: DossierStatus,
    /// The office software's own wording of the status, shown as is.
    pub status_text: String,
    /// The procedure's national code.
    pub procedure_code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// The agency that received the dossier.
    pub agency: String,
    /// The applicant's name, masked (`Nguyễn V** A*`): enough to recognise one's own dossier,
    /// not enough to learn a stranger's name.
    pub applicant: String,
    /// When the desk received it.
    pub received_at_ms: i64,
    /// The current appointment date (ngày hẹn trả), once accepted.
    pub appointment: Option<String>,
    /// Every appointment date given, oldest first; a late dossier gets a new one.
    pub appointment_history: Vec<AppointmentChange>,
    /// What happened, oldest first. Entry ids never change.
    pub timeline: Vec<TimelineEntry>,
}

/// An appointment date given to a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentChange {
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// When it was set.
    pub set_at_ms: i64,
    /// Why it moved (for a new date), as the office wrote it.
    pub reason: Option<String>,
    /// The office issued an apology slip (phiếu xin lỗi và hẹn lại ngày trả kết quả).
    pub apology: bool,
}

/// One event of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Stable id, unique within the dossier: what notifications are keyed by.
    pub id: String,
    /// When it happened.
    pub at_ms: i64,
    /// The status it moved the dossier to.
    pub status: DossierStatus,
    /// The office's wording.
    pub status_text: String,
    /// A note from the office (what documents are missing, the fee), when any.
    pub note: Option<String>,
}

impl Dossier {
    /// True when every step of the timeline is a change the lifecycle allows, starting from
    /// registration, and the status is the last step's.
    pub fn follows_the_lifecycle(&self) -> bool {
        let mut steps = self.timeline.iter().map(|entry| entry.status);
        let Some(first) = steps.next() else {
            return false;
        };
        let mut current = first;
        if current != DossierStatus::Registered {
            return false;
        }
        for next in steps {
            if !current.can_move_to(next) {
                return false;
            }
            current = next;
        }
        current == self.status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, status: DossierStatus) -> TimelineEntry {
        TimelineEntry {
            id: id.into(),
            at_ms: 0,
            status,
            status_text: status.label_vi().into(),
            note: None,
        }
    }

    fn dossier(steps: &[DossierStatus]) -> Dossier {
        Dossier {
            code: "000.00.12.H39-250315-0042".into(),
            version: steps.len() as u64,
            status: *steps.last().unwrap(),
            status_text: steps.last().unwrap().label_vi().into(),
            procedure_code: "1.001193".into(),
            procedure_name: "Thủ tục đăng ký khai sinh".into(),
            agency: "UBND xã Bình Tịnh".into(),
            applicant: "Nguyễn V** A*".into(),
            received_at_ms: 0,
            appointment: Some("2025-03-20".into()),
            appointment_history: Vec::new(),
            timeline: steps
                .iter()
                .enumerate()
                .map(|(i, s)| entry(&i.to_string(), *s))
                .collect(),
        }
    }

    #[test]
    fn a_normal_history_follows_the_lifecycle_and_a_jump_does_not() {
        use DossierStatus::*;
        assert!(
            dossier(&[Registered, Accepted, Processing, Processed, ResultReturned])
                .follows_the_lifecycle()
        );
        assert!(
            dossier(&[
                Registered,
                Accepted,
                Processing,
                DocumentsRequested,
                Processing,
                Processed
            ])
            .follows_the_lifecycle()
        );
        assert!(!dossier(&[Registered, Processed]).follows_the_lifecycle());
        assert!(!dossier(&[Accepted, Processing]).follows_the_lifecycle());
    }

    #[test]
    fn the_wire_form_uses_snake_case_statuses() {
        let json = serde_json::to_value(dossier(&[DossierStatus::Registered])).unwrap();
        assert_eq!(json["status"], "registered");
        assert_eq!(json["timeline"][0]["status"], "registered");
    }
}
