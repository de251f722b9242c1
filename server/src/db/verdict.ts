/**
 * The one-line verdict of a dry run ("rewrites users while blocking reads and writes") and the
 * plain-text rendering of a report for the command line.
 */
import { describeLock, type LockMode } from '../engine/locks/modes';
import { lockStrength } from './catalog-state';
import type { DryRunReport, LockReport, StatementReport } from './report';

/** `public.users` → `users`; other schemas stay qualified. */
const short = (relation: string): string => relation.replace(/^public\./, '');
const list = (names: Iterable<string>): string => [...names].map(short).join(', ');

export function verdictOf(report: Omit<DryRunReport, 'verdict'>): string {
  if (report.status === 'refused') {
    const [first] = report.refused;
    const more = report.refused.length > 1 ? ` (and ${report.refused.length - 1} more)` : '';
    return `refused, nothing was run: line ${first.line}: ${first.reason}${more}`;
  }
  const parts = effectsPhrase(report.statements);
  const last = report.statements[report.statements.length - 1];
  if (report.status === 'failed' && last?.error) {
    const holder = last.blockedBy?.[0];
    const by = holder ? ` (${holder.relation ?? 'the lock'} is held by pid ${holder.pid}${holder.applicationName ? `, ${holder.applicationName}` : ''})` : '';
    const failure = `failed at line ${last.line}: ${last.error}${by}`;
    return parts ? `${parts}; ${failure}` : failure;
  }
  if (report.status === 'cancelled') return parts ? `${parts}; cancelled` : 'cancelled';
  if (report.statements.length === 0) return 'nothing to run';
  return parts || 'blocks neither reads nor writes';
}

function effectsPhrase(statements: StatementReport[]): string {
  const created = new Set<string>();
  const strongest = new Map<string, LockReport>();
  for (const s of statements) {
    for (const lock of s.locks) {
      if (lock.createdHere) created.add(lock.relation);
      if (lock.createdHere || lock.kind === 'index' || lock.kind === 'sequence') continue;
      const prev = strongest.get(lock.relation);
      if (!prev || lockStrength(lock.mode) > lockStrength(prev.mode)) strongest.set(lock.relation, lock);
    }
  }
  const rewritten = new Set(statements.flatMap((s) => s.rewrites).filter((r) => !created.has(r)));
  const scanned = new Set(statements.flatMap((s) => s.scanned).filter((r) => !created.has(r) && !rewritten.has(r)));
  const readsAndWrites = [...strongest.values()].filter((l) => l.blocks.length === 2).map((l) => l.relation);
  const writes = [...strongest.values()].filter((l) => l.blocks.length === 1 && l.blocks[0] === 'writes').map((l) => l.relation);

  const blocking: string[] = [];
  if (readsAndWrites.length) blocking.push(`reads and writes on ${list(readsAndWrites)}`);
  if (writes.length) blocking.push(`writes on ${list(writes)}`);
  const sameTables = readsAndWrites.length === rewritten.size && writes.length === 0 && readsAndWrites.every((r) => rewritten.has(r));

  const out: string[] = [];
  if (rewritten.size) {
    out.push(`rewrites ${list(rewritten)}${sameTables ? ' while blocking reads and writes' : blocking.length ? ` while blocking ${blocking.join(' and ')}` : ''}`);
  } else if (blocking.length) {
    out.push(`blocks ${blocking.join(' and ')}`);
  } else if (statements.some((s) => s.error === null)) {
    out.push('blocks neither reads nor writes');
  }
  if (scanned.size) out.push(`scans ${list(scanned)}`);
  return out.join(', ');
}

