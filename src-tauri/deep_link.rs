//! `keypost://pickup?u=…#…` links ("Open in Keypost" on the pickup page) and
//! `keypost://invite?r=…#…` links (an invite someone sent through their own channel).
//!
//! Windows and Linux start the app with the link as an argument; macOS hands it to the
//! running app (tauri-plugin-deep-link's open-url event). A second start on the same vault
//! hands its arguments to the window already open (tauri-plugin-single-instance) and exits.
//! All three paths end in [`offer`]: a valid pickup link waits in [`AppState`] until the UI
//! takes it (`take_opened_link`): after unlocking, and whenever [`LINK_OPENED_EVENT`] arrives;
//! an invite link likewise (`take_opened_invite`, [`INVITE_OPENED_EVENT`]). The events carry
//! nothing: the links hold secrets.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use keypost_protocol::inbox::InviteLink;
use keypost_protocol::pickup::PickupLink;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::state::AppState;

/// Tells the UI that a pickup link is waiting.
pub const LINK_OPENED_EVENT: &str = "pickup-link-opened";
/// Tells the UI that a `keypost://invite` link is waiting (`take_opened_invite`).
pub const INVITE_OPENED_EVENT: &str = "invite-link-opened";

/// The single-instance plugin, one instance per vault file: a second start with the same
/// vault brings the open window forward (and delivers its link), while tests and people with
/// two vaults can run one window for each.
pub fn single_instance<R: Runtime>(
    identifier: &str,
    vault_path: &Path,
) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(identifier, vault_path))
        .callback(|app, argv, _cwd| {
            show_main_window(app);
            offer(app, argv.iter().skip(1).map(String::as_str));
        })
        .build()
}

/// `<identifier>.vault_<hash of the vault path>`, a valid D-Bus name. The std hasher is
/// stable for one build, which is all it needs: both processes run the same program.
fn instance_id(identifier: &str, vault_path: &Path) -> String {
    let mut hasher = DefaultHasher::new();
    vault_path.hash(&mut hasher);
    format!("{identifier}.vault_{:016x}", hasher.finish())
}

/// Registers the `keypost` scheme with the system if needed (Windows, Linux: installers do
/// it too, but a program started from a folder must do it itself), takes a link the app was
/// started with, and listens for later ones. Every argument is looked at, not only a lone one
/// as the deep-link plugin does: a launcher may add its own, and only a complete pickup link
/// is kept anyway.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(any(windows, target_os = "linux"))]
    {
        // Asking the system (xdg-mime and update-desktop-database on Linux) starts other
        // programs: done beside the first window, not before it.
        let handle = app.clone();
        std::thread::spawn(move || {
            let deep_link = handle.deep_link();
            if !deep_link.is_registered("keypost").unwrap_or(false)
                && let Err(error) = deep_link.register_all()
            {
                eprintln!("keypost: could not register keypost:// links with the system: {error}");
            }
        });
    }
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    offer(app, arguments.iter().map(String::as_str));
    let handle = app.clone();
    app.deep_link().on_open_url(move |event| {
        show_main_window(&handle);
        offer(&handle, event.urls().iter().map(tauri::Url::as_str));
    });
}

/// Keeps the last valid pickup link and the last valid invite link among `urls` and tells
/// the UI. Anything else (another path, a broken link) is ignored: a link is only a suggestion
/// to fill in the Receive tab (which still needs the PIN) or "Accept an invite" (which still
/// shows who invites and their words before anything is accepted).
fn offer<'a, R: Runtime>(app: &AppHandle<R>, urls: impl Iterator<Item = &'a str>) {
    let urls: Vec<&str> = urls.collect();
    let state = app.state::<AppState>();
    // No window listening yet (still starting): the UI asks after unlocking anyway.
    if let Some(link) = urls
        .iter()
        .rev()
        .find_map(|url| PickupLink::parse(url).ok())
    {
        state.set_opened_link(link);
        let _ = app.emit(LINK_OPENED_EVENT, ());
    }
    if let Some(link) = urls
        .iter()
        .rev()
        .find_map(|url| InviteLink::parse(url).ok())
    {
        state.set_opened_invite_link(link);
        let _ = app.emit(INVITE_OPENED_EVENT, ());
    }
}

fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        // Best effort: a window manager may refuse focus; the link still waits in the state.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vault_has_its_own_valid_instance_name() {
        let one = instance_id("app.keypost.desktop", Path::new("/home/a/vault.keypost"));
        let other = instance_id("app.keypost.desktop", Path::new("/tmp/x/vault.keypost"));
        assert_ne!(one, other);
        assert_eq!(
            one,
            instance_id("app.keypost.desktop", Path::new("/home/a/vault.keypost"))
        );
        // D-Bus names: elements of [A-Za-z0-9_-], none starting with a digit.
        for element in one.split('.') {
            assert!(!element.starts_with(|c: char| c.is_ascii_digit()), "{one}");
            assert!(
                element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                "{one}"
            );
        }
    }
}
