/** /users (administrators): accounts, to add, disable, reset a password, grant administrator. */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { AccountsOnly } from '../components/accounts-only.js';
import { CheckboxField } from '../components/checkbox-field.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FormDialog } from '../components/form-dialog.js';
import { Page } from '../components/page.js';
import { TextField } from '../components/text-field.js';
import { useManager } from '../lib/can.js';
import { formatDate } from '../lib/format.js';
import { listParams } from '../lib/paging.js';
import type { TableQuery } from '../lib/table-query.js';
import { showToast } from '../lib/toasts.js';

type User = Item<'/users'>;

/** The users page. */
export function UsersPage() {
  const me = useManager();
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User>();
  const reload = () => setVersion((n) => n + 1);
  const load = useCallback(
    async (query: TableQuery, signal: AbortSignal) => {
      const { data } = await api.GET('/users', { params: { query: listParams(query) }, signal });
      return { rows: data!.items, total: data!.total };
    },
    [version],
  );
  const change = async (u: User, body: { admin?: boolean; disabled?: boolean }, done: string) => {
    try {
      await api.PATCH('/users/{name}', { params: { path: { name: u.name } }, body });
      showToast('success', done);
    } catch (err) {
      showToast('error', err instanceof Error ? err.message : String(err));
    }
    reload();
  };
  const columns: Column<User>[] = [
    { key: 'name', header: 'Name', cell: (u) => u.name },
    { key: 'admin', header: 'Administrator', cell: (u) => (u.admin ? 'Yes' : 'No') },
    { key: 'status', header: 'Status', cell: (u) => (u.disabled ? 'Disabled' : 'Active') },
    { key: 'created', header: 'Created', cell: (u) => formatDate(u.createdAt) },
    {
      key: 'actions',
      header: 'Actions',
      cell: (u) =>
        me?.admin && (
          <div class="row-actions">
            <button type="button" class="button button--small" onClick={() => setResetting(u)}>
              Reset password<span class="visually-hidden"> of {u.name}</span>
            </button>
            <button
              type="button"
              class="button button--small"
              onClick={() => void change(u, { admin: !u.admin }, `${u.name} ${u.admin ? 'is no longer' : 'is now'} an administrator`)}
            >
              {u.admin ? 'Revoke administrator' : 'Make administrator'}
              <span class="visually-hidden"> {u.name}</span>
            </button>
            <button
              type="button"
              class="button button--small"
              onClick={() => void change(u, { disabled: !u.disabled }, `${u.name} ${u.disabled ? 'enabled' : 'disabled'}`)}
            >
              {u.disabled ? 'Enable' : 'Disable'}
              <span class="visually-hidden"> {u.name}</span>
            </button>
          </div>
        ),
    },
  ];
  return (
    <Page
      title="Users"
      actions={
        me?.admin && (
          <button type="button" class="button button--primary" onClick={() => setCreating(true)}>
            New user
          </button>
        )
      }
    >
      <AccountsOnly what="Users">
        <DataTable caption="Users" columns={columns} rowKey={(u) => u.name} source={{ load }} />
        <NewUserDialog open={creating} onClose={() => setCreating(false)} onCreated={reload} />
        <PasswordDialog user={resetting} onClose={() => setResetting(undefined)} />
      </AccountsOnly>
    </Page>
  );
}

function NewUserDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  return (
    <FormDialog
      open={open}
      title="New user"
      action="Create user"
      onClose={onClose}
      onSubmit={async () => {
        await api.POST('/users', { body: { name, password, admin } });
        showToast('success', `User ${name} created`);
        setName('');
        setPassword('');
        setAdmin(false);
        onCreated();
        onClose();
      }}
    >
      <TextField label="Name" value={name} onValue={setName} required autocomplete="off" />
      <TextField label="Password" type="password" value={password} onValue={setPassword} required autocomplete="new-password" />
      <CheckboxField label="Administrator" checked={admin} onChecked={setAdmin} />
    </FormDialog>
  );
}

function PasswordDialog({ user, onClose }: { user: User | undefined; onClose: () => void }) {
  const [password, setPassword] = useState('');
  return (
    <FormDialog
      open={user !== undefined}
      title={`Reset the password of ${user?.name ?? ''}`}
      action="Set password"
      onClose={onClose}
      onSubmit={async () => {
        await api.PUT('/users/{name}/password', { params: { path: { name: user!.name } }, body: { password } });
        showToast('success', `Password of ${user!.name} changed`);
        setPassword('');
        onClose();
      }}
    >
      <TextField label="New password" type="password" value={password} onValue={setPassword} required autocomplete="new-password" />
    </FormDialog>
  );
}
