/**
 * Which repositories a caller sees in listings (GET /v2/_catalog, and search later): those it
 * may pull. With accounts on, a private project is invisible to whoever is not its member. The
 * caller comes from the verified token (name and kind); the config file's policy adds what it
 * grants (its users' rules and anonymous globs).
 */
import type { Visibility } from '../auth/controller.js';
import type { Subject, SyncPolicy } from '../auth/policy.js';
import type { TokenServerConfig } from '../config/security-schema.js';
import type { Authorizer } from './authorizer.js';
import type { CredentialService } from './credentials.js';

/** The visibility of accounts beside the config-file policy `config`. */
export function accountsVisibility(
  authorizer: Authorizer,
  credentials: CredentialService,
  config: { policy: SyncPolicy; server: TokenServerConfig },
): Visibility {
  return async (caller) => {
    const configUser =
      caller && caller.kind !== 'robot' && Object.hasOwn(config.server.users, caller.name) ? config.server.users[caller.name] : undefined;
    const subject: Subject | undefined = caller && configUser ? { name: caller.name, groups: configUser.groups } : undefined;
    // Config-file users come first at login, as in the token server: the name is not an account's then.
    const principal = caller && !configUser ? await credentials.principal(caller.name) : undefined;
    const accounts = await authorizer.pullable(principal);
    if (accounts === undefined) return undefined;
    const byConfig = (repository: string) =>
      config.policy.grant(subject, { type: 'repository', name: repository, actions: ['pull'] }).actions.length > 0;
    return (repository) => accounts(repository) || byConfig(repository);
  };
}
