//! Administrative units before and since the reorganisation of 1 July 2025 (Resolution
//! 1682/NQ-UBTVQH15): Long An merged into Tây Ninh, the district tier abolished, communes
//! merged. Older dossiers, receipts and addresses still use the old names; this module says
//! what they are called now.
//!
//! The mapping is data (`data/admin-units/`, explained in its README), embedded and parsed once.
//! Names are matched the way people write them (see `names.rs`).

mod address;
mod assemble;
mod error;
mod load;
mod matching;
mod model;
mod names;
mod registry;
mod search;

pub use address::{AddressPart, AddressUpdate};
pub use error::{RowProblem, UnitsError};
pub use load::UnitSources;
pub use model::{Era, Level, Unit, UnitKind};
pub use names::MatchQuality;
pub use registry::AdminUnits;
pub use search::UnitMatch;
