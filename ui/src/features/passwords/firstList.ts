// The list as the vault unlocks. Its first rows are asked for the moment the unlock succeeds,
// so Rust reads them while the window builds the Passwords tab instead of after it; the tab
// then asks for the rest of a large vault's list order (a million entries: 0.1–0.3 s).
import { api } from '../../lib/api'
import type { SearchQuery, SearchResult } from '../../lib/bindings'

export const EVERYTHING: SearchQuery = { text: '', tag: null, favourites_only: false }

let pending: Promise<SearchResult> | null = null

/** Starts listing the whole vault; the Passwords tab's first search takes the answer. */
export function startFirstList(): void {
  pending = api.searchEntries(EVERYTHING)
  // A failure is the tab's to show when it takes the answer, not an unhandled rejection.
  pending.catch(() => {})
}

/** The list started at unlock, once: later searches ask Rust again. */
export function takeFirstList(): Promise<SearchResult> | null {
  const taken = pending
  pending = null
  return taken
}

/** Drops an answer nobody took (the vault locked first). */
export function forgetFirstList(): void {
  pending = null
}
