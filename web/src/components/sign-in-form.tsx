/** The sign-in form: labelled fields, the browser's password manager welcome, errors in plain words. */
import { useState } from 'preact/hooks';
import { useAction } from '../lib/use-action.js';
import { ErrorMessage } from './error-message.js';
import { TextField } from './text-field.js';

/** `onSubmit` signs in (rejecting with an ApiError on bad credentials); `unavailable` disables the form and says why. */
export function SignInForm({
  onSubmit,
  unavailable,
}: {
  onSubmit: (username: string, password: string) => Promise<void>;
  unavailable?: string;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!(await run(() => onSubmit(username, password)))) setPassword('');
  };
  const disabled = busy || unavailable !== undefined;
  return (
    <form class="sign-in" onSubmit={submit} aria-describedby={unavailable ? 'sign-in-unavailable' : undefined}>
      {unavailable && (
        <p id="sign-in-unavailable" class="notice">
          {unavailable}
        </p>
      )}
      <TextField
        label="Username"
        name="username"
        autocomplete="username"
        required
        disabled={disabled}
        value={username}
        onValue={setUsername}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
        disabled={disabled}
        value={password}
        onValue={setPassword}
      />
      {error !== undefined && <ErrorMessage error={error} />}
      <button type="submit" class="button button--primary" disabled={disabled}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
