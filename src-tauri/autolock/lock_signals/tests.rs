//! Against private `dbus-daemon`s only: a test plays logind and the screen savers (owns their
//! names, emits their signals) and reads the lock requests that come out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../tests/support/private_bus.rs"]
mod private_bus;

use super::*;
use private_bus::PrivateBus;
use std::time::Duration;

const EVERY_SIGNAL: &[Watched] = &[
    LOGIND_PREPARE_FOR_SLEEP,
    FREEDESKTOP_SCREEN_SAVER,
    GNOME_SCREEN_SAVER,
];

/// Ends a test whose lock request never comes instead of hanging; no timing is asserted.
const GIVE_UP_AFTER: Duration = Duration::from_secs(60);

async fn connect(bus: &PrivateBus) -> Connection {
    zbus::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .build()
        .await
        .unwrap()
}

/// A connection owning the names of logind and both screen savers, as they would.
async fn services(bus: &PrivateBus) -> Connection {
    let connection = connect(bus).await;
    for signal in EVERY_SIGNAL {
        connection.request_name(signal.service).await.unwrap();
    }
    connection
}

async fn emit(from: &Connection, signal: &Watched, value: bool) {
    from.emit_signal(
        None::<&str>,
        signal.path,
        signal.interface,
        signal.member,
        &value,
    )
    .await
    .unwrap();
}

async fn next_lock(signals: &mut LockSignals) -> Option<LockReason> {
    tokio::time::timeout(GIVE_UP_AFTER, signals.next())
        .await
        .expect("no lock request came")
}

#[tokio::test]
async fn sleep_and_an_active_screen_saver_request_a_lock_on_their_buses() {
    let system = PrivateBus::start();
    let session = PrivateBus::start();
    let logind = services(&system).await;
    let screen_saver = services(&session).await;
    let mut on_system = LockSignals::subscribe(&connect(&system).await, Bus::System.watched())
        .await
        .unwrap();
    let mut on_session = LockSignals::subscribe(&connect(&session).await, Bus::Session.watched())
        .await
        .unwrap();

    emit(&logind, &LOGIND_PREPARE_FOR_SLEEP, true).await;
    assert_eq!(next_lock(&mut on_system).await, Some(LockReason::Suspend));
    emit(&screen_saver, &FREEDESKTOP_SCREEN_SAVER, true).await;
    assert_eq!(
        next_lock(&mut on_session).await,
        Some(LockReason::ScreenLocked)
    );
    emit(&screen_saver, &GNOME_SCREEN_SAVER, true).await;
    assert_eq!(
        next_lock(&mut on_session).await,
        Some(LockReason::ScreenLocked)
    );
}

/// The requests come in the order the signals were sent, so the first one after a `false`
/// shows whether that `false` asked for a lock.
#[tokio::test]
async fn waking_up_and_the_screen_saver_ending_do_not_lock() {
    let bus = PrivateBus::start();
    let services = services(&bus).await;
    let mut signals = LockSignals::subscribe(&connect(&bus).await, EVERY_SIGNAL)
        .await
        .unwrap();

    emit(&services, &LOGIND_PREPARE_FOR_SLEEP, false).await;
    emit(&services, &FREEDESKTOP_SCREEN_SAVER, true).await;
    assert_eq!(
        next_lock(&mut signals).await,
        Some(LockReason::ScreenLocked),
        "PrepareForSleep(false) asked for a lock"
    );

    emit(&services, &FREEDESKTOP_SCREEN_SAVER, false).await;
    emit(&services, &GNOME_SCREEN_SAVER, false).await;
    emit(&services, &LOGIND_PREPARE_FOR_SLEEP, true).await;
    assert_eq!(
        next_lock(&mut signals).await,
        Some(LockReason::Suspend),
        "ActiveChanged(false) asked for a lock"
    );
}

/// Any program on a bus can emit these signals, broadcast or sent to the app alone; only the
/// owner of logind's or the screen saver's name is listened to.
#[tokio::test]
async fn the_same_signals_from_another_program_do_not_lock() {
    let bus = PrivateBus::start();
    let services = services(&bus).await;
    let impostor = connect(&bus).await;
    let listener = connect(&bus).await;
    let mut signals = LockSignals::subscribe(&listener, EVERY_SIGNAL)
        .await
        .unwrap();
    let to_the_app = listener.unique_name().unwrap().to_string();
    let bus_daemon = zbus::fdo::DBusProxy::new(&impostor).await.unwrap();

    for (forged, genuine, expected) in [
        (
            &LOGIND_PREPARE_FOR_SLEEP,
            &GNOME_SCREEN_SAVER,
            LockReason::ScreenLocked,
        ),
        (
            &FREEDESKTOP_SCREEN_SAVER,
            &LOGIND_PREPARE_FOR_SLEEP,
            LockReason::Suspend,
        ),
        (
            &GNOME_SCREEN_SAVER,
            &LOGIND_PREPARE_FOR_SLEEP,
            LockReason::Suspend,
        ),
    ] {
        emit(&impostor, forged, true).await;
        impostor
            .emit_signal(
                Some(to_the_app.as_str()),
                forged.path,
                forged.interface,
                forged.member,
                &true,
            )
            .await
            .unwrap();
        // A round trip through the bus: it has passed on the impostor's signals when it answers.
        bus_daemon.get_id().await.unwrap();
        emit(&services, genuine, true).await;
        assert_eq!(
            next_lock(&mut signals).await,
            Some(expected),
            "{}.{} from another program asked for a lock",
            forged.interface,
            forged.member
        );
    }
}
