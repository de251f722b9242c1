/**
 * Runs a migration's statements one by one inside a single transaction that is always rolled back,
 * and records after each what it locked, rewrote and scanned (see DRYRUN.md):
 * BEGIN; caps on lock_timeout / statement_timeout; snapshot; then per statement: run it, observe in
 * one round trip, compare; stop at the first error; ROLLBACK and RESET ALL in `finally`.
 *
 * The transaction id is read with every observation: if it ever changes, something ended the dry
 * run's transaction, and the tracer stops at once rather than run anything outside it.
 */
import { CatalogState, labelOf, lockReport, relationKind } from './catalog-state';
import type { PlannedStatement } from './plan';
import type { LockReport, StatementReport, TracedOn } from './report';
import type { SqlSession, StatementOutcome } from './session';
import { capsSql, observeSql, resolveSql, SNAPSHOT_SQL, type Caps, type Observation, type ResolvedRelation, type Snapshot } from './trace-sql';

export const CANCELLED_MESSAGE = 'cancelled by the user';

export interface OutsideResult {
  tracedOn: TracedOn;
  durationMs?: number;
  rows?: number | null;
  rewrites?: string[];
  indexRebuilds?: string[];
  rowsScanned?: number;
  rowsTouched?: number;
  scanned?: string[];
  error?: string | null;
  errorCode?: string;
  note?: string;
}

export interface TracerHooks {
  /** Server only: upper bounds for lock_timeout, statement_timeout and idle_in_transaction_session_timeout. */
  caps?: Caps;
  cancelled(): boolean;
  /** Runs one migration statement in the transaction (the server engine also watches lock waits). */
  run(step: PlannedStatement): Promise<StatementOutcome>;
  /** A statement that cannot run in a transaction: a throw-away copy (embedded) or not run (server). */
  outsideTransaction(step: PlannedStatement): Promise<OutsideResult>;
  /** Embedded engine: apply such a statement's in-transaction equivalent so later statements see its effect. */
  applyEquivalents: boolean;
  onStatement?(report: StatementReport, done: number, total: number): void;
}

export interface TraceResult {
  statements: StatementReport[];
  stop?: 'failed' | 'cancelled';
  notRun: number;
  serverVersion: string;
  notes: string[];
}

export async function traceMigration(session: SqlSession, steps: PlannedStatement[], hooks: TracerHooks): Promise<TraceResult> {
  const begin = await session.execute('BEGIN');
  if (!begin.ok) throw new Error(`could not begin the dry run's transaction: ${begin.message}`);
  const result: TraceResult = { statements: [], notRun: 0, serverVersion: '', notes: [] };
  try {
    if (hooks.caps) await session.json(`SELECT ${capsSql(hooks.caps)} AS j`);
    const snapshot = await session.json<Snapshot>(SNAPSHOT_SQL);
    result.serverVersion = snapshot.version.split(' ')[0];
    const tracer = new Tracer(session, hooks, snapshot);
    for (const step of steps) {
      if (hooks.cancelled()) {
        result.stop = 'cancelled';
        break;
      }
      const report = step.nonTransactional ? await tracer.outside(step) : await tracer.inside(step);
      result.statements.push(report);
      hooks.onStatement?.(report, result.statements.length, steps.length);
      if (report.error !== null) {
        result.stop = report.error === CANCELLED_MESSAGE ? 'cancelled' : 'failed';
        break;
      }
    }
    result.notes.push(...tracer.notes());
  } finally {
    // Both always run, even after a failed statement or a cancel: nothing may stay open or set.
    await session.execute('ROLLBACK');
    await session.execute('RESET ALL');
  }
  result.notRun = steps.length - result.statements.length;
  return result;
}

class Tracer {
  private readonly state: CatalogState;
  private readonly notRunLines: number[] = [];
  private readonly sequences = new Set<string>();

  constructor(
    private readonly session: SqlSession,
    private readonly hooks: TracerHooks,
    private readonly snapshot: Snapshot,
  ) {
    this.state = new CatalogState(snapshot);
  }

  async inside(step: PlannedStatement): Promise<StatementReport> {
    const started = performance.now();
    const outcome = await this.hooks.run(step);
    const durationMs = elapsed(started);
    if (!outcome.ok) return this.failed(step, durationMs, outcome);
    const observed = await this.observe(step);
    if ('error' in observed) return { ...blank(step, 'transaction'), durationMs, rows: outcome.rows, ...observed.error };
    const effects = this.state.apply(observed.observation, step.kind, step.expectedLocks);
    // nextval() takes ROW EXCLUSIVE on its sequence; a sequence created here goes away with the rollback.
    for (const lock of effects.locks) if (lock.kind === 'sequence' && lock.mode === 'RowExclusiveLock' && !lock.createdHere) this.sequences.add(lock.relation);
    return { ...blank(step, 'transaction'), durationMs, rows: outcome.rows, ...effects };
  }

