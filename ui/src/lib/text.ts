// Text as people type and read it: characters counted as Rust counts them, the counter under
// a limited field, and text from other people made safe to show as plain text.

/** Characters as Rust counts them (Unicode scalar values, not UTF-16 units). */
export function characterCount(text: string): number {
  return [...text].length
}

export type Counter = { used: number; left: number; over: boolean; label: string }

/** "12 / 500", or "3 characters too many". */
export function characterCounter(text: string, limit: number): Counter {
  const used = characterCount(text)
  const left = limit - used
  return {
    used,
    left,
    over: left < 0,
    label: left < 0 ? `${-left} ${left === -1 ? 'character' : 'characters'} too many` : `${used} / ${limit}`,
  }
}

/**
 * Bidirectional controls (embeddings, overrides, isolates and the invisible marks) reorder
 * what is shown: "gpj.exe" can read as "exe.jpg". Text another person wrote is shown without them.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g

export function stripBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '')
}
