/**
 * How many rows an UPDATE or DELETE touches, judged from its WHERE clause alone: every row (no WHERE),
 * a bounded slice (a key range, a value or list of values, a subquery with LIMIT: the shapes a batched
 * backfill uses), or an unbounded filter (`col IS NULL`, `created_at < now()`, a join) that can match
 * the whole table.
 */
import type { A_Expr, BoolExpr, Node, SubLink } from '@pgsql/types';
import { nodeKind, nodePayload, stringList, walk } from '../../dialects/postgres/ast';

export type RowFilter = 'all' | 'bounded' | 'unbounded';

export function rowFilter(where: Node | undefined): RowFilter {
  if (!where) return 'all';
  return bounded(where) ? 'bounded' : 'unbounded';
}

function bounded(node: Node): boolean {
  switch (nodeKind(node)) {
    case 'BoolExpr': {
      const bool = nodePayload<BoolExpr>(node)!;
      const args = bool.args ?? [];
      if (bool.boolop === 'OR_EXPR') return args.length > 0 && args.every(bounded);
      if (bool.boolop === 'AND_EXPR') return args.some(bounded) || hasTwoSidedRange(args);
      return false;
    }
    case 'A_Expr':
      return boundedComparison(nodePayload<A_Expr>(node)!);
    case 'SubLink':
      // `id IN (SELECT id … LIMIT 1000)`: a batch picked by a limited subquery.
      return limitedSubquery(nodePayload<SubLink>(node)!);
    default:
      return false;
  }
}

function operator(expr: A_Expr): string {
  const names = stringList(expr.name);
  return names[names.length - 1] ?? '';
}

function boundedComparison(expr: A_Expr): boolean {
  const op = operator(expr);
  switch (expr.kind) {
    case 'AEXPR_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
      return mentionsColumn(expr.lexpr) && isValue(expr.rexpr);
    case 'AEXPR_IN':
      // `col IN (1, 2, 3)`: a list of values (NOT IN is `<>` and unbounded).
      return op === '=' && mentionsColumn(expr.lexpr) && isValue(expr.rexpr);
    case 'AEXPR_OP_ANY':
      // `col = ANY ($1)`, `col = ANY (ARRAY(SELECT … LIMIT n))`.
      return op === '=' && mentionsColumn(expr.lexpr) && (isValue(expr.rexpr) || limitedArray(expr.rexpr));
    case 'AEXPR_OP':
      // `col = value` pins rows to one value: a targeted change, not a sweep.
      return op === '=' && ((mentionsColumn(expr.lexpr) && isValue(expr.rexpr)) || (mentionsColumn(expr.rexpr) && isValue(expr.lexpr)));
    default:
      return false;
  }
}

/** `id >= 1000 AND id < 2000`: a lower and an upper bound on the same column, among AND's arguments. */
function hasTwoSidedRange(args: Node[]): boolean {
  const lower = new Set<string>();
  const upper = new Set<string>();
  for (const arg of args) {
    const expr = nodeKind(arg) === 'A_Expr' ? nodePayload<A_Expr>(arg)! : undefined;
    if (!expr || expr.kind !== 'AEXPR_OP') continue;
    const op = operator(expr);
    const leftColumn = columnName(expr.lexpr);
    const rightColumn = columnName(expr.rexpr);
    if (leftColumn && isValue(expr.rexpr)) {
      if (op === '>' || op === '>=') lower.add(leftColumn);
      if (op === '<' || op === '<=') upper.add(leftColumn);
    } else if (rightColumn && isValue(expr.lexpr)) {
      if (op === '<' || op === '<=') lower.add(rightColumn);
      if (op === '>' || op === '>=') upper.add(rightColumn);
    }
  }
  return [...lower].some((c) => upper.has(c));
}

function columnName(node: Node | undefined): string | undefined {
  if (nodeKind(node) !== 'ColumnRef') return undefined;
  const names = stringList(nodePayload<{ fields?: Node[] }>(node)?.fields);
  return names[names.length - 1];
}

function mentionsColumn(node: Node | undefined): boolean {
  if (nodeKind(node) === 'ColumnRef') return true;
  let found = false;
  walk(node, (kind) => {
    if (kind === 'ColumnRef') found = true;
  });
  return found;
}

/** A value that does not depend on the row: constants, parameters, a scalar subquery, lists of those. */
function isValue(node: Node | undefined): boolean {
  if (!node) return false;
  if (nodeKind(node) === 'SubLink') return nodePayload<SubLink>(node)!.subLinkType === 'EXPR_SUBLINK';
  if (Array.isArray((node as { List?: { items?: Node[] } }).List?.items)) return (node as { List: { items: Node[] } }).List.items.every(isValue);
  let column = false;
  walk(node, (kind) => {
    if (kind === 'ColumnRef' || kind === 'SubLink') column = true;
  });
  return !column;
}

function limitedSubquery(link: SubLink): boolean {
  if (link.subLinkType !== 'ANY_SUBLINK' && link.subLinkType !== 'ARRAY_SUBLINK') return false;
  const select = nodePayload<{ limitCount?: Node }>(link.subselect);
  return select?.limitCount !== undefined;
}

function limitedArray(node: Node | undefined): boolean {
  return nodeKind(node) === 'SubLink' && limitedSubquery(nodePayload<SubLink>(node)!);
}
