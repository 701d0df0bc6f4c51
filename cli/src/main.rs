//! `longan`: a terminal shell over the Long An Số core. It parses arguments, calls the core
//! and prints; every decision is the core's.

mod args;
mod dossiers;
mod failure;
mod feedback;
mod inbox;
mod login;
mod loopback;
mod paths;
mod profiles;
mod render;
mod render_account;
mod render_dossier;
mod render_inbox;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use longan_core::catalog::{CatalogSource, Level, SearchRequest};
use longan_core::net::{HttpClient, NetConfig};
use longan_core::portal::HttpPortal;
use longan_core::{Cancellation, Core, app::read_detail_dir};

use args::{
    CatalogCommand, Cli, Command, DemoCommand, FeedbackCommand, InboxCommand, ProfileCommand,
};
use failure::{EXIT_INTERNAL, EXIT_NOT_FOUND, EXIT_USAGE, Failure};

fn main() -> ExitCode {
    let wants_json = std::env::args().any(|arg| arg == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if wants_json && error.use_stderr() => {
            Failure::new("usage", EXIT_USAGE, error.kind().to_string()).report(true);
            return ExitCode::from(EXIT_USAGE);
        }
        Err(error) => error.exit(),
    };
    let json = match &cli.command {
        Command::Search(a) => a.json,
        Command::Show(a) => a.json,
        Command::Fields(a) => a.json,
        Command::Catalog(CatalogCommand::Import(a)) => a.json,
        Command::Sync(a) => a.json,
        Command::Serve(_) => false,
        Command::Track(a) => a.json,
        Command::Follow(a) => a.json,
        Command::Unfollow(a) | Command::Due(a) => a.json,
        Command::Dossiers(a) | Command::DemoDossiers(a) | Command::Whoami(a) => a.json,
        Command::Login(a) => a.json,
        Command::Logout(a) => a.json,
        Command::Profile(ProfileCommand::List(a)) => a.json,
        Command::Profile(ProfileCommand::Add(a)) => a.json,
        Command::Profile(ProfileCommand::Switch(a) | ProfileCommand::Remove(a)) => a.json,
        Command::Feedback(FeedbackCommand::Send(a)) => a.json,
        Command::Feedback(FeedbackCommand::List(a)) => a.json,
        Command::Demo(DemoCommand::Advance(a)) => a.json,
        Command::Demo(DemoCommand::Reset(a)) => a.json,
        Command::Inbox(a) => match &a.command {
            None => a.json,
            Some(InboxCommand::Read(r)) => r.json,
            Some(InboxCommand::Delete(d)) => d.json,
        },
        Command::Refresh(a) => a.json,
    };
    // A bug must still end as a readable error, not a backtrace.
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(|| run(cli)).unwrap_or_else(|_| {
        Err(Failure::new(
            "internal",
            EXIT_INTERNAL,
            "internal error (this is a bug in longan)",
        ))
    });
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            failure.report(json);
            ExitCode::from(failure.exit_code)
        }
    }
}

fn print(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A closed pipe (`longan search … | head`) is not an error worth reporting.
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::new(
            "io",
            EXIT_INTERNAL,
            format!("cannot write output: {error}"),
        )),
        _ => Ok(()),
    }
}

