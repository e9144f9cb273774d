import { useMemo, useState } from 'preact/hooks';
import { clientFor, forgetKey, storedKey, storeKey } from '../lib/session.js';
import { SessionContext, type Session } from '../lib/session-context.js';
import { useRoute } from '../lib/router.js';
import { ComparePage } from './ComparePage.js';
import { Header } from './Header.js';
import { JobPage } from './JobPage.js';
import { JobsPage } from './JobsPage.js';
import { SignIn } from './SignIn.js';

export function App() {
  const [key, setKey] = useState(storedKey);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();
  const session = useMemo<Session | null>(
    () =>
      key === null
        ? null
        : {
            client: clientFor(key),
            signOut(message) {
              forgetKey();
              setNotice(message ?? null);
              setKey(null);
            },
          },
    [key],
  );
  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(accepted) => {
          storeKey(accepted);
          setNotice(null);
          setKey(accepted);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Header onSignOut={() => session.signOut()} />
      <main>
        {route.page === 'jobs' && <JobsPage query={route.query} />}
        {route.page === 'job' && <JobPage id={route.id} />}
        {route.page === 'compare' && <ComparePage ids={route.ids} />}
      </main>
    </SessionContext.Provider>
  );
}
