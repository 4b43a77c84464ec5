/**
 * Everything derived from the link secret S and the PIN (spec "Key derivation", "PIN",
 * "Opening").
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

import { PickupError } from './errors';

export const SECRET_LEN = 32;
export const ID_LEN = 16;

const ID_LABEL = utf8ToBytes('keypost/pickup/v1/id');
const AUTH_LABEL = utf8ToBytes('keypost/pickup/v1/auth');
const DELETE_LABEL = utf8ToBytes('keypost/pickup/v1/delete');
const PAYLOAD_LABEL = utf8ToBytes('keypost/pickup/v1/payload');
const ACCESS_LABEL = utf8ToBytes('keypost/pickup/v1/access');
const PIN_LABEL = utf8ToBytes('keypost/pickup/v1/pin');
const PROOF_LABEL = utf8ToBytes('keypost/pickup/v1/proof');

export interface PickupKeys {
  /** Names the pickup on the relay (16 bytes, public). */
  id: Uint8Array;
  /** Keys the PIN verifier. */
  authKey: Uint8Array;
  /** Sent in `POST /api/v1/pickups/{id}/delete` to destroy the pickup. */
  deleteKey: Uint8Array;
  /**
   * Sent as `Authorization: Bearer` with status, challenge, open and delete: without it the relay
   * answers as for a gone pickup, so the public id alone reads nothing and spends no try.
   */
  accessKey: Uint8Array;
  /** Input to the payload key; never leaves the page. */
  payloadKeyMaterial: Uint8Array;
}

/** HKDF-SHA256 with an empty salt and one label per value. */
export function deriveKeys(secret: Uint8Array): PickupKeys {
  if (secret.length !== SECRET_LEN) {
    throw new PickupError('bad_link', `the link secret is ${SECRET_LEN} bytes`);
  }
  const derive = (label: Uint8Array, length: number) =>
    hkdf(sha256, secret, undefined, label, length);
  return {
    id: derive(ID_LABEL, ID_LEN),
    authKey: derive(AUTH_LABEL, 32),
    deleteKey: derive(DELETE_LABEL, 32),
    accessKey: derive(ACCESS_LABEL, 32),
    payloadKeyMaterial: derive(PAYLOAD_LABEL, 32),
  };
}

/** Exactly five ASCII digits; the string itself is the PIN (leading zeros count). */
export function parsePin(pin: string): string {
  if (!/^[0-9]{5}$/.test(pin)) {
    throw new PickupError('bad_pin', 'a PIN is exactly 5 digits 0-9');
  }
  return pin;
}

/**
 * Spec "Weak PINs": at most two distinct digits, or digits in arithmetic progression.
 * The sender's app warns about these; the page does not need it but keeps the rule testable.
 */
export function isWeakPin(pin: string): boolean {
  const digits = [...parsePin(pin)].map(Number);
  const step = digits[1]! - digits[0]!;
  const progression = digits.every((digit, index) => index === 0 || digit - digits[index - 1]! === step);
  return new Set(digits).size <= 2 || progression;
}

/** `V = HMAC-SHA256(auth_key, "keypost/pickup/v1/pin" || PIN)`. */
export function pinVerifier(authKey: Uint8Array, pin: string): Uint8Array {
  return hmac(sha256, authKey, concatBytes(PIN_LABEL, utf8ToBytes(parsePin(pin))));
}

/** `HMAC-SHA256(key = V, "keypost/pickup/v1/proof" || id || challenge)`. */
export function makeProof(verifier: Uint8Array, id: Uint8Array, challenge: Uint8Array): Uint8Array {
  if (verifier.length !== 32 || id.length !== ID_LEN || challenge.length !== 32) {
    throw new RangeError('proof inputs are a 32-byte verifier, 16-byte id, 32-byte challenge');
  }
  return hmac(sha256, verifier, concatBytes(PROOF_LABEL, id, challenge));
}

/** The answer to a relay challenge: `makeProof(pinVerifier(auth_key, PIN), id, challenge)`. */
export function pinProof(keys: PickupKeys, pin: string, challenge: Uint8Array): Uint8Array {
  const verifier = pinVerifier(keys.authKey, pin);
  const proof = makeProof(verifier, keys.id, challenge);
  verifier.fill(0);
  return proof;
}

/** `SHA-256(delete_key)`: what the relay stores to check a delete request. */
export function deleteVerifier(deleteKey: Uint8Array): Uint8Array {
  return sha256(deleteKey);
}

/** `SHA-256(access_key)`: what the relay stores to check status, challenge and open. */
export function accessKeyHash(accessKey: Uint8Array): Uint8Array {
  return sha256(accessKey);
}
