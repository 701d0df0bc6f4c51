//! A feedback draft as the citizen writes it, and the rules both the app and the portal hold
//! it to.

use unicode_normalization::UnicodeNormalization;

use super::error::FeedbackError;
use crate::portal::wire::{
    FeedbackCategory, FeedbackContact, FeedbackRequest, GeoPoint, MAX_CONTACT_NAME_CHARS,
    MAX_FEEDBACK_TEXT_CHARS, MAX_PHOTO_REF_CHARS, Redacted,
};

/// Every category, in the order a form lists them.
pub const CATEGORIES: [FeedbackCategory; 8] = [
    FeedbackCategory::PublicService,
    FeedbackCategory::Infrastructure,
    FeedbackCategory::Traffic,
    FeedbackCategory::Environment,
    FeedbackCategory::UrbanOrder,
    FeedbackCategory::SecurityOrder,
    FeedbackCategory::Health,
    FeedbackCategory::Other,
];

/// The wire name of a category (`public_service`, …).
pub fn category_name(category: FeedbackCategory) -> &'static str {
    match category {
        FeedbackCategory::PublicService => "public_service",
        FeedbackCategory::Infrastructure => "infrastructure",
        FeedbackCategory::Traffic => "traffic",
        FeedbackCategory::Environment => "environment",
        FeedbackCategory::UrbanOrder => "urban_order",
        FeedbackCategory::SecurityOrder => "security_order",
        FeedbackCategory::Health => "health",
        FeedbackCategory::Other => "other",
    }
}

/// The Vietnamese label a form shows for a category.
pub fn category_label(category: FeedbackCategory) -> &'static str {
    match category {
        FeedbackCategory::PublicService => "Dịch vụ công, thủ tục hành chính",
        FeedbackCategory::Infrastructure => "Hạ tầng (đường, điện, nước, chiếu sáng)",
        FeedbackCategory::Traffic => "Giao thông",
        FeedbackCategory::Environment => "Môi trường",
        FeedbackCategory::UrbanOrder => "Trật tự đô thị, xây dựng",
        FeedbackCategory::SecurityOrder => "An ninh, trật tự",
        FeedbackCategory::Health => "Y tế, an toàn thực phẩm",
        FeedbackCategory::Other => "Khác",
    }
}

/// A category by its wire name (as the FFI passes it).
pub fn parse_category(name: &str) -> Result<FeedbackCategory, FeedbackError> {
    let name = name.trim();
    CATEGORIES
        .into_iter()
        .find(|category| category_name(*category) == name)
        .ok_or(FeedbackError::BadCategory)
}

/// A feedback as the citizen wrote it, before it is checked. Its `Debug` shows lengths, not
/// the citizen's words, name or phone.
#[derive(Clone, PartialEq)]
pub struct Feedback {
    /// What it is about.
    pub category: FeedbackCategory,
    /// The citizen's words.
    pub text: String,
    /// Where, when shared (a point: see `docs/decisions/outbox.md`).
    pub location: Option<GeoPoint>,
    /// A photo uploaded separately.
    pub photo_ref: Option<String>,
    /// A name to address the citizen by.
    pub contact_name: Option<String>,
    /// A phone number to call back.
    pub contact_phone: Option<String>,
}

impl std::fmt::Debug for Feedback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feedback")
            .field("category", &self.category)
            .field("text", &Redacted(Some(&self.text)))
            .field("location", &self.location.is_some())
            .field("photo_ref", &self.photo_ref.is_some())
            .field("contact_name", &Redacted(self.contact_name.as_deref()))
            .field("contact_phone", &Redacted(self.contact_phone.as_deref()))
            .finish()
    }
}

impl Feedback {
    /// A feedback with just a category and text.
    pub fn new(category: FeedbackCategory, text: impl Into<String>) -> Feedback {
        Feedback {
            category,
            text: text.into(),
            location: None,
            photo_ref: None,
            contact_name: None,
            contact_phone: None,
        }
    }

    /// Tidies the draft (Unicode NFC, outer spaces trimmed, empty optional fields dropped,
    /// spaces, dots and dashes taken out of the phone number) and checks it: the request to
    /// send. Performs no I/O.
    pub fn validate(&self) -> Result<FeedbackRequest, FeedbackError> {
        let tidy = |text: &str| text.nfc().collect::<String>().trim().to_string();
        let optional = |text: &Option<String>| {
            text.as_deref()
                .map(tidy)
                .filter(|text: &String| !text.is_empty())
        };
        let phone = optional(&self.contact_phone).map(|phone| {
            phone
                .chars()
                .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
                .collect::<String>()
        });
        let name = optional(&self.contact_name);
        let contact = match (name, phone) {
            (None, None) => None,
            (name, phone) => Some(FeedbackContact { name, phone }),
        };
        let request = FeedbackRequest {
            category: self.category,
            text: tidy(&self.text),
            location: self.location,
            photo_ref: optional(&self.photo_ref),
            contact,
        };
        check_request(&request)?;
        Ok(request)
    }
}

