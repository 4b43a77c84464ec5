import { describe, expect, it } from 'vitest';

import { messageCharsAllowed, parsePayload, senderNameCharsAllowed } from './payload';

function plaintext(senderName: string, message: string): Uint8Array {
  const payload = {
    v: 1,
    sender_name: senderName,
    message,
    sent_at: '2026-11-20T10:00:00Z',
    entries: [
      { title: 't', username: '', password: 'p', urls: [], notes: '', custom_fields: [], totp: '' },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(payload));
}

describe('names and messages', () => {
  it('refuse format controls and control characters, as keypost-protocol does', () => {
    for (const bidi of ['\u202E', '\u2066', '\u2069', '\u200F', '\u061C', '\u200B', '\uFEFF']) {
      expect(senderNameCharsAllowed(`Ana${bidi}gpj.exe`)).toBe(false);
      expect(messageCharsAllowed(`see ${bidi}here`)).toBe(false);
    }
    expect(senderNameCharsAllowed('Ana\r\nBcc: x')).toBe(false);
    expect(senderNameCharsAllowed('Ana\tLima')).toBe(false);
    expect(messageCharsAllowed('Line one\r\nline two\tand a tab')).toBe(true);
    expect(messageCharsAllowed('bell\u0007')).toBe(false);
    expect(messageCharsAllowed('next line\u0085')).toBe(false);
    for (const fine of ['Ana Lima', 'Zoë Ødegård', 'أنا', '李雷', '=?utf-8?q?=0D=0A?=', '🔑']) {
      expect(senderNameCharsAllowed(fine)).toBe(true);
      expect(messageCharsAllowed(fine)).toBe(true);
    }
  });

  it('make a payload with a bidi override invalid', () => {
    expect(parsePayload(plaintext('Ana', 'fine'), 1 << 20).sender_name).toBe('Ana');
    expect(() => parsePayload(plaintext('Ana\u202Egpj.exe', ''), 1 << 20)).toThrow(/name/);
    expect(() => parsePayload(plaintext('Ana', 'open \u2067this\u2069'), 1 << 20)).toThrow(
      /message/,
    );
  });
});
