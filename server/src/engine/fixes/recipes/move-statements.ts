/**
 * Moving statements out of the current migration into later ones, shared by the generators that
 * split a migration (mixed-ddl-dml, unbatched-backfill, validate-same-transaction,
 * concurrently-in-transaction, enum-add-value): which later statements must move along (they name
 * what a moved statement names), the session settings to repeat in each new migration, the edits that
 * take the statements out, and the grouping of moved statements into migrations of one kind each.
 */
import type { AlterTableCmd, FuncCall, Node, PartitionCmd, RangeVar, ResTarget, TypeName } from '@pgsql/types';
import { DEFAULT_SERVER_VERSION } from '../../config';
import { funcName, qualifiedKey, relationKey, stringList, walk } from '../../dialects/postgres/ast';
import type { Statement } from '../../dialects/postgres/statement';
import { describeLock, LOCK_MODES, type LockMode } from '../../locks/modes';
import { statementLocks, type LockContext } from '../../locks/statement-locks';
import { schemaLockContext } from '../../rules/helpers/relation-locks';
import type { SchemaModel } from '../../schema/model';
import type { ServerVersion, TextEdit } from '../../types';
import type { DraftPhase } from '../generator';
import { schemaBefore } from '../schema-at';
import { removeStatement } from '../sql';
import type { MigrationStep, PhaseName, PlanContext } from '../types';

export const serverVersionOf = (ctx: PlanContext): ServerVersion => ctx.config?.serverVersion ?? DEFAULT_SERVER_VERSION;

/** Settings that bound how long something may wait or run. */
const TIMEOUTS = new Set(['lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout', 'transaction_timeout', 'idle_session_timeout']);

/** `SELECT set_config(…)` with nothing else in it (pg_dump writes search_path this way). */
function setConfigCalls(stmt: Statement): FuncCall[] | undefined {
  const select = stmt.as('SelectStmt');
  if (!select || select.fromClause?.length || select.whereClause) return undefined;
  const calls = (select.targetList ?? []).map((t) => ((t as { ResTarget?: ResTarget }).ResTarget?.val as { FuncCall?: FuncCall } | undefined)?.FuncCall);
  if (calls.length === 0 || calls.some((c) => !c || funcName(c.funcname) !== 'set_config')) return undefined;
  return calls as FuncCall[];
}

/** SET, RESET, or SELECT set_config(…): a session setting, which stays and is repeated where statements move. */
export function isSetting(stmt: Statement): boolean {
  return stmt.kind === 'VariableSetStmt' || setConfigCalls(stmt) !== undefined;
}

function settingNames(stmt: Statement): string[] {
  const set = stmt.as('VariableSetStmt');
  if (set) return set.name ? [set.name.toLowerCase()] : [];
  return (setConfigCalls(stmt) ?? []).map((c) => ((c.args?.[0] as { A_Const?: { sval?: { sval?: string } } } | undefined)?.A_Const?.sval?.sval ?? '').toLowerCase());
}

/**
 * Where a setting is repeated:
 * - 'transaction': a transactional migration, where it means what it meant in the original;
 * - 'session': a migration outside a transaction, which runs long by design (a concurrent build, a
 *   batched backfill): timeouts are left out, and SET LOCAL (meaningless outside a transaction) becomes SET;
 * - 'plpgsql': inside a DO block, as 'session' and with SELECT set_config written as PERFORM.
 */
export type CarryMode = 'transaction' | 'session' | 'plpgsql';

function carriedSetting(stmt: Statement, mode: CarryMode): string | undefined {
  if (mode === 'transaction') return `${stmt.text};`;
  if (settingNames(stmt).some((n) => TIMEOUTS.has(n))) return undefined;
  const local = stmt.as('VariableSetStmt')?.is_local ? stmt.codeTokens().find((t) => t.name === 'LOCAL') : undefined;
  if (local) return `${stmt.text.slice(0, local.start - stmt.range.start).trimEnd()} ${stmt.text.slice(local.end - stmt.range.start).trimStart()};`;
  const select = stmt.kind === 'SelectStmt' && mode === 'plpgsql' ? stmt.codeTokens()[0] : undefined;
  if (select) return `PERFORM ${stmt.text.slice(select.end - stmt.range.start).trimStart()};`;
  return `${stmt.text};`;
}

