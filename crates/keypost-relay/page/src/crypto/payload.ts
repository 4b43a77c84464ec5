/**
 * The sealed plaintext (spec "Payload"): canonical JSON, checked field by field, then
 * re-encoded and compared byte for byte so this page accepts exactly what the Rust side does.
 */
import { PickupError } from './errors';

export const MAX_ENTRIES = 1000;
export const MAX_SENDER_NAME_CHARS = 100;
export const MAX_MESSAGE_CHARS = 500;

/**
 * Spec section 8, keypost-protocol's `sender_name_chars_allowed`: no control character (Cc)
 * and no format control (Cf: bidi overrides and isolates, zero-width characters, …), which
 * could make a name show other text than it holds.
 */
export function senderNameCharsAllowed(name: string): boolean {
  return !/[\p{Cc}\p{Cf}]/u.test(name);
}

/** keypost-protocol's `message_chars_allowed`: as a name, but line feed, CR and tab allowed. */
export function messageCharsAllowed(message: string): boolean {
  return !/[\p{Cf}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u.test(message);
}

export interface SnapshotField {
  name: string;
  value: string;
  /** Mask the value until the recipient reveals it. */
  hidden: boolean;
}

/** One entry as sent. Tags are never sent; notes are empty unless the sender included them. */
export interface EntrySnapshot {
  title: string;
  username: string;
  password: string;
  urls: string[];
  notes: string;
  custom_fields: SnapshotField[];
  /** An `otpauth://` URI or a bare TOTP secret; empty for none. */
  totp: string;
}

export interface Payload {
  v: 1;
  sender_name: string;
  message: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`. */
  sent_at: string;
  entries: EntrySnapshot[];
}

export function parsePayload(plaintext: Uint8Array, maxLength: number): Payload {
  if (plaintext.length > maxLength) {
    throw invalid(`the payload is larger than ${maxLength} bytes`);
  }
  let text: string;
  let raw: unknown;
  try {
    // ignoreBOM keeps a byte-order mark in the text, so JSON.parse rejects it as Rust does.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(plaintext);
    raw = JSON.parse(text);
  } catch {
    throw invalid('not UTF-8 JSON');
  }
  // Rebuilt in canonical field order from checked values only.
  const object = fields(raw, ['v', 'sender_name', 'message', 'sent_at', 'entries']);
  if (object.v !== 1) {
    throw invalid('unsupported payload version');
  }
  const payload: Payload = {
    v: 1,
    sender_name: string(object.sender_name),
    message: string(object.message),
    sent_at: sentAt(object.sent_at),
    entries: array(object.entries).map(entry),
  };
  if (JSON.stringify(payload) !== text) {
    throw invalid('the payload is not in canonical form');
  }
  if (payload.entries.length < 1 || payload.entries.length > MAX_ENTRIES) {
    throw invalid(`a pickup holds 1 to ${MAX_ENTRIES} entries`);
  }
  if ([...payload.sender_name].length > MAX_SENDER_NAME_CHARS) {
    throw invalid(`the sender's name is longer than ${MAX_SENDER_NAME_CHARS} characters`);
  }
  if ([...payload.message].length > MAX_MESSAGE_CHARS) {
    throw invalid(`the message is longer than ${MAX_MESSAGE_CHARS} characters`);
  }
  if (!senderNameCharsAllowed(payload.sender_name)) {
    throw invalid("the sender's name contains a control or format character");
  }
  if (!messageCharsAllowed(payload.message)) {
    throw invalid('the message contains a control character other than a line break or tab, or a format character');
  }
  return payload;
}

function entry(raw: unknown): EntrySnapshot {
  const object = fields(raw, ['title', 'username', 'password', 'urls', 'notes', 'custom_fields', 'totp']);
  return {
    title: string(object.title),
    username: string(object.username),
    password: string(object.password),
    urls: array(object.urls).map(string),
    notes: string(object.notes),
    custom_fields: array(object.custom_fields).map(customField),
    totp: string(object.totp),
  };
}

function customField(raw: unknown): SnapshotField {
  const object = fields(raw, ['name', 'value', 'hidden']);
  if (typeof object.hidden !== 'boolean') {
    throw invalid('expected true or false');
  }
  return { name: string(object.name), value: string(object.value), hidden: object.hidden };
}

/** An object with exactly these own keys (unknown and missing keys are both invalid). */
function fields(raw: unknown, names: string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid('expected an object');
  }
  const keys = Object.keys(raw);
  if (keys.length !== names.length || !names.every((name) => Object.hasOwn(raw, name))) {
    throw invalid(`expected exactly the fields ${names.join(', ')}`);
  }
  return raw as Record<string, unknown>;
}

function array(raw: unknown): unknown[] {
  if (!Array.isArray(raw)) {
    throw invalid('expected a list');
  }
  return raw;
}

/** A string of Unicode scalar values: JSON can spell an unpaired surrogate, Rust cannot hold one. */
function string(raw: unknown): string {
  if (typeof raw !== 'string' || /\p{Cs}/u.test(raw)) {
    throw invalid('expected a string');
  }
  return raw;
}

function sentAt(raw: unknown): string {
  const text = string(raw);
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(text);
  if (!match) {
    throw invalid('sent_at is not YYYY-MM-DDTHH:MM:SSZ');
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number, number, number, number, number, number,
  ];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  // Spec "Payload": 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, no leap second.
  const valid =
    year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= monthDays[month - 1]! &&
    hour <= 23 && minute <= 59 && second <= 59;
  if (!valid) {
    throw invalid('sent_at is not a valid time');
  }
  return text;
}

function invalid(detail: string): PickupError {
  return new PickupError('invalid_payload', `the sender's payload is invalid: ${detail}`);
}
