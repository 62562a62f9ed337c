/** /projects/:project/repositories/:repository/artifacts/:reference: one artifact (a tag or a digest). */
import type { ComponentChildren } from 'preact';
import { api } from '../api/client.js';
import type { Answer } from '../api/types.js';
import { AccountsOnly } from '../components/accounts-only.js';
import { CommandLine, CopyButton } from '../components/copy-button.js';
import { JsonViewer } from '../components/json-viewer.js';
import { LoadedView } from '../components/loaded.js';
import { Page } from '../components/page.js';
import { Tabs } from '../components/tabs.js';
import { formatBytes, formatDate, pullCommand } from '../lib/format.js';
import { kindText, platformText } from '../lib/format.js';
import { readConfig, readManifest, type ImageConfig } from '../lib/oci.js';
import { useLoad } from '../lib/use-load.js';
import { useBrowsable } from '../lib/can.js';
import { fullName } from '../lib/repository-name.js';
import { useMemo } from 'preact/hooks';
import { paths } from '../router/routes.js';
import { navigate, useLocation, useQueryParam } from '../router/router.js';
import { ConfigPanel } from './artifact-config.js';
import { AnnotationList, ChildrenPanel, LayersPanel } from './artifact-parts.js';
import { ReferrersPanel } from './artifact-referrers.js';

type Detail = Answer<'/projects/{project}/repositories/{repository}/artifacts/{reference}'>;
type Oci = ReturnType<typeof readManifest> & { config?: ImageConfig };

/** An artifact; the selected tab lives in ?tab= so the back button returns to it. */
export function ArtifactPage({ project, repository, reference }: { project: string; repository: string; reference: string }) {
  const host = window.location.host;
  const name = fullName(project, repository);
  const { pathname, search } = useLocation();
  const tab = useQueryParam('tab') ?? 'manifest';
  const select = (id: string) => {
    const q = new URLSearchParams(search);
    q.set('tab', id);
    navigate(`${pathname}?${q}`, { replace: true });
  };
  const browsable = useBrowsable();
  const loaded = useLoad(
    async (signal) =>
      browsable !== true
        ? null
        : (
            await api.GET('/projects/{project}/repositories/{repository}/artifacts/{reference}', {
              params: { path: { project, repository: name, reference } },
              signal,
            })
          ).data!,
    [project, repository, reference, browsable],
  );
  const oci = useMemo(() => {
    if (!loaded.data) return undefined;
    const m = readManifest(loaded.data.manifest);
    return { ...m, config: loaded.data.config == null ? undefined : readConfig(loaded.data.config, m.layers) };
  }, [loaded.data]);
  // The tabs stand while the artifact loads (a deep link to ?tab=layers keeps its place); each panel waits for it.
  const panel = (show: (a: Detail, o: Oci) => ComponentChildren) => () => (
    <AccountsOnly what="Artifact details" browse>
      <LoadedView loaded={loaded}>{(a) => a && show(a, oci!)}</LoadedView>
    </AccountsOnly>
  );
  const tabs = [
    { id: 'manifest', label: 'Manifest', panel: panel((a) => <JsonViewer value={a.manifest} label="Manifest" />) },
    {
      id: 'config',
      label: 'Config',
      panel: panel((a, o) =>
        o.config ? <ConfigPanel config={o.config} /> : <p>This {kindText(a).toLowerCase()} has no image config of its own.</p>,
      ),
    },
    {
      id: 'layers',
      label: 'Layers',
      panel: panel((_, o) => (o.layers.length > 0 ? <LayersPanel layers={o.layers} /> : <p>No layers of its own.</p>)),
    },
    {
      id: 'children',
      label: 'Platforms',
      panel: panel((_, o) =>
        o.children.length > 0 ? (
          <ChildrenPanel project={project} repository={repository} children={o.children} />
        ) : (
          <p>{o.config?.platform || 'No platform recorded.'}</p>
        ),
      ),
    },
    {
      id: 'referrers',
      label: 'Referrers',
      panel: panel((a) => <ReferrersPanel project={project} repository={repository} digest={a.digest} />),
    },
  ];
  return (
    <Page
      title={`${name}${reference.includes(':') ? '@' : ':'}${reference}`}
      crumbs={[
        { href: paths.projects(), text: 'Projects' },
        { href: paths.project(project), text: project },
        { href: paths.repository(project, repository), text: repository },
      ]}
    >
      <section class="card" aria-labelledby="pull-it">
        <h2 id="pull-it">Pull</h2>
        <CommandLine command={pullCommand(host, name, reference)} what="docker pull command" />
      </section>
      {loaded.data && oci && <About a={loaded.data} oci={oci} />}
      <Tabs label="Artifact details" selected={tab} onSelect={select} tabs={tabs} />
    </Page>
  );
}

/** What the artifact is: digest, type, tags, size, platforms, times, what it refers to, annotations. */
function About({ a, oci }: { a: Detail; oci: Oci }) {
  return (
    <section class="card" aria-labelledby="about-h">
      <h2 id="about-h">About</h2>
      <dl class="facts">
        <dt>Digest</dt>
        <dd class="command">
          <code>{a.digest}</code>
          <CopyButton text={a.digest} what="digest" />
        </dd>
        <dt>Type</dt>
        <dd>
          {kindText(a)} <code>{a.mediaType}</code>
        </dd>
        <dt>Tags</dt>
        <dd>{a.tags.join(', ') || 'none'}</dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(a.sizeBytes)} ({a.sizeBytes} bytes{oci.children.length > 0 ? ' over its images' : ', config and layers'}; manifest{' '}
          {a.manifestSize} bytes)
        </dd>
        <dt>Platforms</dt>
        <dd>{a.platforms?.join(', ') || oci.config?.platform || '—'}</dd>
        <dt>Pushed</dt>
        <dd>
          {formatDate(a.pushedAt)}
          {a.pushedBy ? ` by ${a.pushedBy}` : ''}
        </dd>
        <dt>Last pulled</dt>
        <dd>{a.pulledAt ? formatDate(a.pulledAt) : 'never'}</dd>
        {a.subject && (
          <>
            <dt>Refers to</dt>
            <dd>
              <code>{a.subject}</code>
            </dd>
          </>
        )}
      </dl>
      {Object.keys(oci.annotations).length > 0 && (
        <>
          <h3>Annotations</h3>
          <AnnotationList values={oci.annotations} label="Annotations" />
        </>
      )}
    </section>
  );
}
