/** A trace id as typed into "Go to trace id": up to 32 hex digits (the API pads shorter ones). */
export type TraceIdInput = { ok: true; traceId: string } | { ok: false; message: string };

export function parseTraceIdInput(text: string): TraceIdInput {
  const id = text.trim();
  if (id === '') return { ok: false, message: 'Type a trace id: up to 32 hex digits.' };
  if (/^[0-9a-fA-F]{1,32}$/.test(id)) return { ok: true, traceId: id.toLowerCase() };
  const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
  const why = /^[0-9a-fA-F]+$/.test(id) ? `it has ${id.length} digits, more than 32` : 'a trace id has only the hex digits 0-9 and a-f';
  return { ok: false, message: `"${shown}" is not a trace id: ${why}.` };
}
