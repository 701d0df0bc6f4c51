//! Full procedure records (chi tiết thủ tục): the data model and a parser for the Markdown the
//! records are rendered to from the national portal's JSON.
//!
//! A record is a `# <name>` title followed by `## <section>` parts (general information, steps,
//! submission channels, documents, legal bases, results, …). The parser is lenient: sections may
//! be missing, reordered or empty, text may be NFD or carry invisible characters, and table rows
//! may hold stray `|`; only a record without a name or a valid procedure code is an error. It
//! never panics, whatever the input.
//!
//! ```ignore
//! let details = parse_detail_record(&std::fs::read_to_string("1_001193.md")?)?;
//! assert_eq!(details.code, "1.001193");
//! ```

#![deny(unsafe_code)]

mod model;
mod parse;
mod quantities;
mod tables;
mod text;

#[cfg(test)]
mod tests;

pub use model::{
    Channel, ChannelKind, DocumentCase, DocumentItem, Fee, LegalBasis, ProcedureDetails,
    ProcessingTime, ResultDocument, TimeUnit,
};
pub use parse::DetailParseError;

/// Parses one procedure record rendered as Markdown.
///
/// Text comes out NFC, without invisible characters; "no information" markers become `None` or
/// empty lists; free text (`Trong ngày`, `Miễn lệ phí`) is kept as published next to whatever
/// could be read out of it.
///
/// # Errors
///
/// [`DetailParseError`] when the record is empty, has no `# <name>` title, or has no procedure
/// code of the form `d.dddddd`. Missing or malformed optional sections are not errors.
pub fn parse_detail_record(text: &str) -> Result<ProcedureDetails, DetailParseError> {
    parse::parse(text)
}
