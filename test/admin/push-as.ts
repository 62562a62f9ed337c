/** Pushing a small image as an account, through /token and the registry (for the accounts tests). */
import assert from 'node:assert/strict';
import request from 'supertest';
import type { App } from '../../src/http/app.js';
import { bearer } from '../helpers/auth.js';
import { asIs } from '../helpers/http.js';
import { descriptorOf, digestOf, MT, ociManifest } from '../helpers/oci.js';
import { tokenFor } from '../helpers/accounts.js';

/** Push a config, a layer and a manifest tagged `tag` to `repo` as `creds`; the manifest digest. */
export async function pushAs(app: App, creds: { user: string; password: string }, repo: string, tag: string): Promise<string> {
  const token = await tokenFor(app, [`repository:${repo}:pull,push`], creds);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', repo, tag }));
  const layer = Buffer.from(`layer of ${repo}:${tag}`);
  for (const blob of [config, layer]) {
    const res = await request(app)
      .post(`/v2/${repo}/blobs/uploads/?digest=${digestOf(blob)}`)
      .set('Authorization', bearer(token))
      .set('Content-Type', 'application/octet-stream')
      .send(blob);
    assert.equal(res.status, 201, res.text);
  }
  const body = JSON.stringify(ociManifest(descriptorOf(MT.ociConfig, config), [descriptorOf(MT.ociLayer, layer)]));
  const res = await request(app)
    .put(`/v2/${repo}/manifests/${tag}`)
    .set('Authorization', bearer(token))
    .set('Content-Type', MT.ociManifest)
    .serialize(asIs)
    .send(Buffer.from(body));
  assert.equal(res.status, 201, res.text);
  return digestOf(body);
}
