//! Recognition of procedure codes (`1.001193`) and dossier codes (`000.00.53.H48-220921-0099`)
//! inside free text.

/// A code found in a query, with its byte range in the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCode {
    /// The code, in its canonical spelling (dossier codes upper-cased).
    pub code: String,
    /// Byte range in the scanned text.
    pub range: std::ops::Range<usize>,
}

/// True for a well-formed national procedure code: one digit, a dot, six digits.
pub fn is_procedure_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 8
        && bytes[0].is_ascii_digit()
        && bytes[1] == b'.'
        && bytes[2..].iter().all(u8::is_ascii_digit)
}

/// Procedure codes standing alone (not inside a longer number) in `text`.
pub fn find_procedure_codes(text: &str) -> Vec<FoundCode> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 8 <= bytes.len() {
        // A hyphen joins: `1.001193-220921-0099` is a dossier code, not a procedure code.
        let joined = |b: &u8| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'-';
        let boundary_before = i == 0 || !joined(&bytes[i - 1]);
        let boundary_after = bytes
            .get(i + 8)
            .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'-');
        let candidate = text.get(i..i + 8).filter(|c| is_procedure_code(c));
        if let (true, true, Some(code)) = (boundary_before, boundary_after, candidate) {
            found.push(FoundCode {
                code: code.to_string(),
                range: i..i + 8,
            });
            i += 8;
        } else {
            i += 1;
        }
    }
    found
}

/// True for an iGate-style dossier code: `<agency id>-<yymmdd>-<sequence>`, the agency id made
/// of letters, digits and dots.
pub fn is_dossier_code(text: &str) -> bool {
    let mut parts = text.rsplitn(3, '-');
    let (Some(sequence), Some(date), Some(agency)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    sequence.len() >= 3
        && sequence.len() <= 8
        && sequence.bytes().all(|b| b.is_ascii_digit())
        && date.len() == 6
        && date.bytes().all(|b| b.is_ascii_digit())
        && !agency.is_empty()
        && agency.bytes().any(|b| b.is_ascii_alphanumeric())
        && agency
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// Dossier codes in `text`, separated from their surroundings by anything but letters, digits,
/// dots and hyphens.
pub fn find_dossier_codes(text: &str) -> Vec<FoundCode> {
    let mut found = Vec::new();
    let mut start: Option<usize> = None;
    let is_code_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    for (i, b) in text.bytes().chain(std::iter::once(b' ')).enumerate() {
        match (is_code_byte(b), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let candidate = text[s..i].trim_matches(|c| c == '.' || c == '-');
                let offset = s + text[s..i].find(candidate).unwrap_or(0);
                if is_dossier_code(candidate) {
                    found.push(FoundCode {
                        code: candidate.to_ascii_uppercase(),
                        range: offset..offset + candidate.len(),
                    });
                }
                start = None;
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procedure_codes_are_found_alone_and_inside_text() {
        let found = find_procedure_codes("thu tuc 1.001193, va 2.000986");
        let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["1.001193", "2.000986"]);
    }

    #[test]
    fn malformed_or_embedded_procedure_codes_are_not_found() {
        for text in [
            "1.0133611",
            "2.009182739",
            "11.001193",
            "1.00119",
            "x1.001193",
            "1.001193a",
        ] {
            assert!(find_procedure_codes(text).is_empty(), "{text}");
        }
        assert!(!is_procedure_code("1.014955-Xoa"));
        assert!(find_procedure_codes("1.001193-220921-0099 khai sinh").is_empty());
    }

    #[test]
    fn dossier_codes_are_found_and_upper_cased() {
        let found = find_dossier_codes("ho so 000.00.53.h48-220921-0099 cua toi");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "000.00.53.H48-220921-0099");
        assert_eq!(
            &"ho so 000.00.53.h48-220921-0099 cua toi"[found[0].range.clone()],
            "000.00.53.h48-220921-0099"
        );
        assert!(find_dossier_codes("1.001193 khai-sinh").is_empty());
    }
}
