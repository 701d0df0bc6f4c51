//! Markdown tables of a record: submission channels, required documents, legal bases.

#![deny(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use super::model::{Channel, ChannelKind, DocumentCase, DocumentItem, LegalBasis};
use super::quantities::{parse_fees, parse_processing_time};
use super::text::{is_absent, key, present, strip_bold};

/// A piece of a section body: a `###` heading, a table, or any other line.
#[derive(Debug, PartialEq)]
pub(super) enum Block {
    Heading(String),
    /// Data rows only: header and `---` rows are dropped.
    Table(Vec<Vec<String>>),
    Text(String),
}

/// Groups section lines into blocks. A table row broken over several lines (a raw new line
/// inside a cell) is joined back while the row has not been closed by a final `|`.
pub(super) fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut rows: Vec<String> = Vec::new();
    for line in lines {
        let trimmed = line.trim();
        if trimmed.starts_with('|') {
            rows.push(trimmed.to_owned());
            continue;
        }
        if let Some(open) = rows.last_mut()
            && !trimmed.is_empty()
            && !trimmed.starts_with('#')
            && !ends_with_unescaped_pipe(open)
        {
            open.push('\n');
            open.push_str(trimmed);
            continue;
        }
        if !rows.is_empty() {
            out.push(Block::Table(data_rows(&std::mem::take(&mut rows))));
        }
        if let Some(heading) = trimmed.strip_prefix("###") {
            out.push(Block::Heading(
                heading.trim_start_matches('#').trim().to_owned(),
            ));
        } else if !trimmed.is_empty() {
            out.push(Block::Text(trimmed.to_owned()));
        }
    }
    if !rows.is_empty() {
        out.push(Block::Table(data_rows(&rows)));
    }
    out
}

fn ends_with_unescaped_pipe(row: &str) -> bool {
    row.ends_with('|') && !row.ends_with("\\|")
}

/// Splits rows into cells and drops the header (the row before a `---` row) and `---` rows.
/// A header without its `---` row is recognised by its first cell.
fn data_rows(rows: &[String]) -> Vec<Vec<String>> {
    let split: Vec<Vec<String>> = rows.iter().map(|row| split_row(row)).collect();
    let has_separator = split.get(1).is_some_and(|row| is_separator(row));
    let mut data = Vec::new();
    for (index, row) in split.into_iter().enumerate() {
        let header = index == 0 && (has_separator || is_header(&row));
        if header || is_separator(&row) || row.iter().all(String::is_empty) {
            continue;
        }
        data.push(row);
    }
    data
}

fn is_separator(row: &[String]) -> bool {
    !row.is_empty()
        && row
            .iter()
            .all(|cell| cell.contains('-') && cell.chars().all(|c| matches!(c, '-' | ':' | ' ')))
}

fn is_header(row: &[String]) -> bool {
    let first = row.first().map(|cell| key(cell)).unwrap_or_default();
    ["ten giay to", "hinh thuc nop", "ten van ban phap ly"].contains(&first.as_str())
}

/// Cells of one row. `\|` is a literal pipe; `<br>` becomes a new line.
fn split_row(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut chars = row.chars().peekable();
    let mut closed = false;
    while let Some(c) = chars.next() {
        closed = false;
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push('|');
                chars.next();
            }
            '|' => {
                cells.push(std::mem::take(&mut current));
                closed = true;
            }
            c => current.push(c),
        }
    }
    if !closed {
        cells.push(current);
    }
    // The leading `|` opens the first cell rather than closing an empty one.
    if row.trim_start().starts_with('|') && !cells.is_empty() {
        cells.remove(0);
    }
    cells.iter().map(|cell| clean_cell(cell)).collect()
}

