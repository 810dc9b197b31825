/**
 * One .sql file read into the pieces the registry renders: text, `{name:Type}`
 * placeholders and slot markers. Whole-line `--` comments document a file and are
 * dropped here, so a rendered statement carries none of them.
 */

export type SlotKind = 'include' | 'optional' | 'choice' | 'each';

export type Segment = { kind: 'text'; text: string } | { kind: 'param'; name: string; type: string } | { kind: 'slot'; slot: SlotKind; name: string };

export interface Template {
  segments: readonly Segment[];
  /** Each placeholder's name and type, as the file writes it. */
  params: ReadonlyMap<string, string>;
  /** Each slot marker's name and kind. */
  slots: ReadonlyMap<string, SlotKind>;
  /** What the file says that cannot be right whatever the catalogue declares. */
  problems: readonly string[];
}

/**
 * `{name:Type}` is ClickHouse's own placeholder syntax. ClickHouse macros such as
 * `{shard}` in a Keeper path have no type and stay text. A slot marker is a
 * comment, `/*optional service*\/`, so a file still reads as SQL.
 */
const TOKEN = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}|\/\*(include|optional|choice|each) ([A-Za-z][A-Za-z0-9]*)\*\//g;

export function parseTemplate(source: string): Template {
  const text = source
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .trim();
  const segments: Segment[] = [];
  const params = new Map<string, string>();
  const slots = new Map<string, SlotKind>();
  const problems: string[] = [];
  let at = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (match.index > at) segments.push({ kind: 'text', text: text.slice(at, match.index) });
    at = match.index + match[0].length;
    const [, param, type, slot, slotName] = match;
    if (param !== undefined && type !== undefined) {
      const seen = params.get(param);
      if (seen !== undefined && seen !== type) problems.push(`{${param}} is written both as ${seen} and as ${type}`);
      params.set(param, type);
      segments.push({ kind: 'param', name: param, type });
    } else if (slot !== undefined && slotName !== undefined) {
      const kind = slot as SlotKind;
      const seen = slots.get(slotName);
      if (seen !== undefined && seen !== kind) problems.push(`the slot ${slotName} is marked both ${seen} and ${kind}`);
      slots.set(slotName, kind);
      segments.push({ kind: 'slot', slot: kind, name: slotName });
    }
  }
  if (at < text.length) segments.push({ kind: 'text', text: text.slice(at) });
  return { segments, params, slots, problems };
}
