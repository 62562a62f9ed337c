/** `berth user add|list|passwd|disable|enable|admin|remove`: local accounts, straight on the database. */
import { randomPassword } from '../admin/secrets.js';
import type { Command } from './command.js';
import { arg, parseCommand, print, readStdin, table, verb, withServices, io } from './admin-context.js';

const VERBS = ['add', 'list', 'passwd', 'disable', 'enable', 'admin', 'remove'] as const;

/** A password from stdin (--password-stdin), or a generated one that is printed once. */
async function passwordFor(values: Record<string, unknown>): Promise<{ password: string; generated: boolean }> {
  if (values['password-stdin']) return { password: await readStdin(), generated: false };
  return { password: randomPassword(), generated: true };
}

/** The `berth user` command group. */
export const userCommand: Command = {
  name: 'user',
  usage: [
    'berth user add NAME [--admin] [--password-stdin]   create a user (a generated password is printed once)',
    'berth user list [--json]                           list users',
    'berth user passwd NAME [--password-stdin]          set a new password (generated when not given)',
    'berth user disable|enable NAME                     stop (at once) or allow new tokens for a user',
    'berth user admin NAME [--revoke]                   make a user a system administrator, or not',
    'berth user remove NAME                             delete a user and its memberships',
  ],
  async run(args) {
    const { values, positionals } = parseCommand(args, {
      admin: { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
      revoke: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const v = verb(positionals, VERBS, 'user');
    return withServices(values, async ({ accounts }) => {
      if (v === 'list') {
        const { users } = await accounts.list();
        const shown = users.map((u) => ({ name: u.name, admin: u.admin, disabled: u.disabled, created: u.createdAt.toISOString() }));
        print(values['json'] === true, shown, () =>
          table([
            ['NAME', 'ADMIN', 'DISABLED', 'CREATED'],
            ...shown.map((u) => [u.name, u.admin ? 'yes' : '', u.disabled ? 'yes' : '', u.created]),
          ]),
        );
        return;
      }
      const name = arg(positionals, 1, 'user name');
      if (v === 'add' || v === 'passwd') {
        const { password, generated } = await passwordFor(values);
        if (v === 'add') await accounts.create(name, password, { admin: values['admin'] === true });
        else await accounts.setPassword(name, password);
        io.out(generated ? `${name}: password ${password}\n` : `${name}: ${v === 'add' ? 'created' : 'password set'}\n`);
      } else if (v === 'disable' || v === 'enable') {
        await accounts.setDisabled(name, v === 'disable');
        io.out(`${name}: ${v}d\n`);
      } else if (v === 'admin') {
        await accounts.setAdmin(name, values['revoke'] !== true);
        io.out(`${name}: ${values['revoke'] ? 'no longer an administrator' : 'administrator'}\n`);
      } else {
        await accounts.remove(name);
        io.out(`${name}: removed\n`);
      }
    });
  },
};
