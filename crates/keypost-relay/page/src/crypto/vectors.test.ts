/**
 * Runs every file of tests/vectors/pickup/ (made and checked by the Rust crate) through this
 * implementation: the second, independent check the spec asks for.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import {
  accessKeyHash,
  b64urlEncode,
  decodeSealed,
  deepLink,
  deleteVerifier,
  deriveKeys,
  isWeakPin,
  makeProof,
  openSealed,
  parseLink,
  parsePin,
  parseSealedHeader,
  passphraseKey,
  payloadKey,
  PickupError,
  pinProof,
  pinVerifier,
  webLink,
} from './index';

const VECTOR_DIR = new URL('../../../../../tests/vectors/pickup/', import.meta.url);

interface Vector {
  kind: 'open' | 'link' | 'pin';
  name: string;
  expect: string;
  [field: string]: unknown;
}

const vectors: Vector[] = readdirSync(VECTOR_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(new URL(file, VECTOR_DIR), 'utf8')) as Vector);

/** Runs `check`; a PickupError becomes its code, as the vector's `expect` names it. */
async function outcome(check: () => Promise<void> | void): Promise<string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    if (error instanceof PickupError) {
      return error.code;
    }
    throw error;
  }
}

async function checkOpen(vector: Vector): Promise<void> {
  const link = parseLink(vector.link as string);
  const pin = parsePin(vector.pin as string);
  const passphrase = (vector.passphrase as string | null) ?? undefined;
  const sealed = decodeSealed(vector.sealed as string);
  const payload = await openSealed(link.secret, pin, passphrase, sealed);
  expect(payload).toEqual(vector.payload);

  const derived = vector.derived as Record<string, string | null>;
  const keys = deriveKeys(link.secret);
  const header = parseSealedHeader(sealed);
  const stretched =
    header.passphraseKdf && passphrase !== undefined
      ? await passphraseKey(passphrase, keys.id, header.passphraseKdf)
      : undefined;
  const challenge = hexToBytes(derived.challenge!);
  expect({
    id: bytesToHex(keys.id),
    auth_key: bytesToHex(keys.authKey),
    delete_key: bytesToHex(keys.deleteKey),
    payload_key_material: bytesToHex(keys.payloadKeyMaterial),
    pin_verifier: bytesToHex(pinVerifier(keys.authKey, pin)),
    delete_verifier: bytesToHex(deleteVerifier(keys.deleteKey)),
    access_key: bytesToHex(keys.accessKey),
    access_key_hash: bytesToHex(accessKeyHash(keys.accessKey)),
    passphrase_key: stretched ? bytesToHex(stretched) : null,
    payload_key: bytesToHex(payloadKey(keys, pin, stretched)),
    challenge: derived.challenge,
    proof: bytesToHex(makeProof(pinVerifier(keys.authKey, pin), keys.id, challenge)),
  }).toEqual(derived);
  expect(bytesToHex(pinProof(keys, pin, challenge))).toBe(derived.proof);
}

function checkLink(vector: Vector): void {
  const link = parseLink(vector.link as string);
  expect(b64urlEncode(link.secret)).toBe(vector.secret);
  expect(b64urlEncode(deriveKeys(link.secret).id)).toBe(vector.id);
  expect(link.pageUrl).toBe(vector.page_url);
  expect(link.relayUrl).toBe(vector.relay_url);
  expect(webLink(link.pageUrl, link.secret)).toBe(vector.web_link);
  expect(deepLink(link.pageUrl, link.secret)).toBe(vector.deep_link);
}

function checkPin(vector: Vector): void {
  expect(isWeakPin(parsePin(vector.pin as string))).toBe(vector.weak);
}

describe('pickup test vectors', () => {
  it('are all present', () => {
    const count = (kind: string, ok: boolean) =>
      vectors.filter((vector) => vector.kind === kind && (vector.expect === 'ok') === ok).length;
    expect(count('open', true)).toBeGreaterThanOrEqual(4);
    expect(count('open', false)).toBeGreaterThanOrEqual(30);
    expect(count('link', true)).toBeGreaterThanOrEqual(5);
    expect(count('link', false)).toBeGreaterThanOrEqual(10);
    expect(count('pin', true)).toBeGreaterThanOrEqual(8);
    expect(count('pin', false)).toBeGreaterThanOrEqual(5);
  });

  for (const vector of vectors) {
    it(`${vector.name}: ${vector.expect}`, async () => {
      const checks = { open: checkOpen, link: checkLink, pin: checkPin };
      expect(await outcome(() => checks[vector.kind](vector))).toBe(vector.expect);
    });
  }
});
