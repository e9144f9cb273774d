import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Client } from '../../client/index.js';

export interface Session {
  client: Client;
  /** Back to the sign-in form, with a message saying why (a key revoked while the page was open). */
  signOut(message?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
