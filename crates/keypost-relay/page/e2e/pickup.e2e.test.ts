/**
 * The pickup page end to end, in Debian's Chromium: a real SMTP server receives the
 * notification, the link from that email is opened, wrong and right PINs are typed, entries
 * checked, CSV files downloaded and compared with `keypost export`, the page printed to PDF.
 * Every request the browser makes is recorded: none may carry the link secret or the PIN.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { axeCheck } from '../../../../ui/e2e/axe';
import { b64urlEncode, deriveKeys, parseLinkSecret } from '../src/crypto/index';
import { Cli, makeTempDir, Relay, removeDir, REPO_DIR, SmtpServer } from './harness';
import { send, type SendOptions, type Sent } from './send';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];
const SCREENSHOTS = join(REPO_DIR, 'docs', 'screenshots');
const PIN = '24680';
const WRONG_PIN = '13579';
const SENDER = 'Ana Sender';
const MESSAGE = 'The office router and the shared mailbox, as promised. Call me for the PIN.';

const ROUTER = {
  title: 'Office router',
  username: 'admin',
  password: '=Tr1cky,"pass"word',
  urls: ['https://192.168.1.1/login', 'http://router.local'],
};
const MAIL = {
  title: 'Mail — Ana',
  username: 'ana@example.com',
  password: 'correct horse battery staple',
  urls: ['https://mail.example.com'],
};

/** Written by hand from features.md and the Rust exporter's rules: the bytes a recipient gets. */
const EXPECTED_BITWARDEN =
  'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n' +
  ',,login,Office router,,,0,"https://192.168.1.1/login,http://router.local",admin,"=Tr1cky,""pass""word",\r\n' +
  ',,login,Mail — Ana,,,0,https://mail.example.com,ana@example.com,correct horse battery staple,\r\n';
const EXPECTED_GENERIC =
  'title,username,password,url,notes,tags,folder,totp\r\n' +
  'Office router,admin,"=Tr1cky,""pass""word","https://192.168.1.1/login\nhttp://router.local",,,,\r\n' +
  'Mail — Ana,ana@example.com,correct horse battery staple,https://mail.example.com,,,,\r\n';
/** Columns that hold ids and times, which differ between the sender's vault and the copy. */
const VOLATILE_COLUMNS: Record<string, number[]> = { keypost: [0, 11, 12], keepassxc: [8, 9], firefox: [5, 6, 7, 8] };
const FORMATS = ['generic', 'keypost', 'bitwarden', 'chrome', 'keepassxc', '1password', 'lastpass', 'firefox'];

let dir: string;
let smtp: SmtpServer;
let relay: Relay;
let cli: Cli;
let browser: Browser;
let entryIds: string[] = [];
let emails = 0;
/** Every secret and PIN used, for the final log check. */
const secrets: string[] = [];

interface Recorded {
  url: string;
  method: string;
  headers: string;
  body: string;
}

function record(page: Page): Recorded[] {
  const requests: Recorded[] = [];
  page.on('request', (request: Request) => {
    requests.push({ url: request.url(), method: request.method(), headers: JSON.stringify(request.headers()), body: request.postData() ?? '' });
  });
  return requests;
}

/** CSP violations and script errors end up here; the page must have none. */
function problems(page: Page): string[] {
  const found: string[] = [];
  page.on('console', (message) => {
    // 4xx answers (a wrong PIN is a 403) are logged by Chromium as "Failed to load resource".
    if (/Content Security Policy|Refused to|Uncaught/i.test(message.text())) {
      found.push(message.text());
    }
  });
  page.on('pageerror', (error) => found.push(String(error)));
  return found;
}

async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'en-US', timezoneId: 'UTC', ...options });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: relay.url });
  return context;
}

