/**
 * Credentials: ingest tokens for OTLP clients, a token or HTTP Basic for the
 * viewer and its APIs. Compared in constant time, never logged, and failed
 * attempts are rate-limited per client address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

export type AuthResult = 'ok' | 'missing' | 'invalid' | 'blocked';

/** Equal strings, compared through fixed-length digests so that neither length nor content leaks through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** After `limit` failures within `windowMs`, an address is refused until the window has passed. */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly limit = 10,
    private readonly windowMs = 60_000,
  ) {}

  blocked(address: string, now = Date.now()): boolean {
    const recent = (this.failures.get(address) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length === 0) this.failures.delete(address);
    else this.failures.set(address, recent);
    return recent.length >= this.limit;
  }

  fail(address: string, now = Date.now()): void {
    const list = this.failures.get(address) ?? [];
    list.push(now);
    this.failures.set(address, list);
    // Bound the table: forget the oldest addresses first.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
  }
}

export interface Authenticator {
  /** The schemes to announce in WWW-Authenticate. */
  readonly challenge: string;
  check(authorization: string | undefined, address: string): Promise<AuthResult>;
}

function bearer(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return m?.[1]?.trim();
}

function basic(authorization: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Accepts a bearer token from `tokens`, or HTTP Basic against `user:bcrypt-hash`.
 * Undefined when nothing is configured: then every request is let in.
 */
export function makeAuthenticator(options: { tokens: string[]; basicAuth?: string | undefined }, limiter = new FailureLimiter()): Authenticator | undefined {
  const tokens = options.tokens.filter((t) => t !== '');
  const [user, hash] = options.basicAuth ? [options.basicAuth.slice(0, options.basicAuth.indexOf(':')), options.basicAuth.slice(options.basicAuth.indexOf(':') + 1)] : [];
  if (tokens.length === 0 && hash === undefined) return undefined;
  const schemes = [...(tokens.length > 0 ? ['Bearer realm="hindsight"'] : []), ...(hash !== undefined ? ['Basic realm="hindsight", charset="UTF-8"'] : [])];
  return {
    challenge: schemes.join(', '),
    async check(authorization, address) {
      if (limiter.blocked(address)) return 'blocked';
      if (!authorization) return 'missing';
      const token = bearer(authorization);
      // Every configured token is compared, so the time taken does not say which one matched.
      let ok = token !== undefined && tokens.map((t) => constantTimeEqual(token, t)).reduce((a, b) => a || b, false);
      const credentials = ok ? undefined : basic(authorization);
      if (!ok && credentials && hash !== undefined) {
        // Both checks always run, so a wrong user name takes as long as a wrong password.
        const userOk = constantTimeEqual(credentials.user, user!);
        const passwordOk = await bcrypt.compare(credentials.password, hash);
        ok = userOk && passwordOk;
      }
      if (ok) return 'ok';
      limiter.fail(address);
      return 'invalid';
    },
  };
}
