/**
 * Reading expressions for the model: a short label a hover can show (`now()`, `'active'::text`), how
 * volatile a default is, and which columns an expression reads.
 */
import type { Node } from '@pgsql/types';
import { nodeKind, nodePayload, stringList, typeLabel } from '../dialects/postgres/ast';
import { classifyDefault } from '../rules/helpers/default-volatility';
import type { ColumnDefault, Volatility } from './objects';
import { collectNodes } from './tree';

const SQL_VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE',
  SVFOP_CURRENT_TIME: 'CURRENT_TIME',
  SVFOP_CURRENT_TIME_N: 'CURRENT_TIME',
  SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_CURRENT_TIMESTAMP_N: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME',
  SVFOP_LOCALTIME_N: 'LOCALTIME',
  SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP',
  SVFOP_LOCALTIMESTAMP_N: 'LOCALTIMESTAMP',
  SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_SESSION_USER: 'SESSION_USER',
  SVFOP_USER: 'USER',
  SVFOP_CURRENT_ROLE: 'CURRENT_ROLE',
  SVFOP_CURRENT_CATALOG: 'CURRENT_CATALOG',
  SVFOP_CURRENT_SCHEMA: 'CURRENT_SCHEMA',
};

type Payload = Record<string, unknown>;

/** The expression as a person would write it, shortened: enough for a hover, not a deparser. */
export function expressionLabel(node: Node | undefined, depth = 0): string {
  if (!node) return '';
  if (depth > 3) return '…';
  const kind = nodeKind(node);
  const p = nodePayload<Payload>(node) ?? {};
  switch (kind) {
    case 'A_Const':
      return constLabel(p);
    case 'TypeCast':
      return `${expressionLabel(p.arg as Node, depth + 1)}::${typeLabel(p.typeName as never)}`;
    case 'FuncCall': {
      const args = ((p.args as Node[] | undefined) ?? []).map((a) => expressionLabel(a, depth + 1));
      return `${stringList(p.funcname as Node[]).join('.')}(${p.agg_star ? '*' : args.join(', ')})`;
    }
    case 'SQLValueFunction':
      return SQL_VALUE_FUNCTIONS[String(p.op)] ?? 'CURRENT_TIMESTAMP';
    case 'ColumnRef':
      return stringList(p.fields as Node[]).join('.') || '*';
    case 'A_Expr': {
      const op = stringList(p.name as Node[]).join(' ');
      return `${expressionLabel(p.lexpr as Node, depth + 1)} ${op} ${expressionLabel(p.rexpr as Node, depth + 1)}`.trim();
    }
    case 'A_ArrayExpr':
      return `ARRAY[${((p.elements as Node[] | undefined) ?? []).map((e) => expressionLabel(e, depth + 1)).join(', ')}]`;
    default:
      return 'an expression';
  }
}

function constLabel(p: Payload): string {
  if (p.isnull) return 'NULL';
  // Zero values are omitted by the parser's JSON: `{ ival: {} }` is 0, `{ boolval: {} }` is false.
  if (p.sval) return `'${(p.sval as { sval?: string }).sval ?? ''}'`;
  if (p.boolval) return String((p.boolval as { boolval?: boolean }).boolval ?? false);
  if (p.ival) return String((p.ival as { ival?: number }).ival ?? 0);
  if (p.fval) return (p.fval as { fval?: string }).fval ?? '0';
  if (p.bsval) return (p.bsval as { bsval?: string }).bsval ?? '';
  return 'a constant';
}

/** A constant, possibly cast: `'x'`, `0`, `'{}'::jsonb`, `NULL`. */
function isConstant(node: Node | undefined): boolean {
  const kind = nodeKind(node);
  if (kind === 'A_Const') return true;
  if (kind === 'TypeCast') return isConstant(nodePayload<{ arg?: Node }>(node)?.arg);
  return false;
}

export function volatilityOf(expr: Node): Volatility {
  if (isConstant(expr)) return 'constant';
  const verdict = classifyDefault(expr);
  return verdict.kind === 'volatile' ? 'volatile' : verdict.kind === 'unknown' ? 'unknown' : 'stable';
}

/** The default of a column, or undefined for no default / DEFAULT NULL. */
export function columnDefault(expr: Node | undefined): ColumnDefault | undefined {
  if (!expr) return undefined;
  if (nodePayload<{ isnull?: boolean }>(expr)?.isnull && nodeKind(expr) === 'A_Const') return undefined;
  return { label: expressionLabel(expr), volatility: volatilityOf(expr) };
}

/**
 * Column names an expression reads, by their last name part (`t.a` → `a`), without duplicates.
 * `qualifier` keeps only references qualified with that name (`new` for trigger WHEN clauses).
 */
export function columnsRead(expr: unknown, qualifier?: string): string[] {
  const out = new Set<string>();
  for (const payload of collectNodes(expr, ['ColumnRef']).get('ColumnRef')!) {
    const names = stringList(payload.fields as Node[]);
    if (names.length === 0) continue;
    if (qualifier !== undefined && (names.length < 2 || names[names.length - 2].toLowerCase() !== qualifier)) continue;
    out.add(names[names.length - 1]);
  }
  return [...out];
}

