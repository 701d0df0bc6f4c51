//! The dossier commands: track, follow, unfollow, dossiers, demo-dossiers, demo, due. They
//! talk to the portal given with `--portal`, else to the embedded demo.

use longan_core::dossier::error::DossierError;
use longan_core::net::{HttpClient, NetConfig};
use longan_core::portal::{DossierSource, HttpPortal};
use longan_core::text::is_procedure_code;
use longan_core::{Cancellation, Core};

use crate::args::{CodeArgs, DemoCommand, FollowArgs, JsonArgs, TrackArgs};
use crate::failure::{EXIT_AUTH, EXIT_INTERNAL, EXIT_NOT_FOUND, EXIT_USAGE, Failure};
use crate::render_dossier as render;

impl From<DossierError> for Failure {
    fn from(error: DossierError) -> Failure {
        let message = error.to_string();
        match error {
            DossierError::InvalidCode(_) => Failure::new("invalid_input", EXIT_USAGE, message),
            DossierError::NotFound | DossierError::NotStored => {
                Failure::new("not_found", EXIT_NOT_FOUND, message)
            }
            DossierError::SignInRequired => Failure::new("auth_required", EXIT_AUTH, message),
            DossierError::Network(error) => Failure::from(error),
            DossierError::Store(error) => {
                Failure::from(longan_core::catalog::CatalogError::Store(error))
            }
            DossierError::Corrupt { .. } | DossierError::Profile(_) => {
                Failure::new("storage", 6, message)
            }
        }
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::new("internal", EXIT_INTERNAL, error.to_string()))
}

/// The portal given with `--portal`, else the embedded demo.
pub(crate) fn dossier_source(
    core: &Core,
    portal_url: Option<&str>,
) -> Result<DossierSource, Failure> {
    let portal = match portal_url {
        Some(url) => Some(HttpPortal::new(
            url,
            HttpClient::new(NetConfig::production(), core.clock().clone())?,
        )),
        None => None,
    };
    Ok(core.dossier_source(portal)?)
}

/// Looks a dossier up on the portal, or on the demo when none is given.
fn look_up(
    core: &Core,
    portal_url: Option<&str>,
    code: &str,
    verifier: &str,
) -> Result<longan_core::dossier::tracking::TrackedDossier, Failure> {
    let cancel = Cancellation::new();
    let runtime = runtime()?;
    let source = dossier_source(core, portal_url)?;
    Ok(runtime.block_on(core.look_up_dossier(&source, code, verifier, &cancel))?)
}

/// `longan track CODE --verifier V`.
pub fn track(
    core: &Core,
    portal_url: Option<&str>,
    args: &TrackArgs,
) -> Result<(String, u8), Failure> {
    let tracked = look_up(core, portal_url, &args.code, &args.verifier)?;
    let due = core.dossier_due(&tracked.dossier);
    Ok((render::tracked(&tracked, &due, args.json), 0))
}

/// `longan follow CODE [--verifier V]`.
pub fn follow(
    core: &Core,
    portal_url: Option<&str>,
    args: &FollowArgs,
) -> Result<(String, u8), Failure> {
    if let Some(verifier) = &args.verifier {
        look_up(core, portal_url, &args.code, verifier)?;
    }
    let tracked = core.set_dossier_followed(&args.code, true)?;
    let due = core.dossier_due(&tracked.dossier);
    Ok((render::tracked(&tracked, &due, args.json), 0))
}

/// `longan unfollow CODE`.
pub fn unfollow(core: &Core, args: &CodeArgs) -> Result<(String, u8), Failure> {
    let tracked = core.set_dossier_followed(&args.code, false)?;
    let due = core.dossier_due(&tracked.dossier);
    Ok((render::tracked(&tracked, &due, args.json), 0))
}

/// `longan dossiers`.
pub fn list(core: &Core, args: &JsonArgs) -> Result<(String, u8), Failure> {
    let followed = core.followed_dossiers()?;
    let with_due: Vec<_> = followed
        .iter()
        .map(|tracked| (tracked, core.dossier_due(&tracked.dossier)))
        .collect();
    Ok((render::followed(&with_due, args.json), 0))
}

/// `longan demo-dossiers`.
pub fn demo(core: &Core, args: &JsonArgs) -> Result<(String, u8), Failure> {
    let codes = core.demo_portal()?.demo_codes();
    Ok((render::demo_codes(&codes, args.json), 0))
}

/// `longan demo advance MINUTES` and `longan demo reset`: the embedded demo's story, so a
/// volunteer can show a dossier's next step without waiting for it.
pub fn demo_story(
    core: &Core,
    portal_url: Option<&str>,
    command: &DemoCommand,
) -> Result<(String, u8), Failure> {
    if portal_url.is_some() {
        return Err(Failure::new(
            "usage",
            EXIT_USAGE,
            "`longan demo` moves the embedded demo only: leave out --portal",
        ));
    }
    let text = match command {
        DemoCommand::Advance(args) => {
            let minutes = u64::from(args.minutes);
            core.advance_demo(std::time::Duration::from_secs(minutes * 60))?;
            render::demo_advanced(minutes, args.json)
        }
        DemoCommand::Reset(args) => {
            core.reset_demo()?;
            render::demo_reset(args.json)
        }
    };
    Ok((text, 0))
}

/// `longan due CODE`: a followed or looked-up dossier's due state, or, for a procedure code,
/// when its result would be due if filed today.
pub fn due(core: &Core, args: &CodeArgs) -> Result<(String, u8), Failure> {
    if is_procedure_code(args.code.trim()) {
        let procedure = core.procedure(&args.code)?;
        let today = longan_core::calendar::date_in_vietnam(core.clock().now());
        let dues = core.due_if_filed_today(&procedure);
        let estimates: Vec<_> = procedure
            .details
            .iter()
            .flat_map(|details| details.channels.iter())
            .zip(dues)
            .filter_map(|(channel, due)| {
                Some((
                    channel.kind.label_vi(),
                    channel.processing_time_raw.clone(),
                    due?,
                ))
            })
            .collect();
        return Ok((
            render::procedure_due(&procedure, today, &estimates, args.json),
            0,
        ));
    }
    let tracked = core
        .cached_dossier(&args.code)?
        .ok_or(DossierError::NotStored)?;
    let due = core.dossier_due(&tracked.dossier);
    Ok((render::tracked(&tracked, &due, args.json), 0))
}
