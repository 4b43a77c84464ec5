// The strength meter's wording and scale: Rust sends a label, the UI words it.
import type { Strength, StrengthLabel } from '../../lib/bindings'

const SCALE: Record<StrengthLabel, { score: number; text: string }> = {
  very_weak: { score: 0, text: 'Very weak' },
  weak: { score: 1, text: 'Weak' },
  fair: { score: 2, text: 'Fair' },
  strong: { score: 3, text: 'Strong' },
  very_strong: { score: 4, text: 'Very strong' },
}

/** 0 (very weak) to 4 (very strong). */
export function strengthScore(strength: Strength): number {
  return SCALE[strength.label].score
}

export function strengthText(strength: Strength): string {
  return SCALE[strength.label].text
}
