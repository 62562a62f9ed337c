/** Any path the UI has no page for. */
import { Page } from '../components/page.js';
import { paths } from '../router/routes.js';
import { Link } from '../router/router.js';

/** "No page at …" with the path shown as text. */
export function NotFoundPage({ path }: { path: string }) {
  return (
    <Page title="Page not found">
      <p>
        There is no page at <code>{path}</code>. <Link href={paths.projects()}>Go to the projects</Link>.
      </p>
    </Page>
  );
}
