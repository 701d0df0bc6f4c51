//! The national ten-state dossier status list, and which changes between them can happen.
//! The table is the one written down in `docs/dossier-lifecycle.md`; a test proves both agree
//! and that no other change is accepted.

use serde::{Deserialize, Serialize};

/// A dossier's status in the national list (1–10). The vendor's own wording is kept beside it
/// for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// 1 Mới đăng ký: filed, not yet looked at.
    Registered,
    /// 2 Được tiếp nhận: accepted at the desk; the appointment date is set.
    Accepted,
    /// 3 Không được tiếp nhận: refused at the desk (final).
    NotAccepted,
    /// 4 Đang xử lý: being processed.
    Processing,
    /// 5 Yêu cầu bổ sung giấy tờ: the office wants more documents (the clock stops).
    DocumentsRequested,
    /// 6 Yêu cầu thực hiện nghĩa vụ tài chính: fees or taxes are due.
    PaymentRequested,
    /// 7 Công dân yêu cầu rút hồ sơ: the citizen asked to withdraw it.
    WithdrawalRequested,
    /// 8 Dừng xử lý: processing stopped (final).
    Stopped,
    /// 9 Đã xử lý xong: the result is ready to collect.
    Processed,
    /// 10 Đã trả kết quả: the result was handed over (final).
    ResultReturned,
}

/// Every status, in the national order.
pub const ALL: [DossierStatus; 10] = [
    DossierStatus::Registered,
    DossierStatus::Accepted,
    DossierStatus::NotAccepted,
    DossierStatus::Processing,
    DossierStatus::DocumentsRequested,
    DossierStatus::PaymentRequested,
    DossierStatus::WithdrawalRequested,
    DossierStatus::Stopped,
    DossierStatus::Processed,
    DossierStatus::ResultReturned,
];

impl DossierStatus {
    /// The number in the national list.
    pub fn number(self) -> u8 {
        match self {
            DossierStatus::Registered => 1,
            DossierStatus::Accepted => 2,
            DossierStatus::NotAccepted => 3,
            DossierStatus::Processing => 4,
            DossierStatus::DocumentsRequested => 5,
            DossierStatus::PaymentRequested => 6,
            DossierStatus::WithdrawalRequested => 7,
            DossierStatus::Stopped => 8,
            DossierStatus::Processed => 9,
            DossierStatus::ResultReturned => 10,
        }
    }

    /// The status with this national number.
    pub fn from_number(number: u8) -> Option<DossierStatus> {
        ALL.iter().copied().find(|status| status.number() == number)
    }

    /// The national name, in Vietnamese.
    pub fn label_vi(self) -> &'static str {
        match self {
            DossierStatus::Registered => "Mới đăng ký",
            DossierStatus::Accepted => "Được tiếp nhận",
            DossierStatus::NotAccepted => "Không được tiếp nhận",
            DossierStatus::Processing => "Đang xử lý",
            DossierStatus::DocumentsRequested => "Yêu cầu bổ sung giấy tờ",
            DossierStatus::PaymentRequested => "Yêu cầu thực hiện nghĩa vụ tài chính",
            DossierStatus::WithdrawalRequested => "Công dân yêu cầu rút hồ sơ",
            DossierStatus::Stopped => "Dừng xử lý",
            DossierStatus::Processed => "Đã xử lý xong",
            DossierStatus::ResultReturned => "Đã trả kết quả",
        }
    }

    /// The statuses a dossier may move to from this one.
    pub fn next(self) -> &'static [DossierStatus] {
        use DossierStatus::*;
        match self {
            Registered => &[Accepted, NotAccepted, WithdrawalRequested],
            Accepted => &[Processing, WithdrawalRequested],
            Processing => &[
                DocumentsRequested,
                PaymentRequested,
                Processed,
                Stopped,
                WithdrawalRequested,
            ],
            DocumentsRequested => &[Processing, Stopped, WithdrawalRequested],
            PaymentRequested => &[Processing, Processed, Stopped, WithdrawalRequested],
            WithdrawalRequested => &[Stopped],
            Processed => &[ResultReturned],
            NotAccepted | Stopped | ResultReturned => &[],
        }
    }

    /// True when nothing can follow.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// True when a dossier in this status may move to `to`.
    pub fn can_move_to(self, to: DossierStatus) -> bool {
        self.next().contains(&to)
    }

    /// While the office waits for the citizen, the processing time does not run.
    pub fn pauses_the_clock(self) -> bool {
        matches!(self, DossierStatus::DocumentsRequested)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_follow_the_national_order() {
        for (index, status) in ALL.iter().enumerate() {
            assert_eq!(status.number() as usize, index + 1);
            assert_eq!(DossierStatus::from_number(status.number()), Some(*status));
        }
        assert_eq!(DossierStatus::from_number(0), None);
        assert_eq!(DossierStatus::from_number(11), None);
    }

    #[test]
    fn every_status_is_reachable_from_registration_and_every_path_ends() {
        let mut reached = vec![DossierStatus::Registered];
        let mut frontier = vec![DossierStatus::Registered];
        while let Some(status) = frontier.pop() {
            for next in status.next() {
                if !reached.contains(next) {
                    reached.push(*next);
                    frontier.push(*next);
                }
            }
        }
        assert_eq!(reached.len(), ALL.len());
        for status in ALL {
            // From anywhere, a final status can be reached.
            let mut current = status;
            for _ in 0..ALL.len() {
                if current.is_final() {
                    break;
                }
                current = *current.next().last().unwrap();
            }
            assert!(current.is_final(), "{status:?} never ends");
        }
    }

    #[test]
    fn a_returned_result_and_a_refusal_are_final() {
        assert!(DossierStatus::ResultReturned.is_final());
        assert!(DossierStatus::NotAccepted.is_final());
        assert!(!DossierStatus::Processed.can_move_to(DossierStatus::Processing));
    }

    #[test]
    fn the_written_lifecycle_table_matches_the_code() {
        let doc = include_str!("../../../docs/dossier-lifecycle.md");
        let rows: Vec<(u8, Vec<u8>)> = doc
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let from = cells.get(1)?.parse::<u8>().ok()?;
                let to = cells
                    .get(3)?
                    .split(',')
                    .filter_map(|n| n.trim().parse::<u8>().ok())
                    .collect();
                Some((from, to))
            })
            .collect();
        assert_eq!(rows.len(), ALL.len(), "one table row per status");
        for (from, to) in rows {
            let status = DossierStatus::from_number(from).unwrap();
            let mut expected: Vec<u8> = status.next().iter().map(|s| s.number()).collect();
            expected.sort_unstable();
            let mut written = to;
            written.sort_unstable();
            assert_eq!(written, expected, "row {from}");
        }
    }
}
