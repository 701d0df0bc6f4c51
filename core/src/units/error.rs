//! What can be wrong with the administrative-unit tables.

/// A table of administrative units that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitsError {
    /// The header is not the one the loader reads (a different file, or columns moved).
    #[error("{file}: expected the columns {expected:?}, found {found:?}")]
    Header {
        /// The table's file name.
        file: &'static str,
        /// The columns the loader reads.
        expected: Vec<String>,
        /// The columns the file has.
        found: Vec<String>,
    },
    /// The file is not CSV at all (broken quoting, invalid UTF-8).
    #[error("{file}: not readable as CSV: {reason}")]
    Csv {
        /// The table's file name.
        file: &'static str,
        /// The CSV reader's message.
        reason: String,
    },
    /// One row cannot be used.
    #[error("{file}, line {line}: {problem}")]
    Row {
        /// The table's file name.
        file: &'static str,
        /// The line the row starts on (1 is the header).
        line: u64,
        /// What is wrong with it.
        problem: RowProblem,
    },
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// Fewer or more fields than columns.
    #[error("{found} fields instead of {expected}")]
    FieldCount {
        /// Columns in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A field that must hold something is empty.
    #[error("the column {column} is empty")]
    Empty {
        /// The column's name.
        column: String,
    },
    /// A code that is not all digits.
    #[error("the column {column} holds {value:?}, not a numeric code")]
    Code {
        /// The column's name.
        column: String,
        /// What it holds.
        value: String,
    },
    /// A name that does not start with the title of a unit of its tier (Huyện, Xã, …).
    #[error("{name:?} does not start with a title of its tier (Tỉnh, Huyện, Xã, Phường, …)")]
    Title {
        /// The name.
        name: String,
    },
    /// One code with two different names.
    #[error("code {code} is named {here:?} here but {before:?} earlier")]
    Conflict {
        /// The code.
        code: String,
        /// The name on this row.
        here: String,
        /// The name seen first.
        before: String,
    },
    /// A province code that the province tables do not list.
    #[error("province {code} is not in the list of {era} provinces")]
    UnknownProvince {
        /// The code.
        code: String,
        /// `old` or `current`.
        era: &'static str,
    },
    /// A row moving a unit into another province than its whole province moved to.
    #[error("{old_province} became {expected}, not {found}")]
    ProvinceMismatch {
        /// The old province's code.
        old_province: String,
        /// The current province the province table maps it to.
        expected: String,
        /// The current province this row names.
        found: String,
    },
}
