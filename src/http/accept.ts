/** Accept header negotiation for manifests (several headers, comma lists, q= weights). */

/** Media ranges the client accepts (q > 0), lower-cased; empty means "anything". */
export function acceptedTypes(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const joined = Array.isArray(header) ? header.join(',') : header;
  const out: string[] = [];
  for (const part of joined.split(',')) {
    const [type, ...paramList] = part.split(';').map((s) => s.trim());
    if (!type) continue;
    const q = paramList.find((p) => /^q\s*=/i.test(p));
    const weight = q === undefined ? 1 : Number(q.split('=')[1]);
    if (Number.isFinite(weight) && weight > 0) out.push(type.toLowerCase());
  }
  return out;
}

/** Whether a media type is covered by the accepted ranges (type/subtype, type/*, *\/*). */
export function accepts(accepted: readonly string[], mediaType: string): boolean {
  if (accepted.length === 0) return true;
  const type = mediaType.toLowerCase();
  const major = type.split('/')[0];
  return accepted.some((a) => a === type || a === '*/*' || a === `${major}/*`);
}
