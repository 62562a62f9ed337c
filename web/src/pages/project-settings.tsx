/** A project's settings: public or private (quotas join once the API has them), and deleting it. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { CheckboxField } from '../components/checkbox-field.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorMessage } from '../components/error-message.js';
import { LoadedView } from '../components/loaded.js';
import { allows, useManager } from '../lib/can.js';
import { formatBytes } from '../lib/format.js';
import { showToast } from '../lib/toasts.js';
import { paths } from '../router/routes.js';
import { navigate } from '../router/router.js';
import { useProject } from './project-data.js';

/** The settings section. */
export function SettingsSection({ project }: { project: string }) {
  const user = useManager();
  const info = useProject(project);
  const [isPublic, setPublic] = useState(false);
  const [error, setError] = useState<unknown>();
  const [deleting, setDeleting] = useState(false);
  useEffect(() => {
    if (!info.data) return;
    setPublic(info.data.public);
  }, [info.data]);
  const update = allows(user, info.data?.permissions, 'admin');
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api.PATCH('/projects/{project}', { params: { path: { project } }, body: { public: isPublic } });
      showToast('success', `Settings of ${project} saved`);
      info.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <LoadedView loaded={info}>
      {(p) =>
        p && (
          <>
            <section class="card" aria-labelledby="settings-h">
              <h2 id="settings-h">Settings</h2>
              {update ? (
                <form onSubmit={save} class="stack">
                  <CheckboxField label="Public (anyone may pull, without signing in)" checked={isPublic} onChecked={setPublic} />
                  {error !== undefined && <ErrorMessage error={error} />}
                  <div>
                    <button type="submit" class="button button--primary">
                      Save settings
                    </button>
                  </div>
                </form>
              ) : (
                <dl class="facts">
                  <dt>Access</dt>
                  <dd>{p.public ? 'Public' : 'Private'}</dd>
                  <dt>Storage used</dt>
                  <dd>{p.storageBytes === null ? 'not measured yet' : formatBytes(p.storageBytes)}</dd>
                </dl>
              )}
            </section>
            {allows(user, p.permissions, 'admin') && (
              <section class="card card--danger" aria-labelledby="danger-h">
                <h2 id="danger-h">Delete this project</h2>
                <p>A project must hold no repositories to be deleted.</p>
                <button type="button" class="button button--danger" onClick={() => setDeleting(true)}>
                  Delete project
                </button>
              </section>
            )}
            <ConfirmDialog
              open={deleting}
              title={`Delete project ${project}?`}
              action="Delete project"
              confirmText={project}
              onClose={() => setDeleting(false)}
              onConfirm={async () => {
                await api.DELETE('/projects/{project}', { params: { path: { project } } });
                showToast('success', `Project ${project} deleted`);
                navigate(paths.projects());
              }}
            >
              <p>Its members and robot accounts go with it.</p>
            </ConfirmDialog>
          </>
        )
      }
    </LoadedView>
  );
}
