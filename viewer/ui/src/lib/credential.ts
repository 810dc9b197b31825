/**
 * The viewer's credential, when the server asks for one: kept in sessionStorage
 * (gone with the tab), sent as an Authorization header on every API request.
 */
const KEY = 'hindsight.credential';

export function credentialHeaders(): Record<string, string> {
  const value = sessionStorage.getItem(KEY);
  return { 'X-Hindsight-Client': 'viewer', ...(value ? { Authorization: value } : {}) };
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, `Bearer ${token.trim()}`);
}

export function saveBasic(user: string, password: string): void {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  sessionStorage.setItem(KEY, `Basic ${btoa(String.fromCharCode(...bytes))}`);
}

export function forget(): void {
  sessionStorage.removeItem(KEY);
}

/** Set when the server answered 401: the app shows its sign-in page. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}
export function unauthorized(): void {
  onUnauthorized();
}
