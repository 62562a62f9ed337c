/**
 * Reading an uploaded tarball (gzip or not) into a staging folder: each regular file is
 * streamed to a file named by a counter (never by the archive's own path, which could point
 * anywhere) while its sha256 is computed, so every blob can be verified without reading it
 * twice. Symbolic and hard links (docker save links repeated layers) are resolved to the file
 * they name, inside the archive only.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { ImportError } from './errors.js';

/** A file of the archive, staged on disk. */
export interface StagedFile {
  /** Where its bytes are now. */
  path: string;
  /** "sha256:<hex>" of its bytes. */
  digest: string;
  size: number;
}

/** The archive's files by their normalized path inside it. */
export type StagedArchive = Map<string, StagedFile>;

/** A path inside the archive without "./", duplicate or trailing slashes. */
export const archivePath = (name: string): string => posix.normalize(name.replace(/^(\.\/)+/, '')).replace(/\/+$/, '');

/** Stage every file of the tarball `file` into the folder `into`. */
export async function stageTarball(file: string, into: string): Promise<StagedArchive> {
  const staged: StagedArchive = new Map();
  const links: [string, string][] = [];
  let count = 0;
  const extract = tarExtract();
  extract.on('entry', (header, stream, next) => {
    const name = archivePath(header.name);
    if (header.type === 'file' || header.type === 'contiguous-file') {
      const path = posix.join(into, `f${count++}`);
      const hash = createHash('sha256');
      let size = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      pipeline(stream, hashing, createWriteStream(path)).then(
        () => {
          staged.set(name, { path, digest: `sha256:${hash.digest('hex')}`, size });
          next();
        },
        (err: unknown) => next(err as Error),
      );
      return;
    }
    if ((header.type === 'symlink' || header.type === 'link') && header.linkname) {
      // A symlink is relative to its folder; a hard link names a path from the archive's root.
      const target = header.type === 'symlink' ? posix.join(posix.dirname(name), header.linkname) : header.linkname;
      links.push([name, archivePath(target)]);
    }
    stream.on('end', () => next());
    stream.resume();
  });
  const source = createReadStream(file);
  const input = (await isGzip(file)) ? [source, createGunzip()] : [source];
  try {
    await pipeline([...input, extract] as unknown as [NodeJS.ReadableStream, Writable]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (input.length > 1 && /incorrect header|unexpected end|invalid/i.test(message))
      throw new ImportError(`not a valid gzip file: ${message}`);
    throw new ImportError(`not a tar archive (or a damaged one): ${message}`);
  }
  for (let round = 0; round < 8 && links.length > 0; round++) {
    for (let i = links.length - 1; i >= 0; i--) {
      const target = staged.get(links[i]![1]);
      if (target) {
        staged.set(links[i]![0], target);
        links.splice(i, 1);
      }
    }
  }
  return staged;
}

async function isGzip(file: string): Promise<boolean> {
  const fd = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fd.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fd.close();
  }
}
