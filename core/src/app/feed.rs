//! The portal's notification feed (`/v1/me/notifications`) into the signed-in profile's inbox.
//! The same event found by local detection or announced by a push has the same id, so it is
//! kept once whatever the mix of sources.

use serde::{Deserialize, Serialize};

use super::Core;
use super::session::MyDossiersError;
use crate::auth::{AuthError, Session};
use crate::cancel::Cancellation;
use crate::dossier::error::DossierError;
use crate::dossier::model::AppointmentChange;
use crate::dossier::status::DossierStatus;
use crate::events::Event;
use crate::notify::{Notification, Target, inbox};
use crate::portal::wire::{FeedItem, NotificationPage};
use crate::portal::{HttpPortal, PortalError};
use crate::store::{Backend, Batch};

const TREE: &str = "inbox";
const POSITION_KEY: &[u8] = b"feed/position";
/// Pages read in one sync at most (100 items each): a device away for months catches up over
/// several syncs instead of one long one.
const MAX_PAGES: usize = 20;

/// Where the profile is in the feed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Position {
    cursor: Option<String>,
    etag: Option<String>,
}

fn load_position(personal: &dyn Backend) -> Option<Position> {
    personal
        .get(TREE, POSITION_KEY)
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
}

fn save_position(personal: &dyn Backend, position: &Position) -> Result<(), DossierError> {
    let json = serde_json::to_vec(position).map_err(|error| DossierError::Corrupt {
        reason: error.to_string(),
    })?;
    let mut batch = Batch::new();
    batch.put(POSITION_KEY, json);
    personal.apply(TREE, batch)?;
    Ok(())
}

/// The notification a feed item stands for; `None` for kinds this version does not know.
pub(crate) fn notification_of(item: &FeedItem) -> Option<Notification> {
    match item {
        FeedItem::DossierEvent {
            dossier_code,
            timeline_entry_id,
            status,
            at_ms,
            procedure_name,
            note,
            ..
        } => Some(Notification::dossier_event(
            dossier_code,
            timeline_entry_id,
            DossierStatus::from_number(*status)?,
            *at_ms,
            procedure_name,
            note.as_deref(),
        )),
        FeedItem::AppointmentMoved {
            dossier_code,
            date,
            apology,
            at_ms,
            reason,
            status,
            procedure_name,
            ..
        } => Some(Notification::appointment_moved(
            dossier_code,
            &AppointmentChange {
                date: date.clone(),
                set_at_ms: *at_ms,
                reason: reason.clone(),
                apology: *apology,
            },
            status
                .and_then(DossierStatus::from_number)
                .unwrap_or(DossierStatus::Processing),
            procedure_name,
        )),
        FeedItem::Message {
            id,
            title,
            body,
            at_ms,
        } => Some(Notification::feed_message(
            id,
            *at_ms,
            title,
            body,
            Target::None,
        )),
        FeedItem::Unknown => None,
    }
}

impl Core {
    /// Reads the signed-in citizen's feed from where this profile left it and files what is
    /// new in the inbox; returns how many notifications were added. The first read of a
    /// profile is a baseline (its history does not flood the inbox); an expired position
    /// starts a new baseline. Conditional: an unchanged feed costs a 304. Network; writes
    /// `state/`.
    pub async fn sync_feed(
        &self,
        portal: &HttpPortal,
        cancel: &Cancellation,
    ) -> Result<usize, MyDossiersError> {
        if !matches!(self.session()?, Session::SignedIn { .. }) {
            return Err(AuthError::NotSignedIn.into());
        }
        let personal = self.personal().map_err(AuthError::from)?;
        let stored = load_position(&personal);
        let baseline = stored.is_none();
        let mut position = stored.unwrap_or_default();
        let mut added = 0;
        for _ in 0..MAX_PAGES {
            let since = position.cursor.clone();
            let etag = position.etag.clone();
            let answer = self
                .with_access_token(cancel, |token| {
                    let (since, etag) = (since.clone(), etag.clone());
                    async move {
                        match portal
                            .my_notifications(&token, since.as_deref(), etag.as_deref(), cancel)
                            .await
                        {
                            Ok(page) => Ok(Ok(page)),
                            Err(PortalError::CursorExpired) => Ok(Err(())),
                            Err(PortalError::Net(error)) => Err(error),
                        }
                    }
                })
                .await?;
            let (page, etag): (NotificationPage, Option<String>) = match answer {
                Ok(None) => break,
                Ok(Some(page)) => page,
                Err(()) => {
                    log::info!("the feed position expired; a new baseline is taken");
                    position = Position::default();
                    save_position(&personal, &position)?;
                    return Box::pin(self.sync_feed(portal, cancel)).await;
                }
            };
            let empty = page.items.is_empty();
            if !baseline {
                let found = page.items.iter().filter_map(notification_of);
                let new =
                    inbox::add_all(&personal, found).map_err(|error| DossierError::Corrupt {
                        reason: error.to_string(),
                    })?;
                added += new.len();
            }
            if let Some(next) = page.next_cursor {
                position.cursor = Some(next);
            }
            position.etag = etag;
            save_position(&personal, &position)?;
            if empty {
                break;
            }
        }
        if added > 0 {
            self.events.emit(Event::NotificationsAdded { count: added });
        }
        Ok(added)
    }
}
