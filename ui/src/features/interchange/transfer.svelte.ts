// A long import or export as the dialogs show it: Rust reports where it stands
// (TRANSFER_PROGRESS_EVENT) and stops when asked (`cancel_transfer`); a cancelled command fails
// with the code `cancelled` and has written nothing.
import { listen } from '@tauri-apps/api/event'
import { api, errorCode, TRANSFER_PROGRESS_EVENT } from '../../lib/api'
import type { ProgressUpdate } from '../../lib/bindings'

/** What `Transfer.run` returns when the person cancelled. */
export const CANCELLED = Symbol('cancelled')

export class Transfer {
  /** The last report of the running command; null when none runs or none reported yet. */
  progress = $state<ProgressUpdate | null>(null)
  running = $state(false)
  cancelling = $state(false)

  /** Runs `work` (one import or export command), following its progress. */
  async run<T>(work: () => Promise<T>): Promise<T | typeof CANCELLED> {
    this.running = true
    this.cancelling = false
    this.progress = null
    const stop = await listen<ProgressUpdate>(TRANSFER_PROGRESS_EVENT, (event) => {
      if (this.running) this.progress = event.payload
    })
    try {
      return await work()
    } catch (failure) {
      if (errorCode(failure) === 'cancelled') return CANCELLED
      throw failure
    } finally {
      stop()
      this.running = false
      this.cancelling = false
      this.progress = null
    }
  }

  /** Asks Rust to stop the running command; `run` then returns `CANCELLED`. */
  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return
    this.cancelling = true
    await api.cancelTransfer()
  }
}

/** Whole percent done, or null while the total is not known yet. */
export function percentDone(update: ProgressUpdate | null): number | null {
  if (update === null || update.total <= 0) return null
  return Math.min(100, Math.floor((update.done / update.total) * 100))
}

/** "Reading the file: 12.3 of 291.0 MB" or "Writing 10,000 of 100,000 entries". */
export function describeProgress(update: ProgressUpdate | null): string {
  if (update === null) return 'Starting…'
  if (update.stage === 'reading') {
    return `Reading the file: ${megabytes(update.done)} of ${megabytes(update.total)} MB`
  }
  return `Writing ${update.done.toLocaleString()} of ${update.total.toLocaleString()} ${update.total === 1 ? 'entry' : 'entries'}`
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1)
}
