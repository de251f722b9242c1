/**
 * Where the dry run's trace confirms or contradicts the linter. For each statement: the locks the
 * engine's lock table predicts (statementLocks, with the schema of the earlier migrations answering
 * which table an index belongs to) against the locks pg_locks showed, and each finding of a rule
 * against what was observed: a locking rule is confirmed by a lock that blocks reads or writes on an
 * existing table, a rewrite rule by a rewritten table. Findings about conventions, history, data loss
 * or compatibility are not something a trace can see, and say so.
 */
import { parseFile, type Statement } from '../../engine/dialects/postgres/statement';
import { RULES_BY_ID, type Finding, type ServerVersion } from '../../engine/index';
import { LineIndex } from '../../engine/lines';
import { LOCK_MODES, lockName, type LockMode } from '../../engine/locks/modes';
import { statementLocks } from '../../engine/locks/statement-locks';
import { schemaLockContext } from '../../engine/rules/helpers/relation-locks';
import { SchemaModel } from '../../engine/schema/model';
import type { LockReport, StatementReport } from '../../db/report';
import type { FindingAgreement, LintAgreement, LockComparison, StatementAgreement } from '../../protocol/dry-run';

export interface FileToCompare {
  /** Index of the file among the request's files. */
  file: number;
  /** The text that was dry-run (same offsets and lines as the file). */
  text: string;
  findings: Finding[];
  schemaBefore?: SchemaModel;
  /** The report's statements of this file, with file-local lines. */
  statements: StatementReport[];
}

/** Relation kinds whose locks application queries wait for. */
const QUERIED = new Set(['table', 'partitioned table', 'materialized view', 'foreign table', 'view']);

/** Rules whose claim a trace cannot check even though they are about locks. */
const NOT_OBSERVABLE = new Set(['fk-missing-index']);

const rank = (mode: string | undefined): number => (mode ? LOCK_MODES.indexOf(mode as LockMode) : -1);
const short = (relation: string): string => relation.replace(/^public\./, '');
const blocksText = (lock: LockReport): string => (lock.blocks.length === 2 ? 'blocks reads and writes' : lock.blocks[0] === 'writes' ? 'blocks writes' : 'blocks neither reads nor writes');

export function lintAgreement(files: FileToCompare[], serverVersion: ServerVersion): LintAgreement {
  const statements = files.flatMap((f) => compareFile(f, serverVersion));
  const count = (outcome: FindingAgreement['outcome']) => statements.reduce((n, s) => n + s.findings.filter((f) => f.outcome === outcome).length, 0);
  return { statements, confirmed: count('confirmed'), contradicted: count('contradicted'), notChecked: count('not-checked') };
}

function compareFile(input: FileToCompare, serverVersion: ServerVersion): StatementAgreement[] {
  const parsed = parseFile(input.text);
  const lines = new LineIndex(input.text);
  const schema = input.schemaBefore ?? new SchemaModel();
  const out: StatementAgreement[] = [];
  // Locks stay held until the transaction ends: rules about a lock held across statements look here.
  const held: LockReport[] = [];
  for (const stmt of parsed.statements) {
    if (!stmt.node || stmt.kind === 'Empty') continue;
    const line = lines.position(stmt.range.start).line + 1;
    const traced = input.statements.find((s) => s.line === line && s.sql === stmt.text) ?? input.statements.find((s) => s.line === line);
    const predicted = predictedLocks(stmt, schema, serverVersion);
    const findings = input.findings.filter((f) => f.range.start >= stmt.range.start && f.range.start <= stmt.range.end);
    if (traced && traced.tracedOn === 'transaction') held.push(...traced.locks.filter((l) => !l.createdHere));
    out.push({
      file: input.file,
      line,
      locks: traced && traced.tracedOn === 'transaction' && traced.error === null ? compareLocks(predicted, traced.locks) : [],
      findings: findings.map((f) => judge(f, traced, held)),
    });
    try {
      schema.apply(stmt, 'current-file');
    } catch {
      // A statement the model cannot apply only makes later predictions less precise.
    }
  }
  return out.filter((s) => s.locks.length > 0 || s.findings.length > 0);
}

