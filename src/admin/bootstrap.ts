/**
 * First start with accounts on: the first administrator (from BERTH_ADMIN_PASSWORD, or a
 * generated password printed once to the log; only its bcrypt hash is stored), the `library`
 * project, and a project for each top-level name of a registry that already holds
 * repositories, owned by the administrator. Each step is safe when several processes start
 * together: the unique names decide, and the project scan runs once (a settings mark).
 */
import type { Logger } from '../log.js';
import { AlreadyExistsError } from './errors.js';
import { LIBRARY, projectOf } from './names.js';
import { randomPassword } from './secrets.js';
import type { AdminServices } from './setup.js';

/** The first administrator's name. */
export const FIRST_ADMIN = 'admin';

/** What bootstrap needs besides the services. */
export interface BootstrapOptions {
  /** BERTH_ADMIN_PASSWORD, when set. */
  adminPassword?: string;
  /** Every repository in storage (the catalog). */
  repositories(): Promise<readonly string[]>;
  log: Logger;
}

/** Create what a registry with accounts needs before its first login. */
export async function bootstrap(s: AdminServices, opts: BootstrapOptions): Promise<void> {
  const { log } = opts;
  if ((await s.stores.users.count()) === 0) {
    const generated = opts.adminPassword === undefined || opts.adminPassword === '';
    const password = generated ? randomPassword() : opts.adminPassword!;
    try {
      await s.accounts.create(FIRST_ADMIN, password, { admin: true });
      if (generated) {
        log.warn('first administrator created: this password is shown once; change it with berth user passwd admin', {
          user: FIRST_ADMIN,
          password,
        });
      } else {
        log.info('first administrator created from BERTH_ADMIN_PASSWORD', { user: FIRST_ADMIN });
      }
    } catch (err) {
      // Another process sharing the database created it at the same moment.
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  } else if ((await s.stores.users.countActiveAdmins()) === 0) {
    log.warn('no active administrator: make one with berth user admin NAME');
  }

  const mark = new Date().toISOString();
  if ((await s.stores.settings.setIfAbsent('bootstrap.projects', mark)) !== mark) return;
  const owner = (await s.stores.users.list()).find((u) => u.admin && !u.disabled);
  const repositories = await opts.repositories();
  const created = await s.projects.ensureProjects([LIBRARY, ...repositories.map(projectOf)], owner?.id);
  if (created.length > 0) log.info('projects created for the repositories in storage', { projects: created, owner: owner?.name });
}
