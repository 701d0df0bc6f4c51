//! Text and JSON output. Human output is Vietnamese, like the data it shows.

use std::fmt::Write;
use std::io::IsTerminal;

use longan_core::catalog::{FieldCount, ImportReport, Procedure, Scope, SearchResults};
use serde_json::json;

/// Search results: one JSON object, or a numbered list with the matches in bold on a terminal.
pub fn search(results: &SearchResults, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", serde_json::to_string(results).unwrap_or_default());
    }
    let bold = std::io::stdout().is_terminal();
    let mut out = String::new();
    let _ = write!(out, "{} kết quả cho “{}”", results.total, results.query);
    if let Some(decoded) = &results.decoded_query {
        let _ = write!(out, " (đọc là “{decoded}”)");
    }
    out.push('\n');
    for (rank, hit) in results.hits.iter().enumerate() {
        let name = if bold {
            emphasise(&hit.name, &hit.highlights)
        } else {
            hit.name.clone()
        };
        let _ = writeln!(
            out,
            "{:>3}. {}  {}  · {}",
            rank + 1,
            hit.code,
            name,
            hit.field
        );
    }
    for code in &results.dossier_codes {
        let _ = writeln!(out, "Mã hồ sơ trong câu tìm: {code}");
    }
    out
}

fn emphasise(name: &str, ranges: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(name.len() + ranges.len() * 8);
    for (i, c) in name.chars().enumerate() {
        let i = i as u32;
        if ranges.iter().any(|(start, _)| *start == i) {
            out.push_str("\x1b[1m");
        }
        out.push(c);
        if ranges.iter().any(|(_, end)| *end == i + 1) {
            out.push_str("\x1b[0m");
        }
    }
    out
}

fn line(out: &mut String, label: &str, value: &str) {
    if !value.trim().is_empty() {
        let _ = writeln!(out, "{label}: {value}");
    }
}

fn heading(out: &mut String, title: &str) {
    let _ = writeln!(out, "\n{title}");
}

/// A procedure's full record.
pub fn procedure(procedure: &Procedure, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", serde_json::to_string(procedure).unwrap_or_default());
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}", procedure.name);
    line(&mut out, "Mã thủ tục", &procedure.code);
    line(&mut out, "Lĩnh vực", &procedure.field);
    let levels: Vec<&str> = procedure.levels.iter().map(|l| l.label_vi()).collect();
    line(&mut out, "Cấp thực hiện", &levels.join(", "));
    line(&mut out, "Cơ quan ban hành", &procedure.publisher);
    line(
        &mut out,
        "Cơ quan thực hiện",
        &procedure.agencies.join("; "),
    );
    let scope = match &procedure.scope {
        Scope::National => "Toàn quốc".to_string(),
        Scope::Province(name) => format!("Riêng tỉnh/thành phố {name}"),
    };
    line(&mut out, "Phạm vi", &scope);
    line(&mut out, "Nguồn", &procedure.source_url);
    let Some(details) = &procedure.details else {
        out.push_str("\nChưa có thông tin chi tiết (các bước, giấy tờ, phí) cho thủ tục này.\n");
        return out;
    };
    line(
        &mut out,
        "Đối tượng thực hiện",
        &details.subjects.join(", "),
    );
    if let Some(address) = &details.receiving_address {
        line(&mut out, "Địa chỉ tiếp nhận", address);
    }
    if !details.channels.is_empty() {
        heading(&mut out, "Cách thức thực hiện");
        for channel in &details.channels {
            let _ = write!(
                out,
                "  - {}: {}",
                channel.kind.label_vi(),
                channel.processing_time_raw
            );
            if let Some(fees) = &channel.fees_raw {
                let _ = write!(out, "; phí, lệ phí: {fees}");
            }
            out.push('\n');
        }
    }
    if !details.document_cases.is_empty() {
        heading(&mut out, "Thành phần hồ sơ");
        for case in &details.document_cases {
            if let Some(name) = &case.name {
                let _ = writeln!(out, "  {name}");
            }
            for item in &case.items {
                // Many source items already start with their own "- " or "+ " bullet.
                let name = item.name.trim_start_matches(['-', '+', ' ']);
                let _ = writeln!(
                    out,
                    "  - {name} (bản chính: {}, bản sao: {})",
                    item.originals, item.copies
                );
            }
        }
    }
    if !details.steps.is_empty() {
        heading(&mut out, "Trình tự thực hiện");
        for (number, step) in details.steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", number + 1, step.replace('\n', "\n     "));
        }
    }
    if let Some(conditions) = &details.conditions {
        heading(&mut out, "Yêu cầu, điều kiện");
        let _ = writeln!(out, "  {conditions}");
    }
    if !details.legal_bases.is_empty() {
        heading(&mut out, "Căn cứ pháp lý");
        for basis in &details.legal_bases {
            match &basis.number {
                Some(number) => {
                    let _ = writeln!(out, "  - {} ({number})", basis.title);
                }
                None => {
                    let _ = writeln!(out, "  - {}", basis.title);
                }
            }
        }
    }
    if !details.results.is_empty() {
        heading(&mut out, "Kết quả");
        for result in &details.results {
            let _ = writeln!(out, "  - {}", result.name);
        }
    }
    out
}

/// Fields with counts.
pub fn fields(fields: &[FieldCount], as_json: bool) -> String {
    if as_json {
        return format!("{}\n", json!({ "fields": fields }));
    }
    let mut out = String::new();
    for field in fields {
        let _ = writeln!(out, "{:>5}  {}", field.count, field.name);
    }
    out
}

/// What an import did.
pub fn import(catalog: &ImportReport, details: Option<&ImportReport>, as_json: bool) -> String {
    if as_json {
        return format!("{}\n", json!({ "catalog": catalog, "details": details }));
    }
    let mut out = String::new();
    for (label, report) in [("Danh mục", Some(catalog)), ("Hồ sơ chi tiết", details)] {
        let Some(report) = report else { continue };
        let _ = writeln!(
            out,
            "{label}: đọc {}, thêm {}, cập nhật {}, không đổi {}, bỏ qua {}",
            report.read,
            report.added,
            report.updated,
            report.unchanged,
            report.rejected.len()
        );
        for rejected in &report.rejected {
            let code = rejected.code.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "  dòng {} ({code}): {}",
                rejected.line, rejected.reason
            );
        }
    }
    out
}

/// `longan sync`: what the sync did, as the JSON shape or a sentence.
pub fn sync(report: &longan_core::catalog::sync::SyncReport, json: bool) -> String {
    if json {
        let value = serde_json::json!({
            "requests": report.requests,
            "not_modified": report.not_modified,
            "bytes_received": report.bytes_received,
            "upserts": report.upserts,
            "deletes": report.deletes,
            "full_snapshot": report.full_snapshot,
        });
        return format!("{value}\n");
    }
    if report.not_modified {
        return format!(
            "Danh mục đã mới nhất ({} yêu cầu, {} byte).\n",
            report.requests, report.bytes_received
        );
    }
    format!(
        "Đã đồng bộ danh mục: {} thủ tục cập nhật, {} thủ tục bị xóa ({} yêu cầu, {} byte{}).\n",
        report.upserts,
        report.deletes,
        report.requests,
        report.bytes_received,
        if report.full_snapshot {
            ", tải toàn bộ"
        } else {
            ""
        }
    )
}