/// The contract's rules for a feedback as it arrives (the portal holds requests to them too):
/// text 1 to 2000 characters and not only spaces, a real point, a photo reference of at most
/// 200 characters, a contact name of at most 100, a phone of 8 to 15 digits.
pub fn check_request(request: &FeedbackRequest) -> Result<(), FeedbackError> {
    if request.text.trim().is_empty() {
        return Err(FeedbackError::EmptyText);
    }
    if request.text.chars().count() > MAX_FEEDBACK_TEXT_CHARS {
        return Err(FeedbackError::TooLong {
            max: MAX_FEEDBACK_TEXT_CHARS,
        });
    }
    if let Some(point) = request.location {
        let on_earth = (-90.0..=90.0).contains(&point.lat) && (-180.0..=180.0).contains(&point.lon);
        if !on_earth {
            return Err(FeedbackError::BadLocation);
        }
    }
    let photo_ok = request
        .photo_ref
        .as_deref()
        .is_none_or(|photo| usable(photo, MAX_PHOTO_REF_CHARS));
    if !photo_ok {
        return Err(FeedbackError::BadPhotoRef {
            max: MAX_PHOTO_REF_CHARS,
        });
    }
    let contact = request.contact.clone().unwrap_or_default();
    let name_ok = contact
        .name
        .as_deref()
        .is_none_or(|name| usable(name, MAX_CONTACT_NAME_CHARS));
    if !name_ok {
        return Err(FeedbackError::BadContactName {
            max: MAX_CONTACT_NAME_CHARS,
        });
    }
    let phone_ok = contact.phone.as_deref().is_none_or(|phone| {
        let digits = phone.strip_prefix('+').unwrap_or(phone);
        (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    });
    if !phone_ok {
        return Err(FeedbackError::BadPhone);
    }
    Ok(())
}

fn usable(text: &str, max_chars: usize) -> bool {
    !text.trim().is_empty()
        && text.chars().count() <= max_chars
        && !text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_of_a_draft_and_its_request_shows_lengths_not_the_citizens_words() {
        let mut draft = Feedback::new(FeedbackCategory::Traffic, "Ổ gà trước chợ Bến Lức");
        draft.contact_name = Some("Nguyễn Thị Lan".into());
        draft.contact_phone = Some("0912 345 678".into());
        let request = draft.validate().unwrap();
        for printed in [format!("{draft:?}"), format!("{request:?}")] {
            for secret in ["Ổ gà", "Nguyễn", "0912", "345"] {
                assert!(!printed.contains(secret), "{secret} in {printed}");
            }
            assert!(printed.contains("<22 chars>"), "{printed}");
        }
    }

    #[test]
    fn a_draft_is_tidied_into_the_request() {
        let mut draft = Feedback::new(
            FeedbackCategory::Environment,
            "  Rác thải đổ trộm ở ấp 3  ".nfd().collect::<String>(),
        );
        draft.contact_phone = Some("+84 912.345-678".into());
        draft.contact_name = Some("   ".into());
        draft.photo_ref = Some(String::new());
        let request = draft.validate().unwrap();
        assert_eq!(request.text, "Rác thải đổ trộm ở ấp 3");
        assert_eq!(
            request.contact,
            Some(FeedbackContact {
                name: None,
                phone: Some("+84912345678".into())
            })
        );
        assert_eq!(request.photo_ref, None);
    }

    #[test]
    fn each_rule_has_its_own_error() {
        let base = Feedback::new(FeedbackCategory::Other, "Đèn đường hỏng");
        let with = |change: fn(&mut Feedback)| {
            let mut draft = base.clone();
            change(&mut draft);
            draft.validate().unwrap_err()
        };
        assert_eq!(with(|d| d.text = " \n ".into()), FeedbackError::EmptyText);
        assert_eq!(
            with(|d| d.text = "ạ".repeat(2001)),
            FeedbackError::TooLong { max: 2000 }
        );
        assert_eq!(
            with(|d| d.location = Some(GeoPoint {
                lat: 91.0,
                lon: 0.0
            })),
            FeedbackError::BadLocation
        );
        assert_eq!(
            with(|d| d.photo_ref = Some("p".repeat(201))),
            FeedbackError::BadPhotoRef { max: 200 }
        );
        assert_eq!(
            with(|d| d.contact_name = Some("a\u{7}b".into())),
            FeedbackError::BadContactName { max: 100 }
        );
        assert_eq!(
            with(|d| d.contact_phone = Some("12ab5678".into())),
            FeedbackError::BadPhone
        );
        assert_eq!(
            with(|d| d.contact_phone = Some("1234567".into())),
            FeedbackError::BadPhone
        );
        // 2000 characters, counted as characters (NFC), not bytes.
        let mut long = base.clone();
        long.text = "ệ".nfd().collect::<String>().repeat(2000);
        assert_eq!(long.validate().unwrap().text.chars().count(), 2000);
    }

    #[test]
    fn categories_parse_by_their_wire_names() {
        for category in CATEGORIES {
            let name = category_name(category);
            assert_eq!(parse_category(name), Ok(category));
            let wire = serde_json::to_string(&category).unwrap();
            assert_eq!(wire, format!("\"{name}\""));
            assert!(!category_label(category).is_empty());
        }
        assert_eq!(parse_category("potholes"), Err(FeedbackError::BadCategory));
    }
}
