// A dialog's one action at a time: `busy` while it runs (a second click does nothing), and
// `error` says why the last one failed.
import { errorMessage } from './api'

export class Action {
  busy = $state(false)
  error = $state('')

  async run(work: () => Promise<void>): Promise<void> {
    if (this.busy) return
    this.busy = true
    this.error = ''
    try {
      await work()
    } catch (failure) {
      this.error = errorMessage(failure)
    } finally {
      this.busy = false
    }
  }
}
