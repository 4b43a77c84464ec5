// Messages opened since the app started. The vault keeps no read flag: a message counts as
// new until it is opened here or its entries are saved.
import { SvelteSet } from 'svelte/reactivity'
import type { InboxMessage } from '../../lib/bindings'

export const openedMessages = new SvelteSet<string>()

export function isNew(message: InboxMessage): boolean {
  return !openedMessages.has(message.id) && message.saved_entry_ids.length === 0
}
