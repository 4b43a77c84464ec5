// Every screen of the app UI in Chromium (e2e/app.ts: Rust's commands answered by a table), in a
// small window (960×600) and at 200 % zoom of the default 1280×800 window (a 640×400 CSS pixel
// layout, what WebKitGTK's zoom gives). For each: a screenshot in docs/screenshots, no layout
// fault (nothing wider than the window, dialogs' buttons not under a toast, the entry's Folder
// field inside the editor, dates on one line), and axe-core with no serious or critical violation.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContextOptions, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeCheck, type AxeReport } from './axe.ts'
import { SCREENSHOTS, startHarness, type Harness } from './harness.ts'

const SIZES: { name: string; options: BrowserContextOptions }[] = [
  { name: 'small', options: { viewport: { width: 960, height: 600 } } },
  { name: 'text200', options: { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 } },
]

type Screen = {
  name: string
  vault?: 'new' | 'locked' | 'open'
  /** From the first screen to this one. */
  reach: (page: Page) => Promise<void>
  /** A toast is raised: the dialog's footer buttons must stay clear of it. */
  toastOverDialog?: string
}

const click = (page: Page, testid: string) => page.getByTestId(testid).first().click()

async function openEntry(page: Page) {
  await click(page, 'entry-title')
  await page.getByTestId('entry-editor').waitFor()
  await page.getByTestId('field-folder').waitFor()
}

async function fillSend(page: Page) {
  await openEntry(page)
  await click(page, 'entry-send')
  await page.getByTestId('send-email').fill('ana@example.com')
  await page.getByTestId('send-name').fill('Bo')
}

/** The Inbox's request (after a gap in the sender's numbers), opened. */
async function openRequest(page: Page) {
  await click(page, 'tab-messages')
  await page.getByTestId('inbox-request').click()
  await page.getByTestId('message-request').waitFor()
}

/** Clicks each of `clicks` (by test id) in turn, then waits for `shown`. */
function steps(clicks: string[], shown: string): (page: Page) => Promise<void> {
  return async (page) => {
    for (const testid of clicks) await click(page, testid)
    await page.getByTestId(shown).first().waitFor()
  }
}

const SCREENS: Screen[] = [
  { name: 'create', vault: 'new', reach: steps([], 'create-form') },
  { name: 'unlock', vault: 'locked', reach: steps([], 'unlock-form') },
  { name: 'passwords', reach: steps([], 'entry-title') },
  { name: 'entry', reach: openEntry },
  { name: 'new-entry', reach: steps(['new-entry'], 'field-title') },
  { name: 'send', reach: fillSend, toastOverDialog: 'send-dialog' },
  {
    name: 'send-result',
    reach: async (page) => {
      await fillSend(page)
      await steps(['send-submit'], 'send-result')(page)
    },
    toastOverDialog: 'send-dialog',
  },
  {
    name: 'attach',
    reach: async (page) => {
      await openEntry(page)
      await steps(['entry-send-contact'], 'attach-contact')(page)
    },
    toastOverDialog: 'attach-dialog',
  },
  { name: 'import', reach: steps(['open-import'], 'import-dialog') },
  { name: 'export', reach: steps(['open-export'], 'export-dialog') },
  { name: 'inbox', reach: steps(['tab-messages'], 'inbox-row') },
  { name: 'message', reach: steps(['tab-messages', 'inbox-row'], 'message-view') },
  { name: 'request', reach: openRequest },
  {
    name: 'request-answer',
    reach: async (page) => {
      await openRequest(page)
      await steps(['message-send-entries'], 'attach-entry-option')(page)
    },
    toastOverDialog: 'attach-dialog',
  },
  {
    name: 'request-decline',
    reach: async (page) => {
      await openRequest(page)
      await steps(['message-decline-open'], 'message-decline-dialog')(page)
    },
    toastOverDialog: 'message-decline-dialog',
  },
  {
    name: 'sent',
    reach: async (page) => {
      await steps(['tab-messages', 'messages-sent-tab'], 'sent-message-row')(page)
      await page.getByTestId('sent-row').first().waitFor()
    },
  },
  { name: 'sent-link', reach: steps(['tab-messages', 'messages-sent-tab', 'sent-show'], 'sent-copy-dialog'), toastOverDialog: 'sent-copy-dialog' },
  { name: 'open-link', reach: steps(['tab-messages', 'messages-open-link'], 'receive-link') },
  { name: 'people', reach: steps(['tab-people'], 'contact-row') },
  { name: 'invite', reach: steps(['tab-people', 'people-invite'], 'invite-dialog'), toastOverDialog: 'invite-dialog' },
  { name: 'accept', reach: steps(['tab-people', 'people-accept'], 'accept-dialog'), toastOverDialog: 'accept-dialog' },
  { name: 'contact', reach: steps(['tab-people', 'contact-row'], 'contact-drawer') },
  { name: 'ask-for-password', reach: steps(['tab-people', 'contact-row', 'contact-ask'], 'request-dialog') },
  { name: 'settings', reach: async (page) => { await click(page, 'tab-settings'); await page.getByRole('heading', { name: 'Settings' }).waitFor() } },
]

