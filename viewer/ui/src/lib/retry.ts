/**
 * How the viewer waits for a server that stopped answering: it probes /healthz after
 * 1 s, then doubles the wait up to 15 s. Short at first, so a restart is noticed within a
 * second or two; capped low, so a page left open through a longer outage still comes
 * back within 15 s of the server.
 */
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 15_000;

/** The wait before probe number `attempt` (0 for the first). */
export function retryDelayMs(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt));
}

/** A failure to reach the server at all (fetch's TypeError), as opposed to an answer that refused. */
export function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError;
}
