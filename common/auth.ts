/**
 * Credentials: ingest tokens for OTLP clients, a token or HTTP Basic for the
 * viewer and its APIs. Compared in constant time, never logged.
 *
 * Failures are throttled per client address, never successes: a client with a
 * valid credential is served even while someone sharing its address (a NAT, a
 * shared host) is locked out for guessing. That is sound for bearer tokens, which
 * are long random strings that no number of guesses finds. A Basic password may be
 * weak, and bcrypt is its only defence, so a locked-out address gets no bcrypt run:
 * its Basic credential is accepted only if it was verified recently (the cache
 * below), and not at all once it has failed HARD_LIMIT_FACTOR times the limit,
 * which bounds how many guesses it can test against that cache.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export type AuthResult = 'ok' | 'missing' | 'invalid' | 'blocked';

/** Equal strings, compared through fixed-length digests so that neither length nor content leaks through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Failures beyond which an address's recently verified Basic credential is refused too. */
const HARD_LIMIT_FACTOR = 10;

/** Failures per address within a sliding window. */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    readonly limit = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** Failures in the window (at most HARD_LIMIT_FACTOR × limit are kept). */
  count(address: string, now = Date.now()): number {
    const recent = (this.failures.get(address) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length === 0) this.failures.delete(address);
    else this.failures.set(address, recent);
    return recent.length;
  }

  fail(address: string, now = Date.now()): void {
    const list = this.failures.get(address) ?? [];
    list.push(now);
    // An address failing thousands of times a second keeps only what the thresholds need.
    if (list.length > this.limit * HARD_LIMIT_FACTOR) list.shift();
    this.failures.set(address, list);
    // Bound the table: forget the oldest addresses first.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
  }
}

/**
 * bcrypt on a worker thread: at cost 12 one comparison takes about half a second
 * of CPU, which on the event loop stalled every request, /healthz included.
 * bcryptjs's async compare does not help: it runs in 100 ms slices on the same
 * thread. One worker, started on first use; it does not keep the process alive.
 */
