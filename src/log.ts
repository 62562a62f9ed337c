/** A tiny leveled JSON-lines logger on stderr. */

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
}

/** A logger that writes records at `level` and above. */
export function createLogger(level: Level, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const max = LEVELS[level];
  const at = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] <= max) write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), enabled: (lvl) => LEVELS[lvl] <= max };
}
