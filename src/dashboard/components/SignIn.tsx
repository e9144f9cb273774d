import { useState } from 'preact/hooks';
import { describeError, isUnauthorized } from '../lib/errors.js';
import { clientFor } from '../lib/session.js';

interface Props {
  /** Why the last session ended, when it did not end by choice. */
  notice: string | null;
  onSignedIn(key: string): void;
}

/** The API key is checked against the bridge before anything is shown, and only kept once it is accepted. */
export function SignIn({ notice, onSignedIn }: Props) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  return (
    <main class="sign-in">
      <form
        class="panel"
        onSubmit={async (e) => {
          e.preventDefault();
          setChecking(true);
          setError(null);
          try {
            await clientFor(key).jobs.list({ limit: 1 });
            onSignedIn(key);
          } catch (failure) {
            setError(isUnauthorized(failure) ? 'This API key was not accepted by the bridge. Check it and try again.' : describeError(failure));
          } finally {
            setChecking(false);
          }
        }}
      >
        <h1>optbridge</h1>
        <p>Sign in with an API key of your tenant. It is kept in this tab's session storage only.</p>
        {notice && <p class="notice">{notice}</p>}
        <label>
          API key
          <input type="password" name="api-key" autocomplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value.trim())} />
        </label>
        <button type="submit" disabled={checking || key === ''}>{checking ? 'Checking…' : 'Sign in'}</button>
        {error && <p class="error" role="alert" data-testid="sign-in-error">{error}</p>}
      </form>
    </main>
  );
}
