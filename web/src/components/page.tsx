/**
 * A page's frame: breadcrumbs, the heading (which takes the focus after a navigation, so
 * screen readers announce the new page) and the document title.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { Link } from '../router/router.js';

/** One step of the breadcrumb trail. */
export interface Crumb {
  href: string;
  text: string;
}

/** A page with `title` as its heading. */
export function Page({
  title,
  crumbs = [],
  actions,
  children,
}: {
  title: string;
  crumbs?: readonly Crumb[];
  actions?: ComponentChildren;
  children?: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Berth`;
    // The first page load keeps the focus where the browser put it.
    if (document.body.dataset['navigated']) heading.current?.focus();
    document.body.dataset['navigated'] = 'yes';
  }, [title]);
  return (
    <>
      {crumbs.length > 0 && (
        <nav class="crumbs" aria-label="Breadcrumb">
          <ol class="crumbs__list">
            {crumbs.map((c) => (
              <li key={c.href}>
                <Link href={c.href}>{c.text}</Link>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div class="page-head">
        <h1 class="page-head__title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions && <div class="page-head__actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}