fn run(cli: Cli) -> Result<u8, Failure> {
    if let Command::Serve(args) = &cli.command {
        return serve(args, cli.seed_dir.clone());
    }
    let data_dir = paths::data_dir(cli.data_dir)?;
    let seed = paths::seed(cli.seed_dir);
    // An explicit import is the seed; do not import the bundled one first.
    let seed = match &cli.command {
        Command::Catalog(_) => None,
        _ => seed,
    };
    let source = match &cli.portal {
        Some(url) => CatalogSource::Portal(url.trim_end_matches('/').to_string()),
        None => CatalogSource::Bundled,
    };
    // A desktop has no keystore: the core's default keeps tokens and data keys in owner-only
    // files in <data dir>/secrets.
    let core = Core::open_source(&data_dir, seed.as_ref(), source)?;
    // On stderr so `--json` output stays parseable; the description holds no record contents.
    if let Some(damage) = &core.open_outcome().store.state_damage {
        eprintln!(
            "longan: warning: the data directory was damaged: {}",
            damage.describe()
        );
    }
    if core.catalog_len() == 0 && !matches!(cli.command, Command::Catalog(_)) {
        return Err(Failure::new(
            "not_found",
            EXIT_NOT_FOUND,
            "the catalogue is empty and no seed data was found; run `longan catalog import FILE.csv` or pass --seed-dir",
        ));
    }
    match cli.command {
        Command::Search(args) => {
            let level = match &args.level {
                None => None,
                Some(value) => Some(Level::parse(value).ok_or_else(|| {
                    Failure::new(
                        "invalid_input",
                        EXIT_USAGE,
                        format!("unknown level “{value}” (use xa, tinh or bo)"),
                    )
                })?),
            };
            let request = SearchRequest {
                query: args.query.join(" "),
                offset: args.offset,
                limit: args.limit,
                field: args.field,
                agency: args.agency,
                level,
                all_provinces: args.all_provinces,
            };
            let results = core.search(&request)?;
            print(&render::search(&results, args.json))?;
            Ok(if results.total == 0 {
                EXIT_NOT_FOUND
            } else {
                0
            })
        }
        Command::Show(args) => {
            let procedure = core.procedure(&args.code)?;
            print(&render::procedure(&procedure, args.json))?;
            Ok(0)
        }
        Command::Fields(args) => {
            print(&render::fields(&core.fields(args.all_provinces), args.json))?;
            Ok(0)
        }
        Command::Catalog(CatalogCommand::Import(args)) => {
            let bytes = std::fs::read(&args.file).map_err(|error| {
                Failure::new(
                    "invalid_input",
                    EXIT_USAGE,
                    format!("cannot read {}: {error}", args.file.display()),
                )
            })?;
            let catalog = core.import_catalog_csv(&bytes, &Cancellation::new())?;
            let details = match &args.details {
                Some(dir) => {
                    Some(core.import_details(&read_detail_dir(dir)?, &Cancellation::new())?)
                }
                None => None,
            };
            print(&render::import(&catalog, details.as_ref(), args.json))?;
            Ok(0)
        }
        Command::Sync(args) => {
            let Some(url) = cli.portal else {
                return Err(Failure::new(
                    "invalid_input",
                    EXIT_USAGE,
                    "`longan sync` needs --portal URL",
                ));
            };
            let client = HttpClient::new(NetConfig::production(), core.clock().clone())?;
            let portal = HttpPortal::new(&url, client);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| Failure::new("internal", EXIT_INTERNAL, error.to_string()))?;
            let report = runtime.block_on(core.sync_catalog(
                &portal,
                args.page_size,
                &Cancellation::new(),
            ))?;
            print(&render::sync(&report, args.json))?;
            Ok(0)
        }
        Command::Serve(_) => unreachable!("served above"),
        Command::Track(args) => finish(dossiers::track(&core, cli.portal.as_deref(), &args)),
        Command::Follow(args) => finish(dossiers::follow(&core, cli.portal.as_deref(), &args)),
        Command::Unfollow(args) => finish(dossiers::unfollow(&core, &args)),
        Command::Dossiers(args) => finish(dossiers::list(&core, &args)),
        Command::DemoDossiers(args) => finish(dossiers::demo(&core, &args)),
        Command::Demo(command) => {
            finish(dossiers::demo_story(&core, cli.portal.as_deref(), &command))
        }
        Command::Inbox(args) => finish(inbox::run(&core, &args)),
        Command::Refresh(args) => finish(inbox::refresh(&core, cli.portal.as_deref(), &args)),
        Command::Due(args) => finish(dossiers::due(&core, &args)),
        Command::Login(args) => login::login(core, &data_dir, &args),
        Command::Logout(args) => login::logout(core, &data_dir, &args),
        Command::Whoami(args) => login::whoami(&core, &args),
        Command::Profile(command) => finish(profiles::run(&core, &command)),
        Command::Feedback(command) => finish(feedback::run(&core, cli.portal.as_deref(), &command)),
    }
}

/// Prints a command's output and passes its exit code on.
fn finish(result: Result<(String, u8), Failure>) -> Result<u8, Failure> {
    let (text, code) = result?;
    print(&text)?;
    Ok(code)
}

/// `longan serve`: the reference portal, until killed.
fn serve(args: &args::ServeArgs, seed_dir: Option<std::path::PathBuf>) -> Result<u8, Failure> {
    let data_dir = paths::seed_dir(seed_dir);
    let config = longan_portal::PortalConfig {
        data_dir,
        port: args.port,
        test_control: args.test_control,
        log_requests: true,
        ..longan_portal::PortalConfig::default()
    };
    longan_portal::run_forever(config)
        .map_err(|error| Failure::new("server", EXIT_INTERNAL, error.to_string()))?;
    Ok(0)
}
