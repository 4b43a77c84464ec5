// The bulk actions offered in bulk edit mode and how each becomes a command payload.
import type { BulkAction } from '../../lib/bindings'
import { parseTags } from './entryform'

export type BulkChoice =
  | 'add_tags'
  | 'remove_tags'
  | 'set_username'
  | 'set_url'
  | 'set_folder'
  | 'append_notes'
  | 'favourite'
  | 'unfavourite'
  | 'delete'

export const BULK_CHOICES: { value: BulkChoice; label: string; input: string | null }[] = [
  { value: 'add_tags', label: 'Add tags', input: 'Tags, separated by commas' },
  { value: 'remove_tags', label: 'Remove tags', input: 'Tags, separated by commas' },
  { value: 'set_username', label: 'Set username', input: 'New username' },
  { value: 'set_url', label: 'Set website', input: 'https://' },
  { value: 'set_folder', label: 'Move to folder', input: 'Folder, e.g. Work/Clients' },
  { value: 'append_notes', label: 'Append to notes', input: 'Text to append' },
  { value: 'favourite', label: 'Mark as favourite', input: null },
  { value: 'unfavourite', label: 'Remove from favourites', input: null },
  { value: 'delete', label: 'Delete', input: null },
]

/** The payload for a choice and its typed value, or an error text when the value is missing. */
export function bulkAction(choice: BulkChoice, value: string): BulkAction | string {
  switch (choice) {
    case 'add_tags':
    case 'remove_tags': {
      const tags = parseTags(value)
      if (tags.length === 0) return 'Type at least one tag.'
      return { action: choice, tags }
    }
    case 'set_username':
      return { action: 'set_username', username: value }
    case 'set_url':
      return { action: 'set_url', url: value.trim() }
    case 'set_folder':
      return { action: 'set_folder', folder: value.trim() }
    case 'append_notes':
      if (value.trim().length === 0) return 'Type the text to append.'
      return { action: 'append_notes', text: value }
    case 'favourite':
      return { action: 'set_favourite', favourite: true }
    case 'unfavourite':
      return { action: 'set_favourite', favourite: false }
    case 'delete':
      return { action: 'delete' }
  }
}
