/**
 * An UPDATE or DELETE of a whole existing table → the same change in primary-key batches of
 * BATCH_SIZE rows, each committed on its own, in a migration of its own that runs outside a
 * transaction: row locks on one batch at a time, WAL and vacuum spread out, no DDL lock held across it.
 *
 * The original WHERE stays part of every batch's condition. A re-run after a failure must not redo
 * the batches that committed, so the plan needs a per-row test that tells a done row from a pending one:
 * - UPDATE with deterministic values that read none of the columns it sets (`status = 'active'`,
 *   `email_lower = lower(email)`): a row is pending while a set column IS DISTINCT FROM its new value
 *   (compared as text where the type has no equality, cast to the column's type where the value's
 *   type may differ);
 * - otherwise, a WHERE with `c IS NULL` for a set column whose new value is never NULL
 *   (`SET created_at = now() WHERE created_at IS NULL`): done rows no longer match it;
 * - otherwise no plan: a value that reads the columns it sets (`n = n + 1`) would be applied twice to
 *   rows already done, and a volatile one (`now()`, `random()`) cannot be compared with.
 * A DELETE needs nothing: deleted rows are gone.
 *
 * The batches walk a single-column primary key; without one there is no plan. UPDATE … FROM,
 * DELETE … USING, RETURNING and WITH are left to a person. Later statements of the migration that
 * name the table (or anything the statement reads) move after the backfill, so they still see it done.
 */
import type { Node, RangeVar, ResTarget } from '@pgsql/types';
import { funcName, relationKey, relationLabel, stringList, walk } from '../../dialects/postgres/ast';
import type { Token } from '../../dialects/postgres/parser';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock } from '../../locks/modes';
import type { ColumnModel } from '../../schema/model';
import type { Generator } from '../generator';
import { batchedDeleteSql } from '../recipes/batched-delete';
import { batchedUpdateSql } from '../recipes/expand-contract';
import { BATCH_SIZE } from '../recipes/keyset-batches';
import { schemaBefore } from '../schema-at';
import { quoteIdent, relationSql } from '../sql';
import { followingSteps, movedWith, removalEdits, settingsBefore } from '../recipes/move-statements';

/** Functions whose result depends only on their arguments (and aggregates, on the rows they read). */
const DETERMINISTIC_FUNCTIONS = new Set([
  'lower', 'upper', 'initcap', 'btrim', 'ltrim', 'rtrim', 'length', 'char_length', 'octet_length', 'substr', 'substring', 'replace',
  'regexp_replace', 'split_part', 'strpos', 'left', 'right', 'lpad', 'rpad', 'reverse', 'repeat', 'concat', 'concat_ws', 'md5',
  'abs', 'round', 'trunc', 'floor', 'ceil', 'ceiling', 'sign', 'mod', 'power', 'sqrt', 'greatest', 'least', 'nullif', 'coalesce',
  'jsonb_build_object', 'jsonb_build_array', 'jsonb_set', 'array_append', 'array_prepend', 'array_remove', 'string_to_array',
  'count', 'sum', 'min', 'max', 'avg', 'bool_and', 'bool_or',
]);

