//! The one scenario engine: a seed and the core's clock produce every sample dossier and its
//! story. The reference portal serves these dossiers and the embedded demo shows them, so both
//! tell the same story from the same code. A dossier's state at a moment is the part of its
//! planned story that has happened by then; nothing is stored, so a reset is a new epoch.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::model::{AppointmentChange, Dossier, TimelineEntry};
use super::status::DossierStatus;
use crate::calendar::{LocalDate, WorkingCalendar, date_in_vietnam};

/// Sample dossiers in the reference portal's default seed.
pub const DEFAULT_COUNT: usize = 2000;
/// The first dossiers are the demo's: their stories start at the epoch and move every few
/// minutes, so a volunteer can show a change happening.
pub const DEMO_COUNT: usize = 6;
/// The seed of the sample dossiers, shared by the reference portal and the embedded demo, so
/// both list the same codes on the same day.
pub const DEFAULT_SEED: u64 = 2025;
/// The last demo dossier is the late one: received weeks before the demo starts, past its
/// appointment when the demo opens (so "overdue" can be shown at once), given a new date with an
/// apology a few minutes in, then finished.
pub const LATE_DEMO_INDEX: usize = DEMO_COUNT - 1;
/// The demo's citizen, whose dossiers the demo sign-in shows (a made-up person: "Mẫu" means
/// "sample").
pub const DEMO_CITIZEN_NAME: &str = "Nguyễn Văn Mẫu";
/// The test accounts of the OIDC test provider (`tests/oidc/provider.mjs`): (`sub`, full name).
/// Each owns [`DOSSIERS_PER_ACCOUNT`] dossiers right after the demo's (see
/// [`Scenario::account_dossiers`]), filed under its masked name.
pub const ACCOUNTS: &[(&str, &str)] = &[
    ("citizen-1", "Trần Thị Lan"),
    ("citizen-2", "Lê Văn Hùng"),
    ("citizen-3", "Phạm Minh Châu"),
];
/// How many dossiers each test account owns.
pub const DOSSIERS_PER_ACCOUNT: usize = 3;
/// Working days between the late demo dossier's reception and the demo's start.
const LATE_DEMO_AGE_WORKING_DAYS: i64 = 15;
/// Working days the late demo dossier was given at acceptance (so it is about ten late).
const LATE_DEMO_WORKING_DAYS: u32 = 5;
/// When, after the demo starts, the late demo dossier gets its new date, then is processed and
/// returned.
const LATE_DEMO_RESCHEDULED_AFTER: Duration = Duration::from_secs(4 * 60);
const LATE_DEMO_PROCESSED_AFTER: Duration = Duration::from_secs(8 * 60);
const LATE_DEMO_RETURNED_AFTER: Duration = Duration::from_secs(12 * 60);

/// Receiving offices of the former Long An province (iGate agency ids end in H39), named as
/// they were before the 2025 reorganisation, as old receipts print them.
const AGENCIES: &[(&str, &str)] = &[
    ("000.20.27.H39", "UBND xã Bình Tịnh, huyện Tân Trụ"),
    ("000.21.27.H39", "UBND thị trấn Tân Trụ, huyện Tân Trụ"),
    ("000.05.24.H39", "UBND xã Long Hậu, huyện Cần Giuộc"),
    ("000.12.23.H39", "UBND xã Phước Đông, huyện Cần Đước"),
    ("000.03.19.H39", "UBND phường 1, thành phố Tân An"),
    ("000.08.22.H39", "UBND xã Lương Hòa, huyện Bến Lức"),
    ("000.00.27.H39", "Bộ phận Một cửa huyện Tân Trụ"),
    (
        "000.00.00.H39",
        "Trung tâm Phục vụ hành chính công tỉnh Long An",
    ),
];

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng",
];
const MIDDLE: &[&str] = &["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dung", "Hạnh", "Khoa", "Lan", "Phúc", "Tâm",
];

/// A sample dossier as it stands at one moment, with the verifier that unlocks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleDossier {
    /// The dossier.
    pub dossier: Dossier,
    /// The last four digits of the applicant's phone, asked for by a public lookup.
    pub verifier: String,
}

