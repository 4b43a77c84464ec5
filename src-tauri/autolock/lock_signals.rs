//! Linux: the D-Bus signals that mean "lock now", turned into lock requests. logind announces
//! on the system bus that the computer is about to sleep (`PrepareForSleep(true)`); the session's
//! screen saver announces on the session bus that it became active (`ActiveChanged(true)`, under
//! the freedesktop name that KDE, Xfce and others use, and under GNOME's own).
//!
//! No Tauri here: [`LockSignals`] is given a bus connection and yields [`LockReason`]s, so a test
//! can run it against a private `dbus-daemon` that it emits the signals on.

use ordered_stream::{OrderedStream, OrderedStreamExt, join};
use std::pin::Pin;
use zbus::message::Sequence;
use zbus::{Connection, Proxy};

use super::LockReason;

/// One signal that locks the vault when its single boolean argument is `true`.
pub struct Watched {
    /// The name its sender owns. Signals from anyone else are ignored: any program on the bus
    /// can emit a signal, only logind and the screen saver own these names.
    pub service: &'static str,
    pub path: &'static str,
    pub interface: &'static str,
    pub member: &'static str,
    pub reason: LockReason,
}

/// logind, before suspend and hibernation (`false` follows after waking up).
pub const LOGIND_PREPARE_FOR_SLEEP: Watched = Watched {
    service: "org.freedesktop.login1",
    path: "/org/freedesktop/login1",
    interface: "org.freedesktop.login1.Manager",
    member: "PrepareForSleep",
    reason: LockReason::Suspend,
};

/// The freedesktop screen saver interface (KDE, Xfce, LXQt, Cinnamon…).
pub const FREEDESKTOP_SCREEN_SAVER: Watched = Watched {
    service: "org.freedesktop.ScreenSaver",
    path: "/org/freedesktop/ScreenSaver",
    interface: "org.freedesktop.ScreenSaver",
    member: "ActiveChanged",
    reason: LockReason::ScreenLocked,
};

/// GNOME Shell's screen shield.
pub const GNOME_SCREEN_SAVER: Watched = Watched {
    service: "org.gnome.ScreenSaver",
    path: "/org/gnome/ScreenSaver",
    interface: "org.gnome.ScreenSaver",
    member: "ActiveChanged",
    reason: LockReason::ScreenLocked,
};

/// The two buses and what the app watches on each.
#[derive(Debug, Clone, Copy)]
pub enum Bus {
    System,
    Session,
}

impl Bus {
    pub fn watched(self) -> &'static [Watched] {
        match self {
            Bus::System => &[LOGIND_PREPARE_FOR_SLEEP],
            Bus::Session => &[FREEDESKTOP_SCREEN_SAVER, GNOME_SCREEN_SAVER],
        }
    }

    /// Connects where the environment says (`DBUS_SYSTEM_BUS_ADDRESS`,
    /// `DBUS_SESSION_BUS_ADDRESS`, or the usual sockets).
    pub async fn connect(self) -> zbus::Result<Connection> {
        match self {
            Bus::System => Connection::system().await,
            Bus::Session => Connection::session().await,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Bus::System => "system",
            Bus::Session => "session",
        }
    }

    /// What locks through this bus, for the message when it cannot be reached.
    pub fn announces(self) -> &'static str {
        match self {
            Bus::System => "suspend",
            Bus::Session => "screen lock",
        }
    }
}

/// Each watched signal as the lock it asks for (`None`: its argument was `false`, or not a
/// boolean), ordered as the bus delivered them.
type Requests = Pin<Box<dyn OrderedStream<Data = Option<LockReason>, Ordering = Sequence> + Send>>;

/// The lock requests arriving on one bus connection, in the order the bus sent the signals.
pub struct LockSignals {
    requests: Option<Requests>,
}

impl LockSignals {
    /// Subscribes to `watched` on `bus`; signals sent after this returns are seen.
    pub async fn subscribe(bus: &Connection, watched: &[Watched]) -> zbus::Result<LockSignals> {
        let mut requests: Option<Requests> = None;
        for signal in watched {
            let proxy = Proxy::new(bus, signal.service, signal.path, signal.interface).await?;
            let reason = signal.reason;
            let stream = proxy
                .receive_signal(signal.member)
                .await?
                .map(move |message| {
                    let locks = message.body().deserialize::<bool>().unwrap_or(false);
                    locks.then_some(reason)
                });
            let stream: Requests = Box::pin(stream);
            requests = Some(match requests {
                None => stream,
                Some(earlier) => Box::pin(join(earlier, stream)),
            });
        }
        Ok(LockSignals { requests })
    }

    /// The next lock request; `None` once the connection to the bus is gone.
    pub async fn next(&mut self) -> Option<LockReason> {
        let requests = self.requests.as_mut()?;
        while let Some(request) = requests.next().await {
            if let Some(reason) = request {
                return Some(reason);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
