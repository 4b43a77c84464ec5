/**
 * Canonical unpadded base64url (RFC 4648 §5), spec "Conventions": padding, whitespace, the
 * standard alphabet and non-zero unused bits are all rejected, as the Rust side does.
 */
import { PickupError } from './errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Map<string, number>([...ALPHABET].map((char, index) => [char, index]));

export function b64urlEncode(bytes: Uint8Array): string {
  let out = '';
  for (let at = 0; at < bytes.length; at += 3) {
    const chunk = (bytes[at]! << 16) | ((bytes[at + 1] ?? 0) << 8) | (bytes[at + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - at) * 8) / 6));
    for (let index = 0; index < chars; index++) {
      out += ALPHABET[(chunk >> (18 - 6 * index)) & 63];
    }
  }
  return out;
}

/** Decodes canonical base64url; with `length`, also requires exactly that many bytes. */
export function b64urlDecode(text: string, length?: number): Uint8Array {
  if (text.length % 4 === 1) {
    throw notCanonical();
  }
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (const char of text) {
    const value = VALUES.get(char);
    if (value === undefined) {
      throw notCanonical();
    }
    buffer = ((buffer << 6) | value) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  // The unused low bits of the last character MUST be zero.
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    throw notCanonical();
  }
  if (length !== undefined && bytes.length !== length) {
    throw new PickupError('bad_link', `expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

function notCanonical(): PickupError {
  return new PickupError('non_canonical', 'not canonical unpadded base64url');
}
