/**
 * The load-time check of the SQL files against catalogue.ts: each file's
 * placeholders and slot markers against its entry, and each slot's fragments
 * against theirs. Problems are returned as sentences, for the registry to refuse
 * to load with all of them at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PieceDecl, SlotDecl } from './declare';
import type { Template } from './template';

export interface Piece {
  name: string;
  decl: PieceDecl;
  template: Template;
}

/** What a literal statement may have written into its text: no value that ClickHouse would have to bind. */
const LITERAL_TYPES = new Set(['UInt32', 'UInt64', 'Identifier', 'Array(Identifier)', 'Statement']);
const KNOWN_TYPES = new Set([...LITERAL_TYPES, 'String', 'Int64', 'Float64', 'Array(String)', 'Array(Float64)', 'Array(UInt32)']);

/** What is wrong with one piece against its declaration and the fragments its slots name. */
export function checkPiece({ decl, template }: Piece, pieces: ReadonlyMap<string, Piece>): string[] {
  const declared = new Map(Object.entries(decl.params).map(([name, d]) => [name, typeof d === 'string' ? d : d.type]));
  return [...template.problems, ...paramProblems(decl, template, declared), ...slotProblems(decl, template, declared, pieces)];
}

function paramProblems(decl: PieceDecl, template: Template, declared: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, type] of template.params) {
    if (name === 'db') {
      if (type !== 'Identifier' && type !== 'String') problems.push(`{db:${type}}: the database is bound as Identifier or String`);
    } else if (!declared.has(name)) problems.push(`{${name}:${type}} is not declared`);
    else if (declared.get(name) !== type) problems.push(`{${name}:${type}} is declared as ${declared.get(name)}`);
    if (!KNOWN_TYPES.has(type)) problems.push(`{${name}:${type}}: the registry knows no type ${type}`);
    if (decl.literal && !LITERAL_TYPES.has(type)) problems.push(`{${name}:${type}}: a literal statement takes only integers, identifiers and statements`);
  }
  for (const name of declared.keys()) if (!template.params.has(name)) problems.push(`declares {${name}} but does not use it`);
  return problems;
}

function slotProblems(decl: PieceDecl, template: Template, declared: ReadonlyMap<string, string>, pieces: ReadonlyMap<string, Piece>): string[] {
  const problems: string[] = [];
  if (decl.kind === 'fragment' && template.slots.size > 0) problems.push('a fragment has no slots');
  for (const [name, kind] of template.slots) {
    const slot = decl.slots[name];
    if (slot === undefined) problems.push(`the slot ${name} is not declared`);
    else if (slot.kind !== kind) problems.push(`the slot ${name} is marked ${kind} but declared ${slot.kind}`);
  }
  // One namespace of parameters per rendering, but for each-slot items, which are numbered apart.
  const types = new Map(declared);
  for (const [name, slot] of Object.entries(decl.slots) as [string, SlotDecl][]) {
    if (!template.slots.has(name)) problems.push(`declares the slot ${name} but has no marker for it`);
    const targets = slot.kind === 'include' || slot.kind === 'optional' ? [slot.fragment] : Object.values(slot.alternatives);
    for (const target of targets) {
      const fragment = pieces.get(target);
      if (fragment === undefined) {
        problems.push(`the slot ${name} names ${target}, which is not a loaded fragment`);
        continue;
      }
      if (fragment.decl.kind !== 'fragment') problems.push(`the slot ${name} names ${target}, a statement`);
      if (slot.kind === 'optional' && Object.keys(fragment.decl.params).length === 0) problems.push(`the optional slot ${name} names ${target}, which has no parameter to turn it on`);
      for (const [param, type] of fragment.template.params) {
        if (decl.literal && !LITERAL_TYPES.has(type)) problems.push(`the slot ${name} takes ${target}, whose {${param}:${type}} a literal statement cannot write`);
        if (param === 'db' || slot.kind === 'each') continue;
        const seen = types.get(param);
        if (seen !== undefined && seen !== type) problems.push(`{${param}} is ${seen} in one place and ${type} in ${target}`);
        types.set(param, type);
      }
    }
  }
  return problems;
}

/** Every .sql file under `root`, by name (its path without `.sql`). */
export function sqlFiles(root: string, under = ''): string[] {
  const entries = fs.existsSync(path.join(root, under)) ? fs.readdirSync(path.join(root, under), { withFileTypes: true }) : [];
  return entries.flatMap((entry) => {
    const relative = under === '' ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) return sqlFiles(root, relative);
    return entry.name.endsWith('.sql') ? [relative.slice(0, -'.sql'.length)] : [];
  });
}
