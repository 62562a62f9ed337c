/** The banner slot under the header: facts about the server a person must not miss. */
import { serverFacts } from '../lib/server-facts.js';
import { useStore } from '../lib/store.js';

/** Every banner that applies now (auth off today; read-only mode and others join here). */
export function Banners() {
  const facts = useStore(serverFacts);
  return (
    <div class="banners">
      {facts.auth === 'off' && (
        <p class="banner banner--warning" role="note" data-banner="auth-off">
          <strong>Authentication is off.</strong> Anyone who can reach this server can push, overwrite and delete images. Configure{' '}
          <code>auth</code> to protect it.
        </p>
      )}
    </div>
  );
}
