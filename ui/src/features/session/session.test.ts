import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import { session } from './session.svelte'
import CreateVault from './CreateVault.svelte'
import Unlock from './Unlock.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  session.phase = 'loading'
  session.lockReason = ''
})

describe('Unlock', () => {
  it('says the password is wrong, then unlocks with the right one and starts the list', async () => {
    const tried: string[] = []
    let listed = 0
    mockIPC((command, args) => {
      if (command === 'search_entries') {
        listed += 1
        return { generation: 1, total: 0, complete: true, rows: [] }
      }
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
    expect(listed).toBe(0)

    await fireEvent.input(input, { target: { value: 'right horse battery' } })
    await fireEvent.click(screen.getByTestId('unlock-submit'))
    await waitFor(() => expect(session.phase).toBe('unlocked'))
    expect(tried).toEqual(['nope', 'right horse battery'])
    expect(listed).toBe(1)
  })

  it('says why Rust locked the vault, and nothing after a lock by hand', async () => {
    mockIPC(() => undefined)
    session.phase = 'locked'
    const shown: Record<string, string | null> = {}
    for (const reason of ['idle', 'suspend', 'screen_locked', 'manual'] as const) {
      session.lockReason = reason
      render(Unlock)
      shown[reason] = screen.queryByTestId('lock-reason')?.textContent ?? null
      cleanup()
    }
    expect(shown).toEqual({
      idle: 'Locked after a period without activity.',
      suspend: 'Locked because the computer went to sleep.',
      screen_locked: 'Locked because the screen was locked.',
      manual: null,
    })
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
        return { label: length > 12 ? 'very_strong' : 'weak', bits: length * 4 }
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
