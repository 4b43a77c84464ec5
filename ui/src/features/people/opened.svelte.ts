// A `keypost://invite` link that opened the app (the single-instance hand-over), waiting for
// People to show it in "Accept an invite…". Cleared when the vault locks.
export const openedInvite = $state({ link: null as string | null })
