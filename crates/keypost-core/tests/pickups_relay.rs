//! Send to any email, end to end through a real relay on 127.0.0.1 with its outbox folder:
//! vault → seal → relay → email → PIN → open, and every way it can end; and through a relay
//! without mail, where the sender delivers the link and the relay never receives it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use keypost_core::pickups::{
    self, LinkDelivery, LinkRelay, PickupError, PickupInbox, RelayClient, RelayClients,
    SendOptions, SentPickup,
};
use keypost_core::vault::{KdfParams, Vault};
use keypost_protocol::api::ErrorCode;
use keypost_protocol::api::pickups::{PickupEventKind, PickupState};
use keypost_protocol::pickup::{LinkSecret, PickupLink, Pin};
use keypost_relay::{RelayConfig, RunningRelay};
use std::path::Path;
use std::sync::Mutex;
use support::files::{contains, files_below};
use support::{all_entry_ids, sent_pickups};
use tempfile::TempDir;
use zeroize::Zeroizing;

struct World {
    dir: TempDir,
    relay: RunningRelay,
    /// As the app holds it: the use cases borrow it one step at a time.
    vault: Mutex<Option<Vault>>,
}

/// A relay that emails links (into its outbox folder).
async fn world() -> World {
    world_with(|dir| RelayConfig {
        outbox: Some(dir.join("outbox")),
        ..RelayConfig::local(dir)
    })
    .await
}

/// The desktop's built-in relay: no mail server, no outbox.
async fn world_without_mail() -> World {
    world_with(RelayConfig::local).await
}

async fn world_with(config: impl FnOnce(&Path) -> RelayConfig) -> World {
    let dir = TempDir::new().unwrap();
    let relay = keypost_relay::start(config(dir.path())).await.unwrap();
    let mut vault = Vault::create(
        &dir.path().join("vault.keypost"),
        "master",
        KdfParams::FLOOR,
    )
    .unwrap();
    for (title, password) in [("Mail", "m4il=secret"), ("Bank", "b4nk-secret")] {
        vault
            .entries_mut()
            .add(keypost_core::entry_fields! {
                title: title.into(),
                username: "ana".into(),
                password: password.into(),
                urls: vec![format!("https://{}.example.com", title.to_lowercase())],
                notes: "private notes".into(),
                tags: vec!["private-tag".into()],
            })
            .unwrap();
    }
    World {
        dir,
        relay,
        vault: Mutex::new(Some(vault)),
    }
}

fn options(pin: &str) -> SendOptions {
    support::send_options("The shop's accounts", pin)
}

impl World {
    fn sent_pickups(&self) -> Vec<SentPickup> {
        sent_pickups(&self.vault)
    }

    async fn send(&self, options: &SendOptions) -> SentPickup {
        let ids = all_entry_ids(self.vault.lock().unwrap().as_ref().unwrap());
        let client = RelayClient::new(self.relay.public_url()).unwrap();
        pickups::send(&self.vault, &client, &ids, options)
            .await
            .unwrap()
    }

    fn emails(&self) -> Vec<String> {
        std::fs::read_dir(self.dir.path().join("outbox"))
            .unwrap()
            .map(|file| std::fs::read_to_string(file.unwrap().path()).unwrap())
            .collect()
    }

    async fn owner_state(&self, sent: &SentPickup) -> (PickupState, Vec<PickupEventKind>) {
        let client = RelayClient::new(&sent.relay_url).unwrap();
        let status = client
            .owner_status(&sent.id, &sent.owner_token)
            .await
            .unwrap();
        (
            status.state,
            status.events.iter().map(|event| event.kind).collect(),
        )
    }
}

