//! Writes figures measured by a test into `docs/reliability.md`, so the document always shows
//! what the last run on this machine found rather than numbers typed in by hand.

/// Replaces the text between `<!-- generated:{marker}:start -->` and its `:end` marker.
///
/// A missing document or missing markers leave everything as it is: the figures are a report,
/// and a test must not fail because someone edited the prose around them.
pub fn write_generated_section(marker: &str, generated: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/reliability.md");
    let Ok(doc) = std::fs::read_to_string(path) else {
        return;
    };
    let start = format!("<!-- generated:{marker}:start -->");
    let end = format!("<!-- generated:{marker}:end -->");
    let (Some(from), Some(to)) = (doc.find(&start), doc.find(&end)) else {
        return;
    };
    let updated = format!("{}{start}\n{generated}{}", &doc[..from], &doc[to..]);
    if updated != doc {
        let _ = std::fs::write(path, updated);
    }
}
