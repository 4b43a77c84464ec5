/**
 * Opening a sealed payload (spec "Sealed payload"):
 * header = "KPPICKUP" || version || flags || memory_kib (u32 BE) || iterations (u32 BE) || nonce (24)
 * sealed = header || XChaCha20-Poly1305(K, nonce, payload, aad = header || id)
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

import { b64urlDecode } from './b64';
import { PickupError } from './errors';
import { deriveKeys, parsePin, type PickupKeys } from './keys';
import { parsePayload, type Payload } from './payload';
import { UNASSIGNED_RANGES, UNICODE_VERSION } from './unassigned';

const MAGIC = utf8ToBytes('KPPICKUP');
const KEY_LABEL = utf8ToBytes('keypost/pickup/v1/key');
export const FORMAT_VERSION = 1;
const FLAG_PASSPHRASE = 0x01;
export const HEADER_LEN = 42;
const TAG_LEN = 16;
export const MAX_SEALED_LEN = 5 * 1024 * 1024;
export const MAX_PLAINTEXT_LEN = MAX_SEALED_LEN - HEADER_LEN - TAG_LEN;
/** The longest unpadded base64url text of a sealed payload (6,990,507 characters). */
export const MAX_SEALED_TEXT_LEN = Math.ceil((MAX_SEALED_LEN * 4) / 3);
export const MAX_PASSPHRASE_BYTES = 1024;
export const KDF_LIMITS = { minMemoryKib: 8192, maxMemoryKib: 65536, minIterations: 1, maxIterations: 4 };

export interface KdfParams {
  memoryKib: number;
  iterations: number;
}

export interface SealedHeader {
  /** The Argon2id cost when the pickup needs a passphrase, `undefined` when it does not. */
  passphraseKdf: KdfParams | undefined;
  nonce: Uint8Array;
}

export interface OpenOptions {
  /** Argon2id progress, 0 to 1, for a progress bar while the passphrase is stretched. */
  onProgress?: (fraction: number) => void;
}

/**
 * A sealed payload that arrived as base64url (spec "Opening", step 2): a text longer than the
 * largest sealed payload's is `too_large` before any decoding, then it must be canonical.
 */
export function decodeSealed(text: string): Uint8Array {
  if (text.length > MAX_SEALED_TEXT_LEN) {
    throw new PickupError('too_large', `the sealed payload is larger than ${MAX_SEALED_LEN} bytes`);
  }
  return b64urlDecode(text);
}

/** The header rules, in the spec's order: size, magic, version, flags, KDF range. */
export function parseSealedHeader(sealed: Uint8Array): SealedHeader {
  if (sealed.length > MAX_SEALED_LEN) {
    throw new PickupError('too_large', `the sealed payload is larger than ${MAX_SEALED_LEN} bytes`);
  }
  if (sealed.length < HEADER_LEN + TAG_LEN || !MAGIC.every((byte, index) => sealed[index] === byte)) {
    throw new PickupError('malformed_header', 'not a Keypost sealed pickup (damaged header)');
  }
  if (sealed[8] !== FORMAT_VERSION) {
    throw new PickupError('unsupported_version', `sealed pickup format version ${sealed[8]} is not supported`);
  }
  const view = new DataView(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const flags = sealed[9];
  const memoryKib = view.getUint32(10);
  const iterations = view.getUint32(14);
  const nonce = sealed.slice(18, HEADER_LEN);
  if (flags === 0 && memoryKib === 0 && iterations === 0) {
    return { passphraseKdf: undefined, nonce };
  }
  if (flags !== FLAG_PASSPHRASE) {
    throw new PickupError('malformed_header', 'not a Keypost sealed pickup (damaged header)');
  }
  const inRange =
    memoryKib >= KDF_LIMITS.minMemoryKib && memoryKib <= KDF_LIMITS.maxMemoryKib &&
    iterations >= KDF_LIMITS.minIterations && iterations <= KDF_LIMITS.maxIterations;
  if (!inRange) {
    throw new PickupError('kdf_params_out_of_range', 'the pickup asks for an Argon2id cost outside the allowed range');
  }
  return { passphraseKdf: { memoryKib, iterations }, nonce };
}

/** Binary search of the generated table (inclusive `[start, end]` pairs, ascending). */
function isUnassigned(codePoint: number): boolean {
  let low = 0;
  let high = UNASSIGNED_RANGES.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (codePoint < UNASSIGNED_RANGES[2 * middle]!) {
      high = middle - 1;
    } else if (codePoint > UNASSIGNED_RANGES[2 * middle + 1]!) {
      low = middle + 1;
    } else {
      return true;
    }
  }
  return false;
}

