// Which screen the app is on; the Rust side is the source of truth and this mirrors it.
import type { LockReason } from '../../lib/bindings'

export type Phase = 'loading' | 'create' | 'locked' | 'unlocked'

export const session = $state({
  phase: 'loading' as Phase,
  vaultPath: '',
  /** Why the vault was locked last, shown once on the unlock screen. */
  lockReason: '' as '' | LockReason | 'manual',
})
