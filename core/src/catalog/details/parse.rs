//! Record structure: title, sections, general information, steps and lists.

#![deny(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use thiserror::Error;

use super::model::{ProcedureDetails, ResultDocument};
use super::tables::{self, Block};
use super::text::{
    dedup_in_order, free_text, key, normalize, present, split_keywords, split_names, strip_bold,
    strip_bullet,
};
use crate::catalog::model::Level;

/// Why a procedure record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DetailParseError {
    /// The text is empty or only whitespace.
    #[error("the procedure record is empty")]
    Empty,
    /// No `# <name>` line before the first section.
    #[error("the procedure record has no `# <name>` title before its first section")]
    MissingTitle,
    /// No `Mã thủ tục` entry, or an empty one.
    #[error("the procedure record has no procedure code (`Mã thủ tục`)")]
    MissingCode,
    /// A `Mã thủ tục` entry that is not `d.dddddd`.
    #[error("procedure code `{code}` is not of the form d.dddddd")]
    MalformedCode {
        /// The code as found in the record.
        code: String,
    },
}

pub(super) fn parse(input: &str) -> Result<ProcedureDetails, DetailParseError> {
    let text = normalize(input);
    if text.trim().is_empty() {
        return Err(DetailParseError::Empty);
    }
    let record = Record::split(&text);
    let name = record
        .title
        .and_then(present)
        .ok_or(DetailParseError::MissingTitle)?;

    // Without its section, the general information is looked for anywhere in the record.
    let all_lines: Vec<&str>;
    let info_lines = if let Some(lines) = record.section("thong tin chung") {
        lines
    } else {
        all_lines = record
            .preamble
            .iter()
            .chain(record.sections.iter().flat_map(|(_, body)| body))
            .copied()
            .collect();
        &all_lines
    };
    let info = InfoFields::read(info_lines);
    let code = info
        .get("ma thu tuc")
        .map(|value| {
            let first_line = value.lines().next().unwrap_or_default();
            first_line.trim_matches(['`', ' ']).to_owned()
        })
        .ok_or(DetailParseError::MissingCode)?;
    if !is_valid_code(&code) {
        return Err(DetailParseError::MalformedCode { code });
    }

    let body = |prefix: &str| record.section(prefix).unwrap_or(&[]);
    Ok(ProcedureDetails {
        code,
        name,
        decision_number: info.get("so quyet dinh"),
        levels: info
            .get("cap thuc hien")
            .map(|v| levels(&v))
            .unwrap_or_default(),
        kind: info.get("loai thu tuc"),
        field: info.get("linh vuc"),
        subjects: info
            .get("doi tuong")
            .map(|v| split_names(&v))
            .unwrap_or_default(),
        competent_agency: info.get("co quan co tham quyen"),
        receiving_address: info.get("dia chi tiep nhan"),
        authorised_agency: info.get("co quan duoc uy quyen"),
        coordinating_agency: info.get("co quan phoi hop"),
        related_procedures: list_items(body("thu tuc hanh chinh lien quan")),
        steps: steps(body("trinh tu")),
        channels: tables::channels(body("cach thuc")),
        document_cases: tables::document_cases(body("thanh phan ho so")),
        legal_bases: tables::legal_bases(body("can cu phap ly")),
        executing_agencies: dedup_in_order(
            list_items(body("co quan thuc hien"))
                .iter()
                .flat_map(|item| split_names(item))
                .collect(),
        ),
        conditions: free_text(body("yeu cau")),
        results: list_items(body("ket qua"))
            .iter()
            .map(|item| result(item))
            .collect(),
        keywords: dedup_in_order(
            list_items(body("tu khoa"))
                .iter()
                .flat_map(|item| split_keywords(item))
                .collect(),
        ),
        description: free_text(body("mo ta")),
    })
}

/// The record cut at its `#` and `##` headings.
struct Record<'a> {
    title: Option<&'a str>,
    /// Lines before the first section, title excluded.
    preamble: Vec<&'a str>,
    /// Folded heading key and the lines under it.
    sections: Vec<(String, Vec<&'a str>)>,
}

impl<'a> Record<'a> {
    fn split(text: &'a str) -> Self {
        let mut title = None;
        let mut preamble = Vec::new();
        let mut sections: Vec<(String, Vec<&'a str>)> = Vec::new();
        for line in text.lines() {
            if let Some(heading) = heading(line, "##") {
                sections.push((key(heading), Vec::new()));
            } else if let Some((_, body)) = sections.last_mut() {
                body.push(line);
            } else if title.is_none()
                && let Some(found) = heading(line, "#")
            {
                title = Some(found);
            } else {
                preamble.push(line);
            }
        }
        Record {
            title,
            preamble,
            sections,
        }
    }

    /// Body of the first section whose key starts with `prefix`; duplicates are ignored.
    fn section(&self, prefix: &str) -> Option<&[&'a str]> {
        self.sections
            .iter()
            .find(|(key, _)| key.starts_with(prefix))
            .map(|(_, body)| body.as_slice())
    }
}

/// Text of a heading of exactly this level (`##` does not match `###`).
fn heading<'a>(line: &'a str, marks: &str) -> Option<&'a str> {
    line.strip_prefix(marks)
        .filter(|rest| !rest.starts_with('#'))
        .map(str::trim)
}

