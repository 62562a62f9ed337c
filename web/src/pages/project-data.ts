/** A project's own record (public, storage, the caller's permissions there), shared by its sections. */
import { api } from '../api/client.js';
import { useBrowsable } from '../lib/can.js';
import { useLoad } from '../lib/use-load.js';

/** GET /projects/{project}, reloaded when the name changes; null until the server is known to be browsable (accounts, or auth off: then the record comes from the artifact index). */
export function useProject(project: string) {
  const browsable = useBrowsable();
  return useLoad(
    async (signal) => (browsable !== true ? null : (await api.GET('/projects/{project}', { params: { path: { project } }, signal })).data!),
    [project, browsable],
  );
}
