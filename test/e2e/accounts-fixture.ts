/**
 * Berth over HTTPS with `auth.accounts: true` for the real-client suite: the development CA
 * (trusted by dockerd for the server's address), the first administrator from
 * BERTH_ADMIN_PASSWORD, the berth CLI on the server's database while it runs, and one docker
 * config folder per identity. Shared by accounts.test.ts and import-search.test.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDevCerts } from '../../src/tls/dev-certs.js';
import type { RunningRegistry } from './helpers.js';
import { ensureBaseImage, makeTempDir, REPO_ROOT, removeDir, removeImages, sh, startBerth } from './helpers.js';
import { dockerConfigDir, dockerIn, DockerTrust, HOST_IP, httpsStatus } from './tls-helpers.js';

/** The first administrator's password. */
export const ADMIN_PW = 'admin-e2e-password';

/** A running Berth with accounts on, and what the tests do with it. */
export class AccountsBerth {
  /** Passwords of the users made by addUser(), by name. */
  readonly passwords: Record<string, string> = {};
  /** Image references to remove from dockerd at the end. */
  readonly images: string[] = [];
  readonly #trust = new DockerTrust();

  private constructor(
    readonly work: string,
    readonly configFile: string,
    readonly caFile: string,
    readonly ca: Buffer,
    readonly berth: RunningRegistry,
  ) {}

  /** Start it in a new temp folder named after `name`; `env` adds BERTH_* settings. */
  static async start(name: string, env: Record<string, string> = {}): Promise<AccountsBerth> {
    const work = await makeTempDir(name);
    const certs = await makeDevCerts({ dir: join(work, 'certs'), hosts: [HOST_IP, '127.0.0.1', 'localhost'] });
    const ca = await readFile(certs.caCert);
    const configFile = join(work, 'berth.yml');
    await writeFile(
      configFile,
      JSON.stringify({
        http: { tls: { certificate: certs.serverCert, key: certs.serverKey } },
        storage: { filesystem: { rootdirectory: join(work, 'data') } },
        auth: { accounts: true },
      }),
    );
    const berth = await startBerth({
      root: join(work, 'data'),
      storageEnv: {},
      listenHost: HOST_IP,
      https: true,
      env: { BERTH_CONFIG: configFile, BERTH_ADMIN_PASSWORD: ADMIN_PW, ...env },
      ready: async (url) => (await httpsStatus(url, ca)) === 401,
    });
    const fixture = new AccountsBerth(work, configFile, certs.caCert, ca, berth);
    await fixture.#trust.trust(berth.host, certs.caCert);
    await ensureBaseImage();
    return fixture;
  }

  /** `HOST/repo:tag` on this server. */
  ref(repoTag: string): string {
    return `${this.berth.host}/${repoTag}`;
  }

  /** Run the berth CLI on the server's database (while the server runs); its stdout. */
  async cli(...args: string[]): Promise<string> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BERTH_')) env[k] = v;
    const main = join('src', 'main.ts');
    return (await sh(process.execPath, ['--import', 'tsx', main, ...args, '--config', this.configFile], { cwd: REPO_ROOT, env })).stdout;
  }

  /** Add a user through the CLI; its generated password (kept in `passwords`). */
  async addUser(name: string): Promise<string> {
    this.passwords[name] = /password (\S+)/.exec(await this.cli('user', 'add', name))![1]!;
    return this.passwords[name]!;
  }

  /** Add a robot through the CLI (`robot add ARGS`); its full name and secret. */
  async addRobot(...args: string[]): Promise<{ name: string; secret: string }> {
    const out = await this.cli('robot', 'add', ...args);
    return { name: /name: +(\S+)/.exec(out)![1]!, secret: /secret: (\S+)/.exec(out)![1]! };
  }

  /** Run docker with the config folder of identity `who`. */
  async as(who: string, ...args: string[]) {
    return dockerIn(await dockerConfigDir(this.work, who), ...args);
  }

  /** docker login as `user` (default: `who`, with its password from addUser) into `who`'s config. */
  login(who: string, user = who, password = this.passwords[who]!) {
    return this.as(who, 'login', this.berth.host, '-u', user, '-p', password);
  }

  /** Stop the server, untrust the CA, remove the images and the folder. */
  async stop(): Promise<void> {
    await this.berth.stop();
    await this.#trust.cleanup();
    await removeImages(...this.images);
    await removeDir(this.work);
  }
}
