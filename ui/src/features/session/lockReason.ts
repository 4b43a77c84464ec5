// How the unlock screen words why Rust locked the vault (the `vault-locked` event's payload).
import type { LockReason } from '../../lib/bindings'

const WORDING: Record<LockReason, string> = {
  idle: 'Locked after a period without activity.',
  suspend: 'Locked because the computer went to sleep.',
  screen_locked: 'Locked because the screen was locked.',
}

export function lockReasonText(reason: LockReason): string {
  return WORDING[reason]
}
