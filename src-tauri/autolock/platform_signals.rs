//! Windows and macOS: locking on suspend and screen lock is not wired up yet; there the vault
//! locks on idle time and by hand only. What remains, per platform:
//!
//! - Windows: a hidden message-only window that calls `WTSRegisterSessionNotification`
//!   (`NOTIFY_FOR_THIS_SESSION`) and locks on `WM_WTSSESSION_CHANGE` with `WTS_SESSION_LOCK`,
//!   and on `WM_POWERBROADCAST` with `PBT_APMSUSPEND` (the `windows-sys` crate has all of them).
//! - macOS: observers on `NSWorkspace.sharedWorkspace.notificationCenter` for
//!   `NSWorkspaceWillSleepNotification` and `NSWorkspaceScreensDidSleepNotification`, and on
//!   `NSDistributedNotificationCenter` for `com.apple.screenIsLocked` (the `objc2-app-kit` and
//!   `objc2-foundation` crates).
//!
//! Each would map its notification to [`super::LockReason::Suspend`] or
//! [`super::LockReason::ScreenLocked`] and call the same lock path as Linux does. They need a
//! Windows and a macOS machine to build and test on; the project builds and tests on Linux only
//! so far.

/// Says once, at start, that only idle auto-lock runs on this platform.
pub fn report_missing() {
    eprintln!(
        "keypost: locking on suspend and screen lock is not available on this platform yet; \
         idle auto-lock works"
    );
}
