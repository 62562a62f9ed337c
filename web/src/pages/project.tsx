/** /projects/:project and its sections: repositories, members, robot accounts, settings. */
import { useCallback } from 'preact/hooks';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { AccountsOnly } from '../components/accounts-only.js';
import { CommandLine } from '../components/copy-button.js';
import { DataTable, type Column } from '../components/data-table.js';
import { Page } from '../components/page.js';
import { SectionNav } from '../components/section-nav.js';
import { formatAge, formatBytes } from '../lib/format.js';
import { listParams } from '../lib/paging.js';
import { capabilities } from '../lib/session.js';
import { useStore } from '../lib/store.js';
import { inProject } from '../lib/repository-name.js';
import type { TableQuery } from '../lib/table-query.js';
import { paths } from '../router/routes.js';
import { Link } from '../router/router.js';
import { MembersSection } from './project-members.js';
import { RobotsSection } from './project-robots.js';
import { SettingsSection } from './project-settings.js';

/** Which section of a project. */
export type ProjectSection = 'repositories' | 'members' | 'robots' | 'settings';

type Repository = Item<'/projects/{project}/repositories'>;

/** One section of a project (its name comes from the URL, shown as text). */
export function ProjectPage({ project, section }: { project: string; section: ProjectSection }) {
  const authOff = useStore(capabilities)?.authMode === 'off';
  return (
    <Page title={project} crumbs={[{ href: paths.projects(), text: 'Projects' }]}>
      <SectionNav
        label={`Project ${project}`}
        links={[
          { href: paths.project(project), text: 'Repositories' },
          // With auth off there is nothing to manage: only the repositories are offered.
          ...(authOff
            ? []
            : [
                { href: paths.projectMembers(project), text: 'Members' },
                { href: paths.projectRobots(project), text: 'Robot accounts' },
                { href: paths.projectSettings(project), text: 'Settings' },
              ]),
        ]}
      />
      {section === 'repositories' && <RepositoriesSection project={project} />}
      {section === 'members' && (
        <AccountsOnly what="Members">
          <MembersSection project={project} />
        </AccountsOnly>
      )}
      {section === 'robots' && (
        <AccountsOnly what="Robot accounts">
          <RobotsSection project={project} />
        </AccountsOnly>
      )}
      {section === 'settings' && (
        <AccountsOnly what="Project settings">
          <SettingsSection project={project} />
        </AccountsOnly>
      )}
    </Page>
  );
}

function RepositoriesSection({ project }: { project: string }) {
  const host = window.location.host;
  const load = useCallback(
    async (query: TableQuery, signal: AbortSignal) => {
      const { data } = await api.GET('/projects/{project}/repositories', {
        params: { path: { project }, query: listParams(query) },
        signal,
      });
      return { rows: data!.items, total: data!.total };
    },
    [project],
  );
  const columns: Column<Repository>[] = [
    {
      key: 'name',
      header: 'Repository',
      cell: (r) => <Link href={paths.repository(project, inProject(project, r.name))}>{r.name}</Link>,
    },
    { key: 'artifacts', header: 'Artifacts', numeric: true, cell: (r) => r.artifactCount },
    { key: 'size', header: 'Size', numeric: true, cell: (r) => formatBytes(r.sizeBytes) },
    { key: 'pushed', header: 'Last pushed', cell: (r) => formatAge(r.pushedAt ?? undefined) },
    { key: 'pulled', header: 'Last pulled', cell: (r) => formatAge(r.pulledAt ?? undefined) },
  ];
  return (
    <>
      <AccountsOnly what="Repository listings" browse>
        <DataTable
          caption={`Repositories of ${project}`}
          columns={columns}
          rowKey={(r) => r.name}
          source={{ load }}
          emptyText="No repositories yet."
        />
      </AccountsOnly>
      <section class="card" aria-labelledby="push-here">
        <h2 id="push-here">Push to this project</h2>
        <CommandLine command={`docker tag IMAGE ${host}/${project}/REPOSITORY:TAG`} what="docker tag command" />
        <CommandLine command={`docker push ${host}/${project}/REPOSITORY:TAG`} what="docker push command" />
      </section>
    </>
  );
}