export function formatReportText(report: DryRunReport): string {
  const lines: string[] = [];
  lines.push(`${report.file}: ${report.verdict}`);
  const version = report.serverVersion ? ` ${report.serverVersion}` : '';
  const engine = report.engine === 'pglite' ? `PGlite (embedded PostgreSQL${version})` : `PostgreSQL${version}${report.server ? ` at ${report.server}` : ''}`;
  const files = report.history?.files ?? 0;
  const history = files ? `; ${files} earlier migration${files === 1 ? '' : 's'} ${report.history!.cached ? 'loaded from the cache' : 'replayed'}` : '';
  lines.push(`  ${engine}${history}; ${report.status === 'refused' ? 'nothing was run' : 'nothing was committed'}`);
  for (const r of report.refused) lines.push(`  refused line ${r.line}: ${r.reason}`);
  for (const s of report.statements) lines.push(...statementLines(s));
  const later = report.status === 'refused' ? '' : 'later ';
  if (report.notRun > 0) lines.push(`  ${report.notRun} ${later}statement${report.notRun === 1 ? ' was' : 's were'} not run`);
  if (report.statements.some((s) => s.locks.length)) lines.push("  Locks are held until the migration's transaction commits.");
  for (const failure of report.history?.failed.slice(0, 5) ?? []) lines.push(`  history: ${failure.file}:${failure.line}: ${failure.message}`);
  if ((report.history?.failed.length ?? 0) > 5) lines.push(`  history: ${report.history!.failed.length - 5} more statements of earlier migrations failed`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

function statementLines(s: StatementReport): string[] {
  const firstLine = s.sql.split('\n', 1)[0];
  const sql = firstLine.length > 90 ? `${firstLine.slice(0, 87)}...` : firstLine + (s.sql.includes('\n') ? ' ...' : '');
  const timing = s.tracedOn === 'not-run' ? 'not run' : `${s.durationMs} ms`;
  const out = [`  line ${s.line}: ${sql}  (${timing})`];
  // Locks on relations the migration creates, and on indexes next to their table, matter to nobody
  // else; they stay in the JSON report.
  const shown = s.locks.filter((l) => !l.createdHere && (l.kind !== 'index' || !s.locks.some((t) => t.kind !== 'index' && !t.createdHere)));
  for (const lock of shown) {
    const known = lockStrength(lock.mode) >= 0;
    const text = known ? describeLock(lock.mode as LockMode, lock.relation) : `${lock.mode} on ${lock.relation}`;
    const extra = [
      lock.kind === 'index' ? 'index' : '',
      lock.heldBefore ? 'already held since an earlier statement' : '',
      lock.source === 'static' ? "from PostgreSQL's documentation" : '',
    ]
      .filter(Boolean)
      .join('; ');
    out.push(`    ${text}${extra ? ` (${extra})` : ''}`);
  }
  const created = s.locks.filter((l) => l.createdHere).length;
  if (created && !shown.length) out.push(`    locks only what it creates (invisible to other sessions until commit)`);
  if (s.rewrites.length) out.push(`    rewrites ${s.rewrites.join(', ')} (writes a full copy of the table)`);
  if (s.indexRebuilds.length) out.push(`    rebuilds ${s.indexRebuilds.length === 1 ? 'index' : 'indexes'} ${s.indexRebuilds.join(', ')}`);
  if (s.rowsScanned > 0) out.push(`    scanned ${s.rowsScanned} row${s.rowsScanned === 1 ? '' : 's'} of ${s.scanned.join(', ')}`);
  if (s.rows !== null) out.push(`    ${s.rows} row${s.rows === 1 ? '' : 's'}`);
  if (s.error) out.push(`    error${s.errorCode ? ` ${s.errorCode}` : ''}: ${s.error}`);
  for (const b of s.blockedBy ?? []) {
    const holds = b.heldModes.length ? `holds ${b.heldModes.join(', ')}` : 'is ahead in the queue';
    const who = `pid ${b.pid} (${b.applicationName || 'no application_name'}, ${b.state ?? 'unknown state'})`;
    out.push(`    waited for ${b.wantedMode} on ${b.relation ?? 'a row or transaction'}: ${who} ${holds}; its query: ${b.query}`);
  }
  if (s.note) out.push(`    note: ${s.note}`);
  return out;
}
