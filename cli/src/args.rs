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
    /// Portal to talk to: its catalogue, dossiers and feedback (default: none, the bundled data
    /// and the demo).
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
    /// Move the embedded demo's story forward, or start it again (demo mode only).
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The profile's notifications, newest first (no network); `read` and `delete` manage them.
    Inbox(InboxArgs),
    /// Ask again about every followed dossier within a time budget, as the phone does in the
    /// background, and add what changed and the reminders due to the inbox.
    Refresh(RefreshArgs),
    /// When a dossier's result is due (working days), or a procedure's if filed today.
    Due(CodeArgs),
    /// Sign in with OpenID Connect through the browser (or the demo citizen with --demo).
    Login(LoginArgs),
    /// Sign the profile in use out (the provider's session is revoked when the network allows).
    Logout(LogoutArgs),
    /// Who is signed in on the profile in use (no network).
    Whoami(JsonArgs),
    /// The people using this device (each with their own sign-in and data).
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Feedback to the province's 1022 service (phản ánh, kiến nghị).
    #[command(subcommand)]
    Feedback(FeedbackCommand),
}

/// Which OpenID provider to sign in with.
#[derive(Debug, Args)]
pub struct ProviderArgs {
    /// The provider's issuer URL (default: $LONGAN_OIDC_ISSUER, else the one the last
    /// `longan login` used in this data directory).
    #[arg(long, env = "LONGAN_OIDC_ISSUER", value_name = "URL")]
    pub issuer: Option<String>,
    /// The app's client id at the provider [default: longan-app].
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
}

/// `longan login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Print JSON: the authorization URL first, then, once signed in, the session.
    #[arg(long)]
    pub json: bool,
    /// The provider.
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// Pre-select this account at the provider (login_hint).
    #[arg(long, value_name = "ACCOUNT")]
    pub hint: Option<String>,
    /// Print the address to open and exit, leaving the sign-in waiting; finish it with
    /// `longan login --complete URL`.
    #[arg(long, conflicts_with = "complete")]
    pub no_wait: bool,
    /// Finish a waiting sign-in with the address the browser was sent back to.
    #[arg(long, value_name = "URL", conflicts_with = "hint")]
    pub complete: Option<String>,
    /// Sign the demo citizen in (demo mode only: without --portal).
    #[arg(long, conflicts_with_all = ["complete", "no_wait", "hint"])]
    pub demo: bool,
    /// How long to wait for the browser to come back, in seconds.
    #[arg(long, default_value_t = 300, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout_secs: u64,
}

/// `longan logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The provider whose session is revoked.
    #[command(flatten)]
    pub provider: ProviderArgs,
}

/// `longan profile …`.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// The profiles on this device; `*` marks the one in use.
    List(JsonArgs),
    /// Add a profile (it does not become the one in use).
    Add(ProfileAddArgs),
    /// Use another profile from now on.
    Switch(ProfileIdArgs),
    /// Remove a profile and everything it kept (sign it out first to end its session at the
    /// provider).
    Remove(ProfileIdArgs),
}

/// `longan profile add`.
#[derive(Debug, Args)]
pub struct ProfileAddArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// For a citizen a volunteer helps on this device: wiped at sign-out.
    #[arg(long)]
    pub assisted: bool,
    /// The label shown for it (1 to 60 characters).
    pub name: String,
}

/// `longan profile switch|remove`.
#[derive(Debug, Args)]
pub struct ProfileIdArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The profile's id (see `longan profile list`).
    pub id: String,
}

/// `longan feedback …`.
#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// Queue a feedback, and send it when --portal URL is given.
    Send(FeedbackSendArgs),
    /// The profile's feedback, oldest first, with where each stands (no network).
    List(JsonArgs),
}

/// `longan feedback send`.
#[derive(Debug, Args)]
pub struct FeedbackSendArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// public_service, infrastructure, traffic, environment, urban_order, security_order,
    /// health or other.
    #[arg(long)]
    pub category: String,
    /// What happened, in the citizen's words (1 to 2000 characters).
    #[arg(long)]
    pub text: String,
    /// Latitude of the place (with --lon).
    #[arg(long, requires = "lon", allow_negative_numbers = true)]
    pub lat: Option<f64>,
    /// Longitude of the place (with --lat).
    #[arg(long, requires = "lat", allow_negative_numbers = true)]
    pub lon: Option<f64>,
    /// A reference to a photo uploaded separately.
    #[arg(long, value_name = "REF")]
    pub photo_ref: Option<String>,
    /// A name to address the citizen by.
    #[arg(long, value_name = "NAME")]
    pub contact_name: Option<String>,
    /// A phone number to call back (8 to 15 digits).
    #[arg(long, value_name = "PHONE")]
    pub contact_phone: Option<String>,
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

/// `longan demo …`.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Move the demo's story forward, as if MINUTES had passed (its dossiers take their next
    /// steps; `longan refresh` then sees them).
    Advance(DemoAdvanceArgs),
    /// Start the demo's story again: its dossiers are new and move again from now, and what
    /// this device kept of the old ones is forgotten.
    Reset(JsonArgs),
}

/// `longan demo advance`.
#[derive(Debug, Args)]
pub struct DemoAdvanceArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// How far to move the story, in minutes.
    #[arg(value_parser = clap::value_parser!(u32).range(1..))]
    pub minutes: u32,
}

/// `longan inbox`: the list, unless a subcommand is given.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct InboxArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// At most this many notifications (the newest).
    #[arg(long, default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub limit: u32,
    /// The language of titles and bodies: vi or en (default: $LONGAN_LANG, else vi).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Mark read or delete instead of listing.
    #[command(subcommand)]
    pub command: Option<InboxCommand>,
}

/// `longan inbox read|delete`.
#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// Mark one notification read, or all of them with --all.
    Read(InboxReadArgs),
    /// Delete one notification (the same event arriving again does not bring it back).
    Delete(InboxIdArgs),
}

/// `longan inbox read`.
#[derive(Debug, Args)]
pub struct InboxReadArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Mark every notification read.
    #[arg(long, conflicts_with = "id")]
    pub all: bool,
    /// The notification's id (see `longan inbox`).
    #[arg(required_unless_present = "all")]
    pub id: Option<String>,
}

/// `longan inbox delete`.
#[derive(Debug, Args)]
pub struct InboxIdArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The notification's id (see `longan inbox`).
    pub id: String,
}

/// `longan refresh`.
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Stop asking after this many seconds (the dossiers left are skipped until next time).
    #[arg(long, default_value_t = 30, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub budget_secs: u64,
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
