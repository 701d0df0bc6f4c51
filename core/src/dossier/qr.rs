//! The dossier code inside the content of a receipt's QR code, or text pasted from one.
//!
//! Receipts carry either a link with the code in a query parameter
//! (`…/tra-cuu-ho-so?ma=000.00.12.H39-250315-0042`) or as the last path segment
//! (`…/hoso/000.00.12.H39-250315-0042`), or text: the code alone, `key:value;` pairs
//! (`MaHS:000.00.12.H39-250315-0042;…`) or a small JSON object. Vendors name the field
//! differently, so keys are compared folded (`maHoSo`, `MaHS`, `Mã hồ sơ` all match).

use super::code::{DossierCode, DossierCodeError};
use crate::text::{find_dossier_codes, fold_key};

/// Keys (folded, without spaces) under which payloads carry the dossier code.
const CODE_KEYS: &[&str] = &[
    "ma",
    "mahs",
    "mahoso",
    "hoso",
    "sohs",
    "sohoso",
    "code",
    "dossier",
    "dossiercode",
];

/// Nested JSON deeper than this is not searched (payloads are flat; this bounds the walk).
const MAX_JSON_DEPTH: usize = 4;

/// Why no dossier code came out of a QR payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrPayloadError {
    /// Nothing in the payload looks like a dossier code (another kind of QR code).
    #[error("the QR code holds no dossier code")]
    NoCode,
    /// The payload names a dossier code, but that value is not one.
    #[error("the QR code holds an invalid dossier code: {0}")]
    InvalidCode(#[from] DossierCodeError),
}

/// A value that may be the code.
struct Candidate {
    value: String,
    /// Under one of [`CODE_KEYS`]: its parse error is worth reporting.
    named: bool,
    /// Opaque codes are accepted only from places that can hold nothing else.
    opaque_ok: bool,
}

/// Extracts the dossier code from a QR payload (a link, `key:value;` text, JSON, or the code
/// alone) and parses it leniently. Never panics.
pub fn from_qr_payload(text: &str) -> Result<DossierCode, QrPayloadError> {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}');
    let candidates = match url_parts(text) {
        Some(url) => url_candidates(&url),
        None if text.starts_with('{') => json_candidates(text),
        None => text_candidates(text),
    };
    let mut named_error = None;
    for candidate in candidates {
        match DossierCode::parse(&candidate.value) {
            Ok(code) if candidate.opaque_ok || code.as_igate().is_some() => return Ok(code),
            Ok(_) => {}
            Err(error) if candidate.named => {
                named_error.get_or_insert(error);
            }
            Err(_) => {}
        }
    }
    // Last resort: an iGate code standing anywhere in the (decoded) payload.
    let decoded = percent_decode(text, false);
    let anywhere = find_dossier_codes(&decoded)
        .into_iter()
        .find_map(|found| DossierCode::parse(&found.code).ok());
    match (anywhere, named_error) {
        (Some(code), _) => Ok(code),
        (None, Some(error)) => Err(QrPayloadError::InvalidCode(error)),
        (None, None) => Err(QrPayloadError::NoCode),
    }
}

/// A link taken apart (still percent-encoded).
struct UrlParts<'a> {
    path: &'a str,
    query: &'a str,
    fragment: &'a str,
}

/// Splits a link: `scheme://host/path?query#fragment`, `www.…`, or a bare `host.gov.vn/…`.
fn url_parts(text: &str) -> Option<UrlParts<'_>> {
    let rest = match text.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => rest,
        _ if text
            .get(..4)
            .is_some_and(|s| s.eq_ignore_ascii_case("www.")) =>
        {
            text
        }
        _ if is_bare_host_link(text) => text,
        _ => return None,
    };
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (host_and_path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = host_and_path.split_once('/').map_or("", |(_, path)| path);
    Some(UrlParts {
        path,
        query,
        fragment,
    })
}

fn is_scheme(scheme: &str) -> bool {
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// `dichvucong.tayninh.gov.vn/hoso/…`: a host of at least three labels ending in a
/// letters-only top-level domain, then a path or query. Dossier codes have no such start.
fn is_bare_host_link(text: &str) -> bool {
    let Some(end) = text.find(['/', '?']) else {
        return false;
    };
    let labels: Vec<&str> = text[..end].split('.').collect();
    labels.len() >= 3
        && !text.contains(char::is_whitespace)
        && labels.iter().all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_lowercase()))
}