export interface CarriedSettings {
  carried: string[];
  /** Timeouts left out, as written (for a note). */
  dropped: string[];
}

/** The settings among statements[from, to) as a step of the given kind repeats them. */
function settingsBetween(statements: Statement[], from: number, to: number, mode: CarryMode, out: CarriedSettings): void {
  for (const s of statements) {
    if (s.index < from || s.index >= to || !isSetting(s)) continue;
    const sql = carriedSetting(s, mode);
    if (sql) out.carried.push(sql);
    else out.dropped.push(s.text);
  }
}

/** The settings in force before statement `at` (all earlier SET / RESET statements, in order). */
export function settingsBefore(statements: Statement[], at: number, mode: CarryMode): CarriedSettings {
  const out: CarriedSettings = { carried: [], dropped: [] };
  settingsBetween(statements, 0, at, mode, out);
  return out;
}

/** SQL that goes into a new step: `at` is the position in the current migration it comes from. */
export interface MovedItem {
  at: number;
  sql: string;
}

export const itemOf = (stmt: Statement): MovedItem => ({ at: stmt.index, sql: `${stmt.text};` });

/** A step's SQL: the items in order, each preceded by the settings that came before it in the original. */
export function stepSql(statements: Statement[], items: MovedItem[], mode: CarryMode): { sql: string; dropped: string[] } {
  const out: CarriedSettings = { carried: [], dropped: [] };
  const parts: string[] = [];
  let from = 0;
  for (const item of [...items].sort((a, b) => a.at - b.at)) {
    out.carried = [];
    settingsBetween(statements, from, item.at, mode, out);
    parts.push(...out.carried, item.sql);
    from = item.at;
  }
  return { sql: parts.join('\n'), dropped: out.dropped };
}

/** Built-in types, which no statement of a migration changes: naming one is no dependency. */
const BUILTIN_TYPES = new Set([
  'text', 'json', 'jsonb', 'uuid', 'date', 'bytea', 'inet', 'cidr', 'macaddr', 'xml', 'money', 'tsvector', 'tsquery', 'point',
  'oid', 'regclass', 'name', 'int2', 'int4', 'int8', 'float4', 'float8', 'bool', 'timestamptz', 'timetz', 'varchar', 'record', 'void', 'trigger',
]);

/** Statement kinds whose every dependency is named in the tree (tables as RangeVar, types as TypeName). */
const NAMES_ITS_OBJECTS = new Set([
  'CreateStmt', 'IndexStmt', 'AlterTableStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'ViewStmt', 'CreateTableAsStmt',
  'AlterEnumStmt', 'CreateEnumStmt', 'CreateSeqStmt', 'AlterSeqStmt', 'ClusterStmt', 'LockStmt', 'TruncateStmt', 'CopyStmt',
  'CreateTrigStmt', 'CreatePolicyStmt', 'AlterPolicyStmt', 'RefreshMatViewStmt', 'CreateStatsStmt', 'ExplainStmt',
]);

const RELATION_OBJECTS = new Set(['OBJECT_TABLE', 'OBJECT_INDEX', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);

/**
 * Every object of a parse tree, wrapped node or plain field: a statement's own relation is a plain
 * RangeVar field (`relation: {…}`), which walk() does not visit.
 */
function eachObject(node: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) eachObject(item, visit);
    return;
  }
  visit(node as Record<string, unknown>);
  for (const value of Object.values(node)) eachObject(value, visit);
}

const isRangeVar = (o: Record<string, unknown>): boolean => typeof o.relname === 'string' && 'relpersistence' in o;
const isTypeName = (o: Record<string, unknown>): boolean => Array.isArray(o.names) && 'typemod' in o;

/** The relations a parse tree names, in order. */
export function relationsIn(node: unknown): RangeVar[] {
  const out: RangeVar[] = [];
  eachObject(node, (o) => {
    if (isRangeVar(o)) out.push(o as RangeVar);
  });
  return out;
}

