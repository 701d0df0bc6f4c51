//! Titles and bodies, rendered when a notification is read, from its kind and data, in the
//! reader's language: switching the language re-words the whole inbox, old entries included.
//! Vietnamese (with its diacritics, NFC) is the default. Pure: no I/O.

use super::model::{Notification, NotificationKind, ReminderKind, Target};
use crate::calendar::{LocalDate, Weekday};
use crate::dossier::status::DossierStatus;

/// The language notifications are worded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// Tiếng Việt (the default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Language {
    /// The language of a BCP 47 tag (`vi`, `vi-VN`, `en-GB`); Vietnamese for anything else.
    pub fn from_tag(tag: &str) -> Language {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            Language::En
        } else {
            Language::Vi
        }
    }
}

/// A notification's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// One short line.
    pub title: String,
    /// A sentence or two.
    pub body: String,
}

/// The title and body of `notification` in `language`. Performs no I/O.
pub fn render(notification: &Notification, language: Language) -> Rendered {
    let words = match language {
        Language::Vi => &VI,
        Language::En => &EN,
    };
    let subject = subject(notification, words);
    let opening = capitalise(&subject);
    let date = |text: Option<&str>| format_date(text, language);
    let (title, mut body) = match &notification.kind {
        NotificationKind::StatusChanged { status } => {
            let label = status_label(*status, language);
            (
                words.status_changed.to_string(),
                format!("{opening}{}{label}.", words.moved_to),
            )
        }
        NotificationKind::DocumentsRequested => (
            words.documents_requested.to_string(),
            format!("{}{subject}.", words.documents_requested_body),
        ),
        NotificationKind::FeeRequested => (
            words.fee_requested.to_string(),
            format!("{}{subject}.", words.fee_requested_body),
        ),
        NotificationKind::ResultReady { status: 10 } => (
            words.result_returned.to_string(),
            format!("{opening}{}", words.result_returned_body),
        ),
        NotificationKind::ResultReady { .. } => (
            words.result_ready.to_string(),
            format!("{opening}{}", words.result_ready_body),
        ),
        NotificationKind::AppointmentMoved { date: new, apology } => {
            let mut body = format!("{}{subject}: {}.", words.new_date, date(Some(new)));
            if *apology {
                body.push(' ');
                body.push_str(words.apology);
            }
            (words.appointment_moved.to_string(), body)
        }
        NotificationKind::FeedMessage { title, body } => (title.clone(), body.clone()),
        NotificationKind::Reminder { reminder } => {
            let appointment = notification.appointment.as_deref();
            match reminder {
                ReminderKind::AppointmentTomorrow => {
                    let title = if is_next_day(notification.day.as_deref(), appointment) {
                        words.tomorrow.to_string()
                    } else {
                        let weekday = appointment
                            .and_then(|text| text.parse::<LocalDate>().ok())
                            .map(|day| weekday_label(day.weekday(), language))
                            .unwrap_or_default();
                        words.on_weekday.replace("{}", weekday)
                    };
                    (
                        title,
                        format!("{}{subject}: {}.", words.appointment_of, date(appointment)),
                    )
                }
                ReminderKind::AppointmentPassedWithoutResult => (
                    words.passed.to_string(),
                    format!(
                        "{}{subject}{}{}{}",
                        words.appointment_of,
                        words.was,
                        date(appointment),
                        words.passed_body
                    ),
                ),
                ReminderKind::DocumentsStillMissing { working_days } => (
                    words.still_missing.to_string(),
                    words
                        .still_missing_body
                        .replace("{n}", &working_days.to_string())
                        .replace("{subject}", &subject),
                ),
            }
        }
    };
    let adds_note = matches!(
        notification.kind,
        NotificationKind::DocumentsRequested
            | NotificationKind::FeeRequested
            | NotificationKind::AppointmentMoved { .. }
    );
    if let Some(note) = notification.note.as_deref().filter(|_| adds_note) {
        let note = note.trim();
        if !note.is_empty() {
            body.push(' ');
            body.push_str(words.note);
            body.push_str(note);
        }
    }
    Rendered { title, body }
}

impl Notification {
    /// The title in `language` (see [`render`]). Performs no I/O.
    pub fn title(&self, language: Language) -> String {
        render(self, language).title
    }

