// The pickup being received, kept while the app is unlocked so that switching tabs does not
// lose entries that the relay may already have used up. Cleared when the vault locks.
import type { ReceivedSummary } from '../../lib/bindings'

export const received = $state({
  link: '',
  summary: null as ReceivedSummary | null,
  /** How many entries were saved into the vault from `summary` (0: not saved yet). */
  saved: 0,
})

export function forgetReceived(): void {
  received.link = ''
  received.summary = null
  received.saved = 0
}
