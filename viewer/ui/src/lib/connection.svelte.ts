/**
 * Whether the server answers, as the whole app sees it. A request that cannot reach the
 * server waits here until it answers again, so the open page recovers by itself: one
 * probe loop (GET /healthz, with back-off) runs for all the requests waiting, however
 * many there are, and lets them all go when it gets an answer.
 */
import { isNetworkFailure, retryDelayMs } from './retry';

class Connection {
  /** True from a request that could not reach the server until a probe reaches it. */
  down = $state(false);
  /** When the next probe runs (ms since the epoch), for the countdown. */
  nextProbeAt = $state(0);

  private waiters = new Set<() => void>();
  private probing = false;
  private wake: (() => void) | undefined;

  /**
   * A request could not reach the server: resolves when the server answers again, or
   * rejects with an AbortError when `signal` aborts (a newer request took its place).
   */
  lost(signal?: AbortSignal): Promise<void> {
    this.down = true;
    const back = new Promise<void>((resolve, reject) => {
      const done = (): void => {
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = (): void => {
        this.waiters.delete(done);
        reject(new DOMException('superseded while waiting for the server', 'AbortError'));
      };
      if (signal?.aborted) {
        abort();
        return;
      }
      signal?.addEventListener('abort', abort, { once: true });
      this.waiters.add(done);
    });
    if (!this.probing) void this.probe();
    return back;
  }

  /** Whether the server answers now (one probe; false while it is known to be down). */
  async answers(): Promise<boolean> {
    return !this.down && (await answers());
  }

  /** Probe now instead of at the end of the current wait ("Retry now"). */
  retryNow(): void {
    this.wake?.();
  }

  private async probe(): Promise<void> {
    this.probing = true;
    for (let attempt = 0; ; attempt++) {
      const delay = retryDelayMs(attempt);
      this.nextProbeAt = Date.now() + delay;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (await answers()) break;
    }
    this.probing = false;
    this.down = false;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiters) resolve();
  }
}

/** /healthz answers while the process runs; it needs no credential. */
async function answers(): Promise<boolean> {
  try {
    return (await fetch('/healthz', { cache: 'no-store' })).ok;
  } catch (err) {
    if (isNetworkFailure(err)) return false;
    throw err;
  }
}

export const connection = new Connection();

/**
 * `fetch`, waiting out any time the server cannot be reached and trying again when it
 * answers. Only a failure to reach the server is retried: an answer, even an error
 * status, is returned as it is.
 */
export async function fetchWhenReachable(input: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    try {
      return await fetch(input, init);
    } catch (err) {
      if (!isNetworkFailure(err)) throw err;
      await connection.lost(init.signal ?? undefined);
    }
  }
}
