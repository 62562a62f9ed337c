/** /projects: every project the visitor may see (public, repositories, storage), to create and delete. */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { AccountsOnly } from '../components/accounts-only.js';
import { CheckboxField } from '../components/checkbox-field.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CommandLine } from '../components/copy-button.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FormDialog } from '../components/form-dialog.js';
import { Page } from '../components/page.js';
import { TextField } from '../components/text-field.js';
import { allows, useManager } from '../lib/can.js';
import { formatBytes } from '../lib/format.js';
import { listParams } from '../lib/paging.js';
import type { TableQuery } from '../lib/table-query.js';
import { showToast } from '../lib/toasts.js';
import { paths } from '../router/routes.js';
import { Link } from '../router/router.js';

type Project = Item<'/projects'>;

/** The projects page. */
export function ProjectsPage() {
  const host = window.location.host;
  const user = useManager();
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Project>();
  const load = useCallback(
    async (query: TableQuery, signal: AbortSignal) => {
      const { data } = await api.GET('/projects', { params: { query: listParams(query) }, signal });
      return { rows: data!.items, total: data!.total };
    },
    [version],
  );
  const columns: Column<Project>[] = [
    { key: 'name', header: 'Name', cell: (p) => <Link href={paths.project(p.name)}>{p.name}</Link> },
    { key: 'public', header: 'Access', cell: (p) => (p.public ? 'Public' : 'Private') },
    { key: 'repositories', header: 'Repositories', numeric: true, cell: (p) => p.repositoryCount },
    {
      key: 'storage',
      header: 'Storage used',
      numeric: true,
      cell: (p) => (p.storageBytes === null ? 'not measured yet' : formatBytes(p.storageBytes)),
    },
  ];
  if (user)
    columns.push({
      key: 'actions',
      header: 'Actions',
      cell: (p) =>
        allows(user, p.permissions, 'admin') && (
          <button type="button" class="button button--small button--danger" onClick={() => setDeleting(p)}>
            Delete<span class="visually-hidden"> project {p.name}</span>
          </button>
        ),
    });
  return (
    <Page
      title="Projects"
      actions={
        user?.admin && (
          <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
            New project
          </button>
        )
      }
    >
      <AccountsOnly what="Projects" browse>
        <DataTable caption="Projects" columns={columns} rowKey={(p) => p.name} source={{ load }} emptyText="No projects you can see." />
      </AccountsOnly>
      <NewProjectDialog open={creating} onClose={() => setCreating(false)} onCreated={() => setVersion((n) => n + 1)} />
      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete project ${deleting?.name ?? ''}?`}
        action="Delete project"
        confirmText={deleting?.name}
        onClose={() => setDeleting(undefined)}
        onConfirm={async () => {
          await api.DELETE('/projects/{project}', { params: { path: { project: deleting!.name } } });
          showToast('success', `Project ${deleting!.name} deleted`);
          setVersion((n) => n + 1);
        }}
      >
        <p>Its members and robot accounts go with it. A project must hold no repositories to be deleted.</p>
      </ConfirmDialog>
      <section class="card" aria-labelledby="push-first">
        <h2 id="push-first">Push an image</h2>
        <p>A repository is created by its first push. Its first path component is its project.</p>
        <CommandLine command={`docker tag IMAGE ${host}/PROJECT/REPOSITORY:TAG`} what="docker tag command" />
        <CommandLine command={`docker push ${host}/PROJECT/REPOSITORY:TAG`} what="docker push command" />
      </section>
    </Page>
  );
}

function NewProjectDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  return (
    <FormDialog
      open={open}
      title="New project"
      action="Create project"
      onClose={onClose}
      onSubmit={async () => {
        await api.POST('/projects', { body: { name, public: isPublic } });
        showToast('success', `Project ${name} created`);
        setName('');
        setPublic(false);
        onCreated();
        onClose();
      }}
    >
      <TextField label="Name" value={name} onValue={setName} required autocomplete="off" />
      <CheckboxField label="Public (anyone may pull, without signing in)" checked={isPublic} onChecked={setPublic} />
    </FormDialog>
  );
}
