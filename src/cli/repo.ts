/** `berth repo list|rm`: the repositories in storage, and removing one (its blobs wait for `berth gc`). */
import { auditEntry } from '../admin/audit-log.js';
import type { Config } from '../config/schema.js';
import { openDatabase } from '../db/database.js';
import { createStores } from '../db/stores.js';
import type { RegistryEvent } from '../events/events.js';
import { ReadOnlyState } from '../ops/read-only.js';
import { parseName } from '../registry/reference.js';
import { arg, io, parseCommand, print, verb } from './admin-context.js';
import type { Command } from './command.js';
import { withRegistry } from './registry-context.js';

/** The `berth repo` command group. */
export const repoCommand: Command = {
  name: 'repo',
  usage: [
    'berth repo list [--json]                  list repositories (the catalog)',
    'berth repo rm NAME                        remove a repository: its tags and manifests (blobs go at the next gc)',
  ],
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } });
    const v = verb(positionals, ['list', 'rm'], 'repo');
    return withRegistry(values, async (registry, config) => {
      if (v === 'list') {
        const names = await registry.repositories.list();
        print(values['json'] === true, names, () => names.map((n) => `${n}\n`).join(''));
        return;
      }
      const name = parseName(arg(positionals, 1, 'repository name'));
      registry.guards.add('read-only', new ReadOnlyState(config.storage.maintenance.readonly.enabled).guard());
      let deleted: RegistryEvent | undefined;
      registry.events.on('repository.deleted', (e) => void (deleted = e));
      const removed = await registry.repositories.remove(name, { actor: 'cli', actorKind: 'system' });
      if (deleted) await recordRemoval(config, deleted);
      io.out(`${name}: removed (${removed.tags.length} tags, ${removed.manifests} manifests); run berth gc to free its blobs\n`);
    });
  },
};

/**
 * What a server's listeners do for a repository deleted through its API, done here on the
 * same database: the artifact index forgets the repository at once (a running server's pages
 * and search stop listing it without an index rebuild), and the audit log records who did it.
 */
async function recordRemoval(config: Config, event: RegistryEvent): Promise<void> {
  if (event.type !== 'repository.deleted') return;
  const db = await openDatabase(config);
  try {
    const stores = createStores(db);
    await stores.index.removeRepository(event.data.repository);
    const entry = auditEntry(event);
    if (entry) await stores.audit.append([entry]);
  } finally {
    await db.close();
  }
}
