// Runs s3rver as its own process and prints {"port":N} once it listens.
// Usage: node --openssl-legacy-provider s3rver-process.mjs DIR BUCKET PORT
// s3rver 3.x encrypts ListObjectsV2 continuation tokens with DES, which Node 20's OpenSSL 3
// only offers through the legacy provider; hence a process of its own with that flag.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';

// s3rver 3.x answers a PutObject before the object's bytes are written: its store resolves on
// the hashing stream's 'finish', not the file's, and writes the file in place. A GET right
// after the 200 (or one racing an overwrite) then reads a short or empty file: the client
// sees "aborted" (a body shorter than its Content-Length) or an empty link, i.e. 503s and 404s
// that real S3, MinIO and Ceph never give. Here an object is written whole to a temporary
// file and renamed into place before the PUT is answered, as those servers behave.
const FilesystemStore = createRequire(import.meta.url)('s3rver/lib/stores/filesystem.js');
FilesystemStore.prototype.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await mkdir(dirname(objectPath), { recursive: true });
  const temp = `${objectPath}.${randomBytes(6).toString('hex')}.tmp`;
  const md5 = createHash('md5');
  let size = 0;
  const count = new Transform({
    transform(chunk, _enc, cb) {
      md5.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    const source = Buffer.isBuffer(object.content) ? [object.content] : object.content;
    await pipeline(source, count, createWriteStream(temp));
    await rename(temp, objectPath);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  const digest = md5.digest('hex');
  await this.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
};

const [dir, bucket, port] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port ?? 0),
  directory: dir,
  silent: process.env.S3RVER_LOG !== '1',
  configureBuckets: [{ name: bucket, configs: [] }],
});
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent holds our stdin: when it goes away (even killed), so do we.
process.stdin.on('end', stop).on('error', stop).resume();