async function createPickup(options: Omit<SendOptions, 'relayUrl' | 'ids' | 'to' | 'name' | 'message' | 'pin'> = {}): Promise<Sent & { email: { raw: string; text: string; html: string } }> {
  const sendOptions: SendOptions = { relayUrl: relay.url, ids: entryIds, to: 'someone@example.com', name: SENDER, message: MESSAGE, pin: PIN, ...options };
  const sent = send(cli, sendOptions);
  emails += 1;
  const email = await smtp.message(emails);
  secrets.push(fragmentOf(sent.link));
  return { ...sent, email };
}

function fragmentOf(link: string): string {
  return link.slice(link.indexOf('#') + 1);
}

function pageUrlOf(link: string): string {
  return link.slice(0, link.indexOf('#'));
}

function idOf(link: string): string {
  return pageUrlOf(link).split('/').pop()!;
}

/** The read-only status, with the access key derived from the link (`withAccess`) or without. */
async function status(link: string, withAccess = true): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const access = b64urlEncode(deriveKeys(parseLinkSecret(fragmentOf(link))).accessKey);
  const headers: Record<string, string> = withAccess ? { authorization: `Bearer ${access}` } : {};
  const response = await fetch(`${relay.url}/api/v1/pickups/${idOf(link)}`, { headers });
  return { status: response.status, body: response.ok ? ((await response.json()) as Record<string, unknown>) : null };
}

