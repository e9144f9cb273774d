import { useCallback, useState } from 'preact/hooks';
import { describeError, isUnauthorized } from '../lib/errors.js';
import { useSession } from '../lib/session-context.js';

/** An error message to show, or, for a key no longer accepted, back to sign-in. */
export function useFailure(): [string | null, (error: unknown) => void, () => void] {
  const { signOut } = useSession();
  const [message, setMessage] = useState<string | null>(null);
  const fail = useCallback(
    (error: unknown) => {
      if (isUnauthorized(error)) signOut('The bridge no longer accepts this API key. Sign in again.');
      else setMessage(describeError(error));
    },
    [signOut],
  );
  const clear = useCallback(() => setMessage(null), []);
  return [message, fail, clear];
}
