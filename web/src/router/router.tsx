/**
 * History-API routing: real URLs, the back button, and links that navigate without a reload.
 * After each navigation the page's heading takes the focus, so a screen reader announces it.
 */
import type { AnchorHTMLAttributes, ComponentChildren, TargetedMouseEvent } from 'preact';
import { createStore, useStore } from '../lib/store.js';

/** Where the browser is: path, query and hash. */
export interface Location {
  pathname: string;
  search: string;
  hash: string;
}

const read = (): Location => ({ pathname: window.location.pathname, search: window.location.search, hash: window.location.hash });

/** The current location. */
export const location = createStore<Location>(read());

window.addEventListener('popstate', () => location.set(read()));

/** Go to `to` (a same-origin path); `replace` rewrites the current history entry instead. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  location.set(read());
  if (!options.replace) window.scrollTo(0, 0);
}

/** The current location, re-rendering on every change. */
export function useLocation(): Location {
  return useStore(location);
}

/** A query parameter of the current location. */
export function useQueryParam(name: string): string | undefined {
  return new URLSearchParams(useLocation().search).get(name) ?? undefined;
}

type AnchorProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

/** An <a> that navigates in place; modified clicks (new tab, download) stay the browser's. */
export function Link(props: AnchorProps) {
  const onClick = (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (typeof props.onClick === 'function') props.onClick(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const url = new URL(props.href, window.location.href);
    if (url.origin !== window.location.origin || props.target) return;
    e.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  };
  return <a {...props} onClick={onClick} />;
}
