/** A project's members: their roles, to add, change and remove (Project Admins and administrators). */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FormDialog } from '../components/form-dialog.js';
import { TextField } from '../components/text-field.js';
import { allows, useManager } from '../lib/can.js';
import { showToast } from '../lib/toasts.js';
import { useProject } from './project-data.js';

type Member = Item<'/projects/{project}/members'>;
type Role = Member['role'];

/** The roles, most powerful first, with the words the UI shows. */
export const ROLES: readonly { role: Role; title: string }[] = [
  { role: 'project-admin', title: 'Project Admin' },
  { role: 'maintainer', title: 'Maintainer' },
  { role: 'developer', title: 'Developer' },
  { role: 'guest', title: 'Guest' },
  { role: 'limited-guest', title: 'Limited Guest' },
];

/** A role chooser; `inline` (in a table row) hides its label visually, keeping it for screen readers. */
function RoleSelect({ label, value, onChange, inline }: { label: string; value: Role; onChange: (role: Role) => void; inline?: boolean }) {
  return (
    <label class={inline ? 'field field--inline' : 'field'}>
      <span class={inline ? 'field__label visually-hidden' : 'field__label'}>{label}</span>
      <select class="input" value={value} onChange={(e) => onChange(e.currentTarget.value as Role)}>
        {ROLES.map((r) => (
          <option key={r.role} value={r.role}>
            {r.title}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The members section. */
export function MembersSection({ project }: { project: string }) {
  const user = useManager();
  const info = useProject(project);
  const manage = allows(user, info.data?.permissions, 'admin');
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Member>();
  const reload = () => setVersion((n) => n + 1);
  const load = useCallback(async () => {
    const { data } = await api.GET('/projects/{project}/members', { params: { path: { project } } });
    return { rows: data!.items, total: data!.total };
  }, [project, version]);
  const setRole = async (m: Member, role: Role) => {
    try {
      await api.PATCH('/projects/{project}/members/{user}', { params: { path: { project, user: m.user } }, body: { role } });
      showToast('success', `${m.user} is now ${ROLES.find((r) => r.role === role)?.title ?? role}`);
    } catch (err) {
      showToast('error', err instanceof Error ? err.message : String(err));
    }
    reload();
  };
  const columns: Column<Member>[] = [
    { key: 'user', header: 'User', cell: (m) => m.user },
    {
      key: 'role',
      header: 'Role',
      cell: (m) =>
        manage ? (
          <RoleSelect inline label={`Role of ${m.user}`} value={m.role} onChange={(r) => void setRole(m, r)} />
        ) : (
          ROLES.find((r) => r.role === m.role)?.title
        ),
    },
  ];
  if (manage)
    columns.push({
      key: 'actions',
      header: 'Actions',
      cell: (m) => (
        <button type="button" class="button button--small button--danger" onClick={() => setRemoving(m)}>
          Remove<span class="visually-hidden"> {m.user}</span>
        </button>
      ),
    });
  return (
    <section aria-labelledby="members-h">
      <div class="section-head">
        <h2 id="members-h">Members</h2>
        {manage && (
          <button type="button" class="button button--primary" onClick={() => setAdding(true)}>
            Add member
          </button>
        )}
      </div>
      <DataTable caption={`Members of ${project}`} columns={columns} rowKey={(m) => m.user} source={{ load }} emptyText="No members." />
      <AddMemberDialog project={project} open={adding} onClose={() => setAdding(false)} onAdded={reload} />
      <ConfirmDialog
        open={removing !== undefined}
        title={`Remove ${removing?.user ?? ''} from ${project}?`}
        action="Remove member"
        onClose={() => setRemoving(undefined)}
        onConfirm={async () => {
          await api.DELETE('/projects/{project}/members/{user}', { params: { path: { project, user: removing!.user } } });
          showToast('success', `${removing!.user} removed from ${project}`);
          reload();
        }}
      >
        <p>They keep their account but lose the access this project gave them.</p>
      </ConfirmDialog>
    </section>
  );
}

function AddMemberDialog({
  project,
  open,
  onClose,
  onAdded,
}: {
  project: string;
  open: boolean;
  onClose: () => void;
  onAdded: () => void;
}) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('developer');
  return (
    <FormDialog
      open={open}
      title="Add member"
      action="Add member"
      onClose={onClose}
      onSubmit={async () => {
        await api.POST('/projects/{project}/members', { params: { path: { project } }, body: { user: name, role } });
        showToast('success', `${name} added to ${project}`);
        setName('');
        onAdded();
        onClose();
      }}
    >
      <TextField label="User" value={name} onValue={setName} required autocomplete="off" />
      <RoleSelect label="Role" value={role} onChange={setRole} />
    </FormDialog>
  );
}
