// Typed wrappers over the Rust commands: the only place the UI calls `invoke`.
import { invoke } from '@tauri-apps/api/core'
import type {
  BulkAction,
  BulkSummary,
  ChosenFile,
  CommandError,
  CopyReceipt,
  CsvFormatName,
  EntryDetail,
  EntryInput,
  EntryRow,
  ErrorCode,
  ExportTarget,
  HistoryRow,
  ImportSummary,
  PassphraseRequest,
  PasswordRequest,
  PickupInfo,
  PickupProgress,
  PinCheck,
  ReceivedSummary,
  RelayInfo,
  SearchQuery,
  SearchResult,
  Selection,
  SendRequest,
  SentCopy,
  SentRow,
  Settings,
  StrengthReading,
  TagRow,
  UndoResult,
  VaultStatus,
} from './bindings'

export function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CommandError).code === 'string' &&
    typeof (value as CommandError).message === 'string'
  )
}

/** The code of a failed command, or `internal` for anything that did not come from Rust. */
export function errorCode(error: unknown): ErrorCode {
  return isCommandError(error) ? error.code : 'internal'
}

export function errorMessage(error: unknown): string {
  if (isCommandError(error)) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}

export const api = {
  vaultStatus: () => invoke<VaultStatus>('vault_status'),
  createVault: (password: string) => invoke<void>('create_vault', { password }),
  unlock: (password: string) => invoke<void>('unlock', { password }),
  lock: () => invoke<void>('lock'),
  touch: () => invoke<void>('touch'),
  estimateStrength: (password: string) => invoke<StrengthReading>('estimate_strength', { password }),

  search: (query: SearchQuery) => invoke<SearchResult>('search_entries', { query }),
  rows: (generation: number, start: number, count: number) =>
    invoke<EntryRow[]>('entry_rows', { generation, start, count }),
  tags: () => invoke<TagRow[]>('list_tags'),
  getEntry: (id: string) => invoke<EntryDetail>('get_entry', { id }),
  addEntry: (entry: EntryInput) => invoke<EntryDetail>('add_entry', { entry }),
  updateEntry: (id: string, entry: EntryInput) =>
    invoke<EntryDetail>('update_entry', { id, entry }),
  revealPassword: (id: string) => invoke<string>('reveal_password', { id }),
  copyPassword: (id: string) => invoke<CopyReceipt>('copy_password', { id }),
  passwordHistory: (id: string) => invoke<HistoryRow[]>('password_history', { id }),
  generatePassword: (request: PasswordRequest) => invoke<string>('generate_password', { request }),
  generatePassphrase: (request: PassphraseRequest) =>
    invoke<string>('generate_passphrase', { request }),

  previewBulkEdit: (selection: Selection, action: BulkAction) =>
    invoke<BulkSummary>('preview_bulk_edit', { selection, action }),
  bulkEdit: (selection: Selection, action: BulkAction) =>
    invoke<BulkSummary>('bulk_edit', { selection, action }),
  undo: () => invoke<UndoResult | null>('undo'),

  chooseImportFile: () => invoke<ChosenFile>('choose_import_file'),
  chooseExportFile: (suggestedName: string) =>
    invoke<ChosenFile>('choose_export_file', { suggestedName }),
  previewImport: (path: string, format: CsvFormatName | null) =>
    invoke<ImportSummary>('preview_import', { path, format }),
  acceptImport: (token: number) => invoke<number>('accept_import', { token }),
  exportCsv: (target: ExportTarget, format: CsvFormatName) =>
    invoke<number>('export_csv', { target, format }),
  exportPdf: (target: ExportTarget) => invoke<number>('export_pdf', { target }),

  getSettings: () => invoke<Settings>('get_settings'),
  saveSettings: (settings: Settings) => invoke<void>('save_settings', { settings }),

  // Send to any email: a pickup on the relay, opened with a PIN told separately.
  proposePin: () => invoke<string>('propose_pin'),
  checkPin: (pin: string) => invoke<PinCheck>('check_pin', { pin }),
  sendEntries: (request: SendRequest) => invoke<SentCopy[]>('send_entries', { request }),
  sentList: () => invoke<SentRow[]>('sent_list'),
  sentProgress: (id: string) => invoke<PickupProgress>('sent_progress', { id }),
  sentCopy: (id: string) => invoke<SentCopy>('sent_copy', { id }),
  revokeSent: (id: string) => invoke<void>('revoke_sent', { id }),
  pickupInfo: (link: string) => invoke<PickupInfo>('pickup_info', { link }),
  /** Saving the received entries is `acceptImport(token)`; exporting them uses source `received`. */
  receivePickup: (link: string, pin: string, passphrase: string | null) =>
    invoke<ReceivedSummary>('receive_pickup', { link, pin, passphrase }),
  copyText: (text: string) => invoke<CopyReceipt>('copy_text', { text }),
  relayInfo: () => invoke<RelayInfo>('relay_info'),
  /** The `keypost://` link the app was opened with, once (as a web link), or null. */
  takeOpenedLink: () => invoke<string | null>('take_opened_link'),
}

export const VAULT_LOCKED_EVENT = 'vault-locked'
/** Payload: `PickupNews`. Rust emits it when a sent pickup is opened, destroyed, expires, … */
export const PICKUP_EVENT = 'pickup-event'
/** No payload: a pickup link opened the app; `takeOpenedLink` fetches it. */
export const LINK_OPENED_EVENT = 'pickup-link-opened'
