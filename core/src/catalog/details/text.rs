//! Text clean-up shared by the record parser: normalisation, label matching, list splitting.

#![deny(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Makes the whole record NFC and drops what only gets in the way of matching: invisible
/// formatting characters (the portal leaks U+200E inside words), odd spaces and carriage returns.
pub(super) fn normalize(input: &str) -> String {
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = unified
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            // The legacy letter ƣ (U+01A3) stands for ư in some portal texts.
            '\u{01A2}' => Some('Ư'),
            '\u{01A3}' => Some('ư'),
            c if is_invisible(c) => None,
            c if c.is_whitespace() || c.is_control() => Some(' '),
            c => Some(c),
        })
        .collect();
    // Composition never crosses a line break, and most lines are NFC already: skip those.
    let mut out = String::with_capacity(cleaned.len());
    for (index, line) in cleaned.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        if is_nfc_quick(line.chars()) == IsNormalized::Yes {
            out.push_str(line);
        } else {
            out.extend(line.nfc());
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Lower-case, accent-free, single-spaced form of a text, so that labels match whatever tone
/// placement (`ủy`/`uỷ`) or composition the record uses.
pub(super) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = if matches!(c, 'đ' | 'Đ') { 'd' } else { c };
        out.extend(c.to_lowercase());
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`fold`] without punctuation: the key used to recognise headings and labels.
pub(super) fn key(text: &str) -> String {
    let folded: String = fold(text)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True for the portal's ways of saying "nothing here".
pub(super) fn is_absent(text: &str) -> bool {
    // Markers are short; folding long free text just to compare it would be wasted work.
    const LONGEST_MARKER: usize = 64;
    let text = text.trim();
    text.len() <= LONGEST_MARKER
        && matches!(
            key(text).as_str(),
            "" | "khong" | "khong co" | "khong co thong tin" | "chua co thong tin"
        )
}

/// Trimmed text, or `None` when it is one of the "nothing here" markers.
pub(super) fn present(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!is_absent(trimmed)).then(|| trimmed.to_owned())
}

/// Free-text section body: lines kept as published, outer blank lines dropped.
pub(super) fn free_text(lines: &[&str]) -> Option<String> {
    let joined = lines
        .iter()
        .map(|line| line.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    present(&joined)
}

/// Removes a Markdown list marker (`* `, `- `, `+ `) from the start of a line.
pub(super) fn strip_bullet(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    ["* ", "- ", "+ "]
        .iter()
        .find_map(|marker| trimmed.strip_prefix(marker))
        .map(str::trim_start)
}

/// Removes Markdown bold markers wrapped around a whole line.
pub(super) fn strip_bold(text: &str) -> &str {
    text.strip_prefix("**")
        .and_then(|inner| inner.strip_suffix("**"))
        .map(str::trim)
        .filter(|inner| !inner.is_empty() && !inner.contains("**"))
        .unwrap_or(text)
}

/// Splits a comma-separated list of names that may themselves contain commas.
///
/// Commas inside parentheses never split (`Tổ chức (không bao gồm doanh nghiệp, HTX)`), and a
/// piece that starts in lower case continues the previous name (`Cán bộ, công chức, viên chức`,
/// `Ủy ban Nhân dân xã, phường, thị trấn.`): every name the portal lists starts with a capital.
pub(super) fn split_names(text: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth: u32 = 0;
    for c in text.chars() {
        match c {
            '(' | '[' => depth = depth.saturating_add(1),
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c == ',' && depth == 0 {
            pieces.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    pieces.push(current);

    let mut names: Vec<String> = Vec::new();
    for piece in pieces {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        let continues = piece.chars().next().is_some_and(char::is_lowercase);
        match names.last_mut() {
            Some(previous) if continues => {
                previous.push_str(", ");
                previous.push_str(piece);
            }
            _ => names.push(piece.to_owned()),
        }
    }
    names.retain(|name| !is_absent(name));
    dedup_in_order(names)
}

/// Splits keywords on commas, semicolons and new lines; keywords are often lower case, so no
/// continuation rule applies here.
pub(super) fn split_keywords(text: &str) -> Vec<String> {
    let words = text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|word| !word.is_empty() && !is_absent(word))
        .map(str::to_owned)
        .collect();
    dedup_in_order(words)
}

pub(super) fn dedup_in_order<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]
#[allow(clippy::arithmetic_side_effects, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn normalize_composes_nfd_and_drops_invisible_marks() {
        let nfd = "Tha\u{300}nh phâ\u{300}n đăng k\u{200E}ý\u{00A0}hộ\r\n";
        assert_eq!(normalize(nfd), "Thành phần đăng ký hộ\n");
    }

    #[test]
    fn normalize_repairs_the_legacy_letter_oi() {
        assert_eq!(normalize("Tr\u{01A3}ờng"), "Trường");
    }

    #[test]
    fn keys_ignore_tone_placement_case_and_punctuation() {
        assert_eq!(key("Cơ quan được ủy quyền:"), key("CƠ QUAN ĐƯỢC UỶ QUYỀN"));
        assert_eq!(
            key("Yêu cầu, điều kiện thực hiện"),
            "yeu cau dieu kien thuc hien"
        );
    }

    #[test]
    fn absent_markers_cover_the_portal_variants() {
        for marker in [
            "Không có thông tin",
            "Không có",
            "không",
            "Không.",
            "  ",
            "",
        ] {
            assert!(is_absent(marker), "{marker:?}");
        }
        assert!(!is_absent("Không quá 5 ngày"));
    }

    #[test]
    fn split_names_keeps_commas_inside_names() {
        let subjects = "Công dân Việt Nam, Cán bộ, công chức, viên chức, \
                        Tổ chức (không bao gồm doanh nghiệp, HTX), Hợp tác xã";
        assert_eq!(
            split_names(subjects),
            [
                "Công dân Việt Nam",
                "Cán bộ, công chức, viên chức",
                "Tổ chức (không bao gồm doanh nghiệp, HTX)",
                "Hợp tác xã",
            ]
        );
        assert_eq!(
            split_names("Ủy ban Nhân dân xã, phường, thị trấn."),
            ["Ủy ban Nhân dân xã, phường, thị trấn."]
        );
    }

    #[test]
    fn split_names_survives_unbalanced_parentheses() {
        assert_eq!(split_names(")a, B (c, D"), [")a", "B (c, D"]);
    }

    #[test]
    fn strip_bold_only_removes_whole_line_markers() {
        assert_eq!(strip_bold("**a) Nộp hồ sơ**"), "a) Nộp hồ sơ");
        assert_eq!(strip_bold("*** Lưu ý:**"), "* Lưu ý:");
        assert_eq!(strip_bold("****"), "****");
        assert_eq!(strip_bold("**bold** and not"), "**bold** and not");
        assert_eq!(strip_bold("**a** and **b**"), "**a** and **b**");
    }
}
