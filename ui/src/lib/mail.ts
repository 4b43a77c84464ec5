// The person's own mail program, for what they send themselves: invites and pickup links.

/** A `mailto:` link that opens the mail program with the message written (and the address, if
 * given). */
export function mailtoHref(email: string | null, subject: string, body: string): string {
  return `mailto:${encodeURIComponent(email ?? '')}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`
}