    /// The body in `language` (see [`render`]). Performs no I/O.
    pub fn body(&self, language: Language) -> String {
        render(self, language).body
    }
}

struct Words {
    dossier: &'static str,
    status_changed: &'static str,
    moved_to: &'static str,
    documents_requested: &'static str,
    documents_requested_body: &'static str,
    fee_requested: &'static str,
    fee_requested_body: &'static str,
    result_ready: &'static str,
    result_ready_body: &'static str,
    result_returned: &'static str,
    result_returned_body: &'static str,
    appointment_moved: &'static str,
    new_date: &'static str,
    apology: &'static str,
    tomorrow: &'static str,
    on_weekday: &'static str,
    appointment_of: &'static str,
    was: &'static str,
    passed: &'static str,
    passed_body: &'static str,
    still_missing: &'static str,
    still_missing_body: &'static str,
    note: &'static str,
}

const VI: Words = Words {
    dossier: "hồ sơ",
    status_changed: "Hồ sơ đã thay đổi trạng thái",
    moved_to: " chuyển sang trạng thái: ",
    documents_requested: "Hồ sơ cần bổ sung giấy tờ",
    documents_requested_body: "Cơ quan yêu cầu bổ sung giấy tờ cho ",
    fee_requested: "Hồ sơ cần nộp phí, lệ phí",
    fee_requested_body: "Cơ quan yêu cầu thực hiện nghĩa vụ tài chính (phí, lệ phí, thuế) cho ",
    result_ready: "Kết quả đã sẵn sàng",
    result_ready_body: " đã xử lý xong. Bạn có thể nhận kết quả.",
    result_returned: "Đã trả kết quả",
    result_returned_body: " đã được trả kết quả.",
    appointment_moved: "Ngày hẹn trả kết quả đã thay đổi",
    new_date: "Ngày hẹn mới của ",
    apology: "Cơ quan đã gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.",
    tomorrow: "Nhắc lịch: ngày mai là ngày hẹn",
    on_weekday: "Nhắc lịch: {} là ngày hẹn",
    appointment_of: "Ngày hẹn trả kết quả của ",
    was: " là ",
    passed: "Đã qua ngày hẹn nhưng chưa có kết quả",
    passed_body: " nhưng hồ sơ chưa có kết quả. Bạn có thể liên hệ bộ phận một cửa để hỏi.",
    still_missing: "Hồ sơ vẫn chờ bổ sung giấy tờ",
    still_missing_body: "Đã {n} ngày làm việc kể từ khi cơ quan yêu cầu bổ sung giấy tờ cho {subject}. Hồ sơ chỉ được xử lý tiếp khi bạn bổ sung đủ.",
    note: "Ghi chú của cơ quan: ",
};

const EN: Words = Words {
    dossier: "dossier",
    status_changed: "Dossier status changed",
    moved_to: " moved to: ",
    documents_requested: "More documents needed",
    documents_requested_body: "The office asks for more documents for ",
    fee_requested: "Fees are due",
    fee_requested_body: "The office asks you to pay the fees or taxes for ",
    result_ready: "Your result is ready",
    result_ready_body: " has been processed. You can collect the result.",
    result_returned: "Result handed over",
    result_returned_body: ": the result has been handed over.",
    appointment_moved: "The appointment date has changed",
    new_date: "New appointment date for ",
    apology: "The office has issued a letter of apology with the new date.",
    tomorrow: "Reminder: your appointment is tomorrow",
    on_weekday: "Reminder: your appointment is on {}",
    appointment_of: "The appointment date for ",
    was: " was ",
    passed: "Appointment date passed without a result",
    passed_body: ", but the result is not ready yet. You can ask at the one-stop desk.",
    still_missing: "Documents still missing",
    still_missing_body: "It has been {n} working days since the office asked for more documents for {subject}. It will not be processed further until you provide them.",
    note: "Note from the office: ",
};

/// "hồ sơ <code> (<procedure>)", or just the procedure, or a bare "hồ sơ".
fn subject(notification: &Notification, words: &Words) -> String {
    let mut subject = words.dossier.to_string();
    if let Target::Dossier { code } = &notification.target {
        subject.push(' ');
        subject.push_str(code);
    }
    let procedure = notification.procedure_name.trim();
    if !procedure.is_empty() {
        subject.push_str(" (");
        subject.push_str(procedure);
        subject.push(')');
    }
    subject
}

