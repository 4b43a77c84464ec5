// System notifications. In the app window, tauri-plugin-notification stands in for the web
// `Notification` API (its script replaces `window.Notification`), so the text is worded here,
// next to the toast that says the same; where there is no such API, nothing is shown.
export function notifySystem(text: string): void {
  if (typeof Notification === 'function') new Notification('Keypost', { body: text })
}