#[tokio::test]
async fn the_recipient_opens_a_copy_with_the_pin_after_one_wrong_try() {
    let world = world().await;
    let sent = world.send(&options("24680")).await;
    let listed = world.sent_pickups();
    assert_eq!(listed.len(), 1);
    let sent_at = listed[0].sent_at.expect("the sent log knows when");
    assert!(
        (time::OffsetDateTime::now_utc() - sent_at)
            .whole_seconds()
            .abs()
            < 60
    );
    let without_time = SentPickup {
        sent_at: None,
        ..listed[0].clone()
    };
    assert_eq!(without_time, sent);

    let emails = world.emails();
    assert_eq!(emails.len(), 1);
    let email = &emails[0];
    assert!(email.contains("bob@example.com"));
    assert!(
        email.contains(sent.link.split('#').nth(1).unwrap()),
        "the link is in the email"
    );
    for secret in ["24680", "m4il=secret", "b4nk-secret", "private notes"] {
        assert!(
            !email.contains(secret),
            "the email must not contain {secret:?}"
        );
    }

    let inbox = PickupInbox::from_link(&sent.link).unwrap();
    let status = inbox.status().await.unwrap();
    assert_eq!(
        (status.sender_name.as_str(), status.attempts_left),
        ("Ana", 3)
    );

    let wrong = inbox
        .open(&Pin::parse("13579").unwrap(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, PickupError::WrongPin { attempts_left: 2 }),
        "{wrong:?}"
    );

    let payload = inbox
        .open(&Pin::parse("24680").unwrap(), None)
        .await
        .unwrap();
    let mut titles: Vec<_> = payload.entries.iter().map(|e| e.title.as_str()).collect();
    titles.sort_unstable();
    assert_eq!(titles, ["Bank", "Mail"]);
    assert!(
        payload.entries.iter().all(|e| e.notes.is_empty()),
        "notes were not asked for"
    );
    assert_eq!(payload.message, "The shop's accounts");

    let (state, events) = world.owner_state(&sent).await;
    assert_eq!(state, PickupState::Active);
    assert!(events.contains(&PickupEventKind::WrongPin));
    assert!(events.contains(&PickupEventKind::Opened));
}

#[tokio::test]
async fn three_wrong_pins_destroy_the_copy_and_the_sender_sees_it() {
    let world = world().await;
    let sent = world.send(&options("24680")).await;
    let inbox = PickupInbox::from_link(&sent.link).unwrap();
    for left in [2, 1, 0] {
        match inbox.open(&Pin::parse("11111").unwrap(), None).await {
            Err(PickupError::WrongPin { attempts_left }) => assert_eq!(attempts_left, left),
            Err(PickupError::Gone) => assert_eq!(left, 0),
            other => panic!("unexpected {other:?}"),
        }
    }
    let after = inbox
        .open(&Pin::parse("24680").unwrap(), None)
        .await
        .unwrap_err();
    assert!(matches!(after, PickupError::Gone), "{after:?}");
    assert!(matches!(
        inbox.status().await.unwrap_err(),
        PickupError::Gone
    ));
    let (state, events) = world.owner_state(&sent).await;
    assert_eq!(state, PickupState::Destroyed);
    assert!(events.contains(&PickupEventKind::Destroyed));

    // The sender's vault keeps the last answer, so the Sent list can show it at once.
    let status = pickups::refresh_status(&world.vault, &sent.id)
        .await
        .unwrap();
    assert_eq!(status.state, PickupState::Destroyed);
    assert!(matches!(
        pickups::refresh_status(&world.vault, "never-sent").await,
        Err(PickupError::NotListed(_))
    ));
    let listed = world.sent_pickups();
    let cached = listed[0].last_status.as_ref().expect("a cached status");
    assert_eq!(cached.state, PickupState::Destroyed);
    assert_eq!(
        listed[0].pin, "",
        "an ended pickup's PIN leaves the sent log"
    );
}

#[tokio::test]
async fn revoke_recipient_delete_views_and_passphrase() {
    let world = world().await;

    let revoked = world.send(&options("24680")).await;
    let kept = pickups::forget(&world.vault, &revoked.id).unwrap_err();
    assert_eq!(
        kept.code(),
        "invalid_input",
        "a sent pickup is revoked, not forgotten"
    );
    pickups::revoke(&world.vault, &revoked.id).await.unwrap();
    let inbox = PickupInbox::from_link(&revoked.link).unwrap();
    assert!(matches!(
        inbox.status().await.unwrap_err(),
        PickupError::Gone
    ));
    assert_eq!(world.owner_state(&revoked).await.0, PickupState::Revoked);

    let deleted = world.send(&options("24680")).await;
    let inbox = PickupInbox::from_link(&deleted.link).unwrap();
    inbox.delete().await.unwrap();
    assert!(matches!(
        inbox.status().await.unwrap_err(),
        PickupError::Gone
    ));
    assert_eq!(world.owner_state(&deleted).await.0, PickupState::Deleted);

    let once = world
        .send(&SendOptions {
            max_views: Some(1),
            include_notes: true,
            passphrase: Some(Zeroizing::new("blue harbour lamp".into())),
            ..options("86420")
        })
        .await;
    let inbox = PickupInbox::from_link(&once.link).unwrap();
    let pin = Pin::parse("86420").unwrap();
    assert!(inbox.status().await.unwrap().passphrase_required);
    let payload = inbox.open(&pin, Some("blue harbour lamp")).await.unwrap();
    assert!(payload.entries.iter().all(|e| e.notes == "private notes"));
    let used_up = inbox
        .open(&pin, Some("blue harbour lamp"))
        .await
        .unwrap_err();
    assert!(matches!(used_up, PickupError::Gone), "{used_up:?}");
    assert_eq!(world.owner_state(&once).await.0, PickupState::UsedUp);
}

