/** The artifact page's Referrers tab: signatures, SBOMs and other artifacts whose subject is this one. */
import { api } from '../api/client.js';
import { LoadedView } from '../components/loaded.js';
import { formatBytes, shortDigest } from '../lib/format.js';
import { fullName } from '../lib/repository-name.js';
import { useLoad } from '../lib/use-load.js';
import { paths } from '../router/routes.js';
import { Link } from '../router/router.js';
import { AnnotationList } from './artifact-parts.js';

/** The referrers of `digest` (from GET …/artifacts/{reference}/referrers), each a link to its own page. */
export function ReferrersPanel({ project, repository, digest }: { project: string; repository: string; digest: string }) {
  const loaded = useLoad(
    async (signal) =>
      (
        await api.GET('/projects/{project}/repositories/{repository}/artifacts/{reference}/referrers', {
          params: { path: { project, repository: fullName(project, repository), reference: digest } },
          signal,
        })
      ).data!,
    [project, repository, digest],
  );
  return (
    <LoadedView loaded={loaded}>
      {(r) =>
        r.items.length === 0 ? (
          <p data-referrers-empty>No artifact refers to this one (no signature, SBOM or attestation has it as its subject).</p>
        ) : (
          <table class="table" data-referrers>
            <caption>
              {r.total} {r.total === 1 ? 'artifact refers' : 'artifacts refer'} to this one
            </caption>
            <thead>
              <tr>
                <th scope="col">Digest</th>
                <th scope="col">Artifact type</th>
                <th scope="col">Media type</th>
                <th scope="col" class="numeric">
                  Size
                </th>
                <th scope="col">Annotations</th>
              </tr>
            </thead>
            <tbody>
              {r.items.map((x) => (
                <tr key={x.digest}>
                  <td>
                    <Link href={paths.artifact(project, repository, x.digest)} title={x.digest}>
                      {shortDigest(x.digest)}
                    </Link>
                  </td>
                  <td>{x.artifactType ? <code>{x.artifactType}</code> : '—'}</td>
                  <td>
                    <code>{x.mediaType}</code>
                  </td>
                  <td class="numeric">{formatBytes(x.size)}</td>
                  <td>
                    <AnnotationList values={x.annotations} label={`Annotations of ${shortDigest(x.digest)}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      }
    </LoadedView>
  );
}
