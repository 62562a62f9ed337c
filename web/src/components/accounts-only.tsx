/**
 * What a page about accounts shows on a server without them (auth off, or htpasswd): the plain
 * reason, and no request that could only be refused.
 */
import type { ComponentChildren } from 'preact';
import { capabilities, sessionKnown } from '../lib/session.js';
import { useStore } from '../lib/store.js';

/**
 * `children` when the server has accounts (or, with `browse`, when auth is off: reading is open
 * there, as the registry is); `what` names the thing that needs them ("Members").
 */
export function AccountsOnly({ what, browse, children }: { what: string; browse?: boolean; children: ComponentChildren }) {
  const caps = useStore(capabilities);
  const known = useStore(sessionKnown);
  if (!known) return <p class="notice">Asking the server…</p>;
  if (caps && !caps.accounts && !(browse && caps.authMode === 'off'))
    return (
      <div class="notice" data-accounts-off>
        <p class="notice__title">{what} need accounts</p>
        <p>
          This server runs with authentication {caps.authMode === 'off' ? 'off' : `by ${caps.authMode}`} and has no user accounts. Turn them
          on with <code>auth.accounts: true</code> (<code>BERTH_AUTH_ACCOUNTS=true</code>) to see and manage {what.toLowerCase()} here. The
          registry itself (docker push and pull) works as it is.
        </p>
      </div>
    );
  return <>{children}</>;
}