/// The stories of every sample dossier.
pub struct Scenario {
    seed: u64,
    epoch: SystemTime,
    count: usize,
    procedures: Vec<(String, String)>,
    calendar: WorkingCalendar,
}

/// One planned step: after `offset` from reception, the dossier moves to `status`.
struct Step {
    at: SystemTime,
    status: DossierStatus,
    note: Option<&'static str>,
}

impl Scenario {
    /// `count` dossiers whose stories are anchored at `epoch`, filed for the given procedures
    /// (code, name); the same seed, epoch and procedures always give the same dossiers.
    pub fn new(
        seed: u64,
        epoch: SystemTime,
        count: usize,
        procedures: Vec<(String, String)>,
    ) -> Scenario {
        Scenario {
            seed,
            epoch,
            count,
            procedures,
            calendar: WorkingCalendar::embedded(),
        }
    }

    /// How many dossiers there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Every dossier as it stands at `now` (those not yet received are left out).
    pub fn dossiers_at(&self, now: SystemTime) -> Vec<SampleDossier> {
        (0..self.count)
            .filter_map(|index| self.dossier_at(index, now))
            .collect()
    }

    /// The dossier with this canonical code as it stands at `now`.
    pub fn find(&self, code: &str, now: SystemTime) -> Option<SampleDossier> {
        (0..self.count)
            .filter(|&index| self.code_of(index) == code)
            .find_map(|index| self.dossier_at(index, now))
    }

    /// The codes and verifiers of the demo's dossiers (what `longan demo-dossiers` prints).
    pub fn demo_codes(&self) -> Vec<(String, String)> {
        (0..DEMO_COUNT.min(self.count))
            .map(|index| (self.code_of(index), self.verifier_of(index)))
            .collect()
    }

    /// The indices of the dossiers the account `subject` (a `sub` of [`ACCOUNTS`]) owns:
    /// account `k` owns the [`DOSSIERS_PER_ACCOUNT`] dossiers from `DEMO_COUNT + 3 * k`, when
    /// there are that many dossiers; an unknown subject owns none.
    pub fn account_dossiers(&self, subject: &str) -> Vec<usize> {
        let Some(k) = ACCOUNTS.iter().position(|(sub, _)| *sub == subject) else {
            return Vec::new();
        };
        let first = DEMO_COUNT + DOSSIERS_PER_ACCOUNT * k;
        let end = first + DOSSIERS_PER_ACCOUNT;
        match end <= self.count {
            true => (first..end).collect(),
            false => Vec::new(),
        }
    }

