/** Parts of the artifact page: labels and annotations as text, layers, an index's children. */
import { CopyButton } from '../components/copy-button.js';
import { formatBytes, shortDigest } from '../lib/format.js';
import type { Descriptor } from '../lib/oci.js';
import { paths } from '../router/routes.js';
import { Link } from '../router/router.js';

/** A map of strings (labels, annotations), every key and value as text. */
export function AnnotationList({ values, label }: { values: Readonly<Record<string, string>>; label: string }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <p>none</p>;
  return (
    <dl class="facts facts--wide" aria-label={label}>
      {entries.map(([k, v]) => (
        <>
          <dt key={`k-${k}`}>
            <code>{k}</code>
          </dt>
          <dd key={`v-${k}`}>{v}</dd>
        </>
      ))}
    </dl>
  );
}

function DigestCell({ digest }: { digest: string }) {
  return (
    <span class="digest">
      <code title={digest}>{shortDigest(digest)}</code>
      <CopyButton text={digest} what={`digest ${shortDigest(digest)}`} />
    </span>
  );
}

/** An image's layers with their sizes. */
export function LayersPanel({ layers }: { layers: readonly Descriptor[] }) {
  const total = layers.reduce((n, l) => n + l.size, 0);
  return (
    <table class="table">
      <caption>
        {layers.length} layers, {formatBytes(total)} compressed
      </caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Digest</th>
          <th scope="col">Media type</th>
          <th scope="col" class="numeric">
            Size
          </th>
        </tr>
      </thead>
      <tbody>
        {layers.map((l, i) => (
          <tr key={`${i}-${l.digest}`}>
            <td>{i + 1}</td>
            <td>
              <DigestCell digest={l.digest} />
            </td>
            <td>
              <code>{l.mediaType}</code>
            </td>
            <td class="numeric">{formatBytes(l.size)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An index's images, one per platform, each a link to its own page. */
export function ChildrenPanel({ project, repository, children }: { project: string; repository: string; children: readonly Descriptor[] }) {
  return (
    <table class="table">
      <caption class="visually-hidden">Images of this index</caption>
      <thead>
        <tr>
          <th scope="col">Platform</th>
          <th scope="col">Digest</th>
          <th scope="col" class="numeric">
            Size
          </th>
        </tr>
      </thead>
      <tbody>
        {children.map((c) => (
          <tr key={c.digest}>
            <td>{c.platform ?? '—'}</td>
            <td>
              <Link href={paths.artifact(project, repository, c.digest)}>{shortDigest(c.digest)}</Link>
            </td>
            <td class="numeric">{formatBytes(c.size)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
