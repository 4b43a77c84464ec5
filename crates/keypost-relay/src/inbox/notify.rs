//! Waking long-polls when a message arrives. In one process a [`Notifier`] holds one
//! `tokio::sync::Notify` per account with waiters. With PostgreSQL, a deposit also sends
//! `NOTIFY keypost_mailbox, '<account id>'` inside its transaction (delivered at commit), and
//! [`listen`] wakes the waiters of this process when any relay process deposits; waiters also
//! re-check every second, which covers notifications lost while the listener reconnects.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use keypost_protocol::inbox::AccountId;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, watch};

/// The PostgreSQL channel of deposits; the payload is the mailbox's account id (base64url).
pub const CHANNEL: &str = "keypost_mailbox";

/// Per-account wake-ups for the long-polls of this process.
#[derive(Default)]
pub struct Notifier {
    waiters: Mutex<HashMap<AccountId, Weak<Notify>>>,
}

impl Notifier {
    /// The wake-up of `account`'s mailbox; keep it while waiting.
    pub fn subscribe(&self, account: AccountId) -> Arc<Notify> {
        let mut waiters = self.waiters.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(notify) = waiters.get(&account).and_then(Weak::upgrade) {
            return notify;
        }
        let notify = Arc::new(Notify::new());
        waiters.insert(account, Arc::downgrade(&notify));
        notify
    }

    /// Wakes every waiter of `account` in this process.
    pub fn wake(&self, account: &AccountId) {
        let notify = self
            .waiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account)
            .and_then(Weak::upgrade);
        if let Some(notify) = notify {
            notify.notify_waiters();
        }
    }

    pub(crate) fn forget_idle(&self) {
        self.waiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, notify| notify.strong_count() > 0);
    }
}

/// Listens on [`CHANNEL`] until `stopped`, waking this process's waiters for every deposit
/// made by any relay process on the database.
pub async fn listen(
    database_url: String,
    notifier: impl Fn(&AccountId) + Send + 'static,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let connected = async {
            let mut listener = PgListener::connect(&database_url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = tokio::select! {
            result = connected => match result {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for deposits; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = stop_requested(&mut stopped) => return,
        };
        loop {
            tokio::select! {
                received = listener.recv() => match received {
                    Ok(notification) => {
                        if let Ok(account) = AccountId::parse(notification.payload()) {
                            notifier(&account);
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the deposit listener lost its connection");
                        break;
                    }
                },
                () = stop_requested(&mut stopped) => return,
            }
        }
    }
}

/// Ends when the relay is asked to stop or its handle is gone.
async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    // The guard `wait_for` answers is not `Send`; drop it here.
    let _ = stopped.wait_for(|stop| *stop).await.map(|_| ());
}
