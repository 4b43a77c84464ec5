import { describe, expect, it } from 'vitest';

import { b64urlDecode, b64urlEncode, PickupError } from './index';

function code(action: () => unknown): string {
  try {
    action();
    return 'ok';
  } catch (error) {
    return error instanceof PickupError ? error.code : String(error);
  }
}

describe('canonical base64url', () => {
  it('round-trips every length and matches the RFC 4648 examples', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 37 + length) & 0xff);
      expect(b64urlDecode(b64urlEncode(bytes))).toEqual(bytes);
    }
    const text = (value: string) => new TextEncoder().encode(value);
    expect(b64urlEncode(text('foobar'))).toBe('Zm9vYmFy');
    expect(b64urlEncode(text('fooba'))).toBe('Zm9vYmE');
    expect(b64urlEncode(text('foob'))).toBe('Zm9vYg');
    expect(b64urlEncode(Uint8Array.of(0xfb, 0xff, 0x00))).toBe('-_8A');
  });

  it('rejects every non-canonical spelling', () => {
    for (const bad of ['-_8A=', '+/8A', '-_8 A', 'AB', 'A', 'Zm9vYh', 'Zm9vYmF', '\u00e9AAA']) {
      expect(code(() => b64urlDecode(bad)), bad).toBe('non_canonical');
    }
    expect(code(() => b64urlDecode('-_8A', 4))).toBe('bad_link');
  });
});