#[tokio::test]
async fn an_ended_pickup_loses_its_link_and_pin_from_the_sent_log() {
    let world = world().await;
    let used_up = world
        .send(&SendOptions {
            max_views: Some(1),
            ..options("11357")
        })
        .await;
    let deleted = world.send(&options("22468")).await;
    let revoked = world.send(&options("33579")).await;
    let active = world.send(&options("44680")).await;
    PickupInbox::from_link(&used_up.link)
        .unwrap()
        .open(&Pin::parse("11357").unwrap(), None)
        .await
        .unwrap();
    PickupInbox::from_link(&deleted.link)
        .unwrap()
        .delete()
        .await
        .unwrap();
    pickups::revoke(&world.vault, &revoked.id).await.unwrap();
    let record = |id: &str| {
        world
            .sent_pickups()
            .into_iter()
            .find(|sent| sent.id == id)
            .unwrap()
    };
    assert!(record(&revoked.id).secrets_dropped(), "revoked: at once");
    assert!(!record(&used_up.id).secrets_dropped(), "not known yet");

    let followed = pickups::refresh_all(&world.vault, &mut RelayClients::default(), |_| true)
        .await
        .unwrap();
    assert!(followed.iter().all(|followed| followed.status.is_ok()));
    for ended in [&used_up, &deleted, &revoked] {
        let kept = record(&ended.id);
        assert_eq!(
            (
                kept.link.as_str(),
                kept.deep_link.as_str(),
                kept.pin.as_str()
            ),
            ("", "", ""),
            "{ended:?}"
        );
        // Still followable: the owner token and what the Sent list shows stay.
        assert_eq!(kept.owner_token, ended.owner_token);
        assert_eq!(kept.entry_titles, ended.entry_titles);
        let error = world
            .vault
            .lock()
            .unwrap()
            .as_ref()
            .unwrap()
            .pickups()
            .find_to_share(&ended.id);
        assert!(matches!(error, Err(PickupError::Ended)), "{error:?}");
        pickups::refresh_status(&world.vault, &ended.id)
            .await
            .unwrap();
    }
    let live = record(&active.id);
    assert_eq!(
        (live.link.as_str(), live.pin.as_str()),
        (active.link.as_str(), "44680")
    );

    // Past its expiry the active one ends too, with no relay asked.
    let after_expiry = time::OffsetDateTime::now_utc() + time::Duration::days(2);
    let dropped = world
        .vault
        .lock()
        .unwrap()
        .as_mut()
        .unwrap()
        .pickups_mut()
        .drop_ended_secrets(after_expiry)
        .unwrap();
    assert_eq!(dropped, 1);
    assert!(record(&active.id).secrets_dropped());
}

#[tokio::test]
async fn a_link_to_a_relay_this_vault_never_used_is_told_apart() {
    let world = world().await;
    let link_to = |relay_url: &str| {
        let secret = LinkSecret::make_random();
        let id = keypost_protocol::b64::encode(&secret.id());
        PickupLink::new(&format!("{relay_url}/p/{id}"), secret).unwrap()
    };
    let own = world.relay.public_url().to_owned();
    let check = |link: &PickupLink, own_relay: Option<&str>| {
        pickups::link_relay(
            world.vault.lock().unwrap().as_ref().unwrap(),
            link,
            own_relay,
        )
        .unwrap()
    };
    let stranger = link_to("https://stranger.example:8443/keypost");
    assert_eq!(
        check(&stranger, Some(&own)),
        LinkRelay {
            host: "stranger.example:8443".into(),
            known: false
        }
    );
    let ours = link_to(&own);
    assert!(check(&ours, Some(&own)).known, "the relay it sends through");
    assert!(!check(&ours, None).known, "nothing sent through it yet");
    world.send(&options("24680")).await;
    assert!(check(&ours, None).known, "a relay it sent a pickup through");
    assert!(!check(&stranger, None).known);
}

