/**
 * Parsing WWW-Authenticate challenges (RFC 9110 §11.6.1), which is how the UI learns from
 * `GET /v2/` whether this Berth asks for credentials, before any management API exists.
 * fetch() joins several headers with ", ", so one string may hold several challenges.
 */

/** One challenge: its scheme (lower case) and parameters (names lower case). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Every challenge in a WWW-Authenticate value. */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skip = (re: RegExp) => {
    while (i < s.length && re.test(s[i]!)) i++;
  };
  const token = () => {
    const start = i;
    skip(/[!#$%&'*+\-.^_`|~0-9A-Za-z]/);
    return s.slice(start, i);
  };
  while (i < s.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    for (;;) {
      const save = i;
      skip(/[\s,]/);
      const name = token();
      skip(/\s/);
      if (!name || s[i] !== '=') {
        // Not a parameter: the next challenge's scheme (or a token68, which Berth never sends).
        i = save;
        break;
      }
      i++;
      skip(/\s/);
      challenge.params[name.toLowerCase()] = s[i] === '"' ? quoted() : token();
    }
  }
  return out;

  function quoted(): string {
    let value = '';
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\') i++;
      value += s[i] ?? '';
      i++;
    }
    i++;
    return value;
  }
}
