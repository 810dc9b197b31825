/**
 * ClickHouse's EXPLAIN AST text as a tree. Each line is one node, indented by
 * depth: `Function file (alias f) (children 1)` is a node of kind Function whose
 * name is `file`. The alias and the child count are the engine's annotations,
 * kept apart from the name so that no alias can pass for one.
 */

export interface AstNode {
  kind: string;
  /** The rest of the line without the annotations: a function's or table's name, a literal. */
  detail: string;
  children: AstNode[];
}

export function parseAst(text: string): AstNode | undefined {
  const root: AstNode = { kind: '', detail: '', children: [] };
  const stack: { depth: number; node: AstNode }[] = [{ depth: -1, node: root }];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const line = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    const depth = line.length - line.trimStart().length;
    const node = parseLine(line.trim());
    while (stack.length > 1 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    stack[stack.length - 1]!.node.children.push(node);
    stack.push({ depth, node });
  }
  return root.children[0];
}

function parseLine(line: string): AstNode {
  const space = line.indexOf(' ');
  const kind = space < 0 ? line : line.slice(0, space);
  let detail = space < 0 ? '' : line.slice(space + 1).replace(/ ?\(children \d+\)$/, '');
  const alias = detail.indexOf(' (alias ');
  if (alias >= 0) detail = detail.slice(0, alias);
  else if (detail.startsWith('(alias ')) detail = '';
  return { kind, detail, children: [] };
}

/** Every node below `node` with the chain of its ancestors, parent first. */
export function* descendants(node: AstNode, ancestors: readonly AstNode[] = []): Generator<{ node: AstNode; ancestors: readonly AstNode[] }> {
  const chain = [node, ...ancestors];
  for (const child of node.children) {
    yield { node: child, ancestors: chain };
    yield* descendants(child, chain);
  }
}
