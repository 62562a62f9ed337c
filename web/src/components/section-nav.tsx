/** Links between the sections of one thing (a project's repositories, members, robots): tab-like, but real URLs. */
import { Link, useLocation } from '../router/router.js';

/** Navigation whose current link is marked aria-current="page". */
export function SectionNav({ label, links }: { label: string; links: readonly { href: string; text: string }[] }) {
  const { pathname } = useLocation();
  return (
    <nav class="section-nav" aria-label={label}>
      <ul class="section-nav__list">
        {links.map((l) => (
          <li key={l.href}>
            <Link class="section-nav__link" href={l.href} aria-current={l.href === pathname ? 'page' : undefined}>
              {l.text}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
