/** A labelled text input (the label wraps it, so it is named without ids). */

/** What a text field takes: its label, value and the few input attributes forms use. */
export interface TextFieldProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'password' | 'search' | 'email';
  name?: string;
  autocomplete?: string;
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
}

/** The field. */
export function TextField({ label, value, onValue, type = 'text', ...input }: TextFieldProps) {
  // Preact 11 types <input> as one variant per `type`; a union-typed value matches none of them.
  const typed = type as 'text';
  return (
    <label class="field">
      <span class="field__label">{label}</span>
      <input class="input" type={typed} {...input} value={value} onInput={(e) => onValue(e.currentTarget.value)} />
    </label>
  );
}