fn clean_cell(cell: &str) -> String {
    let with_breaks = ["<br />", "<br/>", "<BR>", "<br>"]
        .iter()
        .fold(cell.to_owned(), |text, tag| text.replace(tag, "\n"));
    with_breaks
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// Takes the last cell off a row, or an empty string when there is none.
fn pop(row: &mut Vec<String>) -> String {
    row.pop().unwrap_or_default()
}

/// Rows of `Hình thức nộp | Thời gian giải quyết | Phí, lệ phí | Mô tả`. Extra cells (an
/// unescaped `|` in the text) go to the description; rows of an unknown channel are skipped.
pub(super) fn channels(lines: &[&str]) -> Vec<Channel> {
    let mut out = Vec::new();
    for block in blocks(lines) {
        let Block::Table(rows) = block else { continue };
        for row in rows {
            let mut cells = row.into_iter();
            let Some(kind) = cells.next().as_deref().and_then(channel_kind) else {
                continue;
            };
            let processing_time_raw = cells.next().unwrap_or_default();
            let fees_raw = cells.next().as_deref().and_then(present);
            let description = present(&cells.collect::<Vec<_>>().join(" | "));
            out.push(Channel {
                kind,
                processing_time: parse_processing_time(&processing_time_raw),
                processing_time_raw,
                fees: fees_raw.as_deref().map(parse_fees).unwrap_or_default(),
                fees_raw,
                description,
            });
        }
    }
    out
}

fn channel_kind(cell: &str) -> Option<ChannelKind> {
    match key(cell).as_str() {
        "truc tuyen" | "online" | "nop truc tuyen" => Some(ChannelKind::Online),
        "truc tiep" | "direct" | "nop truc tiep" => Some(ChannelKind::Direct),
        "dich vu buu chinh" | "buu chinh" | "postal" | "qua dich vu buu chinh" => {
            Some(ChannelKind::Postal)
        }
        _ => None,
    }
}

/// Document cases: each table is one case, named by the `###` heading right before it.
pub(super) fn document_cases(lines: &[&str]) -> Vec<DocumentCase> {
    let mut out = Vec::new();
    let mut pending: Option<Option<String>> = None;
    for block in blocks(lines) {
        match block {
            Block::Heading(heading) => {
                // A heading with no table of its own is still a (document-less) case.
                if let Some(name) = pending.replace(case_name(&heading)) {
                    out.push(DocumentCase {
                        name,
                        items: Vec::new(),
                    });
                }
            }
            Block::Table(rows) => out.push(DocumentCase {
                name: pending.take().flatten(),
                items: rows.into_iter().filter_map(document_item).collect(),
            }),
            // Loose text is not part of the portal's structure (e.g. "Không có thông tin").
            Block::Text(_) => {}
        }
    }
    if let Some(name) = pending {
        out.push(DocumentCase {
            name,
            items: Vec::new(),
        });
    }
    out
}

/// `* Giấy tờ phải nộp:` → `Giấy tờ phải nộp`: list markers and the colon are layout.
fn case_name(heading: &str) -> Option<String> {
    let name = strip_bold(heading.trim())
        .trim_start_matches(['*', '-', '+', ' '])
        .trim_end_matches([':', ' '])
        .trim();
    present(name)
}

/// `Tên giấy tờ | Bản chính | Bản sao | Tệp đính kèm`, counted from the right so that a stray
/// `|` in the name does not shift the counts.
fn document_item(mut row: Vec<String>) -> Option<DocumentItem> {
    let (forms, copies, originals) = match row.len() {
        0 => return None,
        1 => (String::new(), String::new(), String::new()),
        2 => (String::new(), String::new(), pop(&mut row)),
        3 => (String::new(), pop(&mut row), pop(&mut row)),
        _ => (pop(&mut row), pop(&mut row), pop(&mut row)),
    };
    let name = row.join(" | ").trim().to_owned();
    let item = DocumentItem {
        name,
        originals: count(&originals),
        copies: count(&copies),
        forms: form_files(&forms),
    };
    let empty = item.name.is_empty() && item.forms.is_empty();
    (!empty).then_some(item)
}

/// Leading digits of a cell; anything unreadable counts as zero.
fn count(cell: &str) -> u32 {
    let digits: String = cell
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(0)
}

/// Attachment file names, one per line or `;`; a `,` splits only between whole file names.
fn form_files(cell: &str) -> Vec<String> {
    let mut files = Vec::new();
    for piece in cell.split(['\n', ';']).map(str::trim) {
        if piece.is_empty() || is_absent(piece) {
            continue;
        }
        let parts: Vec<&str> = piece.split(", ").map(str::trim).collect();
        if parts.len() > 1 && parts.iter().all(|part| looks_like_file(part)) {
            files.extend(parts.into_iter().map(str::to_owned));
        } else {
            files.push(piece.to_owned());
        }
    }
    files
}

fn looks_like_file(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && (2..=5).contains(&extension.len())
            && extension.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// Rows of `Tên văn bản pháp lý | Mã văn bản`; a stray `|` stays in the title.
pub(super) fn legal_bases(lines: &[&str]) -> Vec<LegalBasis> {
    let mut out = Vec::new();
    for block in blocks(lines) {
        let Block::Table(rows) = block else { continue };
        for mut row in rows {
            let number = if row.len() > 1 {
                present(&pop(&mut row))
            } else {
                None
            };
            let title = present(&row.join(" | "));
            match (title, number) {
                (Some(title), number) => out.push(LegalBasis { title, number }),
                (None, Some(number)) => out.push(LegalBasis {
                    title: number.clone(),
                    number: Some(number),
                }),
                (None, None) => {}
            }
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

    fn cells(row: &str) -> Vec<String> {
        split_row(row)
    }

    #[test]
    fn rows_split_on_unescaped_pipes_only() {
        assert_eq!(cells("| a | b \\| c | d |"), ["a", "b | c", "d"]);
        assert_eq!(cells("a | b"), ["a", "b"]);
        assert_eq!(cells("| a | b"), ["a", "b"]);
        assert_eq!(cells("| x<br>- y |"), ["x\n- y"]);
        assert!(cells("|").is_empty());
        assert_eq!(cells("| \\|"), ["|"]);
    }

    #[test]
    fn a_stray_pipe_in_a_document_name_does_not_shift_the_counts() {
        let lines = [
            "| Tên giấy tờ | Bản chính | Bản sao | Tệp đính kèm |",
            "| --- | --- | --- | --- |",
            "| Tờ khai | mẫu CT01 | 2 | 1 | a.doc, b.pdf |",
        ];
        let cases = document_cases(&lines);
        let item = &cases[0].items[0];
        assert_eq!(item.name, "Tờ khai | mẫu CT01");
        assert_eq!((item.originals, item.copies), (2, 1));
        assert_eq!(item.forms, ["a.doc", "b.pdf"]);
    }

    #[test]
    fn a_row_broken_over_two_lines_is_joined() {
        let lines = [
            "| Trực tiếp | 1 ngày | Không có thông tin | dòng một",
            "dòng hai |",
        ];
        let parsed = channels(&lines);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].description.as_deref(), Some("dòng một\ndòng hai"));
    }

    #[test]
    fn a_header_without_separator_is_still_dropped() {
        let lines = [
            "| Hình thức nộp | Thời gian giải quyết | Phí, lệ phí | Mô tả |",
            "| Trực tuyến | 2 ngày | Không có | Không có |",
        ];
        assert_eq!(channels(&lines).len(), 1);
    }

    #[test]
    fn short_and_odd_rows_do_not_panic() {
        let lines = [
            "|",
            "||",
            "| | | | | |",
            "| --- |",
            "| Trực tuyến |",
            "| 1 |",
            "|a|b|",
        ];
        let parsed = channels(&lines);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].processing_time_raw, "");
        assert!(
            document_cases(&lines)
                .iter()
                .all(|case| case.name.is_none())
        );
        legal_bases(&lines);
    }
}
