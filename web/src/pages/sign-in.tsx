/** /sign-in: the session form; afterwards back to the page the person came from (?next=). */
import { Page } from '../components/page.js';
import { ApiError, SignInRefused } from '../lib/errors.js';
import { SignInForm } from '../components/sign-in-form.js';
import { serverFacts } from '../lib/server-facts.js';
import { capabilities, signIn } from '../lib/session.js';
import { useStore } from '../lib/store.js';
import { safeNext } from '../router/routes.js';
import { navigate, useQueryParam } from '../router/router.js';

/** The sign-in page; the form is disabled, saying why, where there is nothing to sign in to. */
export function SignInPage() {
  const { api } = useStore(serverFacts);
  const caps = useStore(capabilities);
  const next = safeNext(useQueryParam('next'));
  let unavailable: string | undefined;
  if (api === false) unavailable = 'Signing in to the web UI needs Berth’s management API, which this server does not provide.';
  else if (caps && !caps.accounts)
    unavailable =
      caps.authMode === 'off'
        ? 'Authentication is off, so there is nothing to sign in to: the web UI browses everything.'
        : `This server checks ${caps.authMode} credentials on the registry but has no accounts to sign in to the web UI with (auth.accounts is off).`;
  return (
    <Page title="Sign in">
      <SignInForm
        onSubmit={async (u, p) => {
          try {
            await signIn(u, p);
          } catch (err) {
            // A 401 here is the credentials, not a missing sign-in: say so.
            if (err instanceof ApiError && err.status === 401) throw new SignInRefused(err.serverMessage);
            throw err;
          }
          navigate(next, { replace: true });
        }}
        unavailable={unavailable}
      />
    </Page>
  );
}
