// The entry window's form state and its conversion to the command payload.
import type { EntryDetail, EntryInput, WindowField } from '../../lib/bindings'

export type EntryForm = {
  title: string
  username: string
  /** `null` while the stored password is untouched (it is then never sent to the UI). */
  password: string | null
  urls: string[]
  notes: string
  tags: string
  folder: string
  /** A hidden field's `value` is `null` until it is revealed (Rust keeps it). */
  customFields: WindowField[]
  /** `null` while a stored TOTP secret is untouched, like the password. */
  totp: string | null
  favourite: boolean
}

export function emptyForm(): EntryForm {
  return {
    title: '',
    username: '',
    password: '',
    urls: [''],
    notes: '',
    tags: '',
    folder: '',
    customFields: [],
    totp: '',
    favourite: false,
  }
}

export function formFromDetail(detail: EntryDetail): EntryForm {
  return {
    title: detail.title,
    username: detail.username,
    password: null,
    urls: detail.urls.length > 0 ? [...detail.urls] : [''],
    notes: detail.notes,
    tags: detail.tags.join(', '),
    folder: detail.folder,
    customFields: detail.custom_fields.map((field) => ({ ...field })),
    totp: detail.has_totp ? null : '',
    favourite: detail.favourite,
  }
}

/** Tags typed as "a, b , ,c" → ["a", "b", "c"], duplicates dropped, order kept. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>()
  for (const part of text.split(',')) {
    const tag = part.trim()
    if (tag) seen.add(tag)
  }
  return [...seen]
}

export function inputFromForm(form: EntryForm): EntryInput {
  return {
    title: form.title.trim(),
    username: form.username,
    password: form.password,
    urls: form.urls.map((url) => url.trim()).filter((url) => url.length > 0),
    notes: form.notes,
    tags: parseTags(form.tags),
    folder: form.folder.trim(),
    custom_fields: form.customFields
      .filter((field) => field.name.trim().length > 0)
      .map((field) => ({ name: field.name.trim(), value: field.value, hidden: field.hidden, stored: field.stored })),
    totp: form.totp === null ? null : form.totp.trim(),
    favourite: form.favourite,
  }
}

/** A new custom field, not in the saved entry yet. */
export function newField(): WindowField {
  return { name: '', value: '', hidden: false, stored: null }
}

/** Whether two forms would save the same entry. */
export function sameForm(a: EntryForm, b: EntryForm): boolean {
  return JSON.stringify(inputFromForm(a)) === JSON.stringify(inputFromForm(b))
}
