/**
 * Configuration of the operations surface, in Distribution's key names: `http.debug` (the
 * metrics address), `http.draintimeout` and `http.headers`, `storage.maintenance.readonly`,
 * `health` and `log.fields`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { duration } from './proxy-schema.js';

/** HOST:PORT, :PORT or [v6]:PORT, as http.addr. */
export const listenAddr = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/, 'must be HOST:PORT or :PORT');

/** `http.debug`: a second listener for metrics and health, without auth (Distribution's debug server). */
export const debugSchema = z
  .object({
    /** Where the debug server listens; without it, /metrics is served on http.addr behind auth. */
    addr: listenAddr.optional(),
    prometheus: z
      .object({
        enabled: z.boolean().default(true),
        path: z
          .string()
          .regex(/^\/\S*$/, 'must be an absolute path such as /metrics')
          .default('/metrics'),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

/**
 * `http.workers`: server processes sharing the port (src/cluster). `auto` (the default): the
 * CPUs this process may use, capped by the memory budget; 1: one process, no supervisor.
 */
export const workersSchema = z.union([z.literal('auto'), z.number().int().min(1).max(256)]).default('auto');

/** `http.draintimeout`: how long a SIGTERM waits for requests in flight (Distribution's key); under docker stop's 10 s. */
export const drainTimeout = duration.default('8s');

/** `http.headers`: headers added to every response (Distribution writes `Name: [value]`). */
export const headersSchema = z
  .record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name'),
    z.union([z.string().transform((v) => [v]), z.array(z.string())]),
  )
  .default({});

/** `storage.maintenance.readonly`: refuse every write at start (switchable at run time). */
export const readonlySchema = z
  .object({ enabled: z.boolean().default(false) })
  .strict()
  .default({});

/** `health`: what /readyz checks. Distribution's background-check keys are reported as ignored. */
export const healthSchema = z
  .object({
    storagedriver: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .default({}),
    /** How long one readiness check may take before it counts as failed. */
    timeout: duration.default('2s'),
  })
  .strict()
  .default({});

/** `log.fields`: added to every log line (service name, environment). */
export const logFieldsSchema = z.record(z.union([z.string(), z.number(), z.boolean()])).default({});

/** Names proxy-addr (Express's `trust proxy`) knows for whole address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR (`10.0.0.0/8`, `fd00::/8`) or one of RANGE_NAMES. */
function isProxyEntry(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * `http.trustedproxies`: the peers whose X-Forwarded-For/-Proto/-Host are believed (addresses,
 * CIDRs, or loopback/linklocal/uniquelocal). Empty (the default): the headers are ignored, so no
 * client can choose the host of a Location header or the address written to the log. From the
 * environment: `10.0.0.0/8,127.0.0.1`.
 */
export const trustedProxiesSchema = z
  .preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(
      z
        .string()
        .refine(isProxyEntry, (s) => ({ message: `${JSON.stringify(s)} is not an address, a CIDR, loopback, linklocal or uniquelocal` })),
    ),
  )
  .default([]);
