//! `longan feedback …`: feedback to the province's 1022 service, queued in the profile's
//! outbox and sent to the portal given with `--portal`.

use longan_core::feedback::{CATEGORIES, Feedback, FeedbackError, GeoPoint, category_name};
use longan_core::net::{HttpClient, NetConfig};
use longan_core::portal::HttpPortal;
use longan_core::{Cancellation, Core};

use crate::args::{FeedbackCommand, FeedbackSendArgs};
use crate::failure::{EXIT_INTERNAL, EXIT_STORAGE, Failure};
use crate::render_account as render;

/// Runs one feedback command; its output.
pub fn run(
    core: &Core,
    portal_url: Option<&str>,
    command: &FeedbackCommand,
) -> Result<(String, u8), Failure> {
    match command {
        FeedbackCommand::Send(args) => send(core, portal_url, args),
        FeedbackCommand::List(args) => {
            Ok((render::feedback_list(&core.feedback_list()?, args.json), 0))
        }
    }
}

fn send(
    core: &Core,
    portal_url: Option<&str>,
    args: &FeedbackSendArgs,
) -> Result<(String, u8), Failure> {
    let category = longan_core::feedback::parse_category(&args.category).map_err(|error| {
        let mut failure = Failure::from(error);
        let names: Vec<&str> = CATEGORIES.into_iter().map(category_name).collect();
        failure.message = format!("{} (use one of: {})", failure.message, names.join(", "));
        failure
    })?;
    let draft = Feedback {
        location: match (args.lat, args.lon) {
            (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
            _ => None,
        },
        photo_ref: args.photo_ref.clone(),
        contact_name: args.contact_name.clone(),
        contact_phone: args.contact_phone.clone(),
        ..Feedback::new(category, args.text.clone())
    };
    let id = core.queue_feedback(&draft)?;
    if let Some(url) = portal_url {
        let client = HttpClient::new(NetConfig::production(), core.clock().clone())?;
        let portal = HttpPortal::new(url, client);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| Failure::new("internal", EXIT_INTERNAL, error.to_string()))?;
        // A network failure is not an error here: the feedback stays queued, its status says why.
        runtime
            .block_on(core.deliver_outbox(Some(&portal), &Cancellation::new()))
            .map_err(|error| Failure::new("storage", EXIT_STORAGE, error.to_string()))?;
    }
    let entry = core
        .feedback_list()?
        .into_iter()
        .find(|entry| entry.id == id)
        .ok_or_else(|| {
            Failure::from(FeedbackError::Outbox(
                longan_core::outbox::OutboxError::NotFound { id: id.0 },
            ))
        })?;
    Ok((render::feedback(&entry, portal_url.is_some(), args.json), 0))
}
