/**
 * An htpasswd file of bcrypt entries (`user:$2y$...`, as `htpasswd -B` writes), re-read when
 * the file changes: each lookup stats the file and reloads when its size, mtime or inode moved.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../log.js';
import { typicalCost } from './passwords.js';

/** Lookup of password hashes by user name. */
export interface HtpasswdFile {
  /** The bcrypt hash of `user`, or undefined when the user is not in the file. */
  hashOf(user: string): Promise<string | undefined>;
  /** The bcrypt cost most entries have: what a check for a name not in the file must cost. */
  cost(): number;
}

/** Parse htpasswd content; lines that are not bcrypt entries are skipped. */
export function parseHtpasswd(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    const hash = line.slice(i + 1);
    if (i > 0 && /^\$2[abxy]\$/.test(hash)) users.set(line.slice(0, i), hash);
  }
  return users;
}

/** The file at `path`, loaded on first use and whenever it changes. */
export function htpasswdFile(path: string, log: Logger): HtpasswdFile {
  let stamp = '';
  let users = new Map<string, string>();
  let cost = typicalCost([]);
  let loading: Promise<void> | undefined;
  const refresh = async (): Promise<void> => {
    const s = await stat(path);
    const now = `${s.ino}:${s.size}:${s.mtimeMs}`;
    if (now === stamp) return;
    users = parseHtpasswd(await readFile(path, 'utf8'));
    cost = typicalCost(users.values());
    stamp = now;
    log.info('htpasswd loaded', { path, users: users.size });
  };
  return {
    async hashOf(user) {
      // One reload at a time; concurrent requests wait for it.
      loading ??= refresh().finally(() => (loading = undefined));
      try {
        await loading;
      } catch (err) {
        // A file being replaced may be missing for a moment: keep serving the last good copy.
        if (stamp === '') throw err;
        log.warn('htpasswd reload failed', { path, error: String(err) });
      }
      return users.get(user);
    },
    cost: () => cost,
  };
}
