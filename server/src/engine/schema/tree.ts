/**
 * One pass over a parse tree collecting the nodes of the kinds asked for. The model reads every
 * view's query and many expressions on each replay, so this avoids the generic walker's per-key
 * allocations (Object.entries, a regular expression per key).
 */

export type Collected = Map<string, Record<string, unknown>[]>;

export function collectNodes(root: unknown, kinds: readonly string[]): Collected {
  const out: Collected = new Map(kinds.map((k) => [k, []]));
  visit(root, out);
  return out;
}

function visit(node: unknown, out: Collected): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) visit(node[i], out);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (value === null || typeof value !== 'object') continue;
    // Node wrappers are keyed by their type name, which starts with a capital letter.
    const first = key.charCodeAt(0);
    if (first >= 65 && first <= 90 && !Array.isArray(value)) out.get(key)?.push(value as Record<string, unknown>);
    visit(value, out);
  }
}
