/**
 * What a PL/pgSQL body does, read with PL/pgSQL's own parser: for trigger functions, which NEW/OLD
 * columns it reads and which NEW columns it assigns (a BEFORE trigger's writes into the row), which
 * tables its statements write and read; for DO blocks, the SQL statements they run.
 *
 * Results are memoised by body text: replaying a history again after an edit re-reads no body.
 */
import type { Node } from '@pgsql/types';
import { nodeKind, nodePayload, relationKey, walk } from '../dialects/postgres/ast';
import { parsePlpgsql, parsePostgres } from '../dialects/postgres/parser';
import type { TriggerBodyModel } from './objects';
import { collectNodes } from './tree';
import { columnsRead } from './expressions';

interface BodyReading {
  trigger?: TriggerBodyModel;
  /** SQL statements the body runs (execsql), in order, with conditionals and loops flattened. */
  statements: string[];
  dynamic: boolean;
}

const MEMO_CAPACITY = 4000;
const memo = new Map<string, BodyReading | null>();

/** A dollar-quote tag that does not occur in the body. */
function quote(body: string): string {
  let tag = '$body$';
  for (let i = 0; body.includes(tag); i++) tag = `$body${i}$`;
  return `${tag}${body}${tag}`;
}

/** Reads a trigger function's body (RETURNS trigger) or a DO block's / other function's body. */
export function readPlpgsqlBody(body: string, trigger: boolean): BodyReading | undefined {
  const memoKey = `${trigger ? 't' : 'v'}${body}`;
  const hit = memo.get(memoKey);
  if (hit !== undefined) return hit ?? undefined;
  const sql = `CREATE FUNCTION pg_temp.safe_migrations_body() RETURNS ${trigger ? 'trigger' : 'void'} LANGUAGE plpgsql AS ${quote(body)}`;
  const funcs = parsePlpgsql(sql);
  const fn = (funcs?.[0] as { PLpgSQL_function?: Record<string, unknown> } | undefined)?.PLpgSQL_function;
  const reading = fn ? readFunction(fn, trigger) : null;
  if (memo.size >= MEMO_CAPACITY) memo.delete(memo.keys().next().value!);
  memo.set(memoKey, reading);
  return reading ?? undefined;
}

type Datum = { PLpgSQL_rec?: { refname?: string }; PLpgSQL_recfield?: { fieldname?: string; recparentno?: number } };

const ROW_REF = /\b(new|old)\s*\.\s*("(?:[^"]|"")+"|[A-Za-z_][\w$]*)/gi;

function readFunction(fn: Record<string, unknown>, trigger: boolean): BodyReading {
  const datums = (fn.datums as Datum[] | undefined) ?? [];
  const recName = (no: number | undefined) => datums[no ?? 0]?.PLpgSQL_rec?.refname?.toLowerCase();
  const newReads = new Set<string>();
  const newWrites = new Set<string>();
  const oldReads = new Set<string>();
  const statements: string[] = [];
  const assignments: TriggerBodyModel['assignments'] = [];
  let dynamic = false;
  const scanRefs = (text: string) => {
    for (const [row, column] of rowRefs(text)) (row === 'new' ? newReads : oldReads).add(column);
  };
  walk(fn.action, (kind, payload) => {
    if (kind === 'PLpgSQL_stmt_assign') {
      const field = datums[payload.varno as number]?.PLpgSQL_recfield;
      if (field?.fieldname && recName(field.recparentno) === 'new') {
        newWrites.add(field.fieldname);
        const sources = [...new Set(rowRefs(assignedExpression(exprText(payload.expr))).filter(([row]) => row === 'new').map(([, c]) => c))];
        assignments.push({ target: field.fieldname, sources });
      }
    } else if (kind === 'PLpgSQL_stmt_execsql') statements.push(exprText(payload.sqlstmt));
    else if (kind === 'PLpgSQL_stmt_dynexecute' || kind === 'PLpgSQL_stmt_dynfors') dynamic = true;
  });
  collectReads(fn.action, scanRefs);
  const reading: BodyReading = { statements, dynamic };
  if (trigger) {
    const tables = statementTables(statements);
    reading.trigger = { newReads: [...newReads], newWrites: [...newWrites], assignments, oldReads: [...oldReads], writesTables: tables.writes, readsTables: tables.reads, dynamic };
  }
  return reading;
}

