// The app UI for the browser tests: e2e/app.html (the real App, Rust's commands answered by a
// table) built by Vite like the shipped UI, served from 127.0.0.1, opened in Debian's Chromium.
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, extname, join, normalize, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { build } from 'vite'

export const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const SCREENSHOTS = resolve(UI_DIR, '..', 'docs', 'screenshots')

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run']
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
}

export type Harness = { url: string; browser: Browser; stop: () => Promise<void> }

export async function startHarness(): Promise<Harness> {
  const outDir = mkdtempSync(join(tmpdir(), 'keypost-ui-e2e-'))
  await build({
    root: UI_DIR,
    configFile: resolve(UI_DIR, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: resolve(UI_DIR, 'e2e', 'app.html') } },
  })
  const server = createServer((request, response) => {
    const path = normalize(join(outDir, decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)))
    if (!path.startsWith(outDir) || !statSync(path, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path))
  })
  const port = await listen(server)
  // Real scrollbars, as in the app's window: they take room that layouts must leave.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--hide-scrollbars'] })
  return {
    url: `http://127.0.0.1:${port}/e2e/app.html`,
    browser,
    stop: async () => {
      await browser.close()
      await new Promise((done) => server.close(done))
      rmSync(outDir, { recursive: true, force: true })
    },
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      done(typeof address === 'object' && address ? address.port : 0)
    })
  })
}
