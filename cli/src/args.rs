//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Long An Số on the terminal: search procedures offline, show their records.
#[derive(Debug, Parser)]
#[command(name = "longan", version, about)]
pub struct Cli {
    /// Data directory (default: $LONGAN_DATA_DIR, else the OS data directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Seed data folder imported on first use (default: $LONGAN_SEED_DIR, else the repository's data/).
    #[arg(long, global = true, value_name = "DIR")]
    pub seed_dir: Option<PathBuf>,
    /// Portal to sync the catalogue with (default: none, the bundled data).
    #[arg(long, global = true, value_name = "URL")]
    pub portal: Option<String>,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search procedures (offline).
    Search(SearchArgs),
    /// Show a procedure's full record.
    Show(ShowArgs),
    /// List fields (lĩnh vực) with their procedure counts.
    Fields(FieldsArgs),
    /// Manage the catalogue.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Bring the catalogue up to date with the portal given by --portal.
    Sync(SyncArgs),
    /// Serve the reference portal on this machine (for development and tests).
    Serve(ServeArgs),
    /// Look a dossier up by its code (the demo unless --portal is given).
    Track(TrackArgs),
    /// Follow a dossier (looked up before, or now with --verifier).
    Follow(FollowArgs),
    /// Stop following a dossier.
    Unfollow(CodeArgs),
    /// The followed dossiers, as last confirmed (no network).
    Dossiers(JsonArgs),
    /// The demo's sample dossier codes, with their verifiers.
    DemoDossiers(JsonArgs),
    /// When a dossier's result is due (working days), or a procedure's if filed today.
    Due(CodeArgs),
}

/// `longan track`.
#[derive(Debug, Args)]
pub struct TrackArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The last 4 digits of the applicant's phone or ID number (default: $LONGAN_VERIFIER).
    #[arg(long, env = "LONGAN_VERIFIER", hide_env_values = true)]
    pub verifier: String,
    /// The dossier code as printed on the receipt (any case, spaces allowed).
    pub code: String,
}

/// `longan follow`.
#[derive(Debug, Args)]
pub struct FollowArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Look the dossier up first with this verifier (default: $LONGAN_VERIFIER, if set).
    #[arg(long, env = "LONGAN_VERIFIER", hide_env_values = true)]
    pub verifier: Option<String>,
    /// The dossier code.
    pub code: String,
}

/// A command that takes one code.
#[derive(Debug, Args)]
pub struct CodeArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The code.
    pub code: String,
}

/// A command with only `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `longan sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Procedures per request.
    #[arg(long, default_value_t = 500)]
    pub page_size: u32,
}

/// `longan serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (default: any free port; the port is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Enable the test-control endpoints (change or delete catalogue entries).
    #[arg(long)]
    pub test_control: bool,
}

/// `longan search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Hits per page (1–100).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only this field (lĩnh vực).
    #[arg(long)]
    pub field: Option<String>,
    /// Only procedures with an executing agency whose name contains this.
    #[arg(long)]
    pub agency: Option<String>,
    /// Only this level: xa, tinh or bo.
    #[arg(long)]
    pub level: Option<String>,
    /// Include other provinces' own variants.
    #[arg(long)]
    pub all_provinces: bool,
    /// The query, as typed (several words are joined with spaces; put `--` before a query that
    /// starts with a hyphen).
    #[arg(num_args = 0..)]
    pub query: Vec<String>,
}

/// `longan show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Procedure code, like 1.001193.
    pub code: String,
}

/// `longan fields`.
#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Count other provinces' own variants too.
    #[arg(long)]
    pub all_provinces: bool,
}

/// `longan catalog …`.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Import a catalogue CSV (and optionally a folder of full records).
    Import(ImportArgs),
}

/// `longan catalog import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Folder of full procedure records (*.md).
    #[arg(long, value_name = "DIR")]
    pub details: Option<PathBuf>,
    /// The catalogue CSV.
    pub file: PathBuf,
}
