/** A labelled checkbox (the label wraps it, so it is named without ids). */

/** The checkbox. */
export function CheckboxField({ label, checked, onChecked }: { label: string; checked: boolean; onChecked: (checked: boolean) => void }) {
  return (
    <label class="field field--check">
      <input type="checkbox" checked={checked} onChange={(e) => onChecked(e.currentTarget.checked)} />
      <span>{label}</span>
    </label>
  );
}
