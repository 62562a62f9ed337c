/**
 * Tabs as the WAI-ARIA pattern has them: one tab stop, arrow keys, Home and End move between
 * tabs, and the panel is labelled by its tab. The selection is controlled, so a page can keep
 * it in the URL (?tab=layers) and the back button returns to it.
 */
import type { ComponentChildren, TargetedKeyboardEvent } from 'preact';
import { useRef, useState } from 'preact/hooks';

/** One tab and its panel. */
export interface Tab {
  id: string;
  label: string;
  panel: () => ComponentChildren;
}

let seq = 0;

/** A tab list with the selected panel below it. */
export function Tabs({
  label,
  tabs,
  selected,
  onSelect,
}: {
  label: string;
  tabs: readonly Tab[];
  selected: string;
  onSelect: (id: string) => void;
}) {
  const [prefix] = useState(() => `tabs-${++seq}`);
  const list = useRef<HTMLDivElement>(null);
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];
  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((t) => t.id === current?.id);
    const moves: Record<string, number> = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length]!;
    onSelect(next.id);
    list.current?.querySelector<HTMLElement>(`#${prefix}-${next.id}`)?.focus();
  };
  return (
    <div class="tabs">
      <div class="tabs__list" role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            class="tabs__tab"
            id={`${prefix}-${t.id}`}
            aria-selected={t.id === current?.id}
            aria-controls={`${prefix}-${t.id}-panel`}
            tabIndex={t.id === current?.id ? 0 : -1}
            onClick={() => onSelect(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {current && (
        <div
          class="tabs__panel"
          role="tabpanel"
          id={`${prefix}-${current.id}-panel`}
          aria-labelledby={`${prefix}-${current.id}`}
          tabIndex={0}
        >
          {current.panel()}
        </div>
      )}
    </div>
  );
}
