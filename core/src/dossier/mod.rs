//! Dossiers (hồ sơ): codes, the national status list and its lifecycle, the dossier record.

pub mod code;
pub mod due;
pub mod error;
pub mod model;
pub mod places;
pub mod qr;
pub mod scenario;
pub mod status;
pub mod tracking;
