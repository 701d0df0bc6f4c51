//! The procedure model (DESIGN §4): what the catalogue knows about one administrative procedure.

use serde::{Deserialize, Serialize};

use super::details::ProcedureDetails;

/// Administrative level that carries out a procedure (cấp thực hiện).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    /// Commune or ward (cấp xã).
    Commune,
    /// Province (cấp tỉnh).
    Province,
    /// Ministry or central agency (cấp bộ/ngành).
    Ministry,
}

impl Level {
    /// Vietnamese label as the portal writes it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Level::Commune => "Cấp xã",
            Level::Province => "Cấp tỉnh",
            Level::Ministry => "Cấp bộ/ngành",
        }
    }

    /// Parses a level from a user or CLI value (`xa`, `tinh`, `bo`, Vietnamese labels too).
    ///
    /// ```
    /// use longan_core::catalog::Level;
    /// assert_eq!(Level::parse("Cấp bộ/ngành"), Some(Level::Ministry));
    /// assert_eq!(Level::parse("xa"), Some(Level::Commune));
    /// ```
    pub fn parse(value: &str) -> Option<Level> {
        let folded = crate::text::fold_key(value);
        let folded = folded.trim_start_matches("cap ").trim();
        match folded {
            "xa" | "commune" | "phuong" => Some(Level::Commune),
            "tinh" | "province" => Some(Level::Province),
            "bo" | "bo nganh" | "nganh" | "ministry" => Some(Level::Ministry),
            _ => None,
        }
    }
}

/// Which province a procedure belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Published by a ministry or national body: valid everywhere.
    National,
    /// A province's own variant, with the province name as published (e.g. `Lạng Sơn`).
    Province(String),
}

/// One administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Procedure {
    /// National code, `d.dddddd`.
    pub code: String,
    /// Display name: NFC, legacy letters repaired, otherwise as published.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Publishing body (cơ quan ban hành).
    pub publisher: String,
    /// Executing agencies (cơ quan thực hiện).
    pub agencies: Vec<String>,
    /// Levels that carry it out: from the detail record when there is one, otherwise inferred
    /// from the agency names (`… cấp xã`, `Sở …`, `Bộ …`); empty when nothing says.
    pub levels: Vec<Level>,
    /// National, or a province's own variant.
    pub scope: Scope,
    /// Page on the national portal.
    pub source_url: String,
    /// Full record, when one has been imported.
    pub details: Option<ProcedureDetails>,
}

impl Procedure {
    /// True when the full record (steps, documents, fees) is available.
    pub fn details_available(&self) -> bool {
        self.details.is_some()
    }
}
