/**
 * /import: upload a `docker save` or OCI layout tarball (gzip or not) into a project, with a
 * progress bar (XHR upload progress), then link to the images it made. The server streams the
 * upload to a temporary file, checks every digest, and pushes through the registry services.
 */
import { useState } from 'preact/hooks';
import { api, csrfHeaders } from '../api/client.js';
import type { Answer } from '../api/types.js';
import { ErrorMessage } from '../components/error-message.js';
import { FileUpload } from '../components/file-upload.js';
import { Page } from '../components/page.js';
import { AccountsOnly } from '../components/accounts-only.js';
import { useManager } from '../lib/can.js';
import { useLoad } from '../lib/use-load.js';
import { paths } from '../router/routes.js';
import { Link } from '../router/router.js';
import { inProject } from '../lib/repository-name.js';

type Imported = Answer<'/projects/{project}/import', 'post'>;

/** The import page. */
export function ImportPage() {
  return (
    <Page title="Import">
      <AccountsOnly what="Imports">
        <ImportForm />
      </AccountsOnly>
    </Page>
  );
}

function ImportForm() {
  const user = useManager();
  const projects = useLoad(
    async (signal) => (await api.GET('/projects', { params: { query: { page: 1, page_size: 500 } }, signal })).data!,
    [],
  );
  const pushable = (projects.data?.items ?? []).filter((p) => user?.admin || p.permissions.includes('push'));
  const [project, setProject] = useState('');
  const [done, setDone] = useState<{ project: string; imported: Imported }>();
  const chosen = project || pushable[0]?.name || '';
  return (
    <>
      <section class="card" aria-labelledby="upload-h">
        <h2 id="upload-h">Upload a tarball</h2>
        <p>
          A <code>docker save</code> archive or an OCI image layout packed with <code>tar</code> (gzip or not). Each image keeps its
          repository name and tags, placed in the project you choose.
        </p>
        {projects.error !== undefined && <ErrorMessage error={projects.error} retry={projects.reload} />}
        <label class="field">
          <span class="field__label">Project</span>
          <select class="input" value={chosen} onChange={(e) => setProject(e.currentTarget.value)}>
            {pushable.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <FileUpload
          label="Tarball (.tar, .tar.gz)"
          url={`/api/v1/projects/${encodeURIComponent(chosen)}/import`}
          field="file"
          accept=".tar,.tgz,.gz,application/x-tar,application/gzip"
          headers={csrfHeaders}
          onDone={(answer) => setDone({ project: chosen, imported: answer as Imported })}
        />
      </section>
      {done && (
        <section class="card" aria-labelledby="result-h" aria-live="polite">
          <h2 id="result-h">Imported into {done.project}</h2>
          {done.imported.images.length === 0 ? (
            <p>The tarball held no image.</p>
          ) : (
            <ul class="plain-list">
              {done.imported.images.flatMap((i) =>
                (i.tags.length > 0 ? i.tags : [i.digest]).map((ref) => (
                  <li key={`${i.repository}@${ref}`}>
                    <Link href={paths.artifact(done.project, inProject(done.project, i.repository), ref)}>
                      {i.repository}
                      {ref === i.digest ? `@${ref}` : `:${ref}`}
                    </Link>
                  </li>
                )),
              )}
            </ul>
          )}
        </section>
      )}
    </>
  );
}