/// Named query parameters first, then the last path segment; single-page portals route in the
/// fragment (`#/tra-cuu?ma=…`, `#/hoso/…`), so it is read like a path and query too.
fn url_candidates(url: &UrlParts<'_>) -> Vec<Candidate> {
    let (fragment_path, fragment_query) =
        url.fragment
            .split_once('?')
            .unwrap_or(if url.fragment.contains('/') {
                (url.fragment, "")
            } else {
                ("", url.fragment)
            });
    let mut candidates: Vec<Candidate> = [url.query, fragment_query]
        .into_iter()
        .flat_map(|query| query.split(['&', ';']))
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| is_code_key(&percent_decode(key, true)))
        .map(|(_, value)| Candidate {
            value: percent_decode(value, true),
            named: true,
            opaque_ok: true,
        })
        .collect();
    candidates.extend(
        [url.path, fragment_path]
            .into_iter()
            .filter_map(last_segment_candidate),
    );
    candidates
}

/// The last non-empty segment of a path. An opaque code is believed only under a segment that
/// names dossiers (`/hoso/…`): otherwise any page name with a digit would pass for a code.
fn last_segment_candidate(path: &str) -> Option<Candidate> {
    let mut segments = path
        .split('/')
        // Matrix parameters (`;jsessionid=…`) are not part of the segment.
        .map(|segment| segment.split(';').next().unwrap_or(""))
        .filter(|segment| !segment.is_empty())
        .rev();
    let last = percent_decode(segments.next()?, false);
    let parent_names_dossiers = segments
        .next()
        .is_some_and(|parent| is_code_key(&percent_decode(parent, false)));
    Some(Candidate {
        value: last,
        named: false,
        opaque_ok: parent_names_dossiers,
    })
}

/// `key:value` or `key=value` pairs separated by `;`, `,`, `|`, `&` or line breaks, then the
/// whole text as a code on its own.
fn text_candidates(text: &str) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = text
        .split([';', ',', '|', '&', '\n', '\r'])
        .filter_map(|pair| {
            let at = pair.find([':', '='])?;
            Some((&pair[..at], &pair[at + 1..]))
        })
        .filter(|(key, _)| is_code_key(key))
        .map(|(_, value)| Candidate {
            value: value.to_string(),
            named: true,
            opaque_ok: true,
        })
        .collect();
    candidates.push(Candidate {
        value: text.to_string(),
        named: false,
        opaque_ok: true,
    });
    candidates
}

/// String or number values under a code key, anywhere in a JSON object (depth-bounded).
fn json_candidates(text: &str) -> Vec<Candidate> {
    fn walk(value: &serde_json::Value, depth: usize, out: &mut Vec<Candidate>) {
        if depth > MAX_JSON_DEPTH {
            return;
        }
        match value {
            serde_json::Value::Object(fields) => {
                for (key, field) in fields {
                    let text = match field {
                        serde_json::Value::String(text) => Some(text.clone()),
                        serde_json::Value::Number(number) => Some(number.to_string()),
                        _ => None,
                    };
                    match text {
                        Some(text) if is_code_key(key) => out.push(Candidate {
                            value: text,
                            named: true,
                            opaque_ok: true,
                        }),
                        _ => walk(field, depth + 1, out),
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, depth + 1, out);
                }
            }
            _ => {}
        }
    }
    let mut candidates = Vec::new();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        walk(&value, 0, &mut candidates);
    }
    candidates
}

/// True for a key naming the dossier code, compared folded and without spaces or punctuation.
fn is_code_key(key: &str) -> bool {
    let folded: String = fold_key(key).split(' ').collect();
    CODE_KEYS.contains(&folded.as_str())
}

