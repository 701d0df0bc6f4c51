//! Merging imported rows and records into the stored catalogue. Imports are upserts: a CSV row
//! replaces the summary of its procedure and keeps any full record already attached; a detail
//! record attaches to the procedure with its code. Re-importing the same data changes nothing.

use std::collections::BTreeMap;

use serde::Serialize;

use super::csv_import::RejectedRow;
use super::details::ProcedureDetails;
use super::model::Procedure;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Rows or records read.
    pub read: usize,
    /// Procedures new to the catalogue.
    pub added: usize,
    /// Procedures whose stored data changed.
    pub updated: usize,
    /// Procedures already stored exactly so.
    pub unchanged: usize,
    /// Rows or records not imported, with reasons.
    pub rejected: Vec<RejectedRow>,
}

/// The catalogue being changed, keyed by code, and which codes changed.
pub struct Merge {
    /// All procedures after the merge.
    pub procedures: BTreeMap<String, Procedure>,
    changed: Vec<String>,
}

impl Merge {
    /// Starts from the stored procedures.
    pub fn new(stored: Vec<Procedure>) -> Merge {
        Merge {
            procedures: stored.into_iter().map(|p| (p.code.clone(), p)).collect(),
            changed: Vec::new(),
        }
    }

    /// Upserts a CSV row, keeping a full record already attached.
    pub fn upsert(&mut self, mut incoming: Procedure, report: &mut ImportReport) {
        match self.procedures.get(&incoming.code) {
            None => report.added += 1,
            Some(existing) => {
                if incoming.details.is_none() {
                    incoming.details = existing.details.clone();
                    if let Some(details) = &incoming.details
                        && !details.levels.is_empty()
                    {
                        incoming.levels = details.levels.clone();
                    }
                }
                if *existing == incoming {
                    report.unchanged += 1;
                    return;
                }
                report.updated += 1;
            }
        }
        self.changed.push(incoming.code.clone());
        self.procedures.insert(incoming.code.clone(), incoming);
    }

    /// Attaches a full record; `Err` with a reason when no procedure has its code.
    pub fn attach(
        &mut self,
        details: ProcedureDetails,
        report: &mut ImportReport,
    ) -> Result<(), String> {
        let Some(procedure) = self.procedures.get_mut(&details.code) else {
            return Err(format!(
                "no procedure {} in the catalogue; import the catalogue first",
                details.code
            ));
        };
        let mut updated = procedure.clone();
        if !details.levels.is_empty() {
            updated.levels = details.levels.clone();
        }
        updated.details = Some(details);
        if *procedure == updated {
            report.unchanged += 1;
        } else {
            report.updated += 1;
            self.changed.push(updated.code.clone());
            *procedure = updated;
        }
        Ok(())
    }

    /// Procedures whose stored form must be written.
    pub fn changed(&self) -> Vec<&Procedure> {
        let mut codes = self.changed.clone();
        codes.sort();
        codes.dedup();
        codes
            .iter()
            .filter_map(|code| self.procedures.get(code))
            .collect()
    }
}
