// Messages opened since the list was loaded, and whether a message is new: the vault records
// when it was first opened (`read`), and a message whose entries were saved is not new either.
import { SvelteSet } from 'svelte/reactivity'
import type { InboxMessage } from '../../lib/bindings'

export const openedMessages = new SvelteSet<string>()

export function isNew(message: InboxMessage): boolean {
  return !message.read && !openedMessages.has(message.id) && message.saved_entry_ids.length === 0
}
