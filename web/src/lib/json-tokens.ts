/**
 * A JSON value as lines of typed tokens, for the JSON viewer to colour. The viewer puts each
 * token in the page as text, so a manifest annotation holding markup stays characters.
 */

/** What a token is, which picks its colour. */
export type TokenKind = 'key' | 'string' | 'number' | 'boolean' | 'null' | 'punct';

/** One coloured piece of a line. */
export interface Token {
  kind: TokenKind;
  text: string;
}

/** Pretty-printed `value` (two-space indent, as JSON.stringify(value, null, 2) lays it out). */
export function jsonLines(value: unknown): Token[][] {
  const lines: Token[][] = [];
  let line: Token[] = [];
  const push = (kind: TokenKind, text: string): void => {
    line.push({ kind, text });
  };
  const newline = (depth: number) => {
    lines.push(line);
    line = depth > 0 ? [{ kind: 'punct', text: '  '.repeat(depth) }] : [];
  };
  const walk = (v: unknown, depth: number): void => {
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') return push('null', 'null');
    if (typeof v === 'string') return push('string', JSON.stringify(v));
    if (typeof v === 'number') return push('number', Number.isFinite(v) ? String(v) : 'null');
    if (typeof v === 'bigint') return push('number', v.toString());
    if (typeof v === 'boolean') return push('boolean', String(v));
    const array = Array.isArray(v);
    const entries: [string | undefined, unknown][] = array ? v.map((x) => [undefined, x]) : Object.entries(v as object);
    const [open, close] = array ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return push('punct', open + close);
    push('punct', open);
    entries.forEach(([key, item], i) => {
      newline(depth + 1);
      if (key !== undefined) {
        push('key', JSON.stringify(key));
        push('punct', ': ');
      }
      walk(item, depth + 1);
      if (i < entries.length - 1) push('punct', ',');
    });
    newline(depth);
    push('punct', close);
  };
  walk(value, 0);
  lines.push(line);
  return lines;
}
