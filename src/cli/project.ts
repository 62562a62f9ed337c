/** `berth project add|list|public|private|member|members|remove`: projects and roles, straight on the database. */
import { ROLE_TITLES, isRole } from '../admin/roles.js';
import type { Command } from './command.js';
import { arg, parseCommand, print, table, verb, withServices, io } from './admin-context.js';
import { NotFoundError } from '../admin/errors.js';

const VERBS = ['add', 'list', 'public', 'private', 'member', 'members', 'remove'] as const;

/** The `berth project` command group. */
export const projectCommand: Command = {
  name: 'project',
  usage: [
    'berth project add NAME [--public] [--owner USER]   create a project (private unless --public; USER becomes Project Admin)',
    'berth project list [--json]                        list projects',
    'berth project public|private NAME                  allow or stop anonymous pull',
    'berth project member PROJECT USER ROLE             set a role: project-admin, maintainer, developer, guest, limited-guest, none',
    'berth project members PROJECT [--json]             list members and roles',
    'berth project remove NAME                          delete a project with its members and robots (not its content)',
  ],
  async run(args) {
    const { values, positionals } = parseCommand(args, {
      public: { type: 'boolean' },
      owner: { type: 'string' },
      json: { type: 'boolean' },
    });
    const v = verb(positionals, VERBS, 'project');
    return withServices(values, async ({ projects, stores }) => {
      const json = values['json'] === true;
      if (v === 'list') {
        const list = await stores.projects.list();
        const shown = list.map((p) => ({ name: p.name, public: p.public, created: p.createdAt.toISOString() }));
        print(json, shown, () => table([['NAME', 'PUBLIC', 'CREATED'], ...shown.map((p) => [p.name, p.public ? 'yes' : '', p.created])]));
        return;
      }
      const name = arg(positionals, 1, 'project name');
      if (v === 'add') {
        const ownerName = values['owner'];
        const owner = typeof ownerName === 'string' ? await stores.users.byName(ownerName) : undefined;
        if (typeof ownerName === 'string' && !owner) throw new NotFoundError(`no user named ${ownerName}`);
        await projects.create(name, { public: values['public'] === true, owner: owner?.id });
        io.out(`${name}: created (${values['public'] ? 'public' : 'private'})\n`);
      } else if (v === 'public' || v === 'private') {
        await projects.setPublic(name, v === 'public');
        io.out(`${name}: ${v}\n`);
      } else if (v === 'member') {
        const user = arg(positionals, 2, 'user name');
        const role = arg(positionals, 3, 'role (or none)');
        if (role === 'none') {
          await projects.removeMember(name, user);
          io.out(`${name}: ${user} is no longer a member\n`);
        } else {
          const m = await projects.setMember(name, user, role);
          io.out(`${name}: ${user} is ${isRole(m.role) ? ROLE_TITLES[m.role] : m.role}\n`);
        }
      } else if (v === 'members') {
        const members = await projects.members(name);
        const shown = members.map((m) => ({ user: m.userName, role: m.role }));
        print(json, shown, () => table([['USER', 'ROLE'], ...shown.map((m) => [m.user, m.role])]));
      } else {
        await projects.remove(name);
        io.out(`${name}: removed\n`);
      }
    });
  },
};
