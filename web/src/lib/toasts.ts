/** Short messages after an action ("Tag 1.0 deleted"); errors stay until dismissed. */
import { createStore } from './store.js';

/** One message. */
export interface Toast {
  id: number;
  kind: 'success' | 'info' | 'error';
  text: string;
}

/** The messages on screen, oldest first. */
export const toasts = createStore<readonly Toast[]>([]);

let next = 1;
/** How long a success or info message stays. */
export const TOAST_MS = 6000;

/** Show a message; returns its id. */
export function showToast(kind: Toast['kind'], text: string): number {
  const id = next++;
  toasts.set([...toasts.get(), { id, kind, text }].slice(-5));
  if (kind !== 'error') setTimeout(() => dismissToast(id), TOAST_MS);
  return id;
}

/** Remove a message. */
export function dismissToast(id: number): void {
  toasts.set(toasts.get().filter((t) => t.id !== id));
}