  async outside(step: PlannedStatement): Promise<StatementReport> {
    const locks = await this.staticLocks(step);
    const result = await this.hooks.outsideTransaction(step);
    const report: StatementReport = { ...blank(step, result.tracedOn), ...result, locks, error: result.error ?? null };
    if (result.tracedOn === 'not-run') this.notRunLines.push(step.line);
    const equivalent = step.nonTransactional?.inTransaction;
    if (report.error !== null || !this.hooks.applyEquivalents || !equivalent) return report;
    // Apply the change inside the transaction too, and absorb what that did into the known state so
    // that the next statement is not charged with its locks.
    const applied = await this.session.execute(equivalent);
    if (!applied.ok) return { ...report, error: `its effect could not be applied in the dry run's transaction: ${applied.message}`, errorCode: applied.code };
    const observed = await this.observe(step);
    if ('error' in observed) return { ...report, ...observed.error };
    this.state.apply(observed.observation, step.kind);
    return report;
  }

  notes(): string[] {
    const notes: string[] = [];
    if (this.sequences.size) {
      notes.push(`sequences used (${[...this.sequences].sort().join(', ')}) have advanced: a rollback does not undo nextval()`);
    }
    return notes;
  }

  private failed(step: PlannedStatement, durationMs: number, outcome: Extract<StatementOutcome, { ok: false }>): StatementReport {
    const cancelled = this.hooks.cancelled();
    const report: StatementReport = {
      ...blank(step, 'transaction'),
      durationMs,
      error: cancelled ? CANCELLED_MESSAGE : outcome.message,
    };
    if (outcome.code) report.errorCode = outcome.code;
    if (outcome.blockedBy?.length) report.blockedBy = outcome.blockedBy;
    if (!cancelled && this.notRunLines.length) {
      report.note = `line${this.notRunLines.length > 1 ? 's' : ''} ${this.notRunLines.join(', ')} could not run in the dry run's transaction and did not run; this statement may depend on ${this.notRunLines.length > 1 ? 'them' : 'it'}`;
    }
    return report;
  }

  private async observe(step: PlannedStatement): Promise<{ observation: Observation } | { error: { error: string; errorCode?: string } }> {
    let observation: Observation;
    try {
      observation = await this.session.json<Observation>(observeSql(capsSql(this.hooks.caps)));
    } catch (error) {
      const cancelled = this.hooks.cancelled();
      return { error: { error: cancelled ? CANCELLED_MESSAGE : `could not read the locks after the statement: ${(error as Error).message}` } };
    }
    if (observation.xid !== this.snapshot.xid) {
      return { error: { error: `the statement at line ${step.line} ended the dry run's transaction (its transaction id changed); stopped before anything else could run outside it` } };
    }
    return { observation };
  }

  /** Lock modes from the static table, with names resolved in the catalog as it is at this point. */
  private async staticLocks(step: PlannedStatement): Promise<LockReport[]> {
    const out: LockReport[] = [];
    for (const target of step.nonTransactional?.locks ?? []) {
      if (target.of === 'every') {
        out.push(lockReport(target.label ?? 'every table', target.mode, 'table', false, 'static'));
        continue;
      }
      const [rel] = await this.session.json<ResolvedRelation[]>(resolveSql(target.names.slice(-2))).catch(() => [] as ResolvedRelation[]);
      if (!rel) {
        out.push(lockReport(target.names.join('.'), target.mode, target.of === 'index' ? 'index' : 'table', false, 'static'));
        continue;
      }
      if (target.of === 'index' && rel.table !== null && rel.table_schema && rel.table_name) {
        out.push(lockReport(`${rel.table_schema}.${rel.table_name}`, target.mode, 'table', this.state.createdHere(rel.table), 'static'));
      }
      out.push(lockReport(labelOf(rel), target.mode, relationKind(rel.kind), this.state.createdHere(rel.oid), 'static'));
    }
    return out;
  }
}

/** A statement's report before anything about it was observed. */
export function blank(step: PlannedStatement, tracedOn: TracedOn): StatementReport {
  return {
    line: step.line,
    sql: step.sql,
    kind: step.kind,
    durationMs: 0,
    rows: null,
    rowsScanned: 0,
    rowsTouched: 0,
    scanned: [],
    locks: [],
    rewrites: [],
    indexRebuilds: [],
    error: null,
    tracedOn,
  };
}

export function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
