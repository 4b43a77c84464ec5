// Generated from src-tauri/transport.rs by src-tauri/bindings.rs. Do not edit.
export type BulkAction = { "action": "add_tags", tags: Array<string>, } | { "action": "remove_tags", tags: Array<string>, } | { "action": "set_username", username: string, } | { "action": "set_url", url: string, } | { "action": "set_folder", folder: string, } | { "action": "append_notes", text: string, } | { "action": "set_favourite", favourite: boolean, } | { "action": "delete" };
export type BulkSummary = { description: string, 
/**
 * Distinct entries selected.
 */
selected: number, 
/**
 * Entries that change; the others already have the result.
 */
changed: number, 
/**
 * Titles of some of the entries that change, for the review dialog.
 */
sample_titles: Array<string>, };
export type ChosenFile = { path: string | null, };
export type CommandError = { code: ErrorCode, message: string, };
export type CopyReceipt = { clear_after_seconds: number, };
export type CsvFormatName = "bitwarden" | "chrome" | "keepassxc" | "1password" | "lastpass" | "firefox" | "keypost" | "generic";
export type CustomFieldData = { name: string, value: string, hidden: boolean, };
export type EntryDetail = { id: string, title: string, username: string, has_password: boolean, urls: Array<string>, notes: string, tags: Array<string>, folder: string, custom_fields: Array<CustomFieldData>, totp: string, favourite: boolean, created: string, modified: string, password_history_count: number, };
export type EntryInput = { title: string, username: string, password: string | null, urls: Array<string>, notes: string, tags: Array<string>, folder: string, custom_fields: Array<CustomFieldData>, totp: string, favourite: boolean, };
export type EntryRow = { id: string, title: string, username: string, 
/**
 * The main (first) URL; the list shows only this one.
 */
url: string, tags: Array<string>, folder: string, favourite: boolean, };
export type ErrorCode = "wrong_password" | "vault_in_use" | "locked" | "no_vault" | "vault_exists" | "corrupt" | "not_found" | "invalid_input" | "io" | "internal" | "wrong_pin" | "gone" | "invalid_link" | "relay_unreachable" | "relay_refused";
export type ExportSource = { "kind": "vault" } | { "kind": "selection", selection: Selection, } | { "kind": "received", token: number, };
export type ExportTarget = { source: ExportSource, path: string, };
export type HistoryRow = { password: string, replaced_at: string, };
export type ImportProblem = { line: number, message: string, };
export type ImportRow = { line: number, title: string, username: string, url: string, };
export type ImportSummary = { token: number, format: CsvFormatName, 
/**
 * Entries that would be imported.
 */
total: number, 
/**
 * The first [`IMPORT_PREVIEW_ROWS`] of them.
 */
rows: Array<ImportRow>, problems: Array<ImportProblem>, 
/**
 * Rows that cannot be read and would be skipped (also those not listed in `problems`).
 */
skipped_rows: number, };
export type PassphraseRequest = { words: number, separator: string, capitalize: boolean, include_digit: boolean, };
export type PasswordRequest = { length: number, lowercase: boolean, uppercase: boolean, digits: boolean, symbols: boolean, avoid_ambiguous: boolean, };
export type PickupEvent = { kind: PickupEventKind, at: string, };
export type PickupEventKind = "created" | "emailed" | "email_failed" | "opened" | "wrong_pin" | "destroyed" | "expired" | "deleted" | "revoked" | "used_up";
export type PickupInfo = { sender_name: string, message: string, expires_at: string, attempts_left: number, views_left: number | null, passphrase_required: boolean, recipient_delete: boolean, };
export type PickupNews = { id: string, recipient_email: string, kind: PickupEventKind, at: string, };
export type PickupProgress = { id: string, state: PickupState, attempts_left: number, views_left: number | null, events: Array<PickupEvent>, };
export type PickupState = "active" | "destroyed" | "expired" | "deleted" | "revoked" | "used_up";
export type PinCheck = { valid: boolean, weak: boolean, message: string, };
export type ReceivedSummary = { token: number, sender_name: string, message: string, total: number, rows: Array<ImportRow>, };
export type RelayInfo = { url: string, 
/**
 * The app's own relay on 127.0.0.1 (no relay address in Settings).
 */
built_in: boolean, 
/**
 * Where the built-in relay writes emails, as `.eml` files.
 */
outbox: string | null, };
export type SearchQuery = { text: string, tag: string | null, favourites_only: boolean, };
export type SearchResult = { generation: number, total: number, };
export type Selection = { "kind": "ids", ids: Array<string>, } | { "kind": "results", generation: number, except: Array<string>, };
export type SendRequest = { selection: Selection, recipient_email: string, sender_name: string, message: string, 
/**
 * The PIN of the one pickup; unused with `one_per_entry`, where each gets a random PIN.
 */
pin: string, one_per_entry: boolean, expires_in_hours: number, max_views: number | null, retrieval_step: boolean, recipient_delete: boolean, passphrase: string | null, include_notes: boolean, };
export type SentCopy = { id: string, link: string, 
/**
 * A complete SVG document.
 */
qr_svg: string, pin: string, recipient_email: string, expires_at: string, emailed: boolean, entry_titles: Array<string>, };
export type SentRow = { id: string, recipient_email: string, entry_titles: Array<string>, 
/**
 * RFC 3339; null for a record without a send time.
 */
sent_at: string | null, expires_at: string, 
/**
 * The relay's last answer kept in the vault, shown until a fresh one arrives.
 */
last_progress: PickupProgress | null, };
export type Settings = { 
/**
 * Lock the vault after this many minutes without activity in the app.
 */
auto_lock_minutes: number, 
/**
 * Clear a copied password from the clipboard after this many seconds.
 */
clipboard_clear_seconds: number, 
/**
 * The relay that carries pickups; empty means the built-in local relay the app starts.
 */
relay_url: string, 
/**
 * The name shown to recipients, remembered from the last send.
 */
sender_name: string, };
export type StrengthReading = { score: number, label: string, bits: number, };
export type TagRow = { tag: string, count: number, };
export type UndoResult = { description: string, entry_count: number, };
export type VaultStatus = { exists: boolean, unlocked: boolean, path: string, };
