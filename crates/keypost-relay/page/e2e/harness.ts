/**
 * The real parts the browser test runs against, started and stopped by the test itself:
 * an SMTP server (Debian's python3-aiosmtpd, saving each message), the relay binary on a free
 * loopback port with a temporary SQLite database, and the `keypost` CLI with a temporary vault.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = dirname(fileURLToPath(import.meta.url));
export const PAGE_DIR = resolve(E2E_DIR, '..');
export const REPO_DIR = resolve(PAGE_DIR, '../../..');
/** Debian's interpreter: python3-aiosmtpd is installed for it, not for other Pythons on PATH. */
const SYSTEM_PYTHON = '/usr/bin/python3';
/** The SMTP server script the relay's own mail tests use too. */
const SMTP_SINK = resolve(PAGE_DIR, '../tests/fixtures/smtp_sink.py');

function targetDir(): string {
  return process.env.CARGO_TARGET_DIR ?? join(REPO_DIR, 'target');
}

export const RELAY_BIN = process.env.KEYPOST_RELAY_BIN ?? join(targetDir(), 'debug', 'keypost-relay');
export const KEYPOST_BIN = process.env.KEYPOST_BIN ?? join(targetDir(), 'debug', 'keypost');

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(50);
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      answer(true);
    });
    socket.once('error', () => answer(false));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** The SMTP server: message n is saved as n.eml, with its bodies decoded as n.txt and n.html. */
export class SmtpServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly folder: string,
  ) {}

  static async start(folder: string): Promise<SmtpServer> {
    const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import aiosmtpd']);
    if (probe.status !== 0) {
      throw new Error('python3-aiosmtpd is missing: run `scripts/dev setup` (Debian package python3-aiosmtpd)');
    }
    const port = await freePort();
    const child = spawn(SYSTEM_PYTHON, [SMTP_SINK, String(port), folder], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    await waitFor(`the SMTP server on port ${port}${errors ? `: ${errors}` : ''}`, async () =>
      child.exitCode !== null ? Promise.reject(new Error(`aiosmtpd exited: ${errors}`)) : (await portOpen(port)) || undefined,
    );
    return new SmtpServer(child, port, folder);
  }

  /** Waits for message `n` (1-based) and returns its raw text and decoded bodies. */
  async message(n: number): Promise<{ raw: string; text: string; html: string }> {
    const raw = join(this.folder, `${n}.eml`);
    await waitFor(`email ${n}`, () => (existsSync(raw) ? true : undefined));
    return {
      raw: readFileSync(raw, 'utf8'),
      text: readFileSync(join(this.folder, `${n}.txt`), 'utf8'),
      html: readFileSync(join(this.folder, `${n}.html`), 'utf8'),
    };
  }

  stop(): Promise<void> {
    return stop(this.child);
  }
}

/** The relay binary on 127.0.0.1:0; its stderr (the logs) goes to `logFile`. */
export class Relay {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly logFile: string,
  ) {}

  static async start(dir: string, smtpPort: number): Promise<Relay> {
    if (!existsSync(RELAY_BIN)) {
      throw new Error(`no relay binary at ${RELAY_BIN}: build it (cargo build -p keypost-relay) or set KEYPOST_RELAY_BIN`);
    }
    const logFile = join(dir, 'relay.log');
    const child = spawn(
      RELAY_BIN,
      [
        '--listen', '127.0.0.1:0',
        '--database', `sqlite://${join(dir, 'relay.db')}?mode=rwc`,
        '--outbox', join(dir, 'outbox'),
        '--smtp-host', '127.0.0.1',
        '--smtp-port', String(smtpPort),
        '--smtp-tls', 'none',
        '--rate-limit-per-ip', '0',
      ],
      { env: { ...process.env, RUST_LOG: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr?.pipe(createWriteStream(logFile));
    const lines = createInterface({ input: child.stdout! });
    const url = await new Promise<string>((found, fail) => {
      const timer = setTimeout(() => fail(new Error('the relay did not start within 20 s')), 20_000);
      child.once('exit', (code) => fail(new Error(`the relay exited with ${code}; see ${logFile}`)));
      lines.on('line', (line) => {
        const match = /listening on (http:\/\/\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          found(match[1]!);
        }
      });
    });
    return new Relay(child, url, logFile);
  }

  logs(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  stop(): Promise<void> {
    return stop(this.child);
  }
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The `keypost` CLI on a temporary vault (fast KDF settings: tests only). */
export class Cli {
  readonly vault: string;

  constructor(dir: string) {
    if (!existsSync(KEYPOST_BIN)) {
      throw new Error(`no keypost binary at ${KEYPOST_BIN}: build it (cargo build -p keypost-cli) or set KEYPOST_BIN`);
    }
    this.vault = join(dir, 'vault.keypost');
  }

  run(args: string[], env: Record<string, string> = {}): CliResult {
    const result = spawnSync(KEYPOST_BIN, args, {
      env: { ...process.env, KEYPOST_VAULT: this.vault, KEYPOST_PASSWORD: 'e2e master password', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs and fails with the CLI's own message unless it succeeds. */
  ok(args: string[], env: Record<string, string> = {}): string {
    const result = this.run(args, env);
    if (result.status !== 0) {
      throw new Error(`keypost ${args[0]} failed (${result.status}): ${result.stderr}`);
    }
    return result.stdout;
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