    /// The full name of the account owning dossier `index`, if one does.
    fn owner_of(&self, index: usize) -> Option<&'static str> {
        let k = index.checked_sub(DEMO_COUNT)? / DOSSIERS_PER_ACCOUNT;
        let (_, name) = ACCOUNTS.get(k)?;
        let end = DEMO_COUNT + DOSSIERS_PER_ACCOUNT * (k + 1);
        (end <= self.count).then_some(*name)
    }

    fn received_at(&self, index: usize) -> SystemTime {
        if index == LATE_DEMO_INDEX {
            return self.late_demo_received_at();
        }
        if index < DEMO_COUNT {
            return self.epoch;
        }
        let mut rng = Rng::for_index(self.seed, index);
        let days_back = rng.below(90);
        // Office hours, 07:30–16:30 in Vietnam (UTC+7).
        let minutes = 30 + rng.below(540);
        let day = self.epoch - Duration::from_secs(days_back * 86_400);
        let midnight = date_in_vietnam(day).map(vietnam_midnight).unwrap_or(day);
        midnight + Duration::from_secs(7 * 3600 + minutes * 60)
    }

    /// 08:00 in Vietnam on the day [`LATE_DEMO_AGE_WORKING_DAYS`] working days before the
    /// epoch's day.
    fn late_demo_received_at(&self) -> SystemTime {
        let Some(today) = date_in_vietnam(self.epoch) else {
            return self.epoch;
        };
        let mut day = today;
        while self.calendar.working_days_between(day, today) < LATE_DEMO_AGE_WORKING_DAYS
            || !self.calendar.is_working_day(day)
        {
            let Some(earlier) = day.add_days(-1) else {
                break;
            };
            day = earlier;
        }
        let received = vietnam_midnight(day) + Duration::from_secs(8 * 3600);
        received.min(self.epoch)
    }

    /// The verifier comes from a stream of its own, so it does not shift when the story's
    /// draws change.
    fn verifier_of(&self, index: usize) -> String {
        Rng::for_index(self.seed ^ 0x005E_ED0F_7E11, index).verifier()
    }

    fn code_of(&self, index: usize) -> String {
        let mut rng = Rng::for_index(self.seed, index);
        let (agency, _) = AGENCIES[rng.below(AGENCIES.len() as u64) as usize];
        let date = date_in_vietnam(self.received_at(index)).unwrap_or(fallback_date());
        format!(
            "{agency}-{:02}{:02}{:02}-{:04}",
            date.year() % 100,
            date.month(),
            date.day(),
            index % 10_000 + 1
        )
    }

    /// Dossier `index` as it stands at `now`; `None` before it is received.
    pub fn dossier_at(&self, index: usize, now: SystemTime) -> Option<SampleDossier> {
        if index >= self.count || self.procedures.is_empty() {
            return None;
        }
        let received = self.received_at(index);
        if received > now {
            return None;
        }
        let mut rng = Rng::for_index(self.seed, index);
        let (_, agency) = AGENCIES[rng.below(AGENCIES.len() as u64) as usize];
        let (procedure_code, procedure_name) =
            self.procedures[rng.below(self.procedures.len() as u64) as usize].clone();
        let drawn_applicant = masked_name(&mut rng);
        let verifier = self.verifier_of(index);
        let drawn_working_days = 3 + rng.below(10) as u32;
        let late = rng.below(100) < 15;
        let demo = index < DEMO_COUNT;
        let late_demo = index == LATE_DEMO_INDEX;
        let applicant = match (demo, self.owner_of(index)) {
            (true, _) => mask_name(DEMO_CITIZEN_NAME),
            (false, Some(owner)) => mask_name(owner),
            (false, None) => drawn_applicant,
        };
        let working_days = if late_demo {
            LATE_DEMO_WORKING_DAYS
        } else {
            drawn_working_days
        };
        let steps = if late_demo {
            self.late_demo_plan(received)
        } else {
            self.plan(&mut rng, received, demo)
        };
        let code = self.code_of(index);
        let happened: Vec<&Step> = steps.iter().filter(|step| step.at <= now).collect();
        let timeline: Vec<TimelineEntry> = happened
            .iter()
            .enumerate()
            .map(|(k, step)| TimelineEntry {
                id: format!("{code}#{}", k + 1),
                at_ms: millis(step.at),
                status: step.status,
                status_text: step.status.label_vi().to_string(),
                note: step.note.map(str::to_string),
            })
            .collect();
        let status = happened
            .last()
            .map_or(DossierStatus::Registered, |s| s.status);
        let accepted = happened
            .iter()
            .find(|step| step.status == DossierStatus::Accepted)
            .map(|step| step.at);
        let mut appointment_history = Vec::new();
        if let Some(accepted_at) = accepted {
            let accepted_on = date_in_vietnam(accepted_at).unwrap_or(fallback_date());
            if let Some(first) = self.calendar.add_working_days(accepted_on, working_days) {
                appointment_history.push(AppointmentChange {
                    date: first.to_string(),
                    set_at_ms: millis(accepted_at),
                    reason: None,
                    apology: false,
                });
                // A late dossier gets a new date the day before the first one, with an apology.
                let moved_at = vietnam_midnight(first.add_days(-1).unwrap_or(first))
                    + Duration::from_secs(9 * 3600);
                // The late demo dossier gets its new date a few minutes into the demo, two
                // working days after the demo's first day.
                let (moved_at, new_date) = if late_demo {
                    let moved_at = self.epoch + LATE_DEMO_RESCHEDULED_AFTER;
                    let today = date_in_vietnam(self.epoch).unwrap_or(fallback_date());
                    (moved_at, self.calendar.add_working_days(today, 2))
                } else {
                    let extra = 2 + (working_days % 4);
                    (moved_at, self.calendar.add_working_days(first, extra))
                };
                let reschedules = late_demo || (late && !demo);
                if let (true, Some(second)) = (reschedules && moved_at <= now, new_date) {
                    appointment_history.push(AppointmentChange {
                        date: second.to_string(),
                        set_at_ms: millis(moved_at),
                        reason: Some("Hồ sơ cần xác minh thêm tại địa phương".into()),
                        apology: true,
                    });
                }
            }
        }
        let dossier = Dossier {
            version: (timeline.len() + appointment_history.len()) as u64,
            code,
            status,
            status_text: status.label_vi().to_string(),
            procedure_code,
            procedure_name,
            agency: agency.to_string(),
            applicant,
            received_at_ms: millis(received),
            appointment: appointment_history.last().map(|change| change.date.clone()),
            appointment_history,
            timeline,
        };
        Some(SampleDossier { dossier, verifier })
    }

    /// The late demo dossier's story: accepted within the hour, processing from the next day,
    /// stuck until the demo starts, finished a few minutes into it.
    fn late_demo_plan(&self, received: SystemTime) -> Vec<Step> {
        use DossierStatus::*;
        let step = |at, status| Step {
            at,
            status,
            note: None,
        };
        vec![
            step(received, Registered),
            step(received + Duration::from_secs(3600), Accepted),
            step(received + Duration::from_secs(86_400), Processing),
            step(self.epoch + LATE_DEMO_PROCESSED_AFTER, Processed),
            step(self.epoch + LATE_DEMO_RETURNED_AFTER, ResultReturned),
        ]
    }

    /// The planned story of a dossier: a path through the lifecycle and when each step happens.
    fn plan(&self, rng: &mut Rng, received: SystemTime, demo: bool) -> Vec<Step> {
        use DossierStatus::*;
        let path: &[(DossierStatus, Option<&'static str>)] = match rng.below(100) {
            0..=59 => &[
                (Registered, None),
                (Accepted, None),
                (Processing, None),
                (Processed, None),
                (ResultReturned, None),
            ],
            60..=71 => &[
                (Registered, None),
                (Accepted, None),
                (Processing, None),
                (
                    DocumentsRequested,
                    Some("Bổ sung bản sao giấy chứng nhận quyền sử dụng đất"),
                ),
                (Processing, None),
                (Processed, None),
                (ResultReturned, None),
            ],
            72..=79 => &[
                (Registered, None),
                (Accepted, None),
                (Processing, None),
                (PaymentRequested, Some("Nộp lệ phí 50.000 đồng")),
                (Processing, None),
                (Processed, None),
                (ResultReturned, None),
            ],
            80..=84 => &[
                (Registered, None),
                (NotAccepted, Some("Hồ sơ không thuộc thẩm quyền tiếp nhận")),
            ],
            85..=89 => &[
                (Registered, None),
                (Accepted, None),
                (WithdrawalRequested, None),
                (Stopped, None),
            ],
            90..=94 => &[
                (Registered, None),
                (Accepted, None),
                (Processing, None),
                (Stopped, Some("Không đủ điều kiện giải quyết")),
            ],
            _ => &[
                (Registered, None),
                (Accepted, None),
                (Processing, None),
                (DocumentsRequested, Some("Bổ sung giấy xác nhận cư trú")),
                (Stopped, Some("Quá hạn bổ sung hồ sơ")),
            ],
        };
        let mut at = received;
        path.iter()
            .enumerate()
            .map(|(k, (status, note))| {
                if k > 0 {
                    at += if demo {
                        // The demo's dossiers move every few minutes.
                        Duration::from_secs(120 + rng.below(120))
                    } else {
                        match status {
                            Accepted => Duration::from_secs(600 + rng.below(7200)),
                            _ => Duration::from_secs(86_400 * (1 + rng.below(4))),
                        }
                    };
                }
                Step {
                    at,
                    status: *status,
                    note: *note,
                }
            })
            .collect()
    }
}

