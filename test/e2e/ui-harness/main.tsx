/**
 * The component harness of the browser suite: the UI's building blocks on one page, over data
 * made here (10,000 tags whose names hold markup), built by Vite with the UI's own config and
 * served by Berth's UI handler. A test fixture, not a page of the product.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../../web/src/components/confirm-dialog.js';
import { DataTable, type Column } from '../../../web/src/components/data-table.js';
import { ErrorMessage } from '../../../web/src/components/error-message.js';
import { FileUpload } from '../../../web/src/components/file-upload.js';
import { JsonViewer } from '../../../web/src/components/json-viewer.js';
import { SignInForm } from '../../../web/src/components/sign-in-form.js';
import { Tabs } from '../../../web/src/components/tabs.js';
import { Toaster } from '../../../web/src/components/toaster.js';
import { UserMenu } from '../../../web/src/components/user-menu.js';
import { ApiError } from '../../../web/src/lib/errors.js';
import { formatBytes } from '../../../web/src/lib/format.js';
import { showToast } from '../../../web/src/lib/toasts.js';
import '../../../web/src/styles/app.css';

interface Tag {
  name: string;
  size: number;
}

const TAGS: Tag[] = Array.from({ length: 10_000 }, (_, i) => ({
  name: i === 0 ? '<img src=/x-injected onerror="window.__pwned=1">' : `tag-${i}`,
  size: (i * 7919) % 10_007,
}));

const COLUMNS: Column<Tag>[] = [
  { key: 'name', header: 'Tag', cell: (t) => <code>{t.name}</code>, text: (t) => t.name, sortValue: (t) => t.name },
  { key: 'size', header: 'Size', numeric: true, cell: (t) => formatBytes(t.size), sortValue: (t) => t.size },
];

const MANIFEST = {
  schemaVersion: 2,
  annotations: { 'org.opencontainers.image.description': '<script>window.__pwned=2</script>' },
};

function Harness() {
  const [open, setOpen] = useState(false);
  const [log, setLog] = useState<string[]>([]);
  const [tab, setTab] = useState('one');
  const note = (s: string) => setLog((l) => [...l, s]);
  return (
    <main id="main" class="main">
      <h1>Components</h1>
      <section aria-labelledby="h-table">
        <h2 id="h-table">Table</h2>
        <DataTable caption="Tags" columns={COLUMNS} rowKey={(t) => t.name} source={{ rows: TAGS }} />
      </section>
      <section aria-labelledby="h-dialog">
        <h2 id="h-dialog">Dialog</h2>
        <button type="button" class="button button--danger" onClick={() => setOpen(true)}>
          Delete tag
        </button>
        <ConfirmDialog
          open={open}
          title="Delete tag 1.0?"
          action="Delete"
          confirmText="1.0"
          onConfirm={async () => note('deleted')}
          onClose={() => setOpen(false)}
        >
          <p>The tag goes; the artifact stays.</p>
        </ConfirmDialog>
      </section>
      <section aria-labelledby="h-json">
        <h2 id="h-json">JSON</h2>
        <JsonViewer value={MANIFEST} label="Manifest" raw={JSON.stringify(MANIFEST)} />
      </section>
      <section aria-labelledby="h-upload">
        <h2 id="h-upload">Upload</h2>
        <FileUpload label="Image tarball" url="/harness/upload" onDone={(a) => note(`uploaded ${(a as { bytes: number }).bytes}`)} />
      </section>
      <section aria-labelledby="h-tabs">
        <h2 id="h-tabs">Tabs</h2>
        <Tabs
          label="Example"
          selected={tab}
          onSelect={setTab}
          tabs={[
            { id: 'one', label: 'One', panel: () => <p>First panel</p> },
            { id: 'two', label: 'Two', panel: () => <p>Second panel</p> },
          ]}
        />
      </section>
      <section aria-labelledby="h-errors">
        <h2 id="h-errors">Messages</h2>
        <ErrorMessage error={new ApiError(403, 'DENIED', undefined)} />
        <button type="button" class="button" onClick={() => showToast('success', 'Tag <b>1.0</b> deleted')}>
          Show toast
        </button>
        <button type="button" class="button" onClick={() => showToast('error', 'Could not delete')}>
          Show error toast
        </button>
      </section>
      <section aria-labelledby="h-account">
        <h2 id="h-account">Account</h2>
        <UserMenu user={{ name: 'alice', admin: true }} onSignOut={async () => note('signed out')} />
        <SignInForm
          onSubmit={async (user, password) => {
            if (password !== 'right') throw new ApiError(401, 'UNAUTHORIZED', 'wrong user name or password');
            note(`signed in ${user}`);
          }}
        />
      </section>
      <ul id="log" aria-label="Log">
        {log.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
      <Toaster />
    </main>
  );
}

render(<Harness />, document.getElementById('app')!);