/// Decodes `%XX` escapes (malformed ones are kept as written); `+` is a space in query strings.
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&high), Some(&low)) => hex(high).zip(hex(low)),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some((high, low)), _) => {
                // Two hex digits make at most 0xFF.
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
                continue;
            }
            (None, b'+') if plus_is_space => out.push(b' '),
            (None, byte) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CANONICAL: &str = "000.00.12.H39-250315-0042";

    fn code_of(payload: &str) -> String {
        match from_qr_payload(payload) {
            Ok(code) => code.to_string(),
            Err(error) => panic!("{payload:?}: {error}"),
        }
    }

    #[test]
    fn links_with_the_code_in_a_named_query_parameter_give_the_code() {
        for payload in [
            "https://dichvucong.tayninh.gov.vn/tra-cuu-ho-so?ma=000.00.12.H39-250315-0042",
            "https://dichvucong.tayninh.gov.vn/tra-cuu-ho-so?ma=000.00.12.h39-250315-0042&lang=vi",
            "https://dichvucong.tayninh.gov.vn/tra-cuu?lang=vi&maHoSo=000.00.12.H39-250315-0042",
            "HTTPS://DICHVUCONG.TAYNINH.GOV.VN/TRA-CUU?MAHS=000.00.12.H39-250315-0042",
            "https://dichvucong.tayninh.gov.vn/tra-cuu?code=000.00.12.H39-250315-0042#ket-qua",
            "https://dichvucong.tayninh.gov.vn/tra-cuu?ma_ho_so=000.00.12.H39-250315-0042",
            "http://dichvucong.tayninh.gov.vn/?hoso=000.00.12.H39+250315+0042",
            "https://dichvucong.tayninh.gov.vn/#/tra-cuu-ho-so?ma=000.00.12.H39-250315-0042",
            "www.dichvucong.tayninh.gov.vn/tra-cuu?ma=000.00.12.H39-250315-0042",
            "dichvucong.tayninh.gov.vn/tra-cuu?ma=000.00.12.H39-250315-0042",
            "  https://dichvucong.tayninh.gov.vn/tra-cuu?ma=000.00.12.H39-250315-0042\n",
        ] {
            assert_eq!(code_of(payload), CANONICAL, "{payload:?}");
        }
    }

    #[test]
    fn percent_encoded_links_are_decoded() {
        for payload in [
            "https://dichvucong.tayninh.gov.vn/tra-cuu?ma=000.00.12.H39%2D250315%2D0042",
            "https://dichvucong.tayninh.gov.vn/tra-cuu?ma=000%2E00%2E12%2EH39-250315-0042",
            "https://dichvucong.tayninh.gov.vn/tra-cuu?ma=000.00.12.H39%20250315%200042",
            "https://dichvucong.tayninh.gov.vn/tra-cuu?ma=000.00.12.H39%E2%80%93250315%E2%80%930042",
            "https://dichvucong.tayninh.gov.vn/tra-cuu?m%61=000.00.12.H39-250315-0042",
            "https://dichvucong.tayninh.gov.vn/hoso/000.00.12.H39%2D250315%2D0042",
        ] {
            assert_eq!(code_of(payload), CANONICAL, "{payload:?}");
        }
    }

    #[test]
    fn links_with_the_code_as_the_last_path_segment_give_the_code() {
        for payload in [
            "https://dichvucong.tayninh.gov.vn/hoso/000.00.12.H39-250315-0042",
            "https://dichvucong.tayninh.gov.vn/hoso/000.00.12.H39-250315-0042/",
            "https://dichvucong.tayninh.gov.vn/tra-cuu/000.00.12.H39-250315-0042?lang=vi",
            "https://dichvucong.tayninh.gov.vn/hoso/000.00.12.H39-250315-0042;jsessionid=AB12",
            "https://dichvucong.tayninh.gov.vn/#/hoso/000.00.12.H39-250315-0042",
        ] {
            assert_eq!(code_of(payload), CANONICAL, "{payload:?}");
        }
    }

    #[test]
    fn an_opaque_path_segment_counts_only_under_a_segment_naming_dossiers() {
        assert_eq!(
            code_of("https://dichvucong.tayninh.gov.vn/hoso/TNH-2025-000042"),
            "TNH-2025-000042"
        );
        assert_eq!(
            from_qr_payload("https://dichvucong.tayninh.gov.vn/tin-tuc/bai-viet-2025"),
            Err(QrPayloadError::NoCode)
        );
    }

    #[test]
    fn text_payloads_give_the_code() {
        for payload in [
            "000.00.12.H39-250315-0042",
            "000.00.12.h39 250315 0042",
            "MaHS:000.00.12.H39-250315-0042;TenTTHC:Đăng ký khai sinh;",
            "TenTTHC:Đăng ký khai sinh;MaHS:000.00.12.H39-250315-0042",
            "maHoSo=000.00.12.H39-250315-0042&ngayHen=2025-03-20",
            "Mã hồ sơ: 000.00.12.H39-250315-0042\nNgày hẹn trả: 20/03/2025",
            "Số hồ sơ: 000.00.12.H39-250315-0042",
            "Hồ sơ của ông/bà 000.00.12.H39-250315-0042 đã được tiếp nhận.",
            "\u{feff}000.00.12.H39-250315-0042",
            r#"{"maHoSo": "000.00.12.H39-250315-0042", "trangThai": 2}"#,
            r#"{"data": {"hoSo": {"code": "000.00.12.H39-250315-0042"}}}"#,
        ] {
            assert_eq!(code_of(payload), CANONICAL, "{payload:?}");
        }
    }

    #[test]
    fn an_opaque_code_alone_or_under_a_code_key_is_kept() {
        assert_eq!(code_of("TNH-2025-000042"), "TNH-2025-000042");
        assert_eq!(code_of("MaHS:tnh-2025-000042;"), "TNH-2025-000042");
        assert_eq!(
            code_of("https://dichvucong.tayninh.gov.vn/tra-cuu?ma=hs2025%2F0042"),
            "HS2025/0042"
        );
    }

    #[test]
    fn payloads_without_a_code_say_so() {
        for payload in [
            "",
            "   ",
            "https://dichvucong.tayninh.gov.vn/",
            "https://dichvucong.tayninh.gov.vn/tra-cuu-ho-so",
            "WIFI:S:NhaToi;T:WPA;P:matkhau123;;",
            "Xin chào",
            "{not json",
            r#"{"ten": "Nguyễn Văn A"}"#,
        ] {
            assert_eq!(
                from_qr_payload(payload),
                Err(QrPayloadError::NoCode),
                "{payload:?}"
            );
        }
    }

    #[test]
    fn a_named_value_that_is_not_a_code_is_reported_as_invalid() {
        assert_eq!(
            from_qr_payload("https://dichvucong.tayninh.gov.vn/tra-cuu?ma=abc"),
            Err(QrPayloadError::InvalidCode(DossierCodeError::NoDigit))
        );
        assert_eq!(
            from_qr_payload("MaHS:;Ten:x"),
            Err(QrPayloadError::InvalidCode(DossierCodeError::Empty))
        );
    }

    #[test]
    fn malformed_percent_escapes_are_kept_as_written() {
        assert_eq!(percent_decode("a%2", false), "a%2");
        assert_eq!(percent_decode("%zz%41+", true), "%zzA ");
        assert_eq!(percent_decode("%E2%80%93", false), "–");
        assert_eq!(percent_decode("%FF", false), "\u{fffd}");
    }

    #[test]
    fn generated_payloads_never_panic_and_their_codes_parse_to_themselves() {
        use super::super::code::tests::{Generator, mangle, random_code};
        let pieces = [
            "https://",
            "dichvucong.tayninh.gov.vn",
            "/",
            "hoso",
            "?",
            "ma",
            "maHoSo",
            "=",
            "&",
            "#",
            "%",
            "%2D",
            "%E2%80%93",
            "%F",
            "+",
            ":",
            ";",
            "MaHS",
            "{",
            "\"",
            "}",
            " ",
            "\n",
            "ó",
            "\u{200b}",
            "www.",
            ".",
            "-",
        ];
        let mut generator = Generator(0x5152_436f_6465);
        for _ in 0..10_000 {
            let mut payload = String::new();
            for _ in 0..generator.below(12) {
                if generator.below(4) == 0 {
                    let code = random_code(&mut generator);
                    payload.push_str(&mangle(&mut generator, &code));
                } else {
                    payload.push_str(generator.pick(&pieces));
                }
            }
            let result = std::panic::catch_unwind(|| from_qr_payload(&payload))
                .unwrap_or_else(|_| panic!("panicked on {payload:?}"));
            if let Ok(code) = result {
                assert_eq!(
                    DossierCode::parse(code.as_str()).as_ref(),
                    Ok(&code),
                    "{payload:?}"
                );
            }
        }
    }

    /// Payloads put together from the pieces of links, `key:value` text and JSON, with
    /// valid codes among them, now and then any character.
    fn payload() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => proptest::sample::select(vec![
                "https://", "dichvucong.tayninh.gov.vn", "/", "hoso", "?", "ma", "maHoSo", "=",
                "&", "#", "%", "%2D", "%E2%80%93", "%F", "+", ":", ";", "MaHS", "{", "\"", "}",
                " ", "\n", "ó", "\u{200b}", "www.", ".", "-", "000.00.12.H39-250315-0042",
                "00.12.h39 250315 0042", "TNH-2025-000042",
            ]).prop_map(String::from),
            1 => any::<String>(),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn reading_any_payload_never_panics_and_a_found_code_parses_to_itself(
            payload in payload()
        ) {
            if let Ok(code) = from_qr_payload(&payload) {
                prop_assert_eq!(DossierCode::parse(code.as_str()), Ok(code.clone()), "{:?}", payload);
            }
        }
    }

    #[test]
    fn huge_and_hostile_payloads_do_not_panic() {
        let nested = format!("{}{}", "{\"a\":".repeat(200), "}".repeat(200));
        let many_params = format!("https://x.gov.vn/?{}", "ma=%%%&".repeat(10_000));
        for payload in [
            "%".repeat(100_000),
            nested,
            many_params,
            "://".to_string(),
            "?#?#//;;==::".to_string(),
            format!("MaHS:{}", "9".repeat(50_000)),
        ] {
            let result = std::panic::catch_unwind(|| from_qr_payload(&payload));
            assert!(
                result.is_ok(),
                "panicked on a payload of {} bytes",
                payload.len()
            );
        }
    }
}
