//! Where `advance` (test control) moves a dossier: the next step of its own planned story while
//! its timeline is still the plan's, else the next step towards a returned result.

use longan_core::dossier::model::Dossier;
use longan_core::dossier::status::DossierStatus;

/// The status (with the office's note) that `advance` moves `current` to; `None` when its
/// status is final. `plan` is the dossier's whole planned story (the scenario's dossier far in
/// the future, without overrides).
pub fn next_step(
    current: &Dossier,
    plan: Option<&Dossier>,
) -> Option<(DossierStatus, Option<String>)> {
    let walked = current.timeline.len();
    if let Some(plan) = plan {
        let same_path = plan.timeline.len() > walked
            && current
                .timeline
                .iter()
                .zip(&plan.timeline)
                .all(|(done, planned)| done.status == planned.status);
        let planned = plan.timeline.get(walked);
        if let Some(step) =
            planned.filter(|step| same_path && current.status.can_move_to(step.status))
        {
            return Some((step.status, step.note.clone()));
        }
    }
    towards_result(current.status).map(|status| (status, None))
}

/// The first next status that is not a side track (refusal, a request to the citizen,
/// withdrawal, stop); when only side tracks remain (a withdrawal stops), the first of them.
pub fn towards_result(status: DossierStatus) -> Option<DossierStatus> {
    use DossierStatus::*;
    let side_track = |next: &&DossierStatus| {
        matches!(
            next,
            NotAccepted | DocumentsRequested | PaymentRequested | WithdrawalRequested | Stopped
        )
    };
    let next = status.next();
    next.iter()
        .find(|next| !side_track(next))
        .or_else(|| next.first())
        .copied()
}

#[cfg(test)]
mod tests {
    use longan_core::dossier::status::ALL;

    use super::*;

    #[test]
    fn towards_a_result_every_status_reaches_a_final_one_without_a_loop() {
        for start in ALL {
            let mut status = start;
            for _ in 0..ALL.len() {
                match towards_result(status) {
                    Some(next) => {
                        assert!(status.can_move_to(next));
                        status = next;
                    }
                    None => break,
                }
            }
            assert!(status.is_final(), "{start:?} ends in {status:?}");
        }
        let happy: Vec<_> =
            std::iter::successors(Some(DossierStatus::Registered), |s| towards_result(*s))
                .collect();
        use DossierStatus::*;
        assert_eq!(
            happy,
            [Registered, Accepted, Processing, Processed, ResultReturned]
        );
    }
}