let harness: Harness
const reports: AxeReport[] = []

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  harness = await startHarness()
})

afterAll(async () => {
  console.log(
    `axe summary (${reports.length} screens): ` +
      `${reports.reduce((sum, report) => sum + report.counts.critical! + report.counts.serious!, 0)} serious or critical, ` +
      `${reports.reduce((sum, report) => sum + report.counts.moderate! + report.counts.minor!, 0)} moderate or minor`,
  )
  await harness?.stop()
})

/** The box of a locator, in CSS pixels of the window. */
async function box(locator: Locator) {
  const found = await locator.boundingBox()
  if (!found) throw new Error(`${locator} is not shown`)
  return found
}

/**
 * Elements whose content is cut off or scrolls sideways (a field running past the edge, a toolbar
 * wider than its pane). Text fields scroll their own text, ellipsis is a choice, and text kept
 * for screen readers only (1 px wide) is hidden on purpose: not counted.
 */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((node) => {
        const style = getComputedStyle(node)
        return (
          !['INPUT', 'TEXTAREA', 'SELECT'].includes(node.tagName) &&
          style.overflowX !== 'visible' &&
          style.textOverflow !== 'ellipsis' &&
          node.clientWidth > 1 &&
          node.scrollWidth > node.clientWidth + 1
        )
      })
      .map((node) => `${node.tagName.toLowerCase()}.${[...node.classList].join('.')} (${node.scrollWidth} > ${node.clientWidth})`),
  )
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