/// `* **Label:** value` entries of the general information, keyed by folded label.
struct InfoFields(Vec<(String, String)>);

impl InfoFields {
    fn read(lines: &[&str]) -> Self {
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut open = false;
        let mut after_blank = false;
        for line in lines {
            if let Some(item) = strip_bullet(line) {
                open = match label_value(item) {
                    Some((label, value)) => {
                        fields.push((key(label), value.trim().to_owned()));
                        true
                    }
                    None => false,
                };
            } else if line.trim().is_empty() {
                after_blank = true;
                continue;
            } else if open
                && (!after_blank || line.starts_with(' '))
                && let Some((_, value)) = fields.last_mut()
            {
                // A value that runs over several lines (an address, a long agency list); as in
                // Markdown, past a blank line only indented lines still belong to the item.
                value.push('\n');
                value.push_str(line.trim());
            } else {
                open = false;
            }
            after_blank = false;
        }
        InfoFields(fields)
    }

    /// The first non-empty value whose label starts with `prefix`.
    fn get(&self, prefix: &str) -> Option<String> {
        self.0
            .iter()
            .filter(|(label, _)| label.starts_with(prefix))
            .find_map(|(_, value)| present(value))
    }
}

fn label_value(item: &str) -> Option<(&str, &str)> {
    let (label, value) = match item.strip_prefix("**") {
        Some(bold) => bold.split_once("**")?,
        None => item.split_once(':')?,
    };
    Some((
        label.trim().trim_end_matches(':'),
        value.trim_start_matches([':', ' ']),
    ))
}

fn is_valid_code(code: &str) -> bool {
    code.split_once('.').is_some_and(|(prefix, number)| {
        prefix.len() == 1
            && number.len() == 6
            && prefix
                .chars()
                .chain(number.chars())
                .all(|c| c.is_ascii_digit())
    })
}

fn levels(value: &str) -> Vec<Level> {
    let found = value
        .split([',', ';', '\n'])
        .filter_map(|part| match key(part).as_str() {
            "cap xa" | "xa" | "cap phuong" => Some(Level::Commune),
            "cap tinh" | "tinh" => Some(Level::Province),
            "cap bo nganh" | "cap bo" | "cap nganh" | "bo nganh" => Some(Level::Ministry),
            // Levels the model has no place for (the abolished "Cấp huyện", "Cơ quan khác").
            _ => None,
        })
        .collect();
    dedup_in_order(found)
}

/// `1. ` / `2) ` at the very start of a line: the start of an item. Continuation lines of an
/// item are indented in the records, so indented numbers stay part of the text.
fn numbered(line: &str) -> Option<&str> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = line.get(digits..).filter(|_| (1..=3).contains(&digits))?;
    let rest = rest.strip_prefix(['.', ')'])?;
    (rest.is_empty() || rest.starts_with(' ')).then(|| rest.trim())
}

/// Numbered steps, each with its continuation lines; text before the first number is a step.
fn steps(lines: &[&str]) -> Vec<String> {
    let mut steps: Vec<Vec<&str>> = Vec::new();
    for line in lines {
        if let Some(first) = numbered(line) {
            steps.push(vec![strip_bold(first)]);
        } else if !line.trim().is_empty() {
            match steps.last_mut() {
                Some(step) => step.push(line.trim()),
                None => steps.push(vec![line.trim()]),
            }
        }
    }
    steps
        .into_iter()
        .filter_map(|step| present(&step.join("\n")))
        .collect()
}

/// Items of a list section: bullets or numbers start an item, an unmarked line after a
/// marked item continues it, other unmarked lines and table rows are items of their own.
fn list_items(lines: &[&str]) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut marked = false;
    for block in tables::blocks(lines) {
        match block {
            Block::Text(line) => {
                if let Some(item) = strip_bullet(&line).or_else(|| numbered(&line)) {
                    items.push(item.to_owned());
                    marked = true;
                } else if let (true, Some(last)) = (marked, items.last_mut()) {
                    last.push('\n');
                    last.push_str(&line);
                } else {
                    items.push(line);
                }
            }
            Block::Table(rows) => {
                marked = false;
                items.extend(rows.into_iter().map(|row| {
                    let cells: Vec<String> = row.into_iter().filter(|c| !c.is_empty()).collect();
                    cells.join(" | ")
                }));
            }
            Block::Heading(_) => marked = false,
        }
    }
    items
        .into_iter()
        .filter_map(|item| present(&item))
        .collect()
}

/// Splits `Giấy khai sinh (Mã: KQ.G15.000031)` (the code often in backticks) into name and code.
fn result(item: &str) -> ResultDocument {
    let split = item.rmatch_indices('(').find_map(|(at, _)| {
        let tail = item.get(at..)?;
        let inner = tail.strip_prefix('(')?.trim_end().strip_suffix(')')?;
        let (label, code) = inner.split_once(':')?;
        if !matches!(key(label).as_str(), "ma" | "ma so" | "ma ket qua") {
            return None;
        }
        Some((item.get(..at)?, code.trim().trim_matches(['`', ' '])))
    });
    match split {
        Some((name, code)) if !name.trim().is_empty() => ResultDocument {
            name: name.trim().to_owned(),
            code: present(code),
        },
        _ => ResultDocument {
            name: item.trim().to_owned(),
            code: None,
        },
    }
}
