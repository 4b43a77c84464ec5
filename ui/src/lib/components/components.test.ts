import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import type { EntryRow } from '../bindings'
import { session } from '../session.svelte'
import CreateVault from './CreateVault.svelte'
import EntryList from './EntryList.svelte'
import Unlock from './Unlock.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  session.phase = 'loading'
})

describe('Unlock', () => {
  it('says the password is wrong, then unlocks with the right one', async () => {
    const tried: string[] = []
    mockIPC((command, args) => {
      if (command !== 'unlock') throw new Error(`unexpected ${command}`)
      const password = (args as { password: string }).password
      tried.push(password)
      if (password !== 'right horse battery') {
        throw { code: 'wrong_password', message: 'Wrong master password' }
      }
    })
    session.phase = 'locked'
    render(Unlock)
    const input = screen.getByTestId('unlock-password') as HTMLInputElement
    await fireEvent.input(input, { target: { value: 'nope' } })
    await fireEvent.click(screen.getByTestId('unlock-submit'))
    await screen.findByTestId('unlock-error')
    expect(screen.getByTestId('unlock-error').textContent).toContain('Wrong master password')
    expect(session.phase).toBe('locked')

    await fireEvent.input(input, { target: { value: 'right horse battery' } })
    await fireEvent.click(screen.getByTestId('unlock-submit'))
    await waitFor(() => expect(session.phase).toBe('unlocked'))
    expect(tried).toEqual(['nope', 'right horse battery'])
  })

  it('shows the caps-lock hint', async () => {
    mockIPC(() => undefined)
    render(Unlock)
    const input = screen.getByTestId('unlock-password')
    await fireEvent.keyDown(input, { key: 'A', modifierCapsLock: true })
    expect(screen.queryByTestId('unlock-password-capslock')).not.toBeNull()
  })
})

describe('CreateVault', () => {
  it('rates the password through Rust and needs a matching confirmation', async () => {
    mockIPC((command, args) => {
      if (command === 'estimate_strength') {
        const length = (args as { password: string }).password.length
        return { score: length > 12 ? 4 : 1, label: length > 12 ? 'Very strong' : 'Weak', bits: length * 4 }
      }
      if (command === 'create_vault') return undefined
      throw new Error(`unexpected ${command}`)
    })
    render(CreateVault)
    const submit = screen.getByTestId('create-submit') as HTMLButtonElement
    await fireEvent.input(screen.getByTestId('create-password'), {
      target: { value: 'correct horse battery staple' },
    })
    await waitFor(() => expect(screen.getByTestId('strength-label').textContent).toBe('Very strong'))
    await fireEvent.input(screen.getByTestId('create-confirm'), { target: { value: 'different' } })
    expect(screen.queryByTestId('create-mismatch')).not.toBeNull()
    expect(submit.disabled).toBe(true)
    await fireEvent.input(screen.getByTestId('create-confirm'), {
      target: { value: 'correct horse battery staple' },
    })
    expect(submit.disabled).toBe(false)
    await fireEvent.click(submit)
    await waitFor(() => expect(session.phase).toBe('unlocked'))
  })
})

describe('EntryList', () => {
  it('renders only the rows in view of a 100,000-entry result and fetches one block', async () => {
    const requests: Array<{ start: number; count: number }> = []
    mockIPC((command, args) => {
      if (command !== 'entry_rows') throw new Error(`unexpected ${command}`)
      const { start, count } = args as { start: number; count: number }
      requests.push({ start, count })
      return Array.from({ length: count }, (_, i): EntryRow => ({
        id: `id-${start + i}`,
        title: `Entry ${start + i}`,
        username: 'user',
        url: '',
        tags: [],
        folder: '',
        favourite: false,
      }))
    })
    render(EntryList, {
      generation: 1,
      total: 100_000,
      openId: null,
      bulkMode: false,
      isChecked: () => false,
      onopen: () => {},
      ontoggle: () => {},
    })
    await screen.findAllByTestId('entry-row')
    const rendered = screen.getAllByTestId('entry-row').length
    expect(rendered).toBeGreaterThan(0)
    expect(rendered).toBeLessThan(60)
    expect(requests).toEqual([{ start: 0, count: 100 }])
    expect(screen.getByTestId('entry-list').getAttribute('data-total')).toBe('100000')
  })
})
