// Where the unlocked app is: the tab, the Messages view, and what one screen asks another to
// show (an entry in Passwords after "Show in vault", a contact's messages from People).
export type Tab = 'passwords' | 'messages' | 'people' | 'settings'
/** Inbox and Sent, and "Open a link…" (an email pickup link, inside the Inbox). */
export type MessagesView = 'inbox' | 'sent' | 'link'

export const navigation = $state({
  tab: 'passwords' as Tab,
  messages: 'inbox' as MessagesView,
  /** Show only the messages with this contact (their name in this vault), or all. */
  contact: null as string | null,
  /** The entry Passwords opens when it is shown next. */
  entry: null as string | null,
})

/** Opens the Messages tab on `view`. */
export function showMessages(view: MessagesView, contact: string | null = null): void {
  navigation.messages = view
  navigation.contact = contact
  navigation.tab = 'messages'
}

/** Opens Passwords with the entry `id` in the entry window. */
export function showEntry(id: string): void {
  navigation.entry = id
  navigation.tab = 'passwords'
}

export function resetNavigation(): void {
  navigation.tab = 'passwords'
  navigation.messages = 'inbox'
  navigation.contact = null
  navigation.entry = null
}

export function showPeople(): void {
  navigation.tab = 'people'
}
