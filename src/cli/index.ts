/** `berth index rebuild`: recreate the artifact index from storage. */
import { createLogger } from '../log.js';
import { INDEX_BUILT } from '../admin/setup.js';
import { rebuildIndex } from '../admin/index-rebuild.js';
import { createRegistry, registryOptions } from '../registry/registry.js';
import { createDriver } from '../storage/factory.js';
import type { Command } from './command.js';
import { parseCommand, print, verb, withServices } from './admin-context.js';

/** The `berth index` command group. */
export const indexCommand: Command = {
  name: 'index',
  usage: ['berth index rebuild [--json]                      recreate the artifact index from storage (safe while Berth runs)'],
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } });
    verb(positionals, ['rebuild'], 'index');
    return withServices(values, async (s, config) => {
      const driver = createDriver(config.storage);
      await driver.check();
      const registry = createRegistry(driver, registryOptions(config));
      // Progress goes to stderr as log lines; the result to stdout.
      const log = createLogger('warn');
      const result = await rebuildIndex(registry, s.stores.index, log);
      await s.stores.settings.set(INDEX_BUILT, new Date().toISOString());
      const removed = result.removed > 0 ? `, ${result.removed} repositories no longer in storage removed` : '';
      print(
        values['json'] === true,
        result,
        () => `index rebuilt: ${result.repositories} repositories, ${result.artifacts} artifacts, ${result.tags} tags${removed}\n`,
      );
    });
  },
};
