// Runs s3rver as its own process and prints {"port":N} once it listens.
// Usage: node --openssl-legacy-provider s3rver-process.mjs DIR BUCKET PORT
// s3rver 3.x encrypts ListObjectsV2 continuation tokens with DES, which Node 20's OpenSSL 3
// only offers through the legacy provider; hence a process of its own with that flag.
import S3rver from 's3rver';

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
