/** The app shell: skip link, header with navigation and the user menu, banners, the page, toasts. */
import { useEffect } from 'preact/hooks';
import { Banners } from './components/banners.js';
import { Toaster } from './components/toaster.js';
import { UserMenu } from './components/user-menu.js';
import { onSessionExpired } from './api/client.js';
import { session, signOut, type SessionUser } from './lib/session.js';
import { showToast } from './lib/toasts.js';
import { serverFacts } from './lib/server-facts.js';
import { useStore } from './lib/store.js';
import { AuditPage } from './pages/audit.js';
import { ImportPage } from './pages/import.js';
import { SystemPage } from './pages/system.js';
import { UsersPage } from './pages/users.js';
import { ArtifactPage } from './pages/artifact.js';
import { NotFoundPage } from './pages/not-found.js';
import { ProjectPage } from './pages/project.js';
import { ProjectsPage } from './pages/projects.js';
import { RepositoryPage } from './pages/repository.js';
import { SignInPage } from './pages/sign-in.js';
import { HOME, matchRoute, paths, type Match } from './router/routes.js';
import { Link, location, navigate, useLocation } from './router/router.js';

// An ended session: signed out here too, and on to the sign-in page, which brings the person back.
onSessionExpired(() => {
  if (!session.get()) return;
  session.set(null);
  showToast('info', 'Your session has ended. Sign in again to continue.');
  const { pathname, search } = location.get();
  if (pathname !== paths.signIn()) navigate(paths.signIn(pathname + search));
});

type Who = { user: SessionUser | null; authOff: boolean };

/** The main navigation; each link shows only to whom the server would answer (it still checks). */
const NAV: readonly { href: string; text: string; show: (w: Who) => boolean }[] = [
  { href: paths.projects(), text: 'Projects', show: () => true },
  { href: paths.users(), text: 'Users', show: (w) => w.user?.admin === true },
  { href: paths.audit(), text: 'Audit log', show: (w) => w.user !== null },
  { href: paths.system(), text: 'System', show: (w) => w.authOff || w.user?.admin === true },
  { href: paths.import(), text: 'Import', show: (w) => w.user !== null },
];

/** The page for a matched route. */
function routePage(m: Match) {
  const p = m.params;
  switch (m.name) {
    case 'projects':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage project={p['project']!} section="repositories" />;
    case 'project-members':
      return <ProjectPage project={p['project']!} section="members" />;
    case 'project-robots':
      return <ProjectPage project={p['project']!} section="robots" />;
    case 'project-settings':
      return <ProjectPage project={p['project']!} section="settings" />;
    case 'repository':
      return <RepositoryPage project={p['project']!} repository={p['repository']!} />;
    case 'artifact':
      return <ArtifactPage project={p['project']!} repository={p['repository']!} reference={p['reference']!} />;
    case 'users':
      return <UsersPage />;
    case 'audit':
      return <AuditPage />;
    case 'system':
      return <SystemPage />;
    case 'import':
      return <ImportPage />;
    case 'sign-in':
      return <SignInPage />;
  }
}

/** The whole UI. */
export function App() {
  const { pathname } = useLocation();
  const user = useStore(session);
  const { auth } = useStore(serverFacts);
  useEffect(() => {
    if (pathname === '/') navigate(HOME, { replace: true });
  }, [pathname]);
  const match = matchRoute(pathname);
  const section = `/${pathname.split('/')[1] ?? ''}`;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="header">
        <Link class="header__brand" href={HOME}>
          Berth
        </Link>
        <nav class="header__nav" aria-label="Main">
          <ul>
            {NAV.filter((n) => n.show({ user, authOff: auth === 'off' })).map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.href === section ? 'page' : undefined}>
                  {n.text}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="header__user">
          {auth !== 'off' && (
            <UserMenu
              user={user}
              onSignOut={async () => {
                await signOut().catch(() => undefined);
                showToast('success', 'Signed out');
                // The page shown may be one only the account could see.
                navigate(HOME);
              }}
            />
          )}
        </div>
      </header>
      <Banners />
      {/* Keyed by who is signed in: the page loads its data again after signing in or out. */}
      <main id="main" class="main" key={user?.name ?? ''}>
        {pathname === '/' ? null : match ? routePage(match) : <NotFoundPage path={pathname} />}
      </main>
      <Toaster />
    </>
  );
}
