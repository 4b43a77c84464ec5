/**
 * INTERIM until `keypost send` exists: seals a payload with the page's own primitives and
 * posts it to the relay, as the sender's app would.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';

import { b64urlEncode, deleteVerifier, deriveKeys, payloadKey, pinVerifier, type EntrySnapshot } from '../src/crypto/index';
import type { SendOptions, Sent } from './send';

export async function interimSend(options: SendOptions, entries: EntrySnapshot[]): Promise<Sent> {
  const secret = new Uint8Array(randomBytes(32));
  const keys = deriveKeys(secret);
  const nonce = new Uint8Array(randomBytes(24));
  const header = new Uint8Array(42);
  header.set(new TextEncoder().encode('KPPICKUP'), 0);
  header[8] = 1;
  header.set(nonce, 18);
  const payload = {
    v: 1,
    sender_name: options.name,
    message: options.message,
    sent_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    entries,
  };
  const aad = new Uint8Array([...header, ...keys.id]);
  const sealed = xchacha20poly1305(payloadKey(keys, options.pin), nonce, aad).encrypt(new TextEncoder().encode(JSON.stringify(payload)));
  const owner = new Uint8Array(randomBytes(32));
  const body = {
    id: b64urlEncode(keys.id),
    ciphertext: b64urlEncode(new Uint8Array([...header, ...sealed])),
    pin_verifier: b64urlEncode(pinVerifier(keys.authKey, options.pin)),
    delete_verifier: b64urlEncode(deleteVerifier(keys.deleteKey)),
    owner_token_hash: b64urlEncode(sha256(owner)),
    recipient_email: options.to,
    sender_name: options.name,
    message: options.message,
    expires_in_seconds: 7 * 86400,
    max_views: options.views ?? 1,
    retrieval_step: options.retrievalStep !== false,
    passphrase_required: false,
    link_fragment: b64urlEncode(secret),
  };
  const response = await fetch(`${options.relayUrl}/api/v1/pickups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) {
    throw new Error(`create failed: ${response.status} ${await response.text()}`);
  }
  const created = (await response.json()) as { page_url: string };
  return { link: `${created.page_url}#${b64urlEncode(secret)}`, pin: options.pin, ownerToken: b64urlEncode(owner) };
}
