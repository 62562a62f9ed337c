/** `berth robot add|list|refresh|disable|enable|remove`: robot accounts, straight on the database. */
import { InvalidInputError } from '../admin/errors.js';
import type { RobotService } from '../admin/robots.js';
import { duration } from '../config/proxy-schema.js';
import type { Robot, RobotPermission } from '../db/robots.js';
import { UsageError, type Command } from './command.js';
import { arg, parseCommand, print, table, verb, withServices, io } from './admin-context.js';

const VERBS = ['add', 'list', 'refresh', 'disable', 'enable', 'remove'] as const;

/** `--expires`: a duration from now (30d, 12h, 3600), an ISO date, or never. */
export function parseExpiry(text: string | undefined, now = Date.now()): Date | null {
  if (text === undefined || text === 'never') return null;
  if (/^\d{4}-\d\d-\d\d/.test(text)) {
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) throw new InvalidInputError(`invalid expiry date ${text}`);
    return at;
  }
  const ms = duration.safeParse(/^\d+$/.test(text) ? Number(text) : text);
  if (!ms.success)
    throw new InvalidInputError(`invalid expiry ${JSON.stringify(text)}: a duration (30d, 12h, 90m), a date (2027-01-31) or never`);
  return new Date(now + ms.data);
}

/** `--permission PROJECT=ACTIONS` of a system robot. */
function parsePermission(text: string): RobotPermission {
  const i = text.indexOf('=');
  if (i <= 0) throw new InvalidInputError(`invalid permission ${JSON.stringify(text)}: PROJECT=pull,push,delete or *=pull`);
  return { namespace: text.slice(0, i), actions: text.slice(i + 1).split(',') };
}

const shown = (r: Robot) => ({
  name: r.name,
  permissions: r.permissions.map((p) => `${p.namespace}=${p.actions.join(',')}`).join(' '),
  disabled: r.disabled,
  expires: r.expiresAt?.toISOString() ?? 'never',
  description: r.description,
});

async function add(robots: RobotService, name: string, values: Record<string, unknown>): Promise<void> {
  const perms = (values['permission'] as string[] | undefined) ?? [];
  const opts = {
    expiresAt: parseExpiry(values['expires'] as string | undefined),
    description: values['description'] as string | undefined,
  };
  const project = values['project'] as string | undefined;
  if ((project === undefined) === (values['system'] !== true)) throw new UsageError('give either --project PROJECT or --system');
  const made =
    project !== undefined
      ? await robots.createForProject(
          project,
          name,
          perms.flatMap((p) => p.split(',')),
          opts,
        )
      : await robots.createSystem(name, perms.map(parsePermission), opts);
  // The secret is printed once and never again: the database keeps only its hash.
  io.out(`name:   ${made.robot.name}\nsecret: ${made.secret}\n`);
}

/** The `berth robot` command group. */
export const robotCommand: Command = {
  name: 'robot',
  usage: [
    'berth robot add NAME --project P --permission pull,push [--expires 30d] [--description TEXT]',
    '                                                    a project robot, robot+P+NAME (the secret is printed once)',
    'berth robot add NAME --system --permission P=pull[,push,delete] [--permission *=pull] [--expires ...]',
    '                                                    a system robot, robot+NAME, on several projects (* = all)',
    'berth robot list [--project P | --system] [--json]  list robots',
    'berth robot refresh ROBOT                          a new secret (printed once); the old one stops working',
    'berth robot disable|enable ROBOT                   stop (at once) or allow new tokens for a robot',
    'berth robot remove ROBOT                           delete a robot',
  ],
  async run(args) {
    const { values, positionals } = parseCommand(args, {
      project: { type: 'string' },
      system: { type: 'boolean' },
      permission: { type: 'string', multiple: true },
      expires: { type: 'string' },
      description: { type: 'string' },
      json: { type: 'boolean' },
    });
    const v = verb(positionals, VERBS, 'robot');
    return withServices(values, async ({ robots }) => {
      if (v === 'list') {
        const list = await robots.list(values['system'] ? null : (values['project'] as string | undefined));
        print(values['json'] === true, list.map(shown), () =>
          table([
            ['NAME', 'PERMISSIONS', 'DISABLED', 'EXPIRES'],
            ...list.map(shown).map((r) => [r.name, r.permissions, r.disabled ? 'yes' : '', r.expires]),
          ]),
        );
        return;
      }
      const name = arg(positionals, 1, 'robot name');
      if (v === 'add') return add(robots, name, values);
      if (v === 'refresh') {
        const { robot, secret } = await robots.refresh(name);
        io.out(`name:   ${robot.name}\nsecret: ${secret}\n`);
      } else if (v === 'disable' || v === 'enable') {
        await robots.setDisabled(name, v === 'disable');
        io.out(`${name}: ${v}d\n`);
      } else {
        await robots.remove(name);
        io.out(`${name}: removed\n`);
      }
    });
  },
};