/** The engine's prediction, without relations the file itself created (nobody else can see them). */
function predictedLocks(stmt: Statement, schema: SchemaModel, serverVersion: ServerVersion): Map<string, LockMode> {
  const out = new Map<string, LockMode>();
  try {
    for (const lock of statementLocks(stmt.node, schemaLockContext(schema, serverVersion))) {
      if (!schema.isNewTable(lock.key)) out.set(lock.key, lock.mode);
    }
  } catch {
    // No prediction for a statement the lock table cannot read.
  }
  return out;
}

function compareLocks(predicted: Map<string, LockMode>, observed: LockReport[]): LockComparison[] {
  const strongest = new Map<string, LockReport>();
  for (const lock of observed) {
    if (lock.createdHere) continue;
    const had = strongest.get(lock.relation);
    if (!had || rank(lock.mode) > rank(had.mode)) strongest.set(lock.relation, lock);
  }
  const out: LockComparison[] = [];
  for (const [relation, expected] of predicted) {
    const seen = strongest.get(relation);
    if (!seen) out.push({ relation, expected, verdict: 'missing' });
    else {
      const diff = rank(seen.mode) - rank(expected);
      out.push({ relation, expected, observed: seen.mode, verdict: diff === 0 ? 'same' : diff > 0 ? 'stronger' : 'weaker' });
    }
  }
  for (const [relation, lock] of strongest) {
    if (!predicted.has(relation) && QUERIED.has(lock.kind)) out.push({ relation, observed: lock.mode, verdict: 'unexpected' });
  }
  return out;
}

function judge(finding: Finding, traced: StatementReport | undefined, held: LockReport[]): FindingAgreement {
  const rule = finding.rule;
  const base = { rule, message: finding.message };
  const category = RULES_BY_ID.get(rule)?.meta.category;
  const say = (outcome: FindingAgreement['outcome'], why: string): FindingAgreement => ({ ...base, outcome, text: `${outcome.replace('-', ' ')}: ${rule} (${why})` });
  if (!traced) return say('not-run', 'the statement was not run');
  if (traced.tracedOn === 'not-run') return say('not-run', 'the statement cannot run in a transaction and was not run on the server');
  if (traced.error !== null) return say('not-run', 'the statement failed');

  const existing = traced.locks.filter((l) => !l.createdHere && l.kind !== 'sequence');
  const blocking = existing.filter((l) => l.blocks.length > 0).sort((a, b) => rank(b.mode) - rank(a.mode));
  const rewritten = traced.rewrites.filter((r) => !traced.locks.some((l) => l.relation === r && l.createdHere));

  if (rule === 'statement-timeout') {
    if (rewritten.length) return say('confirmed', `rewrote ${rewritten.map(short).join(', ')}`);
    if (traced.scanned.length) return say('confirmed', `scanned ${traced.scanned.map(short).join(', ')}`);
    return say('not-checked', 'nothing was rewritten or scanned on this data');
  }
  if (rule === 'unbatched-backfill') {
    return (traced.rows ?? 0) > 0 ? say('confirmed', `${traced.rows} rows changed in one statement`) : say('not-checked', 'no rows to change in the dry run');
  }
  if (rule === 'exclusive-lock-held') {
    const exclusive = held.find((l) => l.mode === 'AccessExclusiveLock');
    return exclusive ? say('confirmed', `AccessExclusiveLock held on ${short(exclusive.relation)} since an earlier statement`) : say('contradicted', 'no ACCESS EXCLUSIVE lock on an existing table was held');
  }
  if (category === 'locking' && !NOT_OBSERVABLE.has(rule)) {
    if (traced.tracedOn !== 'transaction') return say('not-checked', "the statement ran outside a transaction; its locks come from PostgreSQL's documentation");
    const top = blocking[0];
    if (top) return say('confirmed', `${top.mode} observed on ${short(top.relation)}, ${blocksText(top)}`);
    const seen = existing.length ? `; observed ${existing.map((l) => `${lockName(l.mode as LockMode)} on ${short(l.relation)}`).join(', ')}` : '';
    return say('contradicted', `no lock blocking reads or writes on an existing table was observed${seen}`);
  }
  if (category === 'rewrite') {
    if (rewritten.length) return say('confirmed', `rewrote ${rewritten.map(short).join(', ')}`);
    if (rule === 'refresh-matview' && blocking[0]) return say('confirmed', `${blocking[0].mode} observed on ${short(blocking[0].relation)}, ${blocksText(blocking[0])}`);
    return say('contradicted', 'no table was rewritten');
  }
  return say('not-checked', category ? `a ${category} finding: not something a dry run observes` : 'not something a dry run observes');
}