/// The text with its first letter in upper case, to open a sentence.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn is_next_day(day: Option<&str>, appointment: Option<&str>) -> bool {
    let parse = |text: Option<&str>| text.and_then(|t| t.parse::<LocalDate>().ok());
    match (parse(day), parse(appointment)) {
        (Some(day), Some(appointment)) => day.days_until(appointment) == 1,
        _ => false,
    }
}

/// `dd/mm/yyyy` in Vietnamese, `d Month yyyy` in English; the text as given when it is not
/// an ISO date.
fn format_date(text: Option<&str>, language: Language) -> String {
    let Some(text) = text else {
        return String::new();
    };
    let Ok(date) = text.parse::<LocalDate>() else {
        return text.to_string();
    };
    match language {
        Language::Vi => format!("{:02}/{:02}/{}", date.day(), date.month(), date.year()),
        Language::En => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            let month = MONTHS[usize::from(date.month() - 1)];
            format!("{} {month} {}", date.day(), date.year())
        }
    }
}

fn weekday_label(weekday: Weekday, language: Language) -> &'static str {
    match language {
        Language::Vi => weekday.label_vi(),
        Language::En => match weekday {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        },
    }
}

fn status_label(number: u8, language: Language) -> String {
    let Some(status) = DossierStatus::from_number(number) else {
        return number.to_string();
    };
    let label = match language {
        Language::Vi => status.label_vi(),
        Language::En => match status {
            DossierStatus::Registered => "registered",
            DossierStatus::Accepted => "accepted",
            DossierStatus::NotAccepted => "not accepted",
            DossierStatus::Processing => "being processed",
            DossierStatus::DocumentsRequested => "more documents requested",
            DossierStatus::PaymentRequested => "fees or taxes due",
            DossierStatus::WithdrawalRequested => "withdrawal requested",
            DossierStatus::Stopped => "processing stopped",
            DossierStatus::Processed => "processed",
            DossierStatus::ResultReturned => "result handed over",
        },
    };
    label.to_string()
}

#[cfg(test)]
mod tests {
    use unicode_normalization::UnicodeNormalization;

    use super::*;
    use crate::dossier::model::AppointmentChange;

    const CODE: &str = "000.00.12.H39-250315-0042";

    fn event(status: DossierStatus, note: Option<&str>) -> Notification {
        Notification::dossier_event(CODE, "e1", status, 0, "Đăng ký khai sinh", note)
    }

    fn reminder(kind: ReminderKind, day: &str, appointment: &str) -> Notification {
        let mut notification = event(DossierStatus::Processing, None);
        notification.kind = NotificationKind::Reminder { reminder: kind };
        notification.day = Some(day.into());
        notification.appointment = Some(appointment.into());
        notification
    }

    #[test]
    fn vietnamese_is_the_default_and_keeps_its_diacritics_in_nfc() {
        assert_eq!(Language::default(), Language::Vi);
        let rendered = render(
            &event(DossierStatus::DocumentsRequested, None),
            Language::default(),
        );
        assert_eq!(rendered.title, "Hồ sơ cần bổ sung giấy tờ");
        assert_eq!(
            rendered.body,
            format!("Cơ quan yêu cầu bổ sung giấy tờ cho hồ sơ {CODE} (Đăng ký khai sinh).")
        );
        assert_eq!(rendered.title.nfc().collect::<String>(), rendered.title);
        assert_eq!(
            render(&event(DossierStatus::Processed, None), Language::Vi).title,
            "Kết quả đã sẵn sàng"
        );
    }

    #[test]
    fn the_same_notification_reads_in_english_when_the_language_switches() {
        let notification = event(DossierStatus::Processed, None);
        assert_eq!(notification.title(Language::En), "Your result is ready");
        assert_eq!(
            notification.body(Language::En),
            format!(
                "Dossier {CODE} (Đăng ký khai sinh) has been processed. You can collect the result."
            )
        );
        assert_eq!(notification.title(Language::Vi), "Kết quả đã sẵn sàng");
        assert!(
            notification
                .body(Language::Vi)
                .starts_with("Hồ sơ 000.00.12.H39")
        );
        assert_eq!(Language::from_tag("en-GB"), Language::En);
        assert_eq!(Language::from_tag("vi_VN"), Language::Vi);
        assert_eq!(Language::from_tag("fr"), Language::Vi);
    }

