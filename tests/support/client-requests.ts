/**
 * The Jaeger clients' requests kept in tests/fixtures/jaeger/requests.json, filled in as
 * each client writes its values: form-encoded (URLSearchParams, Go's url.Values) or, for
 * the times Grafana appends to its query strings, as they are.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Group = 'jaegerUiV3' | 'jaegerUiLegacy' | 'grafanaGrpc' | 'grafanaLegacy';

export const CLIENT_REQUESTS = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/jaeger/requests.json'), 'utf8')) as Record<Group, Record<string, string>>;

/** A value as a form-encoded query parameter (space as "+", as both clients write it). */
export function form(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The request `name` of `group` with its placeholders replaced by `values` (already in the client's encoding). */
export function clientRequest(group: Group, name: string, values: Record<string, string>): string {
  const template = CLIENT_REQUESTS[group][name];
  if (template === undefined) throw new Error(`no fixture ${group}.${name}`);
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${group}.${name} needs {${key}}`);
    return value;
  });
}

/** Go's time.Format(time.RFC3339Nano): trailing zeros of the fraction dropped, the zone as Z or ±hh:mm. */
export function goRfc3339Nano(ms: number, offsetMinutes = 0): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString();
  const [base, fraction] = local.slice(0, -1).split('.');
  const frac = (fraction ?? '').replace(/0+$/, '');
  const zone =
    offsetMinutes === 0 ? 'Z' : `${offsetMinutes > 0 ? '+' : '-'}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
  return `${base}${frac ? `.${frac}` : ''}${zone}`;
}
