//! `longan inbox …` and `longan refresh`: the profile's notifications, and the background
//! refresh that feeds them, against the portal given with `--portal`, else the embedded demo.

use std::time::Duration;

use longan_core::notify::Language;
use longan_core::{Cancellation, Core};

use crate::args::{InboxArgs, InboxCommand, RefreshArgs};
use crate::dossiers::runtime;
use crate::failure::{EXIT_NOT_FOUND, EXIT_USAGE, Failure};
use crate::render_inbox as render;

/// The language asked for: `--lang` (vi or en, a BCP 47 tag like `en-GB` too), else
/// `$LONGAN_LANG` (anything but English is Vietnamese, as for a device's locale), else vi.
fn language(flag: Option<&str>) -> Result<Language, Failure> {
    let Some(tag) = flag else {
        return Ok(std::env::var("LONGAN_LANG")
            .map(|tag| Language::from_tag(&tag))
            .unwrap_or_default());
    };
    let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
    if primary.eq_ignore_ascii_case("vi") {
        Ok(Language::Vi)
    } else if primary.eq_ignore_ascii_case("en") {
        Ok(Language::En)
    } else {
        Err(Failure::new(
            "invalid_input",
            EXIT_USAGE,
            format!("unknown language “{tag}” (use vi or en)"),
        ))
    }
}

fn no_such(id: &str) -> Failure {
    Failure::new(
        "not_found",
        EXIT_NOT_FOUND,
        format!("no notification has the id “{id}” (see `longan inbox`)"),
    )
}

/// Runs one inbox command; its output.
pub fn run(core: &Core, args: &InboxArgs) -> Result<(String, u8), Failure> {
    let text = match &args.command {
        None => {
            let language = language(args.lang.as_deref())?;
            let list = core.notifications(args.limit as usize)?;
            let unread = core.unread_notifications()?;
            render::inbox(&list, unread, language, args.json)
        }
        Some(InboxCommand::Read(read)) => match read.id.as_deref().map(str::trim) {
            Some(id) if !read.all => {
                if !core.mark_notification_read(id)? {
                    return Err(no_such(id));
                }
                render::marked_one(id, core.unread_notifications()?, read.json)
            }
            _ => {
                let marked = core.mark_all_notifications_read()?;
                render::marked_all(marked, core.unread_notifications()?, read.json)
            }
        },
        Some(InboxCommand::Delete(delete)) => {
            let id = delete.id.trim();
            if !core.delete_notification(id)? {
                return Err(no_such(id));
            }
            render::deleted(id, core.unread_notifications()?, delete.json)
        }
    };
    Ok((text, 0))
}

/// `longan refresh [--budget-secs N]`: the followed dossiers asked about again, oldest
/// confirmation first, within the budget, then the reminders due today. A failure stops the
/// run; it fails the command only when nothing was refreshed (what was is kept and reported).
pub fn refresh(
    core: &Core,
    portal_url: Option<&str>,
    args: &RefreshArgs,
) -> Result<(String, u8), Failure> {
    let budget = Duration::from_secs(args.budget_secs);
    let cancel = Cancellation::new();
    let runtime = runtime()?;
    let source = crate::dossiers::dossier_source(core, portal_url)?;
    let mut report = runtime.block_on(core.background_refresh(&source, budget, &cancel))?;
    let failure = match report.failure.take().map(Failure::from) {
        Some(failure) if report.refreshed == 0 => return Err(failure),
        failure => failure,
    };
    let next_wakeup = core.next_wakeup()?;
    let unread = core.unread_notifications()?;
    Ok((
        render::refresh(&report, failure.as_ref(), unread, next_wakeup, args.json),
        0,
    ))
}
