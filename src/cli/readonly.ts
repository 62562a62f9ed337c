/**
 * `berth readonly on|off|status`: switch read-only mode of the running server without a
 * restart, through its management API (PUT /api/v1/system/readonly), so every process behind
 * one address learns it the same way a script would. The server is the local one the
 * configuration names, or --url / BERTH_URL. Credentials of an administrator come from the
 * environment: BERTH_USER and BERTH_PASSWORD (Basic) or BERTH_TOKEN (Bearer); with auth off none
 * are needed (the registry is open anyway).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { UsageError, type Command } from './command.js';
import { io, verb } from './admin-context.js';
import { callServer, localTarget, type ServerTarget } from './server-call.js';

/** Authorization header from the environment, if credentials are given there. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env['BERTH_TOKEN']) return `Bearer ${env['BERTH_TOKEN']}`;
  const user = env['BERTH_USER'];
  const password = env['BERTH_PASSWORD'];
  if (user === undefined && password === undefined) return undefined;
  if (!user || password === undefined) throw new UsageError('BERTH_USER and BERTH_PASSWORD go together');
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export const readonlyCommand: Command = {
  name: 'readonly',
  usage: [
    'berth readonly on|off|status [--config FILE] [--url URL]   switch the running server (credentials: BERTH_USER + BERTH_PASSWORD, or BERTH_TOKEN)',
  ],
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { config: { type: 'string', short: 'c' }, url: { type: 'string' } },
    });
    const action = verb(positionals, ['on', 'off', 'status'], 'readonly');
    const url = values.url ?? process.env['BERTH_URL'];
    const target: ServerTarget = url
      ? { url: new URL(url), local: false }
      : localTarget(await loadConfig(values.config ?? process.env['BERTH_CONFIG']));
    const auth = credentialsFromEnv(process.env);
    const headers: Record<string, string> = { Accept: 'application/json', ...(auth ? { Authorization: auth } : {}) };
    const answer =
      action === 'status'
        ? await callServer(target, '/api/v1/system/readonly', { headers })
        : await callServer(target, '/api/v1/system/readonly', {
            method: 'PUT',
            headers: { ...headers, 'Content-Type': 'application/json' },
            body: JSON.stringify({ enabled: action === 'on' }),
          });
    if ('unreachable' in answer) {
      io.err(`berth: ${target.url.origin} unreachable: ${answer.unreachable}\n`);
      return 1;
    }
    let body: { enabled?: boolean; since?: string; by?: string; error?: { message?: string } };
    try {
      body = JSON.parse(answer.body);
    } catch {
      io.err(`berth: ${target.url.origin} answered ${answer.status}, not the management API's JSON\n`);
      return 1;
    }
    if (answer.status !== 200) {
      io.err(`berth: ${answer.status}: ${body.error?.message ?? answer.body}\n`);
      return 1;
    }
    io.out(`read-only mode ${body.enabled ? 'on' : 'off'} (since ${body.since}, by ${body.by})\n`);
    return 0;
  },
};
