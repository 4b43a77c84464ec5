/**
 * Opening the copy (spec "Opening"): challenge → proof of the PIN → sealed bytes → decrypt
 * here. The proof is the only PIN-derived value that leaves the page.
 */
import {
  b64urlDecode,
  b64urlEncode,
  decodeSealed,
  openSealed,
  PickupError,
  pinProof,
  type Payload,
  type PickupKeys,
} from '../crypto/index';
import { RelayError, type RelayApi, type RelayFailure } from './api';

export type UnlockOutcome =
  | { kind: 'opened'; payload: Payload; viewsLeft: number | null }
  /** The relay accepted the PIN; the passphrase did not open `sealed`. */
  | { kind: 'wrong_passphrase'; sealed: Uint8Array }
  | { kind: 'damaged' }
  | { kind: 'failed'; failure: RelayFailure };

export interface UnlockInput {
  api: RelayApi;
  idText: string;
  keys: PickupKeys;
  secret: Uint8Array;
  pin: string;
  /** `undefined` when the pickup has no passphrase. */
  passphrase: string | undefined;
  /** Bytes already fetched with the right PIN (a passphrase retry): no request is made. */
  sealed: Uint8Array | null;
  onProgress: (fraction: number) => void;
}

export async function unlock(input: UnlockInput): Promise<UnlockOutcome> {
  let sealed = input.sealed;
  let viewsLeft: number | null = null;
  if (sealed === null) {
    try {
      const opened = await openWithProof(input);
      sealed = decodeSealed(opened.ciphertext);
      viewsLeft = opened.views_left;
    } catch (error) {
      if (error instanceof RelayError) {
        return { kind: 'failed', failure: error.failure };
      }
      return { kind: 'damaged' };
    }
  }
  try {
    const payload = await openSealed(input.secret, input.pin, input.passphrase, sealed, {
      onProgress: input.onProgress,
    });
    return { kind: 'opened', payload, viewsLeft };
  } catch (error) {
    const wrongPassphrase =
      input.passphrase !== undefined &&
      error instanceof PickupError &&
      (error.code === 'decryption_failed' || error.code === 'bad_passphrase');
    return wrongPassphrase ? { kind: 'wrong_passphrase', sealed } : { kind: 'damaged' };
  }
}

/** One challenge, one proof; a challenge that expired meanwhile is replaced once. */
async function openWithProof(input: UnlockInput) {
  for (let attempt = 0; ; attempt++) {
    const access = b64urlEncode(input.keys.accessKey);
    const { challenge } = await input.api.challenge(input.idText, access);
    const proof = pinProof(input.keys, input.pin, b64urlDecode(challenge, 32));
    const proofText = b64urlEncode(proof);
    proof.fill(0);
    try {
      return await input.api.open(input.idText, access, challenge, proofText);
    } catch (error) {
      const stale = error instanceof RelayError && error.failure.kind === 'invalid_challenge';
      if (!stale || attempt > 0) {
        throw error;
      }
    }
  }
}
