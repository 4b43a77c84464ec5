import { describe, expect, it } from 'vitest'
import type { EntryDetail } from '../../lib/bindings'
import { formFromDetail, inputFromForm, newField, parseTags, sameForm } from './entryform'

const detail: EntryDetail = {
  id: '6f1c1c84-9d3a-4d1e-9b1c-2f7c0e0b6a11',
  title: 'Mail',
  username: 'ada',
  has_password: true,
  has_totp: true,
  urls: ['https://mail.example'],
  notes: 'n',
  tags: ['work', 'email'],
  folder: 'Work',
  custom_fields: [
    { name: 'PIN', value: null, hidden: true, stored: 0 },
    { name: 'Branch', value: 'Main street', hidden: false, stored: 1 },
  ],
  favourite: true,
  created: '2026-11-20T10:00:00Z',
  modified: '2026-11-20T10:00:00Z',
  password_history_count: 0,
}

describe('entry form', () => {
  it('keeps the stored password, TOTP and hidden values out of the form until revealed', () => {
    const form = formFromDetail(detail)
    const input = inputFromForm(form)
    expect(input.password).toBeNull()
    expect(input.totp).toBeNull()
    expect(input.custom_fields[0]).toEqual({ name: 'PIN', value: null, hidden: true, stored: 0 })
  })

  it('sends an empty TOTP for an entry without one', () => {
    expect(inputFromForm(formFromDetail({ ...detail, has_totp: false })).totp).toBe('')
  })

  it('sends tags as a clean list and drops empty URLs and nameless fields', () => {
    const form = formFromDetail(detail)
    form.tags = ' work, , email ,work,new '
    form.urls.push('  ')
    form.customFields.push({ ...newField(), value: 'x' })
    const input = inputFromForm(form)
    expect(input.tags).toEqual(['work', 'email', 'new'])
    expect(input.urls).toEqual(['https://mail.example'])
    expect(input.custom_fields.map((field) => field.name)).toEqual(['PIN', 'Branch'])
  })

  it('notices real changes only', () => {
    const a = formFromDetail(detail)
    const b = formFromDetail(detail)
    b.tags = 'work,email'
    expect(sameForm(a, b)).toBe(true)
    b.username = 'grace'
    expect(sameForm(a, b)).toBe(false)
  })

  it('parses tags without duplicates', () => {
    expect(parseTags('a,b, a ,,c')).toEqual(['a', 'b', 'c'])
  })
})
