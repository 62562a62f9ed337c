/**
 * SIGHUP: re-read the configuration (file and environment) and apply what can change while
 * serving: read-only mode (storage.maintenance.readonly.enabled). Everything else needs a
 * restart; an invalid file is logged and changes nothing.
 */
import { loadConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Ops } from './ops.js';

/** Re-read `file` and apply its run-time switches to `ops`. */
export async function reloadRuntimeConfig(file: string | undefined, ops: Ops, log: Logger): Promise<void> {
  try {
    const config = await loadConfig(file);
    const readonly = config.storage.maintenance.readonly.enabled;
    if (!ops.readOnly.set(readonly, 'SIGHUP')) log.info('configuration reloaded: nothing to change', { readonly });
  } catch (err) {
    log.error('configuration reload failed; nothing changed', { error: err instanceof Error ? err.message : String(err) });
  }
}
