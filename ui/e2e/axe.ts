// axe-core (the npm package) run inside a Playwright page, for the app UI's browser tests and the
// pickup page's (crates/keypost-relay/page/e2e imports this file). A screen passes when axe finds
// no serious or critical violation; every result is printed, counted by impact.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AxeResults, Result } from 'axe-core'
import type { Page } from 'playwright-core'

/** Evaluated rather than added as a script tag: the pickup page's CSP allows no inline script. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const BLOCKING = ['serious', 'critical']

export type AxeReport = {
  screen: string
  /** Violations (rules broken) by impact, e.g. `{ serious: 0, moderate: 1 }`. */
  counts: Record<string, number>
  passes: number
  /** "rule: target — help" for each serious or critical violation; must be empty. */
  blocking: string[]
}

declare global {
  interface Window {
    axe?: { run: (context: Document, options: object) => Promise<AxeResults> }
  }
}

export async function axeCheck(page: Page, screen: string): Promise<AxeReport> {
  if (!(await page.evaluate(() => window.axe !== undefined))) {
    await page.evaluate(AXE_SOURCE)
  }
  const results = await page.evaluate(() => window.axe!.run(document, { resultTypes: ['violations'] }))
  const counts: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 }
  for (const violation of results.violations) {
    const impact = violation.impact ?? 'minor'
    counts[impact] = (counts[impact] ?? 0) + 1
  }
  const blocking = results.violations
    .filter((violation: Result) => BLOCKING.includes(violation.impact ?? ''))
    .flatMap((violation: Result) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')} — ${violation.help}`))
  const report = { screen, counts, passes: results.passes.length, blocking }
  const others = results.violations.filter((violation: Result) => !BLOCKING.includes(violation.impact ?? '')).map((violation: Result) => violation.id)
  console.log(
    `axe ${screen}: critical ${counts.critical}, serious ${counts.serious}, moderate ${counts.moderate}, minor ${counts.minor}` +
      (others.length ? ` (${others.join(', ')})` : ''),
  )
  return report
}
