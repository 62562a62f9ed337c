/** A project's robot accounts: create (permissions, expiry; the secret shown once), refresh the secret, disable, delete. */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { CheckboxField } from '../components/checkbox-field.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FormDialog } from '../components/form-dialog.js';
import { SecretDialog } from '../components/secret-dialog.js';
import { TextField } from '../components/text-field.js';
import { allows, useManager } from '../lib/can.js';
import { formatAge, formatDate } from '../lib/format.js';
import { showToast } from '../lib/toasts.js';
import { useProject } from './project-data.js';

type Robot = Item<'/projects/{project}/robots'>;
type Action = 'pull' | 'push' | 'delete';
const ACTIONS: readonly Action[] = ['pull', 'push', 'delete'];

/** The robots section. */
export function RobotsSection({ project }: { project: string }) {
  const user = useManager();
  const info = useProject(project);
  const manage = allows(user, info.data?.permissions, 'admin');
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ title: string; name: string; secret: string }>();
  const [confirm, setConfirm] = useState<{ robot: Robot; what: 'refresh' | 'delete' }>();
  const reload = () => setVersion((n) => n + 1);
  const load = useCallback(async () => {
    const { data } = await api.GET('/projects/{project}/robots', { params: { path: { project } } });
    return { rows: data!.items, total: data!.total };
  }, [project, version]);
  const path = (r: Robot) => ({ params: { path: { project, id: r.id } } });
  const toggle = async (r: Robot) => {
    try {
      await api.PATCH('/projects/{project}/robots/{id}', { ...path(r), body: { disabled: !r.disabled } });
      showToast('success', `${r.name} ${r.disabled ? 'enabled' : 'disabled'}`);
    } catch (err) {
      showToast('error', err instanceof Error ? err.message : String(err));
    }
    reload();
  };
  const columns: Column<Robot>[] = [
    { key: 'name', header: 'Name', cell: (r) => r.name },
    { key: 'permissions', header: 'Permissions', cell: (r) => r.permissions.flatMap((p) => p.actions).join(', ') },
    {
      key: 'expires',
      header: 'Expires',
      cell: (r) => (r.expiresAt ? `${formatDate(r.expiresAt)}${r.expired ? ' (expired)' : ''}` : 'never'),
    },
    { key: 'status', header: 'Status', cell: (r) => (r.disabled ? 'Disabled' : 'Active') },
    { key: 'created', header: 'Created', cell: (r) => formatAge(r.createdAt) },
  ];
  if (manage)
    columns.push({
      key: 'actions',
      header: 'Actions',
      cell: (r) => (
        <div class="row-actions">
          <button type="button" class="button button--small" onClick={() => setConfirm({ robot: r, what: 'refresh' })}>
            Refresh secret<span class="visually-hidden"> of {r.name}</span>
          </button>
          <button type="button" class="button button--small" onClick={() => void toggle(r)}>
            {r.disabled ? 'Enable' : 'Disable'}
            <span class="visually-hidden"> {r.name}</span>
          </button>
          <button type="button" class="button button--small button--danger" onClick={() => setConfirm({ robot: r, what: 'delete' })}>
            Delete<span class="visually-hidden"> {r.name}</span>
          </button>
        </div>
      ),
    });
  const target = confirm?.robot;
  return (
    <section aria-labelledby="robots-h">
      <div class="section-head">
        <h2 id="robots-h">Robot accounts</h2>
        {manage && (
          <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
            New robot account
          </button>
        )}
      </div>
      <DataTable
        caption={`Robot accounts of ${project}`}
        columns={columns}
        rowKey={(r) => String(r.id)}
        source={{ load }}
        emptyText="No robot accounts."
      />
      <NewRobotDialog
        project={project}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(name, secret) => {
          reload();
          setShown({ title: 'Robot account created', name, secret });
        }}
      />
      <SecretDialog title={shown?.title ?? ''} name={shown?.name ?? ''} secret={shown?.secret} onClose={() => setShown(undefined)} />
      <ConfirmDialog
        open={confirm !== undefined}
        title={confirm?.what === 'delete' ? `Delete ${target?.name ?? ''}?` : `Refresh the secret of ${target?.name ?? ''}?`}
        action={confirm?.what === 'delete' ? 'Delete robot account' : 'Refresh secret'}
        onClose={() => setConfirm(undefined)}
        onConfirm={async () => {
          const r = confirm!.robot;
          if (confirm!.what === 'delete') {
            await api.DELETE('/projects/{project}/robots/{id}', path(r));
            showToast('success', `${r.name} deleted`);
          } else {
            const { data } = await api.POST('/projects/{project}/robots/{id}/secret', path(r));
            setShown({ title: 'New secret', name: r.name, secret: data!.secret });
          }
          reload();
        }}
      >
        <p>
          {confirm?.what === 'delete'
            ? 'Anything logging in with it will be refused.'
            : 'The old secret stops working at once; whatever uses it needs the new one.'}
        </p>
      </ConfirmDialog>
    </section>
  );
}

function NewRobotDialog(props: { project: string; open: boolean; onClose: () => void; onCreated: (name: string, secret: string) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [actions, setActions] = useState<Action[]>(['pull']);
  const [days, setDays] = useState('');
  return (
    <FormDialog
      open={props.open}
      title="New robot account"
      action="Create robot account"
      onClose={props.onClose}
      onSubmit={async () => {
        const expiry = days.trim() === '' ? { expiresAt: null } : { expiresInDays: Number(days) };
        const { data } = await api.POST('/projects/{project}/robots', {
          params: { path: { project: props.project } },
          body: { name, description, actions, ...expiry },
        });
        setName('');
        setDescription('');
        props.onClose();
        props.onCreated(data!.robot.name, data!.secret);
      }}
    >
      <TextField label="Name" value={name} onValue={setName} required autocomplete="off" />
      <TextField label="Description" value={description} onValue={setDescription} autocomplete="off" />
      <fieldset class="fieldset">
        <legend>Permissions</legend>
        {ACTIONS.map((a) => (
          <CheckboxField
            key={a}
            label={a}
            checked={actions.includes(a)}
            onChecked={(on) => setActions(on ? [...actions, a] : actions.filter((x) => x !== a))}
          />
        ))}
      </fieldset>
      <label class="field">
        <span class="field__label">Expires in (days; empty: never)</span>
        <input class="input" type="number" min={1} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
      </label>
    </FormDialog>
  );
}
