// Copying through Rust, which clears the clipboard after the time set in Settings; a toast
// says what was copied and when it goes.
import { api, errorMessage } from './api'
import type { CopyReceipt } from './bindings'
import { showToast } from './toasts.svelte'

/** Runs `copy` (a Rust copy command) and says "`what` copied…" or why it failed. */
export async function copyWith(what: string, copy: () => Promise<CopyReceipt>): Promise<void> {
  try {
    const receipt = await copy()
    showToast(`${what} copied. The clipboard is cleared in ${receipt.clear_after_seconds} s.`)
  } catch (failure) {
    showToast(errorMessage(failure), { tone: 'error' })
  }
}

/** Copies `text`, shown to the person already (a link, a PIN, words). */
export function copyText(what: string, text: string): Promise<void> {
  return copyWith(what, () => api.copyText(text))
}
