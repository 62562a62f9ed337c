/** Accept header negotiation for manifests (several headers, comma lists, q= weights). */

/** One media range of an Accept header and its weight (q=0 means "not acceptable"). */
export interface MediaRange {
  range: string;
  q: number;
}

/**
 * The media ranges of the Accept header(s), lower-cased, q=0 ones included (they exclude a
 * type); empty means "anything". A range with an unreadable q is ignored.
 */
export function acceptedTypes(header: string | string[] | undefined): readonly MediaRange[] {
  if (header === undefined) return [];
  const joined = Array.isArray(header) ? header.join(',') : header;
  // Clients send the same few Accept headers over and over: parse each once.
  const known = parsed.get(joined);
  if (known !== undefined) return known;
  const out = parse(joined);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(joined, out);
  return out;
}

const parsed = new Map<string, readonly MediaRange[]>();
const PARSED_MAX = 256;

function parse(joined: string): readonly MediaRange[] {
  const out: MediaRange[] = [];
  for (const part of joined.split(',')) {
    const [type, ...paramList] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const q = paramList.find((p) => /^q\s*=/i.test(p));
    const weight = q === undefined ? 1 : Number(q.split('=')[1]);
    if (Number.isFinite(weight) && weight >= 0) out.push(Object.freeze({ range: type.toLowerCase(), q: weight }));
  }
  return Object.freeze(out);
}

/**
 * Whether a media type is acceptable. As RFC 9110 §12.5.1 says, the most specific matching
 * range decides (type/subtype over type/* over *\/*), so "x;q=0, *\/*" refuses x.
 */
export function accepts(accepted: readonly MediaRange[], mediaType: string): boolean {
  if (accepted.length === 0) return true;
  const type = mediaType.toLowerCase();
  const major = type.split('/')[0];
  let best: MediaRange | undefined;
  let rank = -1;
  for (const a of accepted) {
    const r = a.range === type ? 2 : a.range === `${major}/*` ? 1 : a.range === '*/*' ? 0 : -1;
    if (r > rank || (r === rank && best !== undefined && a.q > best.q)) {
      rank = r;
      best = a;
    }
  }
  return best !== undefined && rank >= 0 && best.q > 0;
}
