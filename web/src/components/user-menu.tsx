/** The header's account control: a "Sign in" link, or the user's name opening a menu (disclosure pattern). */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SessionUser } from '../lib/session.js';
import { paths } from '../router/routes.js';
import { Link, useLocation } from '../router/router.js';

/** `user` null: a sign-in link; else the menu with the account's actions. */
export function UserMenu({ user, onSignOut }: { user: SessionUser | null; onSignOut: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const { pathname } = useLocation();
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const outside = (e: Event) => root.current?.contains(e.target as Node) || setOpen(false);
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      root.current?.querySelector<HTMLElement>('.user-menu__button')?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);
  if (!user) {
    return (
      <Link class="button button--small" href={paths.signIn(pathname === paths.signIn() ? undefined : pathname)}>
        Sign in
      </Link>
    );
  }
  return (
    <div class="user-menu" ref={root}>
      <button
        type="button"
        class="button button--small user-menu__button"
        aria-expanded={open}
        aria-controls={open ? 'user-menu-list' : undefined}
        onClick={() => setOpen(!open)}
      >
        {user.name}
        {user.admin && <span class="badge">admin</span>}
      </button>
      {open && (
        <ul class="user-menu__list" id="user-menu-list">
          <li>
            <button type="button" class="user-menu__item" onClick={() => void onSignOut()}>
              Sign out
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}