const relKey = (key: string) => `rel:${key}`;
export const typeKey = (names: string[]) => `type:${qualifiedKey(names)}`;

/**
 * The tables, indexes and user types a statement names, as keys, or 'unknown' when it may use
 * objects it does not name (a function body, a DO block, a SELECT calling functions).
 */
export function objectsOf(stmt: Statement): Set<string> | 'unknown' {
  const node = stmt.node;
  if (!node) return 'unknown';
  const keys = new Set<string>();
  const drop = stmt.as('DropStmt');
  if (drop) {
    for (const o of drop.objects ?? []) {
      const names = stringList((o as { List?: { items?: Node[] } }).List?.items);
      const typeName = (o as { TypeName?: TypeName }).TypeName;
      if (RELATION_OBJECTS.has(drop.removeType ?? '') && names.length) keys.add(relKey(qualifiedKey(names)));
      else if ((drop.removeType === 'OBJECT_TYPE' || drop.removeType === 'OBJECT_DOMAIN') && typeName) keys.add(typeKey(stringList(typeName.names)));
      else return 'unknown';
    }
    return keys;
  }
  const select = stmt.kind === 'SelectStmt';
  let callsFunctions = false;
  if (!NAMES_ITS_OBJECTS.has(stmt.kind) && !select && stmt.kind !== 'VacuumStmt' && stmt.kind !== 'ReindexStmt') return 'unknown';
  const index = stmt.as('IndexStmt');
  if (index?.idxname) keys.add(relKey(qualifiedKey([index.relation?.schemaname ?? 'public', index.idxname])));
  const enumNames = stmt.as('AlterEnumStmt')?.typeName ?? stmt.as('CreateEnumStmt')?.typeName;
  if (enumNames) keys.add(typeKey(stringList(enumNames)));
  eachObject(node, (o) => {
    if (isRangeVar(o)) keys.add(relKey(relationKey(o as RangeVar)));
    else if (isTypeName(o)) {
      const names = stringList((o as TypeName).names);
      if (names.length && names[0] !== 'pg_catalog' && !BUILTIN_TYPES.has(names[names.length - 1])) keys.add(typeKey(names));
    }
  });
  walk(node, (kind) => (callsFunctions ||= kind === 'FuncCall'));
  // VACUUM or REINDEX without a table works on all of them; a SELECT that calls functions may write anything.
  if ((stmt.kind === 'VacuumStmt' || stmt.kind === 'ReindexStmt') && keys.size === 0) return 'unknown';
  if (select && callsFunctions) return 'unknown';
  return keys;
}

/** Statements that neither move nor count: settings (repeated instead) and transaction control (stays). */
const staysPut = (stmt: Statement) => isSetting(stmt) || stmt.kind === 'TransactionStmt';

/**
 * The seed statements plus every later statement that must move with them so that nothing runs
 * before a statement it used to follow: one that names a table, index or type a moved statement
 * names (it may read what the moved one writes, or change what it reads), or one whose objects are
 * unknown. `keys` adds objects the seed touches without naming them, `extraObjects` what a generator
 * knows statements share beyond names (an enum value and its uses). Statement indexes, in order.
 */
export function movedWith(statements: Statement[], seed: number[], keys: Iterable<string> = [], extraObjects?: (s: Statement) => Iterable<string>): number[] {
  if (seed.length === 0) return [];
  const moved = new Set(seed);
  const touched = new Set(keys);
  let everything = false;
  const take = (objects: Set<string> | 'unknown') => {
    if (objects === 'unknown') everything = true;
    else for (const k of objects) touched.add(k);
  };
  for (const stmt of statements) {
    if (stmt.index < Math.min(...seed) || staysPut(stmt)) continue;
    const named = objectsOf(stmt);
    const objects = named === 'unknown' || !extraObjects ? named : new Set([...named, ...extraObjects(stmt)]);
    if (moved.has(stmt.index)) take(objects);
    else if (everything || objects === 'unknown' || [...objects].some((k) => touched.has(k))) {
      moved.add(stmt.index);
      take(objects);
    }
  }
  return [...moved].sort((a, b) => a - b);
}

