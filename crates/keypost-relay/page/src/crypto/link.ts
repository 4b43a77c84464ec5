/**
 * Pickup link syntax (spec "Links"):
 * web `<relay_url>/p/<id>#<S>`, deep `keypost://pickup?u=<percent-encoded page URL>#<S>`.
 */
import { b64urlDecode, b64urlEncode } from './b64';
import { PickupError } from './errors';
import { deriveKeys, SECRET_LEN } from './keys';

export const DEEP_LINK_PREFIX = 'keypost://pickup?u=';
export const PAGE_PATH = '/p/';

export interface PickupLink {
  /** `<relay_url>/p/<id>`, without the fragment. */
  pageUrl: string;
  /** The base to which `/api/v1/…` paths are appended. */
  relayUrl: string;
  /** The 32-byte link secret S. */
  secret: Uint8Array;
}

/** Reads S from a fragment, with or without its leading `#` (e.g. `location.hash`). */
export function parseLinkSecret(fragment: string): Uint8Array {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text === '') {
    throw new PickupError('bad_link', 'the link has no #secret part; copy the whole link');
  }
  return b64urlDecode(text, SECRET_LEN);
}

/** Parses either link form, after trimming surrounding ASCII whitespace. */
export function parseLink(link: string): PickupLink {
  const trimmed = link.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');
  const hash = trimmed.indexOf('#');
  if (hash < 0) {
    throw new PickupError('bad_link', 'the link has no #secret part; copy the whole link');
  }
  const secret = parseLinkSecret(trimmed.slice(hash + 1));
  const before = trimmed.slice(0, hash);
  const pageUrl = before.startsWith(DEEP_LINK_PREFIX)
    ? percentDecode(before.slice(DEEP_LINK_PREFIX.length))
    : before;
  return { pageUrl, relayUrl: checkPageUrl(pageUrl, secret), secret };
}

/** `<pageUrl>#<S>`. */
export function webLink(pageUrl: string, secret: Uint8Array): string {
  checkPageUrl(pageUrl, secret);
  return `${pageUrl}#${b64urlEncode(secret)}`;
}

/** The "Open in Keypost" link: `keypost://pickup?u=<percent-encoded pageUrl>#<S>`. */
export function deepLink(pageUrl: string, secret: Uint8Array): string {
  checkPageUrl(pageUrl, secret);
  return `${DEEP_LINK_PREFIX}${percentEncode(pageUrl)}#${b64urlEncode(secret)}`;
}

/** Returns the relay URL, or throws unless the page URL belongs to `secret` (spec "Links"). */
function checkPageUrl(pageUrl: string, secret: Uint8Array): string {
  const scheme = ['https://', 'http://'].find((prefix) => pageUrl.startsWith(prefix));
  if (scheme === undefined || !/^[\x21-\x7e]*$/.test(pageUrl) || /[?#]/.test(pageUrl)) {
    throw notAPickupLink();
  }
  const rest = pageUrl.slice(scheme.length);
  const at = rest.lastIndexOf(PAGE_PATH);
  if (at <= 0 || rest.startsWith('/')) {
    throw notAPickupLink();
  }
  const id = rest.slice(at + PAGE_PATH.length);
  if (id !== b64urlEncode(deriveKeys(secret).id)) {
    throw new PickupError('bad_link', "the link's page address does not belong to its secret");
  }
  return pageUrl.slice(0, scheme.length + at);
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function percentEncode(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Only unreserved characters and `%XX` (either case); the result must be UTF-8. */
function percentDecode(text: string): string {
  const bytes: number[] = [];
  for (let at = 0; at < text.length; ) {
    const char = text[at]!;
    if (char === '%') {
      const hex = text.slice(at + 1, at + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw notAPickupLink();
      }
      bytes.push(parseInt(hex, 16));
      at += 3;
    } else if (UNRESERVED.test(char)) {
      bytes.push(char.charCodeAt(0));
      at += 1;
    } else {
      throw notAPickupLink();
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    throw notAPickupLink();
  }
}

function notAPickupLink(): PickupError {
  return new PickupError(
    'bad_link',
    'not a pickup link: expected http(s)://…/p/<id>#… or keypost://pickup?u=…#…',
  );
}
