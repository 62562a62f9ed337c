/** Formatted, coloured JSON (a manifest, a config), every token as text, with a copy button. */
import { useMemo } from 'preact/hooks';
import { jsonLines } from '../lib/json-tokens.js';
import { CopyButton } from './copy-button.js';

/** Shows `value`; `raw`, when given, is what the copy button copies (a manifest's exact bytes). */
export function JsonViewer({ value, label, raw }: { value: unknown; label: string; raw?: string }) {
  const lines = useMemo(() => jsonLines(value), [value]);
  const text = useMemo(() => raw ?? JSON.stringify(value, null, 2), [raw, value]);
  return (
    <figure class="json">
      <figcaption class="json__caption">
        <span>{label}</span>
        <CopyButton text={text} what={label} />
      </figcaption>
      <pre class="json__body" tabIndex={0} aria-label={label}>
        <code>
          {lines.map((line, i) => (
            <span class="json__line" key={i}>
              {line.map((t, j) => (
                <span key={j} class={`json__${t.kind}`}>
                  {t.text}
                </span>
              ))}
              {'\n'}
            </span>
          ))}
        </code>
      </pre>
    </figure>
  );
}
