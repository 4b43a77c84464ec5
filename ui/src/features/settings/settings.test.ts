import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { afterEach, describe, expect, it } from 'vitest'
import { argsOf, mockCommands } from '../../lib/testing'
import { toasts } from '../../lib/toasts.svelte'
import ChangePassword from './ChangePassword.svelte'

afterEach(() => {
  cleanup()
  clearMocks()
  toasts.splice(0)
})

const CURRENT = 'old horse battery staple'
const NEW = 'new correct horse battery'

/** Rates any 10+ character password "strong", anything shorter "weak". */
const strength = (args: Record<string, unknown>) => {
  const length = (args.password as string).length
  return { label: length >= 10 ? 'strong' : 'weak', bits: length * 4 }
}

async function fill(current: string, password: string, confirmation: string) {
  await fireEvent.input(screen.getByTestId('current-password'), { target: { value: current } })
  await fireEvent.input(screen.getByTestId('new-password'), { target: { value: password } })
  await fireEvent.input(screen.getByTestId('new-confirm'), { target: { value: confirmation } })
  await waitFor(() => expect(screen.getByTestId('strength-label').textContent).not.toBe(' '))
}

const submit = () => screen.getByTestId('change-password-submit') as HTMLButtonElement

describe('Settings → change the master password', () => {
  it('needs the current password, a strong enough new one and the same confirmation', async () => {
    mockCommands({ estimate_strength: strength })
    render(ChangePassword)
    expect(submit().disabled).toBe(true)

    await fill('', NEW, NEW)
    expect(submit().disabled).toBe(true)

    await fill(CURRENT, 'short', 'short')
    expect(screen.getByTestId('strength-label').textContent).toBe('Weak')
    expect(submit().disabled).toBe(true)

    await fill(CURRENT, NEW, 'something else')
    expect(screen.queryByTestId('new-mismatch')).not.toBeNull()
    expect(submit().disabled).toBe(true)

    await fill(CURRENT, CURRENT, CURRENT)
    expect(screen.queryByTestId('new-same')).not.toBeNull()
    expect(submit().disabled).toBe(true)

    await fill(CURRENT, NEW, NEW)
    expect(screen.queryByTestId('new-mismatch')).toBeNull()
    expect(submit().disabled).toBe(false)
  })

  it('shows progress while Rust works, then says it is done and clears the fields', async () => {
    let finish: () => void = () => {}
    const calls = mockCommands({
      estimate_strength: strength,
      change_master_password: () => new Promise<void>((resolve) => (finish = resolve)),
    })
    render(ChangePassword)
    await fill(CURRENT, NEW, NEW)
    await fireEvent.click(submit())

    const progress = await screen.findByTestId('change-password-progress')
    expect(progress.getAttribute('role')).toBe('status')
    expect(submit().disabled).toBe(true)
    expect(submit().textContent).toContain('Changing…')
    expect(argsOf(calls, 'change_master_password')).toEqual([
      { currentPassword: CURRENT, newPassword: NEW },
    ])

    finish()
    await waitFor(() => expect(screen.queryByTestId('change-password-progress')).toBeNull())
    expect(toasts.map((toast) => toast.text)).toEqual([
      'Master password changed. Use the new one from now on.',
    ])
    expect((screen.getByTestId('current-password') as HTMLInputElement).value).toBe('')
    expect((screen.getByTestId('new-password') as HTMLInputElement).value).toBe('')
    expect((screen.getByTestId('new-confirm') as HTMLInputElement).value).toBe('')
    expect(screen.queryByTestId('change-password-error')).toBeNull()
  })

  it('says clearly when the current password is wrong, and keeps what was typed', async () => {
    mockCommands({
      estimate_strength: strength,
      change_master_password: () => {
        throw { code: 'wrong_password', message: 'Wrong master password' }
      },
    })
    render(ChangePassword)
    await fill('not it', NEW, NEW)
    await fireEvent.click(submit())

    const error = await screen.findByTestId('change-password-error')
    expect(error.textContent).toBe('The current master password is wrong. Nothing was changed.')
    expect(error.getAttribute('role')).toBe('alert')
    expect(screen.queryByTestId('change-password-progress')).toBeNull()
    expect((screen.getByTestId('new-password') as HTMLInputElement).value).toBe(NEW)
    expect(submit().disabled).toBe(false)
    expect(toasts).toEqual([])

    await fireEvent.input(screen.getByTestId('current-password'), { target: { value: CURRENT } })
    expect(screen.queryByTestId('change-password-error')).toBeNull()
  })

  it('shows any other failure as Rust words it', async () => {
    mockCommands({
      estimate_strength: strength,
      change_master_password: () => {
        throw { code: 'io', message: 'Cannot write /vault/header: disk full' }
      },
    })
    render(ChangePassword)
    await fill(CURRENT, NEW, NEW)
    await fireEvent.click(submit())
    expect((await screen.findByTestId('change-password-error')).textContent).toBe(
      'Cannot write /vault/header: disk full',
    )
  })
})
