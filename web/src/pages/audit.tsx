/** /audit: who did what and when, newest first, filtered by user, project, action and time (server-side). */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { AccountsOnly } from '../components/accounts-only.js';
import { DataTable, type Column } from '../components/data-table.js';
import { Page } from '../components/page.js';
import { TextField } from '../components/text-field.js';
import { formatDate } from '../lib/format.js';
import { listParams } from '../lib/paging.js';
import type { TableQuery } from '../lib/table-query.js';

type Entry = Item<'/audit'>;

/** Suggestions for the action filter (the server takes any action name or its first part, e.g. admin). */
const ACTION_HINTS = ['push', 'pull', 'delete', 'login', 'token', 'admin'];

/** A datetime-local value as an ISO time (the reader's time zone), or undefined. */
const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The audit log page. */
export function AuditPage() {
  const [user, setUser] = useState('');
  const [project, setProject] = useState('');
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const load = useCallback(
    async (query: TableQuery, signal: AbortSignal) => {
      const filters = {
        user: user || undefined,
        project: project || undefined,
        action: (action || undefined) as never,
        from: iso(from),
        to: iso(to),
      };
      const { data } = await api.GET('/audit', { params: { query: { ...listParams(query), ...filters } }, signal });
      return { rows: data!.items, total: data!.total };
    },
    [user, project, action, from, to],
  );
  const columns: Column<Entry>[] = [
    { key: 'at', header: 'Time', cell: (e) => formatDate(e.at) },
    {
      key: 'actor',
      header: 'Who',
      cell: (e) => `${e.actor ?? 'anonymous'}${e.actorKind === 'robot' || e.actorKind === 'user' ? '' : ` (${e.actorKind})`}`,
    },
    { key: 'action', header: 'Action', cell: (e) => <code>{e.action}</code> },
    { key: 'project', header: 'Project', cell: (e) => e.project ?? '—' },
    { key: 'resource', header: 'Resource', cell: (e) => (e.resource ? <code>{e.resource}</code> : '—') },
    { key: 'outcome', header: 'Outcome', cell: (e) => e.outcome },
    { key: 'address', header: 'Address', cell: (e) => e.address ?? '—' },
  ];
  return (
    <Page title="Audit log">
      <AccountsOnly what="Audit entries">
        <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
          <TextField label="User" value={user} onValue={setUser} autocomplete="off" />
          <TextField label="Project" value={project} onValue={setProject} autocomplete="off" />
          <label class="field">
            <span class="field__label">Action</span>
            <input class="input" list="audit-actions" value={action} onInput={(e) => setAction(e.currentTarget.value)} autocomplete="off" />
            <datalist id="audit-actions">
              {ACTION_HINTS.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </label>
          <label class="field">
            <span class="field__label">From</span>
            <input class="input" type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span class="field__label">To</span>
            <input class="input" type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
        </form>
        <DataTable
          caption="Audit log"
          columns={columns}
          rowKey={(e) => String(e.id)}
          source={{ load }}
          emptyText="No entries match."
          filterable={false}
        />
      </AccountsOnly>
    </Page>
  );
}