    #[test]
    fn a_status_change_names_the_national_status_in_either_language() {
        let notification = event(DossierStatus::Processing, None);
        assert_eq!(
            notification.title(Language::Vi),
            "Hồ sơ đã thay đổi trạng thái"
        );
        assert!(
            notification
                .body(Language::Vi)
                .ends_with("chuyển sang trạng thái: Đang xử lý.")
        );
        assert!(
            notification
                .body(Language::En)
                .ends_with("moved to: being processed.")
        );
    }

    #[test]
    fn a_moved_appointment_gives_the_new_date_the_apology_and_the_offices_reason() {
        let change = AppointmentChange {
            date: "2026-02-23".into(),
            set_at_ms: 0,
            reason: Some("Chờ xác minh thông tin".into()),
            apology: true,
        };
        let moved = Notification::appointment_moved(CODE, &change, DossierStatus::Processing, "");
        let vi = render(&moved, Language::Vi);
        assert_eq!(vi.title, "Ngày hẹn trả kết quả đã thay đổi");
        assert_eq!(
            vi.body,
            format!(
                "Ngày hẹn mới của hồ sơ {CODE}: 23/02/2026. Cơ quan đã gửi phiếu xin lỗi và hẹn \
                 lại ngày trả kết quả. Ghi chú của cơ quan: Chờ xác minh thông tin"
            )
        );
        let en = render(&moved, Language::En);
        assert_eq!(en.title, "The appointment date has changed");
        assert!(en.body.contains("23 February 2026"));
        assert!(en.body.contains("letter of apology"));
    }

    #[test]
    fn a_reminder_says_tomorrow_only_when_the_appointment_is_the_next_day() {
        let tomorrow = reminder(
            ReminderKind::AppointmentTomorrow,
            "2026-03-10",
            "2026-03-11",
        );
        assert_eq!(
            tomorrow.title(Language::Vi),
            "Nhắc lịch: ngày mai là ngày hẹn"
        );
        assert_eq!(
            tomorrow.title(Language::En),
            "Reminder: your appointment is tomorrow"
        );
        // Reminded on Wednesday 29/4 for Monday 4/5 (30/4 and 1/5 are holidays).
        let monday = reminder(
            ReminderKind::AppointmentTomorrow,
            "2026-04-29",
            "2026-05-04",
        );
        assert_eq!(monday.title(Language::Vi), "Nhắc lịch: Thứ Hai là ngày hẹn");
        assert_eq!(
            monday.title(Language::En),
            "Reminder: your appointment is on Monday"
        );
        assert!(monday.body(Language::Vi).ends_with(": 04/05/2026."));
    }

    #[test]
    fn the_other_reminders_read_well_in_both_languages() {
        let passed = reminder(
            ReminderKind::AppointmentPassedWithoutResult,
            "2026-05-04",
            "2026-04-29",
        );
        assert_eq!(
            passed.title(Language::Vi),
            "Đã qua ngày hẹn nhưng chưa có kết quả"
        );
        assert!(
            passed
                .body(Language::Vi)
                .contains(" là 29/04/2026 nhưng hồ sơ")
        );
        assert!(
            passed
                .body(Language::En)
                .contains(" was 29 April 2026, but")
        );
        let missing = reminder(
            ReminderKind::DocumentsStillMissing { working_days: 3 },
            "2026-02-24",
            "2026-03-01",
        );
        assert_eq!(missing.title(Language::Vi), "Hồ sơ vẫn chờ bổ sung giấy tờ");
        assert!(missing.body(Language::Vi).starts_with("Đã 3 ngày làm việc"));
        assert!(
            missing
                .body(Language::En)
                .starts_with("It has been 3 working days")
        );
    }

    #[test]
    fn a_feed_message_is_shown_as_the_portal_wrote_it_whatever_the_language() {
        let message = Notification::feed_message(
            "f1",
            0,
            "Thông báo nghỉ lễ",
            "Bộ phận một cửa nghỉ từ 30/4 đến 3/5.",
            Target::None,
        );
        for language in [Language::Vi, Language::En] {
            let rendered = render(&message, language);
            assert_eq!(rendered.title, "Thông báo nghỉ lễ");
            assert_eq!(rendered.body, "Bộ phận một cửa nghỉ từ 30/4 đến 3/5.");
        }
    }
}