describe.each(SIZES)('every screen, $name', ({ name: size, options }) => {
  it.each(SCREENS)('$name', async (screen) => {
    const context = await harness.browser.newContext({ ...options, locale: 'en-US', timezoneId: 'UTC' })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(String(error)))
    await page.goto(`${harness.url}?vault=${screen.vault ?? 'open'}`)
    await screen.reach(page)

    if (screen.toastOverDialog) {
      const before = await box(page.getByTestId(screen.toastOverDialog))
      await page.evaluate(() => window.keypostHarness.toast('Copied. The clipboard is cleared in 30 seconds.'))
      const toast = await box(page.getByTestId('toast'))
      // A dialog that already clears the toast by the window margin (24 px, Modal.svelte) does
      // not move (a click aimed at it would land elsewhere); a taller one moves up, no more.
      const after = await box(page.getByTestId(screen.toastOverDialog))
      if (before.y + before.height <= toast.y - 24) expect(after.y, 'the dialog moved for a toast').toBe(before.y)
      else expect(after.y + after.height).toBeLessThanOrEqual(toast.y)
      await expect(page.getByTestId('toast').evaluate((node) => node.closest('[aria-live=polite]') !== null)).resolves.toBe(true)
      const buttons = page.getByTestId(screen.toastOverDialog).locator('footer button')
      expect(await buttons.count()).toBeGreaterThan(0)
      for (const button of await buttons.all()) {
        expect(overlaps(toast, await box(button)), `${await button.textContent()} is under the toast`).toBe(false)
      }
    }
    if (screen.name === 'entry') {
      const editor = await box(page.getByTestId('entry-editor'))
      const folder = await box(page.getByTestId('field-folder'))
      expect(folder.x + folder.width).toBeLessThanOrEqual(editor.x + editor.width)
      for (const date of await page.getByTestId('entry-dates').locator('span').all()) {
        const lineHeight = await date.evaluate((node) => parseFloat(getComputedStyle(node).lineHeight))
        expect((await box(date)).height, `${await date.textContent()} wraps`).toBeLessThan(lineHeight * 1.5)
      }
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    expect(await clipped(page)).toEqual([])

    await page.screenshot({ path: join(SCREENSHOTS, `${size}-${screen.name}.png`), scale: 'css' })
    const report = await axeCheck(page, `${size} ${screen.name}`)
    reports.push(report)
    expect(report.blocking).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('keyboard alone', () => {
  async function openApp(): Promise<Page> {
    const context = await harness.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' })
    const page = await context.newPage()
    await page.goto(`${harness.url}?vault=open`)
    await page.getByTestId('entry-title').first().waitFor()
    return page
  }

  const focusedTestid = (page: Page) => page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null)
  const focusInside = (page: Page, testid: string) =>
    page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.contains(document.activeElement) ?? false, testid)

  it('a dialog keeps Tab and Shift+Tab inside, Escape closes it, and focus goes back to its button', async () => {
    const page = await openApp()
    await click(page, 'tab-people')
    await page.getByTestId('people-invite').focus()
    await page.keyboard.press('Enter')
    await page.getByTestId('invite-dialog').waitFor()
    expect(await focusInside(page, 'invite-dialog')).toBe(true)
    for (const key of [...Array(25).fill('Tab'), ...Array(25).fill('Shift+Tab')]) {
      await page.keyboard.press(key)
      expect(await focusInside(page, 'invite-dialog'), `after ${key}`).toBe(true)
    }
    await page.keyboard.press('Escape')
    await page.getByTestId('invite-dialog').waitFor({ state: 'detached' })
    expect(await focusedTestid(page)).toBe('people-invite')
    await page.context().close()
  })

  it('reaches every one of a million entries: End, Home, and the scroll bar dragged halfway', async () => {
    const context = await harness.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' })
    const page = await context.newPage()
    await page.goto(`${harness.url}?vault=open&entries=1000000`)
    // Row n (but the first) is titled "Service account n"; a star follows a favourite's title.
    const row = (n: number) => page.getByTestId('entry-row').filter({ hasText: new RegExp(`Service account ${n}\\b`) })
    const list = page.getByTestId('entry-list')
    await page.getByTestId('entry-title').first().waitFor()
    await list.focus()
    await page.keyboard.press('End')
    await row(999_999).waitFor()
    const last = await box(row(999_999))
    const view = await box(list)
    expect(last.y + last.height).toBeLessThanOrEqual(view.y + view.height + 1)
    await page.keyboard.press('ArrowUp')
    await row(999_998).waitFor()
    await list.evaluate((node) => (node.scrollTop = (node.scrollHeight - node.clientHeight) / 2))
    await row(500_000).waitFor()
    await page.keyboard.press('Home')
    await page.getByTestId('entry-row').filter({ hasText: 'Office router' }).waitFor()
    await context.close()
  })

  it('shows and obeys the shortcuts: Ctrl+F search, Ctrl+N new entry, Ctrl+L lock', async () => {
    const page = await openApp()
    await expect(page.getByTestId('search').getAttribute('placeholder')).resolves.toContain('Ctrl+F')
    await expect(page.getByTestId('new-entry').getAttribute('title')).resolves.toBe('New entry (Ctrl+N)')
    await expect(page.getByTestId('lock').getAttribute('title')).resolves.toBe('Lock (Ctrl+L)')
    await page.getByTestId('tab-passwords').focus()
    await page.keyboard.press('Control+f')
    expect(await focusedTestid(page)).toBe('search')
    await page.keyboard.press('Control+n')
    await page.getByTestId('field-title').waitFor()
    await page.keyboard.press('Control+l')
    await page.getByTestId('unlock-form').waitFor()
    await page.context().close()
  })
})