/** Edits that take the statements out of the current migration (adjacent ones as one edit). */
export function removalEdits(text: string, statements: Statement[], indexes: number[]): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const i of [...indexes].sort((a, b) => a - b)) {
    const edit = removeStatement(text, statements[i]);
    const last = edits.at(-1);
    if (last && last.range.end === edit.range.start) last.range = { start: last.range.start, end: edit.range.end };
    else edits.push(edit);
  }
  return edits;
}

function detachesConcurrently(stmt: Statement): boolean {
  return (stmt.as('AlterTableStmt')?.cmds ?? []).some((c) => {
    const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    return cmd?.subtype === 'AT_DetachPartition' && (cmd.def as { PartitionCmd?: PartitionCmd } | undefined)?.PartitionCmd?.concurrent === true;
  });
}

/** Statements that PostgreSQL refuses inside a transaction block (SQLSTATE 25001), and DO blocks that COMMIT. */
export function refusesTransaction(stmt: Statement): boolean {
  switch (stmt.kind) {
    case 'IndexStmt':
      return stmt.as('IndexStmt')!.concurrent === true;
    case 'DropStmt': {
      const drop = stmt.as('DropStmt')!;
      return drop.concurrent === true && drop.removeType === 'OBJECT_INDEX';
    }
    case 'ReindexStmt': {
      const reindex = stmt.as('ReindexStmt')!;
      if (['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_SYSTEM', 'REINDEX_OBJECT_DATABASE'].includes(reindex.kind ?? '')) return true;
      return (reindex.params ?? []).some((d) => (d as { DefElem?: { defname?: string } }).DefElem?.defname === 'concurrently');
    }
    case 'AlterTableStmt':
      return detachesConcurrently(stmt);
    case 'VacuumStmt':
      return stmt.as('VacuumStmt')!.is_vacuumcmd === true;
    case 'DoStmt':
      return /\b(COMMIT|ROLLBACK)\b/i.test(stmt.text);
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'AlterSystemStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
      return true;
    default:
      return false;
  }
}

export interface StepGroup {
  indexes: number[];
  nonTransactional: boolean;
}

/**
 * Consecutive moved statements grouped into steps: a statement that refuses a transaction gets a
 * step of its own (frameworks that send a file as one query run only a lone statement outside a
 * transaction block); `kindOf` may start a new step where the kind of change changes.
 */
export function groupSteps(statements: Statement[], indexes: number[], refuses: (s: Statement) => boolean, kindOf?: (s: Statement, createdInStep: Set<string>) => string | undefined): StepGroup[] {
  const groups: StepGroup[] = [];
  let current: (StepGroup & { kind?: string; created: Set<string> }) | undefined;
  for (const i of indexes) {
    const stmt = statements[i];
    if (refuses(stmt)) {
      groups.push({ indexes: [i], nonTransactional: true });
      current = undefined;
      continue;
    }
    const kind = kindOf?.(stmt, current?.created ?? new Set());
    if (!current || (kind && current.kind && kind !== current.kind)) {
      current = { indexes: [], nonTransactional: false, created: new Set() };
      groups.push(current);
    }
    current.indexes.push(i);
    current.kind ??= kind;
    const created = stmt.as('CreateStmt')?.relation ?? stmt.as('CreateTableAsStmt')?.into?.rel;
    if (created) current.created.add(relationKey(created));
  }
  return groups.map(({ indexes, nonTransactional }) => ({ indexes, nonTransactional }));
}

/** Relation kinds whose strong locks make a statement a schema change. */
export const TABLE_LIKE = new Set(['table', 'materialized-view', 'foreign-table', 'index']);
export const rank = (mode: LockMode) => LOCK_MODES.indexOf(mode);

