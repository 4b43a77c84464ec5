import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { clearMocks } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import { afterEach, describe, expect, it } from 'vitest'
import type { ImportSummary, ProgressUpdate } from '../../lib/bindings'
import { TRANSFER_PROGRESS_EVENT } from '../../lib/api'
import { argsOf, mockCommands } from '../../lib/testing'
import { dismissToast, toasts } from '../../lib/toasts.svelte'
import ExportDialog from './ExportDialog.svelte'
import ImportDialog from './ImportDialog.svelte'
import { describeProgress, percentDone } from './transfer.svelte'

afterEach(async () => {
  cleanup()
  await new Promise((resolve) => setTimeout(resolve, 0))
  clearMocks()
  for (const toast of [...toasts]) dismissToast(toast.id)
})

/** A command answer the test settles when it wants. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {}
  let reject: (reason: unknown) => void = () => {}
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { promise, resolve, reject }
}

const CANCELLED_ERROR = { code: 'cancelled', message: 'Cancelled: nothing was written.' }

const summary: ImportSummary = {
  token: 4,
  format: 'chrome',
  total: 100_000,
  rows: [{ line: 2, title: 'Mail', username: 'ada', url: 'https://mail.example' }],
  problems: [],
  skipped_rows: 0,
}

async function report(update: ProgressUpdate) {
  await emit(TRANSFER_PROGRESS_EVENT, update)
}

function bar(): HTMLProgressElement {
  return screen.getByTestId('transfer-bar') as HTMLProgressElement
}

describe('progress text', () => {
  it('says what is read in megabytes and what is written in entries', () => {
    expect(describeProgress(null)).toBe('Starting…')
    expect(describeProgress({ stage: 'reading', done: 12_345_678, total: 291_000_000 })).toBe('Reading the file: 12.3 of 291.0 MB')
    expect(describeProgress({ stage: 'writing', done: 10_000, total: 100_000 })).toBe(`Writing ${(10_000).toLocaleString()} of ${(100_000).toLocaleString()} entries`)
    expect(describeProgress({ stage: 'writing', done: 0, total: 1 })).toBe('Writing 0 of 1 entry')
  })

  it('has no percentage before a total is known and never more than 100', () => {
    expect(percentDone(null)).toBeNull()
    expect(percentDone({ stage: 'writing', done: 0, total: 0 })).toBeNull()
    expect(percentDone({ stage: 'writing', done: 1, total: 3 })).toBe(33)
    expect(percentDone({ stage: 'reading', done: 5, total: 4 })).toBe(100)
  })
})

describe('import dialog', () => {
  it('shows reading progress and cancels the preview without an error', async () => {
    const reading = deferred<ImportSummary>()
    const calls = mockCommands(
      {
        choose_import_file: { path: '/tmp/big.csv' },
        preview_import: () => reading.promise,
        cancel_transfer: null,
      },
      { events: true },
    )
    render(ImportDialog, { onclose: () => {}, onimported: () => {} })
    await fireEvent.click(screen.getByTestId('import-choose'))
    await screen.findByTestId('transfer-progress')
    expect(screen.getByTestId('transfer-text').textContent).toBe('Starting…')
    expect(bar().hasAttribute('value')).toBe(false)

    await report({ stage: 'reading', done: 5_000_000, total: 10_000_000 })
    await waitFor(() => expect(screen.getByTestId('transfer-text').textContent).toBe('Reading the file: 5.0 of 10.0 MB'))
    expect(bar().value).toBe(50)
    expect((screen.getByTestId('import-accept') as HTMLButtonElement).disabled).toBe(true)

    await fireEvent.click(screen.getByTestId('import-cancel'))
    expect(argsOf(calls, 'cancel_transfer')).toHaveLength(1)
    await waitFor(() => expect(screen.getByTestId('transfer-text').textContent).toBe('Cancelling…'))
    expect((screen.getByTestId('import-cancel') as HTMLButtonElement).disabled).toBe(true)

    reading.reject(CANCELLED_ERROR)
    expect((await screen.findByTestId('import-notice')).textContent).toBe('Reading the file was cancelled.')
    expect(screen.queryByTestId('transfer-progress')).toBeNull()
    expect(screen.queryByTestId('import-error')).toBeNull()
    expect(screen.queryByTestId('import-summary')).toBeNull()
  })

  it('shows writing progress, and a cancelled import keeps the preview to import again', async () => {
    const first = deferred<number>()
    let accepts = 0
    const imported: string[] = []
    const calls = mockCommands(
      {
        choose_import_file: { path: '/tmp/big.csv' },
        preview_import: summary,
        accept_import: () => (++accepts === 1 ? first.promise : 100_000),
        cancel_transfer: null,
      },
      { events: true },
    )
    render(ImportDialog, { onclose: () => imported.push('closed'), onimported: () => imported.push('imported') })
    await fireEvent.click(screen.getByTestId('import-choose'))
    await screen.findByTestId('import-summary')
    const accept = screen.getByTestId('import-accept') as HTMLButtonElement
    await waitFor(() => expect(accept.disabled).toBe(false))

    await fireEvent.click(accept)
    await screen.findByTestId('transfer-progress')
    await report({ stage: 'writing', done: 25_000, total: 100_000 })
    await waitFor(() => expect(bar().value).toBe(25))
    await fireEvent.click(screen.getByTestId('import-cancel'))
    first.reject(CANCELLED_ERROR)
    expect((await screen.findByTestId('import-notice')).textContent).toBe('Import cancelled: nothing was imported.')
    expect(screen.queryByTestId('import-error')).toBeNull()
    expect(imported).toEqual([])

    // The same preview is accepted again, now to the end.
    await waitFor(() => expect(accept.disabled).toBe(false))
    await fireEvent.click(accept)
    await waitFor(() => expect(imported).toEqual(['imported', 'closed']))
    expect(argsOf(calls, 'accept_import')).toEqual([{ token: 4 }, { token: 4 }])
    expect(argsOf(calls, 'cancel_transfer')).toHaveLength(1)
    expect(toasts.map((toast) => toast.text)).toContain(`Imported ${(100_000).toLocaleString()} entries.`)
  })

  it('closes with its cancel button when nothing runs', async () => {
    const calls = mockCommands({}, { events: true })
    let closed = false
    render(ImportDialog, { onclose: () => (closed = true), onimported: () => {} })
    await fireEvent.click(screen.getByTestId('import-cancel'))
    expect(closed).toBe(true)
    expect(calls).toEqual([])
  })
})

describe('export dialog', () => {
  const scopes = [{ id: 'vault', label: 'All entries', source: () => ({ kind: 'vault' as const }) }]

  it('shows progress, and a cancelled export says no file was written and stays open', async () => {
    const writing = deferred<number>()
    let closed = false
    const calls = mockCommands(
      {
        choose_export_file: { path: '/tmp/all.csv' },
        export_csv: () => writing.promise,
        cancel_transfer: null,
      },
      { events: true },
    )
    render(ExportDialog, { scopes, onclose: () => (closed = true) })
    await fireEvent.click(screen.getByTestId('export-run'))
    await screen.findByTestId('transfer-progress')
    await report({ stage: 'writing', done: 3_000, total: 4_000 })
    await waitFor(() => expect(screen.getByTestId('transfer-text').textContent).toBe(`Writing ${(3_000).toLocaleString()} of ${(4_000).toLocaleString()} entries`))
    expect(bar().value).toBe(75)

    // Escape, like the cancel button, stops the export rather than closing over it.
    await fireEvent.keyDown(screen.getByTestId('export-dialog'), { key: 'Escape' })
    expect(argsOf(calls, 'cancel_transfer')).toHaveLength(1)
    expect(closed).toBe(false)
    writing.reject(CANCELLED_ERROR)
    expect((await screen.findByTestId('export-notice')).textContent).toBe('Export cancelled: no file was written.')
    expect(screen.queryByTestId('transfer-progress')).toBeNull()
    expect(screen.queryByTestId('export-error')).toBeNull()
    expect(argsOf(calls, 'export_csv')).toEqual([{ target: { source: { kind: 'vault' }, path: '/tmp/all.csv' }, format: 'generic' }])
  })

  it('reports a finished export and closes', async () => {
    let closed = false
    mockCommands({ choose_export_file: { path: '/tmp/all.csv' }, export_csv: 2 }, { events: true })
    render(ExportDialog, { scopes, onclose: () => (closed = true) })
    await fireEvent.click(screen.getByTestId('export-run'))
    await waitFor(() => expect(closed).toBe(true))
    expect(toasts.map((toast) => toast.text)).toContain('Exported 2 entries to /tmp/all.csv')
    expect(screen.queryByTestId('export-notice')).toBeNull()
  })
})
