//! Loading the seed data: the national catalogue CSV and the full records, kept to the
//! procedures the app serves (national ones and Tây Ninh's, with former Long An's).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use longan_core::app::read_detail_dir;
use longan_core::catalog::ProcedureDetails;
use longan_core::catalog::classify::is_served;
use longan_core::catalog::csv_import::parse_catalog_csv;
use longan_core::catalog::details::parse_detail_record;
use longan_core::portal::wire::WireProcedure;

use crate::error::PortalError;
use crate::feed::Entry;

/// The served procedures of `<data_dir>/tthc/national-catalog.csv`, with the records of
/// `<data_dir>/tthc/details/` attached by code (a record's levels replace the inferred ones,
/// as the app's import does). A missing details folder means no records; an unparsable record
/// is skipped with a warning.
pub fn load(data_dir: &Path) -> Result<Vec<Entry>, PortalError> {
    let started = std::time::Instant::now();
    let csv_path = data_dir.join("tthc").join("national-catalog.csv");
    let failed = |path: &PathBuf| {
        let path = path.clone();
        move |reason: String| PortalError::Seed { path, reason }
    };
    let bytes = std::fs::read(&csv_path).map_err(|e| failed(&csv_path)(e.to_string()))?;
    let parsed = parse_catalog_csv(&bytes).map_err(|e| failed(&csv_path)(e.to_string()))?;
    let details_dir = data_dir.join("tthc").join("details");
    let mut details = match details_dir.is_dir() {
        true => read_details(&details_dir).map_err(failed(&details_dir))?,
        false => HashMap::new(),
    };
    let read = parsed.procedures.len();
    let entries: Vec<Entry> = parsed
        .procedures
        .into_iter()
        .filter(|procedure| is_served(&procedure.scope))
        .map(|mut procedure| {
            let details = details.remove(&procedure.code);
            if let Some(record) = details.as_ref().filter(|record| !record.levels.is_empty()) {
                procedure.levels = record.levels.clone();
            }
            Entry {
                summary: WireProcedure::from(&procedure),
                details,
            }
        })
        .collect();
    log::info!(
        "seed: {} procedures served of {read} read ({} rows rejected), {} with full records, \
         in {} ms",
        entries.len(),
        parsed.rejected.len(),
        entries
            .iter()
            .filter(|entry| entry.details.is_some())
            .count(),
        started.elapsed().as_millis(),
    );
    Ok(entries)
}

fn read_details(dir: &Path) -> Result<HashMap<String, ProcedureDetails>, String> {
    let sources = read_detail_dir(dir).map_err(|error| error.to_string())?;
    let mut records = HashMap::new();
    for source in sources {
        match parse_detail_record(&source.text) {
            Ok(record) => {
                records.insert(record.code.clone(), record);
            }
            Err(error) => log::warn!("seed: skipped the record {}: {error}", source.name),
        }
    }
    Ok(records)
}