/** Functions that never return NULL (volatile or not). */
const NEVER_NULL_FUNCTIONS = new Set(['now', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp', 'timeofday', 'gen_random_uuid', 'uuid_generate_v4', 'random', 'nextval']);

/** Types without an equality operator: compared as text. */
const NO_EQUALITY = /^(json|xml|point|line|lseg|box|path|polygon|circle)(\[\])?$/;
/** Built-in types with equality whose name the model writes as SQL accepts it. */
const BUILTIN_WITH_EQUALITY =
  /^(smallint|integer|bigint|numeric|decimal|real|double precision|text|varchar|char|boolean|date|timestamp|timestamptz|time|timetz|interval|uuid|jsonb|bytea|inet|cidr|citext|money)(\(\d+(,\d+)?\))?(\[\])?$/;

/** The block's own variable names: a column of the same name would be ambiguous inside it. */
const BLOCK_VARIABLES = ['last_id', 'batch_end'];

interface Assignment {
  column: string;
  value: Node | undefined;
  /** The value as written. */
  sql: string;
}

const isOpen = (t: Token) => t.name === 'ASCII_40' || t.name === 'ASCII_91';
const isClose = (t: Token) => t.name === 'ASCII_41' || t.name === 'ASCII_93';

/** Token positions at parenthesis depth 0. */
function topLevel(tokens: Token[]): Token[] {
  let depth = 0;
  const out: Token[] = [];
  for (const t of tokens) {
    if (isClose(t)) depth--;
    if (depth === 0) out.push(t);
    if (isOpen(t)) depth++;
  }
  return out;
}

/** The SET list as column = value pairs, or undefined for what the plan does not rewrite (a[1] =, (a, b) =). */
function assignments(text: string, tokens: Token[], targets: ResTarget[]): Assignment[] | undefined {
  const items: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (isClose(t)) depth--;
    if (depth === 0 && t.name === 'ASCII_44') items.push([]);
    else items.at(-1)!.push(t);
    if (isOpen(t)) depth++;
  }
  if (items.length !== targets.length) return undefined;
  const out: Assignment[] = [];
  for (let i = 0; i < items.length; i++) {
    const [, equals, first] = items[i];
    const target = targets[i];
    if (!target.name || target.indirection?.length || equals?.name !== 'ASCII_61' || !first) return undefined;
    out.push({ column: target.name, value: target.val, sql: text.slice(first.start, items[i].at(-1)!.end) });
  }
  return out;
}

/** Whether the values are deterministic and whether any reads a column the UPDATE sets. */
function inspect(list: Assignment[]): { deterministic: boolean; readsTargets: boolean } {
  const targets = new Set(list.map((a) => a.column));
  let deterministic = true;
  let readsTargets = false;
  for (const a of list) {
    walk(a.value, (kind, payload) => {
      if (kind === 'ColumnRef') {
        const last = (payload.fields as Node[] | undefined)?.at(-1);
        if (!last || 'A_Star' in last || targets.has(stringList([last])[0])) readsTargets = true;
      } else if (kind === 'FuncCall') {
        if (!DETERMINISTIC_FUNCTIONS.has(funcName(payload.funcname as Node[] | undefined))) deterministic = false;
      } else if (kind === 'SQLValueFunction' || kind === 'SetToDefault' || kind === 'ParamRef') {
        deterministic = false;
      }
    });
  }
  return { deterministic, readsTargets };
}

/** True when the expression cannot be NULL. */
function neverNull(node: Node | undefined): boolean {
  if (!node) return false;
  if ('A_Const' in node) return !node.A_Const.isnull;
  if ('SQLValueFunction' in node) return true;
  if ('FuncCall' in node) return NEVER_NULL_FUNCTIONS.has(funcName(node.FuncCall.funcname));
  if ('TypeCast' in node) return neverNull(node.TypeCast.arg);
  if ('CoalesceExpr' in node) return (node.CoalesceExpr.args ?? []).some(neverNull);
  return false;
}

/** A top-level `c IS NULL` in the WHERE for a set column whose new value is never NULL: done rows stop matching. */
function whereSkipsDone(where: Node | undefined, list: Assignment[]): boolean {
  if (!where) return false;
  const conjuncts = 'BoolExpr' in where && where.BoolExpr.boolop === 'AND_EXPR' ? (where.BoolExpr.args ?? []) : [where];
  return conjuncts.some((c) => {
    const test = 'NullTest' in c ? c.NullTest : undefined;
    const ref = test?.nulltesttype === 'IS_NULL' && test.arg && 'ColumnRef' in test.arg ? test.arg.ColumnRef : undefined;
    const name = ref ? stringList(ref.fields?.slice(-1))[0] : undefined;
    const set = name === undefined ? undefined : list.find((a) => a.column === name);
    return set !== undefined && neverNull(set.value);
  });
}

/** `c IS DISTINCT FROM <new value>`, typed so that the comparison is valid whatever the value's type. */
function pendingTest(a: Assignment, column: ColumnModel): string {
  const col = quoteIdent(a.column);
  if (NO_EQUALITY.test(column.type)) return `${col}::text IS DISTINCT FROM CAST(${a.sql} AS text)`;
  const literal = a.value !== undefined && 'A_Const' in a.value && (a.value.A_Const.sval !== undefined || a.value.A_Const.isnull === true);
  if (literal) return `${col} IS DISTINCT FROM ${a.sql}`;
  if (BUILTIN_WITH_EQUALITY.test(column.type)) return `${col} IS DISTINCT FROM CAST(${a.sql} AS ${column.type})`;
  return `${col}::text IS DISTINCT FROM CAST(${a.sql} AS text)`;
}


/** The table as the DO block writes it: ONLY and the alias kept, since the WHERE may use the alias. */
function tableSql(rv: RangeVar): string {
  const only = rv.inh === true ? '' : 'ONLY ';
  return `${only}${relationSql(rv)}${rv.alias?.aliasname ? ` AS ${quoteIdent(rv.alias.aliasname)}` : ''}`;
}

interface Write {
  verb: 'UPDATE' | 'DELETE';
  relation: RangeVar;
  where: Node | undefined;
  targets: ResTarget[];
}

function writeOf(stmt: Statement): Write | undefined {
  const update = stmt.as('UpdateStmt');
  if (update?.relation && !update.withClause && !update.returningClause && !update.fromClause?.length) {
    const targets = (update.targetList ?? []).map((t) => (t as { ResTarget?: ResTarget }).ResTarget).filter((t): t is ResTarget => t !== undefined);
    return { verb: 'UPDATE', relation: update.relation, where: update.whereClause, targets };
  }
  const del = stmt.as('DeleteStmt');
  if (del?.relation && !del.withClause && !del.returningClause && !del.usingClause?.length) return { verb: 'DELETE', relation: del.relation, where: del.whereClause, targets: [] };
  return undefined;
}

export const unbatchedBackfill: Generator = {
  rule: 'unbatched-backfill',
  draft(input) {
    const { stmt, text, statements, ctx } = input;
    const write = writeOf(stmt);
    if (!write) return null;
    let cursorUpdate = false;
    walk(write.where, (kind) => (cursorUpdate ||= kind === 'CurrentOfExpr'));
    if (cursorUpdate) return null;

    const table = schemaBefore(ctx, stmt, statements).table(relationKey(write.relation));
    const pk = table?.constraints.find((c) => c.kind === 'primary-key');
    const pkColumn = pk?.columns.length === 1 ? table?.columns.get(pk.columns[0]) : undefined;
    // Without a single-column primary key there is no batching order to write down.
    if (!table || !pkColumn || BLOCK_VARIABLES.some((v) => table.columns.has(v))) return null;

    // The clauses as written: SET … up to WHERE, WHERE … to the end (nothing else may follow: no RETURNING).
    const relationAt = stmt.offsetOf(write.relation.location);
    const tokens = stmt.codeTokens();
    const top = topLevel(tokens).filter((t) => t.start > relationAt);
    const whereWord = top.find((t) => t.name === 'WHERE');
    const end = tokens.at(-1)!.end;
    const where = whereWord ? text.slice(tokens[tokens.indexOf(whereWord) + 1].start, end) : undefined;

    const label = relationLabel(write.relation);
    const rel = tableSql(write.relation);
    const notes: string[] = [];
    const settings = settingsBefore(statements, stmt.index, 'plpgsql');
    let block: string;
    if (write.verb === 'UPDATE') {
      const setWord = top.find((t) => t.name === 'SET');
      if (!setWord) return null;
      const setTokens = tokens.filter((t) => t.start > setWord.start && (!whereWord || t.start < whereWord.start));
      const list = assignments(text, setTokens, write.targets);
      if (!list || list.some((a) => !table.columns.has(a.column))) return null;
      const { deterministic, readsTargets } = inspect(list);
      const wrappedWhere = write.where && 'BoolExpr' in write.where && write.where.BoolExpr.boolop === 'OR_EXPR' ? `(${where})` : where;
      let pending: string;
      if (deterministic && !readsTargets) {
        const tests = list.map((a) => pendingTest(a, table.columns.get(a.column)!));
        const guard = tests.length > 1 && where ? `(${tests.join(' OR ')})` : tests.join(' OR ');
        pending = where ? `${wrappedWhere} AND ${guard}` : guard;
      } else if (where && whereSkipsDone(write.where, list)) {
        pending = where;
        notes.push('A re-run skips the rows already done: the WHERE stops matching a row once its column is set.');
      } else {
        return null;
      }
      block = batchedUpdateSql({
        rel,
        pk: pkColumn.name,
        pkType: pkColumn.type,
        set: text.slice(setTokens[0].start, setTokens.at(-1)!.end),
        pending,
        what: `Runs the UPDATE of ${label}`,
      });
      if (settings.carried.length) block = block.replace(/^BEGIN$/m, () => ['BEGIN', ...settings.carried.map((s) => `  ${s}`)].join('\n'));
    } else {
      block = batchedDeleteSql({ rel, pk: pkColumn.name, pkType: pkColumn.type, condition: where, what: `Runs the DELETE from ${label}`, setup: settings.carried });
    }
    // The block is dollar-quoted: text with $$ of its own would end it early.
    if ([where ?? '', ...settings.carried, stmt.text].some((s) => s.includes('$$'))) return null;
    if (settings.dropped.length) notes.push(`Not repeated in the backfill, which runs long by design outside a transaction: ${settings.dropped.join('; ')}.`);
    notes.push(`Rows the application writes while the batches run are ${write.verb === 'UPDATE' ? 'updated' : 'deleted'} too when they match: the single ${write.verb} saw the table as of one moment.`);

    const tail = movedWith(statements, [stmt.index]).filter((i) => i !== stmt.index);
    if (tail.some((i) => !statements[i].node)) return null;
    const following = followingSteps(input, tail, 1, 'the backfill');
    const verbed = write.verb === 'UPDATE' ? 'Update' : 'Delete from';
    return {
      title: `${verbed} ${label} in committed batches of ${BATCH_SIZE} by ${pkColumn.name}, in a migration of its own outside a transaction`,
      edits: removalEdits(text, statements, [stmt.index, ...tail]),
      steps: [{ name: `backfill ${write.relation.relname ?? label}`, up: block, nonTransactional: true }, ...following.steps],
      phases: [
        {
          name: 'backfill',
          step: 0,
          summary: `The ${write.verb} runs ${BATCH_SIZE} rows of ${pkColumn.name} at a time, each batch committed on its own; a re-run carries on where a failed run stopped.`,
          lock: `row locks on one batch of ${label} at a time, held until the batch commits (${describeLock('RowExclusiveLock', label)})`,
        },
        ...following.phases,
      ],
      notes: [...notes, ...following.notes],
    };
  },
};