class BcryptWorker {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve: (ok: boolean) => void; reject: (err: Error) => void }>();
  private nextId = 0;

  compare(password: string, hash: string): Promise<boolean> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, password, hash });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // Eval'd plain JavaScript, so the worker needs no TypeScript loader under the tests.
    const source = `
      const bcrypt = require(${JSON.stringify(require.resolve('bcryptjs'))});
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', ({ id, password, hash }) => parentPort.postMessage({ id, ok: bcrypt.compareSync(password, hash) }));`;
    const worker = new Worker(source, { eval: true });
    worker.on('message', ({ id, ok }: { id: number; ok: boolean }) => {
      this.waiting.get(id)?.resolve(ok);
      this.waiting.delete(id);
    });
    const fail = (err: Error): void => {
      this.worker = undefined;
      for (const { reject } of this.waiting.values()) reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the bcrypt worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

/** How long a verified Basic credential is trusted without bcrypt, and how many are kept. */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 1000;

/**
 * Checks HTTP Basic credentials against `user:bcrypt-hash`, remembering the ones
 * that passed for a minute: Grafana sends the credential with every query, and
 * bcrypt on each cost half a second. Remembered by an HMAC under a key made per
 * process, so the memory never holds a password, and identical checks in flight
 * share one bcrypt run.
 */
export class BasicVerifier {
  /** bcrypt comparisons run so far (each takes a worker for about half a second). */
  runs = 0;
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly worker = new BcryptWorker();

  constructor(
    private readonly user: string,
    private readonly hash: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Verified within the TTL: true without running bcrypt. */
  remembered(user: string, password: string): boolean {
    const key = this.keyOf(user, password);
    const expires = this.verified.get(key);
    if (expires === undefined) return false;
    if (expires > this.now()) return true;
    this.verified.delete(key);
    return false;
  }

  /** The check of this very credential already running, if one is. */
  running(user: string, password: string): Promise<boolean> | undefined {
    return this.pending.get(this.keyOf(user, password));
  }

  verify(user: string, password: string): Promise<boolean> {
    if (this.remembered(user, password)) return Promise.resolve(true);
    const key = this.keyOf(user, password);
    const running = this.pending.get(key);
    if (running) return running;
    this.runs++;
    // Both checks always run, so a wrong user name takes as long as a wrong password.
    const userOk = constantTimeEqual(user, this.user);
    const check = this.worker
      .compare(password, this.hash)
      .then((passwordOk) => {
        const ok = userOk && passwordOk;
        if (ok) this.remember(key);
        return ok;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, check);
    return check;
  }

  private remember(key: string): void {
    this.verified.delete(key);
    this.verified.set(key, this.now() + VERIFIED_TTL_MS);
    if (this.verified.size > VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value as string);
  }

  private keyOf(user: string, password: string): string {
    // A user name cannot hold a colon in HTTP Basic, so this joins without ambiguity.
    return createHmac('sha256', this.key).update(`${user}:${password}`).digest('base64');
  }
}

export interface Authenticator {
  /** The schemes to announce in WWW-Authenticate. */
  readonly challenge: string;
  check(authorization: string | undefined, address: string): Promise<AuthResult>;
  /**
   * A user name and password, as ClickHouse's clients send them: the token is the
   * password for any user name; HTTP Basic's user and password are checked as they are.
   * An empty password counts as no credential.
   */
  checkPassword(user: string, password: string, address: string): Promise<AuthResult>;
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

export interface AuthenticatorOptions {
  tokens: string[];
  /** `user:bcrypt-hash`. */
  basicAuth?: string | undefined;
}

/**
 * Accepts a bearer token from `tokens`, or HTTP Basic against `user:bcrypt-hash`.
 * Undefined when nothing is configured: then every request is let in. `verifier`
 * is given by tests that count bcrypt runs.
 */
export function makeAuthenticator(options: AuthenticatorOptions, deps: { limiter?: FailureLimiter; verifier?: BasicVerifier } = {}): Authenticator | undefined {
  const tokens = options.tokens.filter((t) => t !== '');
  const colon = options.basicAuth?.indexOf(':') ?? -1;
  const verifier = options.basicAuth === undefined ? undefined : (deps.verifier ?? new BasicVerifier(options.basicAuth.slice(0, colon), options.basicAuth.slice(colon + 1)));
  if (tokens.length === 0 && verifier === undefined) return undefined;
  const limiter = deps.limiter ?? new FailureLimiter();
  const hardLimit = limiter.limit * HARD_LIMIT_FACTOR;
  /** bcrypt runs per address: they count as failures until they pass, so parallel guesses cannot start runs past the limit. */
  const running = new Map<string, number>();
  const schemes = [...(tokens.length > 0 ? ['Bearer realm="hindsight"'] : []), ...(verifier ? ['Basic realm="hindsight", charset="UTF-8"'] : [])];

  const runBcrypt = async (user: string, password: string, address: string): Promise<boolean> => {
    running.set(address, (running.get(address) ?? 0) + 1);
    try {
      return await verifier!.verify(user, password);
    } finally {
      const left = (running.get(address) ?? 1) - 1;
      if (left === 0) running.delete(address);
      else running.set(address, left);
    }
  };

  /** `token`: a bearer token, or a password that may be one; `credentials`: a Basic user and password. */
  const checkCredentials = async (token: string | undefined, credentials: { user: string; password: string } | undefined, address: string): Promise<AuthResult> => {
    const failures = limiter.count(address);
    const refuse = (result: 'invalid'): AuthResult => {
      limiter.fail(address);
      return failures >= limiter.limit ? 'blocked' : result;
    };
    // No credential is no guess: a browser opening the app calls several APIs before its sign-in page asks.
    if (token === undefined && credentials === undefined) return failures >= limiter.limit ? 'blocked' : 'missing';
    // Every configured token is compared, so the time taken does not say which one matched.
    if (token !== undefined && tokens.map((t) => constantTimeEqual(token, t)).reduce((a, b) => a || b, false)) return 'ok';
    if (credentials === undefined || verifier === undefined) return refuse('invalid');
    const { user, password } = credentials;
    if (failures >= hardLimit) return refuse('invalid');
    if (verifier.remembered(user, password)) return 'ok';
    // Parallel requests with one credential (a dashboard loading) share one bcrypt run.
    const joined = verifier.running(user, password);
    if (joined) return (await joined) ? 'ok' : refuse('invalid');
    // A throttled address gets no bcrypt run, so it can neither test guesses nor burn CPU.
    if (failures + (running.get(address) ?? 0) >= limiter.limit) {
      limiter.fail(address);
      return 'blocked';
    }
    return (await runBcrypt(user, password, address)) ? 'ok' : refuse('invalid');
  };

  return {
    challenge: schemes.join(', '),
    check: (authorization, address) => {
      if (!authorization) return checkCredentials(undefined, undefined, address);
      const token = bearer(authorization);
      // A malformed header is a failed guess, not a missing credential.
      return checkCredentials(token ?? '', token === undefined ? basic(authorization) : undefined, address);
    },
    checkPassword: (user, password, address) => (password === '' ? checkCredentials(undefined, undefined, address) : checkCredentials(password, { user, password }, address)),
  };
}
