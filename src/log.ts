/**
 * Structured JSON logs through pino, behind the small `Logger` face the rest of the code
 * uses (`log.info(msg, fields)`), so call sites never depend on pino's argument order.
 * One line per record on stderr: `{"level":"info","time":"…","pid":…,"msg":"…",…fields}`.
 */
import pino, { type DestinationStream, type Logger as Pino } from 'pino';

const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
/** A log level name. */
export type Level = keyof typeof LEVELS;

/** What the rest of the code logs through. */
export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  enabled(level: Level): boolean;
  /** A logger that adds `fields` to every line (a request's id, a job's name). */
  child(fields: Record<string, unknown>): Logger;
}

/**
 * A logger that writes records at `level` and above; `write` replaces stderr (tests), and
 * `fields` are added to every line (Distribution's `log.fields`).
 */
export function createLogger(level: Level, write?: (line: string) => void, fields: Record<string, unknown> = {}): Logger {
  // Asynchronous writes (pino flushes them synchronously on exit), so a busy access log does
  // not make every request wait for a write(2) to stderr.
  const dest: DestinationStream = write ? { write } : pino.destination({ dest: 2, sync: false });
  const root = pino(
    {
      level,
      base: { pid: process.pid, ...fields },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
  return face(root);
}

function face(p: Pino): Logger {
  const at =
    (lvl: Level) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (fields === undefined) p[lvl](msg);
      else p[lvl](fields, msg);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    enabled: (lvl) => p.isLevelEnabled(lvl),
    child: (fields) => face(p.child(fields)),
  };
}
