//! Tells the sender what happens to their pickups while the app runs: every little while, the
//! relay's owner status of each sent pickup still waiting is read, and each new event (opened,
//! wrong PIN, destroyed, expired, deleted, used up) becomes a `pickup-event` carrying its kind.
//! The UI words it, as a toast and as the system notification (`ui/src/Shell.svelte`): the
//! window lives as long as the app, so the sentence has one home, next to the toast's.

use keypost_core::pickups::{self, PickupError, RelayClients, SentPickup};
use keypost_protocol::api::pickups::{OwnerStatus, PickupEventKind, PickupState};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::commands::sharing::types::PickupNews;
use crate::state::AppState;

pub const PICKUP_EVENT: &str = "pickup-event";

const CHECK_EVERY: Duration = Duration::from_secs(15);

/// What the watcher has already reported.
#[derive(Default)]
struct Seen {
    /// How many events of each pickup were looked at.
    events: HashMap<String, usize>,
    /// Pickups that can change no more.
    finished: HashSet<String>,
}

impl Seen {
    /// The events of `status` not looked at before that a sender wants to hear about and that
    /// happened after `since` (nothing from before the app started is announced).
    fn news(
        &mut self,
        sent: &SentPickup,
        status: &OwnerStatus,
        since: OffsetDateTime,
    ) -> Vec<PickupNews> {
        let known = self
            .events
            .insert(sent.id.clone(), status.events.len())
            .unwrap_or(0);
        if status.state != PickupState::Active {
            self.finished.insert(sent.id.clone());
        }
        status
            .events
            .iter()
            .skip(known)
            .filter(|event| is_news(event.kind))
            .filter(|event| OffsetDateTime::parse(&event.at, &Rfc3339).is_ok_and(|at| at >= since))
            .map(|event| PickupNews {
                id: sent.id.clone(),
                recipient_email: sent.recipient_email.clone(),
                kind: event.kind,
                at: event.at.clone(),
            })
            .collect()
    }
}

fn is_news(kind: PickupEventKind) -> bool {
    !matches!(
        kind,
        PickupEventKind::Created | PickupEventKind::Emailed | PickupEventKind::Revoked
    )
}

pub fn start<R: Runtime>(app: AppHandle<R>) {
    let since = OffsetDateTime::now_utc();
    tauri::async_runtime::spawn(async move {
        let mut seen = Seen::default();
        let mut relays = RelayClients::default();
        loop {
            tokio::time::sleep(CHECK_EVERY).await;
            let state = app.state::<AppState>();
            // Locked: nothing to follow until the person unlocks again.
            let Ok(followed) = pickups::refresh_all(&state.unattended(), &mut relays, |sent| {
                !seen.finished.contains(&sent.id)
            })
            .await
            else {
                continue;
            };
            for pickup in followed {
                match pickup.status {
                    Ok(status) => {
                        for news in seen.news(&pickup.sent, &status, since) {
                            announce(&app, &news);
                        }
                    }
                    // Purged from the relay long ago, or it never got there.
                    Err(PickupError::Gone | PickupError::NotSent) => {
                        seen.finished.insert(pickup.sent.id);
                    }
                    // Offline or the relay is down: try again next round.
                    Err(_) => {}
                }
            }
        }
    });
}

fn announce<R: Runtime>(app: &AppHandle<R>, news: &PickupNews) {
    app.emit(PICKUP_EVENT, news).ok();
}

#[cfg(test)]
mod tests {
    use super::*;
    use keypost_core::pickups::{LinkDelivery, SentState};
    use keypost_protocol::api::pickups::PickupEvent;
    use keypost_protocol::pickup::PickupId;

    fn sent() -> SentPickup {
        SentPickup {
            id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
            relay_url: "http://127.0.0.1:9".into(),
            link: String::new(),
            deep_link: String::new(),
            pin: "52817".into(),
            owner_token: String::new(),
            recipient_email: Some("ana@example.com".into()),
            delivery: LinkDelivery::RelayEmails,
            expires_at: String::new(),
            emailed: true,
            entry_titles: vec!["Mail".into()],
            state: SentState::Sent,
            sent_at: None,
            last_status: None,
        }
    }

    fn status(state: PickupState, kinds: &[(PickupEventKind, &str)]) -> OwnerStatus {
        OwnerStatus {
            id: PickupId::parse(&sent().id).unwrap(),
            recipient_email: sent().recipient_email,
            state,
            created_at: "2026-11-21T10:00:00Z".into(),
            expires_at: "2026-11-28T10:00:00Z".into(),
            attempts_left: 3,
            views_left: None,
            events: kinds
                .iter()
                .map(|(kind, at)| PickupEvent {
                    kind: *kind,
                    at: (*at).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn each_event_is_announced_once_and_only_after_the_app_started() {
        let since = OffsetDateTime::parse("2026-11-21T10:00:00Z", &Rfc3339).unwrap();
        let mut seen = Seen::default();
        let first = status(
            PickupState::Active,
            &[
                (PickupEventKind::Created, "2026-11-21T09:00:00Z"),
                (PickupEventKind::WrongPin, "2026-11-21T09:30:00Z"),
                (PickupEventKind::WrongPin, "2026-11-21T10:05:00Z"),
            ],
        );
        let news = seen.news(&sent(), &first, since);
        assert_eq!(
            news.len(),
            1,
            "the wrong PIN from before the start is history"
        );
        assert_eq!(news[0].kind, PickupEventKind::WrongPin);
        assert!(seen.news(&sent(), &first, since).is_empty(), "not twice");

        let mut second = first.clone();
        second.state = PickupState::Destroyed;
        second.events.push(PickupEvent {
            kind: PickupEventKind::Destroyed,
            at: "2026-11-21T10:06:00Z".into(),
        });
        let news = seen.news(&sent(), &second, since);
        assert_eq!(news.len(), 1);
        assert_eq!(news[0].kind, PickupEventKind::Destroyed);
        assert_eq!(news[0].recipient_email.as_deref(), Some("ana@example.com"));
        assert!(seen.finished.contains(&sent().id), "no more polling");
    }
}
