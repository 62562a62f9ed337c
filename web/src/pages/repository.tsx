/**
 * /projects/:project/repositories/:repository: the repository's artifacts, paged and filtered by
 * the server (10,000 tags stay fast: only one page ever crosses the wire or reaches the DOM),
 * with their tags, digest, size, type and platforms, pull commands, and deletion.
 */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { AccountsOnly } from '../components/accounts-only.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CommandLine, CopyButton } from '../components/copy-button.js';
import { DataTable, type Column } from '../components/data-table.js';
import { Page } from '../components/page.js';
import { allows, useManager } from '../lib/can.js';
import { formatAge, formatBytes, kindText, pullCommand, shortDigest } from '../lib/format.js';
import { listParams } from '../lib/paging.js';
import { fullName } from '../lib/repository-name.js';
import type { TableQuery } from '../lib/table-query.js';
import { showToast } from '../lib/toasts.js';
import { paths } from '../router/routes.js';
import { Link } from '../router/router.js';
import { useProject } from './project-data.js';

type Artifact = Item<'/projects/{project}/repositories/{repository}/artifacts'>;
type Doomed = { tag: string; digest: string } | { digest: string };

/** A repository (names from the URL, shown as text). */
export function RepositoryPage({ project, repository }: { project: string; repository: string }) {
  const host = window.location.host;
  const name = fullName(project, repository);
  const user = useManager();
  const info = useProject(project);
  const canDelete = allows(user, info.data?.permissions, 'delete');
  const [version, setVersion] = useState(0);
  const [doomed, setDoomed] = useState<Doomed>();
  const load = useCallback(
    async (query: TableQuery, signal: AbortSignal) => {
      const { data } = await api.GET('/projects/{project}/repositories/{repository}/artifacts', {
        params: { path: { project, repository: name }, query: listParams(query) },
        signal,
      });
      return { rows: data!.items, total: data!.total };
    },
    [project, repository, version],
  );
  const columns: Column<Artifact>[] = [
    {
      key: 'tags',
      header: 'Tags',
      cell: (a) => (
        <ul class="tag-list">
          {a.tags.map((t) => (
            <li key={t} class="tag-list__tag">
              <code>{t}</code>
              <CopyButton text={pullCommand(host, name, t)} what={`docker pull command for tag ${t}`} />
              {canDelete && (
                <button type="button" class="button button--small button--danger" onClick={() => setDoomed({ tag: t, digest: a.digest })}>
                  Delete<span class="visually-hidden"> tag {t}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      ),
    },
    {
      key: 'digest',
      header: 'Digest',
      cell: (a) => (
        <span class="digest">
          <Link href={paths.artifact(project, repository, a.digest)} title={a.digest}>
            {shortDigest(a.digest)}
          </Link>
          <CopyButton text={a.digest} what={`digest ${shortDigest(a.digest)}`} />
        </span>
      ),
    },
    { key: 'type', header: 'Type', cell: (a) => kindText(a) },
    { key: 'platforms', header: 'Platforms', cell: (a) => a.platforms?.join(', ') || '—' },
    { key: 'size', header: 'Size', numeric: true, cell: (a) => <span title={`${a.sizeBytes} bytes`}>{formatBytes(a.sizeBytes)}</span> },
    { key: 'pushed', header: 'Pushed', cell: (a) => formatAge(a.pushedAt) },
    { key: 'pulled', header: 'Last pulled', cell: (a) => formatAge(a.pulledAt ?? undefined) },
    {
      key: 'actions',
      header: 'Actions',
      cell: (a) => (
        <div class="row-actions">
          <CopyButton text={pullCommand(host, name, a.digest)} what={`docker pull command for digest ${shortDigest(a.digest)}`} />
          {canDelete && (
            <button type="button" class="button button--small button--danger" onClick={() => setDoomed({ digest: a.digest })}>
              Delete<span class="visually-hidden"> artifact {shortDigest(a.digest)}</span>
            </button>
          )}
        </div>
      ),
    },
  ];
  const what = doomed && ('tag' in doomed ? `tag ${doomed.tag}` : `artifact ${shortDigest(doomed.digest)}`);
  return (
    <Page
      title={name}
      crumbs={[
        { href: paths.projects(), text: 'Projects' },
        { href: paths.project(project), text: project },
      ]}
    >
      <AccountsOnly what="Artifact listings" browse>
        <DataTable
          caption={`Artifacts of ${name}`}
          columns={columns}
          rowKey={(a) => a.digest}
          source={{ load }}
          emptyText="No artifacts: push a tag to create one."
        />
      </AccountsOnly>
      <ConfirmDialog
        open={doomed !== undefined}
        title={`Delete ${what ?? ''}?`}
        action={doomed && 'tag' in doomed ? 'Delete tag' : 'Delete artifact'}
        onClose={() => setDoomed(undefined)}
        onConfirm={async () => {
          const path = { project, repository: name, reference: doomed!.digest };
          if ('tag' in doomed!) {
            await api.DELETE('/projects/{project}/repositories/{repository}/artifacts/{reference}/tags/{tag}', {
              params: { path: { ...path, tag: doomed.tag } },
            });
          } else {
            await api.DELETE('/projects/{project}/repositories/{repository}/artifacts/{reference}', { params: { path } });
          }
          showToast('success', `${name}: ${what} deleted`);
          setVersion((n) => n + 1);
        }}
      >
        <p>
          {doomed && 'tag' in doomed
            ? 'The tag goes; the artifact stays under its digest and its other tags.'
            : 'The artifact goes with every tag that points at it. Pulls by its digest will fail.'}
        </p>
      </ConfirmDialog>
      <section class="card" aria-labelledby="push-repo">
        <h2 id="push-repo">Push a tag</h2>
        <CommandLine command={`docker push ${host}/${name}:TAG`} what="docker push command" />
      </section>
    </Page>
  );
}