async function ownerStatus(sent: Sent): Promise<{ state: string; events: { kind: string }[] }> {
  const response = await fetch(`${relay.url}/api/v1/owner/pickups/${idOf(sent.link)}`, { headers: { authorization: `Bearer ${sent.ownerToken}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { state: string; events: { kind: string }[] };
}

/** axe-core over the page in its current state: no serious or critical violation. */
async function accessible(page: Page, state: string): Promise<void> {
  expect((await axeCheck(page, `pickup ${state}`)).blocking).toEqual([]);
}

async function enterPin(page: Page, pin: string): Promise<void> {
  await page.locator('#pin').fill(pin);
  await page.locator('[data-testid=unlock]').click();
}

async function noticeAfterWrongPin(page: Page): Promise<string> {
  const notice = page.locator('[data-testid=notice]');
  await notice.waitFor({ state: 'visible' });
  return (await notice.textContent()) ?? '';
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!;
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        field += '"';
        at++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[at + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      at++;
    } else {
      field += char;
    }
  }
  return rows;
}

function comparable(text: string, format: string): string[] {
  const [header, ...rows] = parseCsv(text);
  const masked = rows.map((row) => row.map((cell, column) => (VOLATILE_COLUMNS[format]?.includes(column) ? '<volatile>' : cell)));
  return [JSON.stringify(header), ...masked.map((row) => JSON.stringify(row)).sort()];
}

async function download(page: Page, format: string): Promise<string> {
  await page.locator('#csv-format').selectOption(format);
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download]').click()]);
  expect(file.suggestedFilename()).toBe(`keypost-pickup-${format}.csv`);
  return readFileSync(await file.path(), 'utf8');
}

function checkNoSecretInRequests(requests: Recorded[], link: string, pin: string): void {
  const secret = fragmentOf(link);
  for (const request of requests) {
    for (const part of [request.url, request.headers, request.body]) {
      expect(part, `${request.method} ${request.url}`).not.toContain(secret);
      expect(part, `${request.method} ${request.url}`).not.toContain(pin);
    }
    expect(request.url.startsWith(`${relay.url}/`) || request.url.startsWith('blob:') || request.url.startsWith('data:'), request.url).toBe(true);
  }
}

beforeAll(async () => {
  dir = makeTempDir('keypost-page-e2e-');
  mkdirSync(join(dir, 'mail'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  smtp = await SmtpServer.start(join(dir, 'mail'));
  relay = await Relay.start(dir, smtp.port);
  cli = new Cli(dir);
  cli.ok(['init', '--kdf-memory', '19', '--kdf-iterations', '2', '--kdf-parallelism', '1']);
  for (const entry of [ROUTER, MAIL]) {
    const args = ['add', '--title', entry.title, '--username', entry.username, '--password', entry.password];
    for (const url of entry.urls) {
      args.push('--url', url);
    }
    entryIds.push(cli.ok(args).trim());
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await smtp?.stop();
  if (dir) {
    removeDir(dir);
  }
});

describe('the pickup page in Chromium', () => {
  let first: Awaited<ReturnType<typeof createPickup>>;

  it('the email carries the link, never the PIN or a password', async () => {
    first = await createPickup();
    const links = [...first.email.text.matchAll(/https?:\/\/\S+\/p\/[A-Za-z0-9_-]+#[A-Za-z0-9_-]+/g)].map((match) => match[0]);
    expect(links).toContain(first.link);
    expect(first.email.html).toContain(first.link);
    for (const part of [first.email.raw, first.email.text, first.email.html]) {
      expect(part).not.toContain(PIN);
      expect(part).not.toContain(ROUTER.password);
      expect(part).not.toContain(MAIL.password);
      expect(part).not.toMatch(/<img[^>]+src="?https?:/i);
    }
    expect(first.email.text).toContain(SENDER);
  });

  it('serves the page with the strict headers and long-cached hashed assets', async () => {
    const response = await fetch(pageUrlOf(first.link));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    const script = /src="(\/p\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const style = /href="(\/p\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(script && style).toBeTruthy();
    const js = await fetch(`${relay.url}${script}`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const css = await fetch(`${relay.url}${style}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${relay.url}/p/assets/missing.js`)).status).toBe(404);
  });

  it('opens the link: fragment removed, wrong PIN says 2 tries left, right PIN shows the entries', async () => {
    const context = await newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const requests = record(page);
    const errors = problems(page);
    await page.goto(first.link);
    await page.locator('[data-state=intro]').waitFor();
    expect(page.url()).toBe(pageUrlOf(first.link));
    expect(await page.evaluate(() => window.location.hash)).toBe('');
    await expect(page.locator('h1').textContent()).resolves.toBe(`${SENDER} sent you passwords`);
    await expect(page.locator('.message').textContent()).resolves.toBe(MESSAGE);
    // Until a person clicks, only reads happen: nothing that could move a counter.
    expect(requests.filter((request) => request.method !== 'GET')).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'pickup-intro.png') });
    await accessible(page, 'intro');

    await page.locator('[data-testid=show]').click();
    await page.locator('[data-state=pin]').waitFor();
    expect(requests.filter((request) => request.method !== 'GET')).toEqual([]);
    await expect(page.locator('#pin').getAttribute('inputmode')).resolves.toBe('numeric');
    await expect(page.locator('#pin').getAttribute('autocomplete')).resolves.toBe('off');
    await page.screenshot({ path: join(SCREENSHOTS, 'pickup-pin.png') });
    await accessible(page, 'pin');

    await enterPin(page, WRONG_PIN);
    expect(await noticeAfterWrongPin(page)).toContain('Wrong PIN — 2 tries left');
    await expect(page.locator('[data-testid=tries]').textContent()).resolves.toBe('PIN: 2 tries left');
    await accessible(page, 'wrong PIN');
    // Screen readers hear the tries left: the notice is an alert, the facts a polite live region.
    await expect(page.locator('[data-testid=notice]').getAttribute('role')).resolves.toBe('alert');
    await expect(page.locator('[data-testid=tries]').evaluate((node) => node.closest('[aria-live=polite]') !== null)).resolves.toBe(true);

    await enterPin(page, PIN);
    await page.locator('[data-state=opened]').waitFor();
    const cards = page.locator('[data-testid=entry]');
    await expect(cards.count()).resolves.toBe(2);
    for (const [index, entry] of [ROUTER, MAIL].entries()) {
      const card = cards.nth(index);
      await expect(card.locator('h2').textContent()).resolves.toBe(entry.title);
      await expect(card.locator('[data-field=Username]').textContent()).resolves.toBe(entry.username);
      const password = card.locator('[data-field=Password]');
      await expect(password.isVisible()).resolves.toBe(false);
      await card.getByRole('button', { name: 'Show password' }).click();
      await expect(password.isVisible()).resolves.toBe(true);
      await expect(password.textContent()).resolves.toBe(entry.password);
      const urls = await card.locator('a.value').allTextContents();
      expect(urls).toEqual(entry.urls);
    }
    await cards.nth(0).getByRole('button', { name: 'Copy password' }).click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(ROUTER.password);
    await cards.nth(1).getByRole('button', { name: 'Hide password' }).click();
    await expect(page.locator('[data-testid=open-in-keypost]').getAttribute('href')).resolves.toBe(first.deepLink);
    await page.screenshot({ path: join(SCREENSHOTS, 'pickup-opened.png'), fullPage: true });
    await accessible(page, 'opened');

    expect(await download(page, 'bitwarden')).toBe(EXPECTED_BITWARDEN);
    expect(await download(page, 'generic')).toBe(EXPECTED_GENERIC);
    // The page's CSV of each format against the Rust exporter's (`keypost export`) of the
    // same entries in the sender's vault: equal but for ids and times.
    for (const format of FORMATS) {
      const fromPage = await download(page, format);
      const exported = join(dir, `export-${format}.csv`);
      cli.ok(['export', '--format', format, '--output', exported, ...entryIds]);
      expect(comparable(fromPage, format), format).toEqual(comparable(readFileSync(exported, 'utf8'), format));
    }

    const pdf = join(dir, 'pickup.pdf');
    await page.pdf({ path: pdf, format: 'A4' });
    expect(statSync(pdf).size).toBeGreaterThan(10_000);
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain(ROUTER.password);
    expect(text).toContain(MAIL.password);
    expect(text).toContain('Confidential');
    expect(text).not.toContain('Download CSV');
    spawnSync('pdftoppm', ['-png', '-r', '60', '-singlefile', pdf, join(SCREENSHOTS, 'pickup-print')]);

    checkNoSecretInRequests(requests, first.link, PIN);
    const opens = requests.filter((request) => request.url.endsWith('/open'));
    expect(opens).toHaveLength(2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('three wrong PINs destroy the copy; a reload asks for the link, which shows the gone message', async () => {
    const sent = await createPickup({ retrievalStep: false });
    const context = await newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    const requests = record(page);
    const errors = problems(page);
    await page.goto(sent.link);
    await page.locator('[data-state=pin]').waitFor();
    await enterPin(page, WRONG_PIN);
    expect(await noticeAfterWrongPin(page)).toContain('Wrong PIN — 2 tries left');
    await enterPin(page, '11111');
    expect(await noticeAfterWrongPin(page)).toContain('Wrong PIN — 1 try left');
    await enterPin(page, '22222');
    await page.locator('[data-state=destroyed]').waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('This copy has been destroyed');
    await page.screenshot({ path: join(SCREENSHOTS, 'pickup-destroyed.png') });
    await accessible(page, 'destroyed');
    expect((await ownerStatus(sent)).state).toBe('destroyed');
    expect((await status(sent.link)).status).toBe(404);

    // The reload has no fragment, so no access key: the page asks for the link and asks the
    // relay nothing.
    const beforeReload = requests.length;
    await page.reload();
    await page.locator('[data-state=bad_link]').waitFor();
    expect(requests.slice(beforeReload).filter((request) => request.url.includes('/api/'))).toEqual([]);
    // From the same page, only the fragment would change (no new load): open it afresh.
    await page.goto('about:blank');
    await page.goto(sent.link);
    await page.locator('[data-state=gone]').waitFor();
    await expect(page.locator('h1').textContent()).resolves.toBe('This link has expired, was used up, or was destroyed');
    await page.screenshot({ path: join(SCREENSHOTS, 'pickup-gone.png') });
    await accessible(page, 'gone');
    checkNoSecretInRequests(requests, sent.link, PIN);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a link scanner (a plain GET, or a browser rendering the page) moves no counter', async () => {
    const sent = await createPickup({ views: 2 });
    const before = await status(sent.link);
    expect(before.body).toMatchObject({ attempts_left: 3, views_left: 2, retrieval_step: true });
    // Without the access key the id alone (the page path) reads nothing.
    expect(await status(sent.link, false)).toEqual({ status: 404, body: null });
    for (let round = 0; round < 20; round++) {
      const page = await fetch(pageUrlOf(sent.link), { headers: { 'user-agent': 'Mozilla/5.0 (link scanner)' } });
      expect(page.status).toBe(200);
      await page.text();
    }
    const context = await newContext();
    const preview = await context.newPage();
    await preview.goto(sent.link);
    await preview.locator('[data-state=intro]').waitFor();
    await context.close();
    expect(await status(sent.link)).toEqual(before);
    expect((await ownerStatus(sent)).events.map((event) => event.kind)).not.toContain('opened');
  });

  it('on a phone: readable, and "Delete now" deletes the copy from the relay', async () => {
    const sent = await createPickup({ views: 3 });
    const context = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const requests = record(page);
    await page.goto(sent.link);
    await page.locator('[data-testid=show]').click();
    await enterPin(page, PIN);
    await page.locator('[data-state=opened]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'pickup-phone.png') });
    await accessible(page, 'opened on a phone');
    await page.locator('[data-testid=delete]').click();
    await accessible(page, 'confirm delete');
    await page.locator('[data-testid=confirm-delete]').click();
    await page.locator('[data-testid=life]').filter({ hasText: 'You deleted the copy' }).waitFor();
    await accessible(page, 'deleted');
    expect((await status(sent.link)).status).toBe(404);
    expect((await ownerStatus(sent)).state).toBe('deleted');
    checkNoSecretInRequests(requests, sent.link, PIN);
    await context.close();
  });

  it('a damaged link says so and makes no request with it', async () => {
    const sent = await createPickup();
    const context = await newContext();
    const page = await context.newPage();
    const requests = record(page);
    await page.goto(`${sent.link.slice(0, -3)}AAA`);
    await page.locator('[data-state=bad_link]').waitFor();
    await accessible(page, 'damaged link');
    expect(requests.filter((request) => request.url.includes('/api/'))).toEqual([]);
    await context.close();
  });

  it('with a passphrase: a wrong one is retried on the copy already fetched, using no second view', async () => {
    const passphrase = 'river-33-gorgeous';
    const sent = await createPickup({ retrievalStep: false, passphrase, views: 2 });
    const context = await newContext();
    const page = await context.newPage();
    const requests = record(page);
    const errors = problems(page);
    await page.goto(sent.link);
    await page.locator('[data-state=pin]').waitFor();
    await page.locator('#pin').fill(PIN);
    await page.locator('#passphrase').fill('wrong passphrase');
    await page.locator('[data-testid=unlock]').click();
    expect(await noticeAfterWrongPin(page)).toContain('the passphrase is not');
    await accessible(page, 'wrong passphrase');
    await page.locator('#passphrase').fill(passphrase);
    await page.locator('[data-testid=unlock]').click();
    await page.locator('[data-state=opened]').waitFor({ timeout: 60_000 });
    expect(requests.filter((request) => request.url.endsWith('/open'))).toHaveLength(1);
    expect((await status(sent.link)).body).toMatchObject({ views_left: 1, attempts_left: 3 });
    checkNoSecretInRequests(requests, sent.link, PIN);
    for (const request of requests) {
      expect(request.body).not.toContain(passphrase);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the relay logs hold no link secret and no PIN', () => {
    const logs = relay.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toContain(PIN);
  });
});
