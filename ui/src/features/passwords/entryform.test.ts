import { describe, expect, it } from 'vitest'
import type { EntryDetail } from '../../lib/bindings'
import { formFromDetail, inputFromForm, parseTags, sameForm } from './entryform'

const detail: EntryDetail = {
  id: '6f1c1c84-9d3a-4d1e-9b1c-2f7c0e0b6a11',
  title: 'Mail',
  username: 'ada',
  has_password: true,
  urls: ['https://mail.example'],
  notes: 'n',
  tags: ['work', 'email'],
  folder: 'Work',
  custom_fields: [{ name: 'PIN', value: '1234', hidden: true }],
  totp: '',
  favourite: true,
  created: '2026-11-20T10:00:00Z',
  modified: '2026-11-20T10:00:00Z',
  password_history_count: 0,
}

describe('entry form', () => {
  it('keeps the stored password out of the form until it is revealed', () => {
    const form = formFromDetail(detail)
    expect(form.password).toBeNull()
    expect(inputFromForm(form).password).toBeNull()
  })

  it('sends tags as a clean list and drops empty URLs and nameless fields', () => {
    const form = formFromDetail(detail)
    form.tags = ' work, , email ,work,new '
    form.urls.push('  ')
    form.customFields.push({ name: ' ', value: 'x', hidden: false })
    const input = inputFromForm(form)
    expect(input.tags).toEqual(['work', 'email', 'new'])
    expect(input.urls).toEqual(['https://mail.example'])
    expect(input.custom_fields).toEqual([{ name: 'PIN', value: '1234', hidden: true }])
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