#[tokio::test]
async fn bad_send_options_are_refused_before_anything_is_sent() {
    let world = world().await;
    let client = RelayClient::new(world.relay.public_url()).unwrap();
    for bad in [
        SendOptions {
            recipient_email: Some("bob@example.com\r\nBcc: eve@example.com".into()),
            ..options("24680")
        },
        SendOptions {
            expires_in_seconds: 60,
            ..options("24680")
        },
        SendOptions {
            recipient_email: None,
            ..options("24680")
        },
        SendOptions {
            max_views: Some(101),
            ..options("24680")
        },
    ] {
        let error = pickups::send(&world.vault, &client, &[], &bad)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{error:?}");
    }
    assert!(!world.dir.path().join("outbox").exists() || world.emails().is_empty());
    assert!(world.sent_pickups().is_empty(), "nothing pending either");
}

#[tokio::test]
async fn a_link_the_sender_delivers_never_reaches_the_relay_and_no_file_beside_the_vault_holds_it()
{
    let world = world_without_mail().await;
    let client = RelayClient::new(world.relay.public_url()).unwrap();
    assert!(!client.capabilities().await.unwrap().email);
    let sent = world
        .send(&SendOptions {
            delivery: LinkDelivery::SenderDelivers,
            recipient_email: None,
            ..options("24680")
        })
        .await;
    assert_eq!(sent.delivery, LinkDelivery::SenderDelivers);
    assert!(!sent.emailed);
    assert_eq!(
        world.sent_pickups()[0].delivery,
        LinkDelivery::SenderDelivers
    );
    let (state, events) = world.owner_state(&sent).await;
    assert_eq!(state, PickupState::Active);
    assert_eq!(events, vec![PickupEventKind::Created], "no email to record");
    let status = client
        .owner_status(&sent.id, &sent.owner_token)
        .await
        .unwrap();
    assert_eq!(status.recipient_email, None);

    // The relay's files (database, its log, anything else it wrote) hold neither the link
    // secret nor anything derived from the PIN that the secret would unlock: no outbox.
    assert!(!world.dir.path().join("outbox").exists());
    let fragment = sent.link.split('#').nth(1).unwrap();
    let secret = LinkSecret::from_fragment(fragment).unwrap();
    let files = files_below(world.dir.path(), "vault.keypost");
    assert!(files.iter().any(|(path, _)| path.ends_with("relay.db")));
    for (path, bytes) in &files {
        assert!(
            !contains(bytes, fragment.as_bytes()),
            "{path:?} holds the link"
        );
        assert!(
            !contains(bytes, secret.as_bytes()),
            "{path:?} holds the link secret"
        );
    }

    // The recipient opens it with the link the sender passed on.
    let inbox = PickupInbox::from_link(&sent.link).unwrap();
    let opened = inbox
        .open(&Pin::parse("24680").unwrap(), None)
        .await
        .unwrap();
    assert_eq!(opened.entries.len(), 2);

    // The message the sender pastes carries the link, never the PIN.
    let message = pickups::link_message(&sent, "Ana");
    assert!(message.body.contains(&sent.link));
    assert!(message.subject.contains("Ana"));
    assert!(!message.body.contains("24680"));
}

#[tokio::test]
async fn a_relay_without_mail_refuses_to_email_and_nothing_stays_pending() {
    let world = world_without_mail().await;
    let client = RelayClient::new(world.relay.public_url()).unwrap();
    let ids = all_entry_ids(world.vault.lock().unwrap().as_ref().unwrap());
    let error = pickups::send(&world.vault, &client, &ids, &options("24680"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            PickupError::Refused {
                code: ErrorCode::EmailUnavailable,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(world.sent_pickups().is_empty());
    assert!(!world.dir.path().join("outbox").exists());
}
