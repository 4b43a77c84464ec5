// Short messages at the bottom of the window, optionally with one action (e.g. Undo).
export type Toast = {
  id: number
  text: string
  tone: 'info' | 'error'
  action?: { label: string; run: () => void }
}

export const toasts = $state<Toast[]>([])
let nextId = 1

export function showToast(
  text: string,
  options: { tone?: Toast['tone']; action?: Toast['action']; seconds?: number } = {},
): void {
  const id = nextId++
  toasts.push({ id, text, tone: options.tone ?? 'info', action: options.action })
  setTimeout(() => dismissToast(id), (options.seconds ?? 5) * 1000)
}

export function dismissToast(id: number): void {
  const index = toasts.findIndex((toast) => toast.id === id)
  if (index >= 0) toasts.splice(index, 1)
}
