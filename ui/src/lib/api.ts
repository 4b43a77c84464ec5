// The UI's way to Rust: the command wrappers and event names generated from the Rust command
// list (bindings.ts), and the helpers for the `{code, message}` errors commands fail with.
import type { CommandError, ErrorCode } from './bindings'

export {
  commands as api,
  CONTACT_CONNECTED_EVENT,
  INBOX_EVENT,
  INVITE_OPENED_EVENT,
  LINK_OPENED_EVENT,
  PICKUP_EVENT,
  TRANSFER_PROGRESS_EVENT,
  VAULT_LOCKED_EVENT,
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
