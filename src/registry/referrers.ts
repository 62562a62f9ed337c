/** The referrers API: manifests whose `subject` is a given digest. */
import type { StorageDriver } from '../storage/driver.js';
import { listOrEmpty, readLink } from './links.js';
import type { ManifestService } from './manifests.js';
import * as paths from './paths.js';
import type { Digest } from './reference.js';

/** One entry of the referrers index. */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Lists referrers from the _referrers links written at manifest PUT. */
export class ReferrerService {
  constructor(
    private readonly driver: StorageDriver,
    private readonly manifests: ManifestService,
  ) {}

  /** Referrers of `subject` in `name`, optionally only those of one artifactType. */
  async list(name: string, subject: Digest, artifactType?: string): Promise<ReferrerDescriptor[]> {
    const dir = paths.referrersDir(name, subject);
    const links = (await Promise.all((await listOrEmpty(this.driver, dir)).map((alg) => listOrEmpty(this.driver, alg)))).flat();
    const out: ReferrerDescriptor[] = [];
    for (const folder of links.sort()) {
      const digest = await readLink(this.driver, `${folder}/link`);
      // A referrer deleted by digest is skipped even if its link was left behind.
      if (digest === null || !(await this.manifests.exists(name, digest))) continue;
      const { body, parsed } = await this.manifests.load(digest);
      if (artifactType !== undefined && parsed.artifactType !== artifactType) continue;
      const entry: ReferrerDescriptor = { mediaType: parsed.mediaType, digest: digest.value, size: body.length };
      if (parsed.artifactType !== undefined) entry.artifactType = parsed.artifactType;
      if (parsed.annotations !== undefined) entry.annotations = parsed.annotations;
      out.push(entry);
    }
    return out;
  }
}
