/** An image's config in words: created, platform, env, entrypoint and cmd, labels, ports, and its history with each layer's size. */
import { formatBytes, formatDate } from '../lib/format.js';
import type { ImageConfig } from '../lib/oci.js';
import { AnnotationList } from './artifact-parts.js';

const argv = (a: readonly string[] | null) => (a && a.length > 0 ? JSON.stringify(a) : '—');

/** The config panel. */
export function ConfigPanel({ config: c }: { config: ImageConfig }) {
  return (
    <>
      <dl class="facts">
        <dt>Created</dt>
        <dd>{formatDate(c.created)}</dd>
        <dt>Platform</dt>
        <dd>{c.platform || '—'}</dd>
        <dt>Entrypoint</dt>
        <dd>
          <code>{argv(c.entrypoint)}</code>
        </dd>
        <dt>Cmd</dt>
        <dd>
          <code>{argv(c.cmd)}</code>
        </dd>
        <dt>Working directory</dt>
        <dd>{c.workingDir ? <code>{c.workingDir}</code> : '—'}</dd>
        <dt>User</dt>
        <dd>{c.user ? <code>{c.user}</code> : '—'}</dd>
        <dt>Exposed ports</dt>
        <dd>{c.exposedPorts.length > 0 ? c.exposedPorts.join(', ') : 'none'}</dd>
      </dl>
      <h3>Environment</h3>
      {c.env.length > 0 ? (
        <ul class="plain-list">
          {c.env.map((e, i) => (
            <li key={i}>
              <code>{e}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p>none</p>
      )}
      <h3>Labels</h3>
      <AnnotationList values={c.labels} label="Labels" />
      <h3>History</h3>
      <div class="data-table__scroll" role="region" aria-label="History" tabIndex={0}>
        <table class="table">
          <caption class="visually-hidden">History</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Created by</th>
              <th scope="col" class="numeric">
                Layer size
              </th>
            </tr>
          </thead>
          <tbody>
            {c.history.map((h, i) => (
              <tr key={i}>
                <td>{formatDate(h.created)}</td>
                <td>
                  <code>{h.createdBy}</code>
                  {h.comment ? ` (${h.comment})` : ''}
                </td>
                <td class="numeric">{h.emptyLayer ? 'no layer' : h.layerSize === null ? '—' : formatBytes(h.layerSize)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
