// Export/import formats as the person sees them.
import type { CsvFormat, ExportSource } from '../../lib/bindings'

/** One choice of what to export ("Whole vault", "Selected entries (3)", "2 messages"). */
export type ExportScope = { id: string; label: string; source: () => ExportSource; disabled?: boolean }

export const CSV_FORMATS: { value: CsvFormat; label: string }[] = [
  { value: 'keypost', label: 'Keypost (every field)' },
  { value: 'generic', label: 'Generic CSV' },
  { value: 'bitwarden', label: 'Bitwarden' },
  { value: 'chrome', label: 'Chrome / Chromium' },
  { value: 'keepassxc', label: 'KeePassXC' },
  { value: '1password', label: '1Password' },
  { value: 'lastpass', label: 'LastPass' },
  { value: 'firefox', label: 'Firefox' },
]

export function formatLabel(format: CsvFormat): string {
  return CSV_FORMATS.find((option) => option.value === format)?.label ?? format
}

/** A file name like `keypost-bitwarden-2026-11-20.csv`. */
export function suggestedFileName(kind: CsvFormat | 'pdf', today: Date = new Date()): string {
  const date = today.toISOString().slice(0, 10)
  return kind === 'pdf' ? `keypost-print-${date}.pdf` : `keypost-${kind}-${date}.csv`
}
