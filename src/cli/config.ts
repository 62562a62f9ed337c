/** `berth config validate FILE`. */
import { loadConfigDetailed } from '../config/load.js';
import { UsageError, type Command } from './command.js';

export const configCommand: Command = {
  name: 'config',
  usage: ['berth config validate FILE       check a configuration file (and BERTH_*/REGISTRY_* env) and exit'],
  async run(args) {
    if (args[0] !== 'validate' || args[1] === undefined) throw new UsageError('expected: berth config validate FILE');
    const { notices } = await loadConfigDetailed(args[1]);
    for (const notice of notices) process.stdout.write(`${args[1]}: ${notice}\n`);
    process.stdout.write(`${args[1]}: valid\n`);
    return 0;
  },
};