/** `NEW.col` / `OLD.col` references in a PL/pgSQL expression or statement, as [row, column]. */
function rowRefs(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(ROW_REF)) out.push([m[1].toLowerCase(), m[2].startsWith('"') ? m[2].slice(1, -1).replace(/""/g, '"') : m[2].toLowerCase()]);
  return out;
}

/** An assignment's query is `target := expression`: the expression alone. */
const assignedExpression = (query: string) => query.replace(/^[^:=]*(:=|=)/, '');

function exprText(node: unknown): string {
  return String((node as { PLpgSQL_expr?: { query?: string } } | undefined)?.PLpgSQL_expr?.query ?? '');
}

/** Scans every expression for NEW/OLD references, skipping the targets of assignments. */
function collectReads(node: unknown, scan: (text: string) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) collectReads(child, scan);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'PLpgSQL_stmt_assign') {
      scan(assignedExpression(exprText((value as { expr?: unknown }).expr)));
      continue;
    }
    if (key === 'PLpgSQL_expr') {
      scan(String((value as { query?: string }).query ?? ''));
      continue;
    }
    collectReads(value, scan);
  }
}

/** The expressions INSERT gives its columns: the single VALUES row, or the SELECT list. */
function insertValues(select: Node | undefined): (Node | undefined)[] {
  const stmt = nodePayload<{ valuesLists?: Node[]; targetList?: Node[] }>(select);
  if (stmt?.valuesLists?.length === 1) return nodePayload<{ items?: Node[] }>(stmt.valuesLists[0])?.items ?? [];
  return (stmt?.targetList ?? []).map((t) => nodePayload<{ val?: Node }>(t)?.val);
}

/** Tables written (with the columns set) and read by the body's SQL statements. */
function statementTables(statements: string[]): { writes: TriggerBodyModel['writesTables']; reads: string[] } {
  const writes: TriggerBodyModel['writesTables'] = [];
  const reads = new Set<string>();
  for (const sql of statements) {
    const outcome = parsePostgres(sql);
    if (!outcome.ok) continue;
    for (const { node } of outcome.statements) {
      const kind = nodeKind(node);
      const payload = nodePayload<{ relation?: never; cols?: Node[]; targetList?: Node[]; selectStmt?: Node }>(node);
      if ((kind === 'InsertStmt' || kind === 'UpdateStmt' || kind === 'DeleteStmt' || kind === 'MergeStmt') && payload?.relation) {
        const list = kind === 'InsertStmt' ? payload.cols : kind === 'UpdateStmt' ? payload.targetList : undefined;
        const columns = (list ?? []).map((t) => nodePayload<{ name?: string }>(t)?.name ?? '').filter(Boolean);
        // The value of each column: UPDATE's SET expression, or INSERT's VALUES / SELECT list by position.
        const values = kind === 'UpdateStmt' ? (payload.targetList ?? []).map((t) => nodePayload<{ val?: Node }>(t)?.val) : insertValues(payload.selectStmt);
        const copies: { column: string; source: string }[] = [];
        columns.forEach((column, i) => {
          const sources = [...new Set(columnsRead(values[i], 'new'))];
          if (sources.length === 1) copies.push({ column, source: sources[0] });
        });
        writes.push({ table: relationKey(payload.relation), columns, copies });
      }
      for (const rv of collectNodes(node, ['RangeVar']).get('RangeVar')!) reads.add(relationKey(rv as never));
    }
  }
  return { writes, reads: [...reads] };
}
