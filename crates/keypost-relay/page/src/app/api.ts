/**
 * The relay's recipient API (docs/spec/pickup.md, "Relay API"), same origin as the page.
 *
 * Only three things derived from the link ever leave the page: the access key, in the
 * `Authorization` header of every call; the proof, in the body of `open`; and
 * the delete key, in the body of `delete`. The secret S, the PIN, the passphrase and the other
 * keys never do. Nothing here logs.
 */

/** `GET /api/v1/pickups/{id}` (keypost_protocol::api::PickupStatus). */
export interface PickupStatus {
  id: string;
  sender_name: string;
  message: string;
  expires_at: string;
  attempts_left: number;
  views_left: number | null;
  retrieval_step: boolean;
  recipient_delete: boolean;
  passphrase_required: boolean;
}

export interface ChallengeResponse {
  challenge: string;
  expires_in_seconds: number;
}

export interface OpenResponse {
  ciphertext: string;
  views_left: number | null;
}

/** What went wrong, by the relay's stable error `code` (the page never reads the message). */
export type RelayFailure =
  | { kind: 'gone' }
  | { kind: 'wrong_pin'; attemptsLeft: number }
  | { kind: 'invalid_challenge' }
  | { kind: 'forbidden' }
  | { kind: 'rate_limited' }
  | { kind: 'unavailable'; status: number }
  | { kind: 'network' };

export class RelayError extends Error {
  readonly failure: RelayFailure;

  constructor(failure: RelayFailure) {
    super(`relay request failed: ${failure.kind}`);
    this.name = 'RelayError';
    this.failure = failure;
  }
}

/** The four calls the page makes; `fetch` is injectable for tests. */
export class RelayApi {
  private readonly base: string;
  private readonly fetcher: typeof fetch;

  constructor(base: string, fetcher: typeof fetch = (input, init) => fetch(input, init)) {
    this.base = base;
    this.fetcher = fetcher;
  }

  /** Read-only: moves no counter. `access` is the access key, base64url. */
  status(id: string, access: string): Promise<PickupStatus> {
    return this.call<PickupStatus>('GET', `/api/v1/pickups/${id}`, access);
  }

  challenge(id: string, access: string): Promise<ChallengeResponse> {
    return this.call<ChallengeResponse>('POST', `/api/v1/pickups/${id}/challenge`, access);
  }

  /** A right proof uses a view; a wrong one uses a try (the third destroys the copy). */
  open(id: string, access: string, challenge: string, proof: string): Promise<OpenResponse> {
    return this.call<OpenResponse>('POST', `/api/v1/pickups/${id}/open`, access, { challenge, proof });
  }

  delete(id: string, access: string, deleteKey: string): Promise<void> {
    return this.call<void>('POST', `/api/v1/pickups/${id}/delete`, access, { delete_key: deleteKey });
  }

  private async call<T>(method: 'GET' | 'POST', path: string, access: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${access}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await this.fetcher(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new RelayError({ kind: 'network' });
    }
    if (response.status === 204) {
      return undefined as T;
    }
    if (response.ok) {
      try {
        return (await response.json()) as T;
      } catch {
        throw new RelayError({ kind: 'unavailable', status: response.status });
      }
    }
    throw new RelayError(await failureOf(response));
  }
}

async function failureOf(response: Response): Promise<RelayFailure> {
  if (response.status === 404) {
    return { kind: 'gone' };
  }
  let detail: { code?: unknown; attempts_left?: unknown } = {};
  try {
    const body = (await response.json()) as { error?: { code?: unknown; attempts_left?: unknown } };
    detail = body.error ?? {};
  } catch {
    // Not the relay's JSON (a proxy's error page): judged by the status alone.
  }
  switch (detail.code) {
    case 'wrong_pin':
      return { kind: 'wrong_pin', attemptsLeft: typeof detail.attempts_left === 'number' ? detail.attempts_left : 0 };
    case 'invalid_challenge':
      return { kind: 'invalid_challenge' };
    case 'forbidden':
      return { kind: 'forbidden' };
    case 'rate_limited':
      return { kind: 'rate_limited' };
    default:
      return response.status === 429 ? { kind: 'rate_limited' } : { kind: 'unavailable', status: response.status };
  }
}