/// Midnight in Vietnam at the start of `date`, as an instant.
fn vietnam_midnight(date: LocalDate) -> SystemTime {
    let seconds = date.epoch_day() * 86_400 - crate::calendar::VIETNAM_UTC_OFFSET_SECONDS;
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    } else {
        UNIX_EPOCH
    }
}

fn fallback_date() -> LocalDate {
    LocalDate::new(2025, 1, 1).expect("a valid date")
}

fn millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A synthetic applicant's name, masked as a public lookup shows it.
fn masked_name(rng: &mut Rng) -> String {
    let surname = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
    let middle = MIDDLE[rng.below(MIDDLE.len() as u64) as usize];
    let given = GIVEN[rng.below(GIVEN.len() as u64) as usize];
    mask_name(&format!("{surname} {middle} {given}"))
}

/// `Nguyễn V** A*`: the surname whole, then each other word's first letter.
pub fn mask_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let surname = words.next().unwrap_or_default();
    let masked = words.map(|word| {
        let mut chars = word.chars();
        let first = chars.next().unwrap_or('*');
        format!("{first}{}", "*".repeat(chars.count()))
    });
    std::iter::once(surname.to_string())
        .chain(masked)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A small deterministic generator (SplitMix64): the same seed gives the same stories on every
/// platform and release, which a standard library hasher would not promise.
struct Rng(u64);

