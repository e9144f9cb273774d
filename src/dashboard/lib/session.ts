import { Client } from '../../client/index.js';

/** Session storage: gone when the tab closes, never sent anywhere, never part of a URL. */
const STORAGE_KEY = 'optbridge.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** The SDK pointed at the bridge that served this page. */
export function clientFor(key: string): Client {
  return new Client({ url: location.origin, key });
}