/**
 * Spec "Passphrase": only code points Unicode 15.0 assigns, so NFC gives the same bytes in
 * every implementation. A lone surrogate is no code point at all, and one this browser's own
 * Unicode data does not know (a browser older than 15.0) would be normalised wrongly.
 */
function checkAssigned(passphrase: string): void {
  for (const char of passphrase) {
    const codePoint = char.codePointAt(0)!;
    if (isUnassigned(codePoint) || /\p{Cs}|\p{Cn}/u.test(char)) {
      throw new PickupError('bad_passphrase', `the passphrase holds a character that Unicode ${UNICODE_VERSION} does not assign`);
    }
  }
}

/** `Argon2id(UTF-8(NFC(passphrase)), salt = id, m, t, p = 1)`, 32 bytes. */
export async function passphraseKey(
  passphrase: string,
  id: Uint8Array,
  kdf: KdfParams,
  options: OpenOptions = {},
): Promise<Uint8Array> {
  checkAssigned(passphrase);
  const bytes = utf8ToBytes(passphrase.normalize('NFC'));
  if (bytes.length === 0 || bytes.length > MAX_PASSPHRASE_BYTES) {
    throw new PickupError('bad_passphrase', `a passphrase is 1 to ${MAX_PASSPHRASE_BYTES} bytes`);
  }
  try {
    return await argon2idAsync(bytes, id, {
      m: kdf.memoryKib,
      t: kdf.iterations,
      p: 1,
      dkLen: 32,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    bytes.fill(0);
  }
}

/** `K = HKDF-SHA256(payload_key_material, salt = id, "keypost/pickup/v1/key" || PIN || passphrase_key?)`. */
export function payloadKey(keys: PickupKeys, pin: string, passphraseKey?: Uint8Array): Uint8Array {
  const pinBytes = utf8ToBytes(parsePin(pin));
  const info = passphraseKey ? concatBytes(KEY_LABEL, pinBytes, passphraseKey) : concatBytes(KEY_LABEL, pinBytes);
  const key = hkdf(sha256, keys.payloadKeyMaterial, keys.id, info, 32);
  info.fill(0);
  return key;
}

/**
 * Opens what `POST /api/v1/pickups/{id}/open` returned. A wrong PIN, a wrong passphrase and
 * altered bytes all give the same `decryption_failed`.
 */
export async function openSealed(
  secret: Uint8Array,
  pin: string,
  passphrase: string | undefined,
  sealed: Uint8Array,
  options: OpenOptions = {},
): Promise<Payload> {
  parsePin(pin);
  const header = parseSealedHeader(sealed);
  if (header.passphraseKdf && passphrase === undefined) {
    throw new PickupError('passphrase_required', 'this pickup also needs the passphrase');
  }
  if (!header.passphraseKdf && passphrase !== undefined) {
    throw new PickupError('passphrase_not_expected', 'this pickup has no passphrase');
  }
  const keys = deriveKeys(secret);
  const stretched =
    header.passphraseKdf && passphrase !== undefined
      ? await passphraseKey(passphrase, keys.id, header.passphraseKdf, options)
      : undefined;
  const key = payloadKey(keys, pin, stretched);
  stretched?.fill(0);
  const aad = concatBytes(sealed.subarray(0, HEADER_LEN), keys.id);
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(key, header.nonce, aad).decrypt(sealed.subarray(HEADER_LEN));
  } catch {
    throw new PickupError('decryption_failed', 'cannot decrypt: wrong PIN or passphrase, or the data was altered');
  } finally {
    key.fill(0);
    keys.authKey.fill(0);
    keys.payloadKeyMaterial.fill(0);
  }
  try {
    return parsePayload(plaintext, MAX_PLAINTEXT_LEN);
  } finally {
    plaintext.fill(0);
  }
}
