// For tests: a stand-in for Rust's commands (mockIPC) that answers from a table and records
// every call, and a way to unmount the shell while the mocked event plugin is still there.
import { cleanup } from '@testing-library/svelte'
import { mockIPC } from '@tauri-apps/api/mocks'

export type Call = { command: string; args: Record<string, unknown> }
/** An answer, or a function of the arguments; throwing `{code, message}` is a command error. */
export type Answers = Record<string, unknown | ((args: Record<string, unknown>) => unknown)>

export function mockCommands(answers: Answers, options: { events?: boolean } = {}): Call[] {
  const calls: Call[] = []
  mockIPC(
    (command, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>
      if (command.startsWith('plugin:event|')) return undefined
      calls.push({ command, args })
      if (!(command in answers)) throw new Error(`unexpected ${command}`)
      const answer = answers[command]
      return typeof answer === 'function' ? (answer as (args: Record<string, unknown>) => unknown)(args) : answer
    },
    { shouldMockEvents: options.events ?? false },
  )
  return calls
}

/** The arguments of every call of `command`. */
export function argsOf(calls: Call[], command: string): Record<string, unknown>[] {
  return calls.filter((call) => call.command === command).map((call) => call.args)
}

/** Unmounts while the mocked event plugin is still there: listeners are removed async. */
export async function unmountShell(): Promise<void> {
  cleanup()
  await new Promise((resolve) => setTimeout(resolve, 0))
}