impl Rng {
    fn for_index(seed: u64, index: usize) -> Rng {
        Rng(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next() % bound }
    }

    fn verifier(&mut self) -> String {
        format!("{:04}", self.below(10_000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::code::DossierCode;
    use crate::dossier::status::ALL;

    fn scenario(count: usize) -> Scenario {
        let epoch = UNIX_EPOCH + Duration::from_secs(1_764_300_000); // 2025-11-28
        let procedures = vec![
            (
                "1.001193".to_string(),
                "Thủ tục đăng ký khai sinh".to_string(),
            ),
            (
                "1.004884".to_string(),
                "Thủ tục đăng ký lại khai sinh".to_string(),
            ),
        ];
        Scenario::new(42, epoch, count, procedures)
    }

    #[test]
    fn the_same_seed_tells_the_same_story() {
        let a = scenario(50);
        let b = scenario(50);
        let now = a.epoch + Duration::from_secs(3 * 86_400);
        assert_eq!(a.dossiers_at(now), b.dossiers_at(now));
    }

    #[test]
    fn every_dossier_follows_the_lifecycle_at_every_moment() {
        let scenario = scenario(400);
        for days in [0u64, 5, 20, 60] {
            let now = scenario.epoch + Duration::from_secs(days * 86_400);
            for sample in scenario.dossiers_at(now) {
                assert!(
                    sample.dossier.follows_the_lifecycle(),
                    "{:?}",
                    sample.dossier
                );
                assert!(matches!(
                    DossierCode::parse(&sample.dossier.code),
                    Ok(DossierCode::IGate(_))
                ));
                assert!(sample.dossier.code.contains(".H39-"));
                assert_eq!(sample.verifier.len(), 4);
            }
        }
    }

    #[test]
    fn the_default_seed_covers_all_ten_statuses_rescheduled_and_overdue_dossiers() {
        let scenario = scenario(DEFAULT_COUNT);
        let now = scenario.epoch;
        let today = date_in_vietnam(now).unwrap().to_string();
        let dossiers: Vec<Dossier> = scenario
            .dossiers_at(now)
            .into_iter()
            .map(|s| s.dossier)
            .collect();
        assert!(dossiers.len() > 1900);
        for status in ALL {
            assert!(
                dossiers.iter().any(|d| d.status == status),
                "no dossier in {status:?}"
            );
        }
        assert!(
            dossiers
                .iter()
                .any(|d| d.appointment_history.iter().any(|c| c.apology))
        );
        let open = |d: &&Dossier| {
            matches!(
                d.status,
                DossierStatus::Processing | DossierStatus::Accepted
            )
        };
        assert!(
            dossiers
                .iter()
                .filter(open)
                .any(|d| d.appointment.as_deref() < Some(today.as_str()))
        );
    }

    #[test]
    fn the_late_demo_dossier_is_overdue_when_the_demo_opens_then_gets_a_new_date_with_an_apology() {
        let scenario = scenario(DEFAULT_COUNT);
        let calendar = WorkingCalendar::embedded();
        let today = date_in_vietnam(scenario.epoch).unwrap();
        let at_start = scenario
            .dossier_at(LATE_DEMO_INDEX, scenario.epoch)
            .unwrap()
            .dossier;
        assert_eq!(at_start.status, DossierStatus::Processing);
        assert!(at_start.follows_the_lifecycle());
        assert_eq!(at_start.appointment_history.len(), 1);
        let state = crate::dossier::due::due_state(&at_start, today, &calendar);
        assert!(
            matches!(
                state,
                crate::dossier::due::DueState::Overdue {
                    working_days: 10,
                    ..
                }
            ),
            "{state:?}"
        );
        let later = scenario
            .dossier_at(
                LATE_DEMO_INDEX,
                scenario.epoch + LATE_DEMO_RESCHEDULED_AFTER,
            )
            .unwrap()
            .dossier;
        assert_eq!(later.appointment_history.len(), 2);
        assert!(later.appointment_history[1].apology);
        assert!(later.version > at_start.version);
        assert!(matches!(
            crate::dossier::due::due_state(&later, today, &calendar),
            crate::dossier::due::DueState::DueIn {
                working_days: 2,
                ..
            }
        ));
        let done = scenario
            .dossier_at(LATE_DEMO_INDEX, scenario.epoch + LATE_DEMO_RETURNED_AFTER)
            .unwrap()
            .dossier;
        assert_eq!(done.status, DossierStatus::ResultReturned);
        assert!(done.follows_the_lifecycle());
    }

    #[test]
    fn every_demo_dossier_belongs_to_the_demo_citizen() {
        let scenario = scenario(DEFAULT_COUNT);
        for index in 0..DEMO_COUNT {
            let dossier = scenario.dossier_at(index, scenario.epoch).unwrap().dossier;
            assert_eq!(dossier.applicant, "Nguyễn V** M**");
        }
        let other = scenario.dossier_at(DEMO_COUNT, scenario.epoch).unwrap();
        assert_ne!(other.dossier.applicant, "Nguyễn V** M**");
    }

    #[test]
    fn account_dossiers_carry_the_accounts_masked_name_and_no_two_accounts_share_one() {
        let few = scenario(DEMO_COUNT + 4);
        let scenario = scenario(DEFAULT_COUNT);
        let mut owned = std::collections::HashSet::new();
        for (sub, name) in ACCOUNTS {
            let indices = scenario.account_dossiers(sub);
            assert_eq!(indices.len(), DOSSIERS_PER_ACCOUNT, "{sub}");
            for index in indices {
                assert!(index >= DEMO_COUNT, "{sub} owns a demo dossier");
                assert!(owned.insert(index), "{sub} shares dossier {index}");
                let late = scenario.epoch + Duration::from_secs(86_400);
                let dossier = scenario.dossier_at(index, late).unwrap().dossier;
                assert_eq!(dossier.applicant, mask_name(name), "{sub}");
            }
        }
        assert_eq!(mask_name("Trần Thị Lan"), "Trần T** L**");
        assert!(scenario.account_dossiers("citizen-9").is_empty());
        // Too few dossiers: only the accounts whose three fit own any.
        assert!(few.account_dossiers("citizen-2").is_empty());
        assert_eq!(few.account_dossiers("citizen-1").len(), 3);
    }

    #[test]
    fn a_demo_dossier_changes_within_minutes_and_a_new_epoch_starts_it_again() {
        let scenario = scenario(DEFAULT_COUNT);
        let (code, verifier) = scenario.demo_codes()[0].clone();
        let start = scenario.find(&code, scenario.epoch).unwrap();
        assert_eq!(start.verifier, verifier);
        assert_eq!(start.dossier.status, DossierStatus::Registered);
        let later = scenario
            .find(&code, scenario.epoch + Duration::from_secs(10 * 60))
            .unwrap();
        assert_ne!(later.dossier.status, DossierStatus::Registered);
        assert!(later.dossier.version > start.dossier.version);
        // The timeline only grows, with stable ids.
        assert_eq!(later.dossier.timeline[0], start.dossier.timeline[0]);
    }
}
