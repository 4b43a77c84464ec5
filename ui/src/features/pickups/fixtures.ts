// Test data shared by the pickup tests.
import type { OwnerStatus } from '../../lib/bindings'

/** What the relay says about pickup p1 to ana@example.com while nobody has opened it yet. */
export function ownerStatus(overrides: Partial<OwnerStatus> = {}): OwnerStatus {
  return {
    id: 'p1',
    recipient_email: 'ana@example.com',
    state: 'active',
    created_at: '2026-11-20T10:00:00Z',
    expires_at: '2026-11-27T10:00:00Z',
    attempts_left: 3,
    views_left: null,
    events: [],
    ...overrides,
  }
}