/** The table locks of some statements, strongest per relation, in describeLock wording. */
export function lockSummary(nodes: (Node | undefined)[], schema: SchemaModel, version: ServerVersion, isNew: (key: string) => boolean = () => false): string {
  const context: LockContext = schemaLockContext(schema, version);
  const strongest = new Map<string, { mode: LockMode; label: string }>();
  for (const node of nodes) {
    for (const lock of statementLocks(node, context)) {
      if (!TABLE_LIKE.has(lock.kind) || isNew(lock.key) || isNew(schema.indexTables.get(lock.key) ?? '')) continue;
      const label = lock.kind === 'index' ? `index ${lock.label}` : lock.label;
      const seen = strongest.get(lock.key);
      if (!seen || rank(lock.mode) > rank(seen.mode)) strongest.set(lock.key, { mode: lock.mode, label });
    }
  }
  if (strongest.size === 0) return 'no table lock';
  return [...strongest.values()].map((l) => describeLock(l.mode, l.label)).join('; ');
}

/** 1-based line of a statement, for notes. */
export function lineOfStatement(text: string, stmt: Statement): number {
  let line = 1;
  for (let i = 0; i < stmt.range.start; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** `ALTER TABLE users …` → `alter table users`: a step name from its first statement. */
export function stepName(stmt: Statement): string {
  const words: string[] = [];
  for (const t of stmt.codeTokens()) {
    if (!t.isKeyword || words.length === 3) break;
    words.push(t.text.toLowerCase());
  }
  return [...words, stmt.as('IndexStmt')?.idxname ?? relationsIn(stmt.node)[0]?.relname].filter(Boolean).join(' ');
}

/** Step names made unique within a plan (sqitch names its changes after them). */
export function uniqueNames(steps: MigrationStep[]): MigrationStep[] {
  const seen = new Map<string, number>();
  return steps.map((step) => {
    const n = (seen.get(step.name) ?? 0) + 1;
    seen.set(step.name, n);
    return n === 1 ? step : { ...step, name: `${step.name} ${n}` };
  });
}

/** A phase name for moved statements that are not the plan's main step. */
export function phaseOf(stmts: Statement[]): PhaseName {
  if (stmts.every((s) => ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt'].includes(s.kind))) return 'backfill';
  if (stmts.some((s) => /\bVALIDATE\s+CONSTRAINT\b/i.test(s.text))) return 'validate';
  if (stmts.every((s) => s.kind === 'IndexStmt')) return 'build';
  return 'expand';
}

export interface FollowingSteps {
  steps: MigrationStep[];
  phases: DraftPhase[];
  notes: string[];
}

/**
 * Steps for statements moved along after a plan's own steps (numbered from `firstStep`), with a note
 * naming them so that a person sees why they moved.
 */
export function followingSteps(
  input: { text: string; statements: Statement[]; ctx: PlanContext },
  indexes: number[],
  firstStep: number,
  why: string,
  refuses: (s: Statement) => boolean = refusesTransaction,
): FollowingSteps {
  const { text, statements, ctx } = input;
  const out: FollowingSteps = { steps: [], phases: [], notes: [] };
  if (indexes.length === 0) return out;
  const schema = schemaBefore(ctx, statements[indexes[0]], statements);
  for (const group of groupSteps(statements, indexes, refuses)) {
    const stmts = group.indexes.map((i) => statements[i]);
    const { sql, dropped } = stepSql(statements, stmts.map(itemOf), group.nonTransactional ? 'session' : 'transaction');
    out.steps.push({ name: stepName(stmts[0]), up: sql, nonTransactional: group.nonTransactional });
    out.phases.push({
      name: phaseOf(stmts),
      step: firstStep + out.steps.length - 1,
      summary: `${stmts.length === 1 ? 'The statement' : 'The statements'} that followed in the original order: ${stmts.map((s) => s.text.split('\n')[0]).join('; ')}`,
      lock: lockSummary(stmts.map((s) => s.node), schema, serverVersionOf(ctx)),
    });
    if (dropped.length) out.notes.push(`Not repeated before ${stepName(stmts[0])}, which runs outside a transaction: ${dropped.join('; ')}.`);
  }
  const lines = indexes.map((i) => lineOfStatement(text, statements[i]));
  const many = lines.length > 1;
  out.notes.push(`Line${many ? 's' : ''} ${lines.join(', ')} of ${ctx.migration.path} moved too, after ${why}: ${many ? 'they name' : 'it names'} what it touches, so ${many ? 'they keep' : 'it keeps'} running after it.`);
  return out;
}
