import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import {
  b64urlDecode,
  MAX_SEALED_LEN,
  openSealed,
  parseLink,
  parseLinkSecret,
  PickupError,
} from './index';

function vector(name: string): Record<string, string> {
  const url = new URL(`../../../../../tests/vectors/pickup/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
}

async function code(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return 'ok';
  } catch (error) {
    return error instanceof PickupError ? error.code : String(error);
  }
}

describe('openSealed', () => {
  const plain = vector('open_ok_one_entry');
  const secret = parseLink(plain.link!).secret;

  it('refuses an oversized blob before reading it', async () => {
    const huge = new Uint8Array(MAX_SEALED_LEN + 1);
    expect(await code(() => openSealed(secret, plain.pin!, undefined, huge))).toBe('too_large');
  });

  it('refuses a malformed PIN before any work', async () => {
    const sealed = b64urlDecode(plain.sealed!);
    for (const pin of ['4091', '409177', '4091a', ' 4091']) {
      expect(await code(() => openSealed(secret, pin, undefined, sealed))).toBe('bad_pin');
    }
  });

  it('reports Argon2id progress and refuses an empty passphrase', async () => {
    const withPassphrase = vector('open_ok_passphrase');
    const link = parseLink(withPassphrase.link!);
    const sealed = b64urlDecode(withPassphrase.sealed!);
    expect(await code(() => openSealed(link.secret, withPassphrase.pin!, '', sealed))).toBe('bad_passphrase');
    const progress: number[] = [];
    const payload = await openSealed(link.secret, withPassphrase.pin!, withPassphrase.passphrase!, sealed, {
      onProgress: (fraction) => progress.push(fraction),
    });
    expect(payload.entries).toHaveLength(1);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
  });

  it('refuses a lone surrogate and the edges of the Unicode 15.0 table in a passphrase', async () => {
    const withPassphrase = vector('open_ok_passphrase');
    const link = parseLink(withPassphrase.link!);
    const sealed = b64urlDecode(withPassphrase.sealed!);
    // A lone surrogate would become U+FFFD in UTF-8: another passphrase than the one typed.
    for (const refused of ['tea\ud800', '\udfff', '\u0378', '\ufdd0', '\u{10ffff}', '\u{e0080}']) {
      expect(await code(() => openSealed(link.secret, withPassphrase.pin!, refused, sealed)), refused).toBe('bad_passphrase');
    }
    // Assigned in 15.0 (Nag Mundari, private use): accepted, so the wrong passphrase fails later.
    for (const accepted of ['\u{1e4d0}', '\ue000', '\u{10fffd}']) {
      expect(await code(() => openSealed(link.secret, withPassphrase.pin!, accepted, sealed)), accepted).toBe('decryption_failed');
    }
  });

  it('reads the secret from location.hash with or without "#"', () => {
    const fragment = plain.link!.split('#')[1]!;
    expect(parseLinkSecret(`#${fragment}`)).toEqual(secret);
    expect(parseLinkSecret(fragment)).toEqual(secret);
    expect(() => parseLinkSecret('#')).toThrow(PickupError);
  });
});
