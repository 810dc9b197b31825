/**
 * Statements the SQL endpoint's check has passed, by their exact text, so that a
 * statement sent again (a dashboard's refresh, Grafana's panels, the console's
 * re-run) is not parsed again. The verdict depends on nothing else that changes
 * while the process runs: the text, the database, and the engine's function
 * catalogue, read once. Only passes are kept; a refusal is worked out every time.
 * Bounded by entries and by characters (a statement may be 100,000 of them), the
 * least recently used going first.
 */
export class StatementCache<T> {
  private readonly entries = new Map<string, T>();
  private chars = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxChars: number,
  ) {}

  get(text: string): T | undefined {
    const found = this.entries.get(text);
    if (found !== undefined) {
      this.entries.delete(text);
      this.entries.set(text, found);
    }
    return found;
  }

  set(text: string, value: T): void {
    if (text.length > this.maxChars) return;
    if (this.entries.delete(text)) this.chars -= text.length;
    this.entries.set(text, value);
    this.chars += text.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
