/** /system: the version, storage, database, auth mode, read-only state, and the pull-through cache per upstream. */
import { api } from '../api/client.js';
import { LoadedView } from '../components/loaded.js';
import { Page } from '../components/page.js';
import { formatBytes, formatDate } from '../lib/format.js';
import { useLoad } from '../lib/use-load.js';

/** The system page. */
export function SystemPage() {
  const loaded = useLoad(async (signal) => (await api.GET('/system', { signal })).data!, []);
  return (
    <Page title="System">
      <LoadedView loaded={loaded}>
        {(s) => (
          <>
            <section class="card" aria-labelledby="server-h">
              <h2 id="server-h">Server</h2>
              <dl class="facts">
                <dt>Version</dt>
                <dd>{s.version}</dd>
                <dt>Storage driver</dt>
                <dd>{s.storage.driver}</dd>
                <dt>Deletes</dt>
                <dd>{s.storage.deleteEnabled ? 'allowed' : 'disabled (storage.delete.enabled)'}</dd>
                <dt>Database</dt>
                <dd>{s.database.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}</dd>
                <dt>Authentication</dt>
                <dd>{s.authMode}</dd>
                <dt>Read-only</dt>
                <dd>{s.readOnly.enabled ? `yes, since ${formatDate(s.readOnly.since)} (${s.readOnly.by})` : 'no'}</dd>
                <dt>Counts</dt>
                <dd>
                  {s.counts.projects} projects, {s.counts.repositories} repositories, {s.counts.users} users, {s.counts.robots} robot
                  accounts
                </dd>
              </dl>
            </section>
            <section class="card" aria-labelledby="proxy-h">
              <h2 id="proxy-h">Pull-through cache</h2>
              {!s.proxy.enabled || s.proxy.upstreams.length === 0 ? (
                <p>No upstream is configured (proxy.upstreams).</p>
              ) : (
                <div class="data-table__scroll" role="region" aria-label="Upstreams" tabIndex={0}>
                  <table class="table">
                    <caption class="visually-hidden">Upstreams</caption>
                    <thead>
                      <tr>
                        <th scope="col">Upstream</th>
                        <th scope="col">Prefix</th>
                        <th scope="col" class="numeric">
                          Hits
                        </th>
                        <th scope="col" class="numeric">
                          Misses
                        </th>
                        <th scope="col" class="numeric">
                          From upstream
                        </th>
                        <th scope="col" class="numeric">
                          Errors
                        </th>
                        <th scope="col">Breaker</th>
                      </tr>
                    </thead>
                    <tbody>
                      {s.proxy.upstreams.map((u) => (
                        <tr key={u.name}>
                          <td>
                            {u.name} <code>{u.url}</code>
                          </td>
                          <td>
                            <code>{u.prefix}</code>
                          </td>
                          <td class="numeric">{u.hits}</td>
                          <td class="numeric">{u.misses}</td>
                          <td class="numeric">{formatBytes(u.bytesFromUpstream)}</td>
                          <td class="numeric">{u.errors}</td>
                          <td>{u.breaker}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </>
        )}
      </LoadedView>
    </Page>
  );
}
