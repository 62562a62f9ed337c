/**
 * `berth health`: ask the running server's /readyz (or /healthz with --live) on the address the
 * configuration names, and exit 0 when it answers 200. The Dockerfile's HEALTHCHECK runs it, so
 * the probe follows http.addr and http.tls instead of a port written into the image, and needs
 * no credentials whatever the auth mode.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import type { Command } from './command.js';
import { callServer, localTarget } from './server-call.js';

export const healthCommand: Command = {
  name: 'health',
  usage: ['berth health [--config FILE] [--live]   exit 0 when the local server is ready (alive with --live)'],
  async run(args) {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, live: { type: 'boolean' } } });
    const config = await loadConfig(values.config ?? process.env['BERTH_CONFIG']);
    const path = values.live ? '/healthz' : '/readyz';
    const answer = await callServer(localTarget(config), path);
    const status = 'unreachable' in answer ? `unreachable: ${answer.unreachable}` : `${answer.status} ${answer.body.trim()}`;
    process.stdout.write(`${path}: ${status}\n`);
    return status.startsWith('200 ') ? 0 : 1;
  },
};
