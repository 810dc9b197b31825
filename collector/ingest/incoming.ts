/**
 * Requests received and being decoded, not yet handed to the writer. The writer's
 * group commit reads it: with the store idle, a batch is inserted at once only
 * when no other request is on its way, so that requests arriving together share
 * an insert rather than each taking one (see SpanWriter.waitLeft).
 */
export class IncomingRequests {
  private decoding = 0;
  private readonly listeners: (() => void)[] = [];

  get count(): number {
    return this.decoding;
  }

  /** A request's body is here and about to be decoded. */
  begin(): void {
    this.decoding++;
  }

  /** That request was handed to the writer, or refused before: either way it no longer comes. */
  end(): void {
    this.decoding--;
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` after each end(). */
  onEnd(listener: () => void): void {
    this.listeners.push(listener);
  }
}
