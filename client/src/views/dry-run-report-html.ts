/**
 * The dry-run report as one HTML page for a webview: the verdict, a timeline grid of which tables
 * have reads and writes blocked at each statement, how the trace compares with the linter, refused
 * statements, and each statement's details. Everything that comes from the migration or the database
 * is escaped; the page loads nothing from outside, and its Content-Security-Policy lets only its own
 * style and script (carrying the nonce) run. Pure: no VS Code API.
 */
import type { LockReport } from '../../../server/src/db/report';
import type { DryRunResult, DryRunStatement, FindingAgreement, StatementAgreement } from '../../../server/src/protocol/dry-run';
import { lockGrid, sqlLockName, type GridCell } from './lock-grid';
import { REPORT_SCRIPT, REPORT_STYLE } from './dry-run-report-assets';

export interface RenderOptions {
  /** A fresh random value per render: only the page's own style and script carry it. */
  nonce: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const short = (relation: string): string => relation.replace(/^public\./, '');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const STATUS: Record<DryRunResult['status'], string> = {
  ok: 'Ran to the end',
  failed: 'Stopped at an error',
  refused: 'Refused: nothing was run',
  cancelled: 'Cancelled',
};

const KIND_LABELS: Record<string, string> = {
  AlterTableStmt: 'ALTER TABLE',
  IndexStmt: 'CREATE INDEX',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  DropStmt: 'DROP',
  UpdateStmt: 'UPDATE',
  InsertStmt: 'INSERT',
  DeleteStmt: 'DELETE',
  SelectStmt: 'SELECT',
  RenameStmt: 'RENAME',
  VariableSetStmt: 'SET',
  ViewStmt: 'CREATE VIEW',
  TruncateStmt: 'TRUNCATE',
  ReindexStmt: 'REINDEX',
  VacuumStmt: 'VACUUM',
  ClusterStmt: 'CLUSTER',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CreateTrigStmt: 'CREATE TRIGGER',
  CreateEnumStmt: 'CREATE TYPE',
  AlterEnumStmt: 'ALTER TYPE',
  CommentStmt: 'COMMENT',
  GrantStmt: 'GRANT',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CreateExtensionStmt: 'CREATE EXTENSION',
  CreateSchemaStmt: 'CREATE SCHEMA',
  DoStmt: 'DO',
  LockStmt: 'LOCK',
  RefreshMatViewStmt: 'REFRESH MAT. VIEW',
  CreatePolicyStmt: 'CREATE POLICY',
};

/** `AlterTableStmt` → ALTER TABLE; unknown kinds spelled out from their node name. */
export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

function blocksPhrase(blocks: readonly string[]): string {
  if (blocks.length === 2) return 'blocks reads and writes';
  if (blocks[0] === 'writes') return 'blocks writes (reads continue)';
  return 'blocks neither reads nor writes';
}

function blockClass(blocks: readonly string[]): string {
  return blocks.length === 2 ? 'rw' : blocks[0] === 'writes' ? 'w' : 'none';
}

export function renderDryRunReport(result: DryRunResult, options: RenderOptions): string {
  const nonce = escapeHtml(options.nonce);
  const title = result.files.length === 1 ? `Dry run: ${result.files[0].name}` : `Dry run: ${plural(result.files.length, 'migration')}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${REPORT_STYLE}</style>
</head>
<body>
${header(result)}
${timeline(result)}
${lintSection(result)}
${refusedSection(result)}
${statementsSection(result)}
${notesSection(result)}
<script nonce="${nonce}">${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

function header(result: DryRunResult): string {
  const version = result.serverVersion ? ` ${result.serverVersion}` : '';
  const engine =
    result.engine === 'pglite'
      ? `PGlite (embedded PostgreSQL${version})`
      : `PostgreSQL${version}${result.connectionLabel ? ` on “${result.connectionLabel}”` : ''}${result.server ? ` (${result.server})` : ''}`;
  const files = result.files.length === 1 ? result.files[0].name : result.files.map((f) => f.name).join(', ');
  const history = result.history?.files
    ? `${plural(result.history.files, 'earlier migration')} ${result.history.cached ? 'loaded from the cache' : 'replayed'}`
    : result.engine === 'pglite'
      ? 'no earlier migrations replayed'
      : '';
  const meta = [files, engine, history, `${Math.round(result.durationMs)} ms`, result.status === 'refused' ? 'nothing was run' : 'nothing was committed'].filter(Boolean);
  return `<header class="report-header">
<div class="status status-${result.status}">${escapeHtml(STATUS[result.status])}</div>
<h1 class="verdict">${escapeHtml(result.verdict)}</h1>
<p class="meta">${meta.map(escapeHtml).join(' · ')}</p>
</header>`;
}

function lineLink(result: DryRunResult, file: number, line: number, text?: string): string {
  const name = result.files.length > 1 ? `${result.files[file]?.name ?? ''} ` : '';
  return `<a href="#" class="goto" data-file="${file}" data-line="${line}">${escapeHtml(text ?? `${name}line ${line}`)}</a>`;
}

function timeline(result: DryRunResult): string {
  if (result.statements.length === 0) return '';
  const grid = lockGrid(result);
  const heads = grid.statements
    .map((s, i) => {
      const classes = ['col', s.error ? 'col-error' : '', s.tracedOn !== 'transaction' ? 'col-outside' : ''].filter(Boolean).join(' ');
      const file = result.files.length > 1 ? `<span class="col-file">${escapeHtml(result.files[s.file]?.name ?? '')}</span>` : '';
      return `<th class="${classes}" scope="col" title="${escapeHtml(firstLine(s.sql))}">${file}<a href="#s${i + 1}" class="col-num">#${i + 1}</a> ${lineLink(result, s.file, s.line, `L${s.line}`)}<span class="col-kind">${escapeHtml(kindLabel(s.kind))}</span>${s.error ? '<span class="col-flag">error</span>' : ''}</th>`;
    })
    .join('');
  const body = grid.rows.length
    ? grid.rows
        .map((row) => `<tr><th scope="row" class="row-head">${escapeHtml(short(row.relation))}${row.kind !== 'table' ? `<span class="row-kind">${escapeHtml(row.kind)}</span>` : ''}</th>${row.cells.map((c, i) => cell(c, row.relation, grid.statements[i])).join('')}</tr>`)
        .join('\n')
    : `<tr><td class="empty-row" colspan="${grid.statements.length + 1}">No statement locked a table that existed before the migration: other sessions were never blocked.</td></tr>`;
  return `<section class="timeline" aria-labelledby="timeline-title">
<h2 id="timeline-title">Timeline: what other sessions could do</h2>
<p class="explain">Rows are the tables other sessions use; columns are the statements in the order they ran. A lock is held from the statement that takes it until the migration's transaction ends (commit or rollback), so it keeps blocking in every later column.${result.files.length > 1 ? ' Each migration commits before the next starts, so locks do not carry from one file to the next.' : ''}</p>
<div class="grid-scroll"><table class="grid">
<thead><tr><th scope="col" class="corner">Table</th>${heads}</tr></thead>
<tbody>
${body}
</tbody>
</table></div>
${legend()}
</section>`;
}

function cell(c: GridCell, relation: string, statement: DryRunStatement): string {
  if (!c.mode && !c.rewritten && !c.scanned) return '<td class="cell cell-free" title="no lock: reads and writes continue"></td>';
  const cls = ['cell', c.mode ? `cell-${blockClass(c.blocks)}` : 'cell-free', c.acquired ? 'cell-acquired' : '', c.held && !c.acquired ? 'cell-held' : '', c.fromDocumentation ? 'cell-doc' : '']
    .filter(Boolean)
    .join(' ');
  const lock = c.mode ? sqlLockName(c.mode) : '';
  const how = c.acquired ? (c.held ? 'taken by this statement (stronger than the lock already held)' : 'taken by this statement') : 'held since an earlier statement';
  const title = [
    c.mode ? `${lock} on ${short(relation)}: ${blocksPhrase(c.blocks)}; ${how}` : `no lock on ${short(relation)}`,
    c.fromDocumentation ? "from PostgreSQL's documentation: the statement ran outside the transaction" : '',
    c.rewritten ? `${short(relation)} is rewritten (a full copy of the table is written)` : '',
    c.scanned ? `${short(relation)} is scanned` : '',
    statement.error ? 'the statement failed' : '',
  ]
    .filter(Boolean)
    .join('\n');
  const marks = [c.acquired ? '<span class="mark mark-new" aria-label="taken here">●</span>' : '', c.rewritten ? '<span class="mark mark-rewrite">rewrite</span>' : '', c.scanned ? '<span class="mark mark-scan">scan</span>' : ''].join('');
  const blocked = c.mode ? `<span class="cell-blocks">${c.blocks.length === 2 ? 'reads + writes' : c.blocks[0] === 'writes' ? 'writes' : '—'}</span>` : '';
  return `<td class="${cls}" title="${escapeHtml(title)}" data-blocks="${c.mode ? blockClass(c.blocks) : 'free'}"><span class="cell-lock">${escapeHtml(lock)}</span>${blocked}${marks}</td>`;
}

function legend(): string {
  return `<ul class="legend" aria-label="Legend">
<li><span class="swatch cell-rw"></span>reads and writes blocked</li>
<li><span class="swatch cell-w"></span>writes blocked, reads continue</li>
<li><span class="swatch cell-none"></span>locked, blocks only other schema changes</li>
<li><span class="swatch cell-free"></span>no lock</li>
<li><span class="mark mark-new">●</span> taken by this statement; a cell without it holds a lock taken earlier</li>
<li><span class="mark mark-rewrite">rewrite</span> table rewritten</li>
<li><span class="mark mark-scan">scan</span> table scanned</li>
<li><span class="swatch cell-doc-swatch"></span>outside the transaction: lock from PostgreSQL's documentation, held only while the statement runs</li>
</ul>`;
}

function agreementClass(outcome: FindingAgreement['outcome']): string {
  return `agree-${outcome}`;
}

function lintSection(result: DryRunResult): string {
  const agreement = result.lintAgreement;
  const findings = agreement.statements.flatMap((s) => s.findings.map((f) => ({ s, f })));
  const mismatches = agreement.statements.flatMap((s) => s.locks.filter((l) => l.verdict !== 'same').map((l) => ({ s, l })));
  if (findings.length === 0 && mismatches.length === 0 && result.status !== 'refused') {
    const compared = agreement.statements.reduce((n, s) => n + s.locks.length, 0);
    return `<section class="lint" aria-labelledby="lint-title"><h2 id="lint-title">Lint compared with the trace</h2><p>No lint finding on the statements that ran${compared ? `, and the ${plural(compared, 'predicted lock')} matched what PostgreSQL took` : ''}.</p></section>`;
  }
  const summary = `${agreement.confirmed} confirmed · ${agreement.contradicted} contradicted · ${agreement.notChecked} not observable by a dry run`;
  const items = findings.map(({ s, f }) => `<li class="${agreementClass(f.outcome)}">${lineLink(result, s.file, s.line)}: <span class="agree-text">${escapeHtml(f.text)}</span></li>`);
  const lockItems = mismatches.map(({ s, l }) => `<li class="agree-locks">${lineLink(result, s.file, s.line)}: <span class="agree-text">${escapeHtml(lockComparisonText(l))}</span></li>`);
  return `<section class="lint" aria-labelledby="lint-title">
<h2 id="lint-title">Lint compared with the trace</h2>
<p class="summary">${escapeHtml(summary)}</p>
<ul class="agreement">${[...items, ...lockItems].join('\n')}</ul>
</section>`;
}

function lockComparisonText(l: StatementAgreement['locks'][number]): string {
  const rel = short(l.relation);
  switch (l.verdict) {
    case 'same':
      return `${sqlLockName(l.observed!)} on ${rel}, as predicted`;
    case 'stronger':
    case 'weaker':
      return `predicted ${sqlLockName(l.expected!)} on ${rel}, observed ${sqlLockName(l.observed!)} (${l.verdict})`;
    case 'missing':
      return `predicted ${sqlLockName(l.expected!)} on ${rel}, not observed`;
    case 'unexpected':
      return `observed ${sqlLockName(l.observed!)} on ${rel}, not predicted`;
  }
}

function refusedSection(result: DryRunResult): string {
  if (result.refused.length === 0) return '';
  return `<section class="refused" aria-labelledby="refused-title">
<h2 id="refused-title">Refused statements</h2>
<p>The dry run refuses a file with these statements before running anything: they would end its transaction, need input it cannot give, or act outside the database.</p>
<ul>${result.refused.map((r) => `<li>${lineLink(result, r.file, r.line)}: ${escapeHtml(r.reason)}</li>`).join('\n')}</ul>
</section>`;
}

function statementsSection(result: DryRunResult): string {
  if (result.statements.length === 0) return '';
  const byLine = new Map(result.lintAgreement.statements.map((s) => [`${s.file}:${s.line}`, s]));
  const later = result.notRun > 0 ? `<p class="not-run">${escapeHtml(`${plural(result.notRun, 'later statement')} ${result.notRun === 1 ? 'was' : 'were'} not run.`)}</p>` : '';
  return `<section class="statements" aria-labelledby="statements-title">
<h2 id="statements-title">Statements</h2>
${result.statements.map((s, i) => statementCard(result, s, i, byLine.get(`${s.file}:${s.line}`))).join('\n')}
${later}
</section>`;
}

function statementCard(result: DryRunResult, s: DryRunStatement, i: number, agreement: StatementAgreement | undefined): string {
  const timing = s.tracedOn === 'not-run' ? 'not run' : `${s.durationMs} ms`;
  const facts = [timing, s.rows !== null ? plural(s.rows, 'row') : '', s.tracedOn === 'pglite-copy' ? 'ran outside the transaction, on a throw-away copy' : '', s.tracedOn === 'not-run' ? 'cannot run in a transaction: not run on the server' : '']
    .filter(Boolean)
    .map(escapeHtml)
    .join(' · ');
  const parts: string[] = [];
  if (s.locks.length) parts.push(locksTable(s.locks));
  else if (s.tracedOn !== 'not-run' && !s.error) parts.push('<p class="fact">Took no lock on any table.</p>');
  if (s.rewrites.length) parts.push(`<p class="fact fact-bad">Rewrites ${escapeHtml(s.rewrites.map(short).join(', '))}: writes a full copy of the table while holding its lock.</p>`);
  if (s.indexRebuilds.length) parts.push(`<p class="fact">Rebuilds ${s.indexRebuilds.length === 1 ? 'index' : 'indexes'} ${escapeHtml(s.indexRebuilds.map(short).join(', '))}.</p>`);
  if (s.rowsScanned > 0 || s.scanned.length) parts.push(`<p class="fact">Scanned ${escapeHtml(plural(s.rowsScanned, 'row'))} of ${escapeHtml(s.scanned.map(short).join(', ') || 'the locked tables')}.</p>`);
  if (s.rowsTouched > 0) parts.push(`<p class="fact">Changed ${escapeHtml(plural(s.rowsTouched, 'row'))}.</p>`);
  if (s.error) parts.push(`<p class="error">Error${s.errorCode ? ` ${escapeHtml(s.errorCode)}` : ''}: ${escapeHtml(s.error)}</p>`);
  for (const b of s.blockedBy ?? []) {
    const holds = b.heldModes.length ? `holds ${b.heldModes.map(sqlLockName).join(', ')}` : 'is ahead in the queue';
    parts.push(`<p class="blocker">Waited for ${escapeHtml(sqlLockName(b.wantedMode))} on ${escapeHtml(b.relation ?? 'a row or transaction')}: pid ${b.pid} (${escapeHtml(b.applicationName || 'no application_name')}, ${escapeHtml(b.state ?? 'unknown state')}) ${escapeHtml(holds)}; its query: <code>${escapeHtml(b.query)}</code></p>`);
  }
  if (s.note) parts.push(`<p class="note">${escapeHtml(s.note)}</p>`);
  if (agreement) {
    const lines = [
      ...agreement.findings.map((f) => `<li class="${agreementClass(f.outcome)}">${escapeHtml(f.text)}</li>`),
      ...agreement.locks.map((l) => `<li class="${l.verdict === 'same' ? 'agree-confirmed' : 'agree-locks'}">${escapeHtml(lockComparisonText(l))}</li>`),
    ];
    if (lines.length) parts.push(`<ul class="agreement">${lines.join('')}</ul>`);
  }
  const file = result.files.length > 1 ? `<span class="stmt-file">${escapeHtml(result.files[s.file]?.name ?? '')}</span> ` : '';
  return `<article class="stmt${s.error ? ' stmt-error' : ''}" id="s${i + 1}">
<h3><span class="stmt-num">#${i + 1}</span> ${file}${lineLink(result, s.file, s.line)} <span class="stmt-kind">${escapeHtml(kindLabel(s.kind))}</span> <span class="stmt-facts">${facts}</span></h3>
<pre class="sql"><code>${escapeHtml(s.sql)}</code></pre>
${parts.join('\n')}
</article>`;
}

function locksTable(locks: LockReport[]): string {
  const rows = locks.map((l) => {
    const notes = [
      l.createdHere ? 'created by this migration: invisible to other sessions until commit' : '',
      l.heldBefore ? 'already held since an earlier statement' : '',
      l.source === 'static' ? "from PostgreSQL's documentation" : '',
    ]
      .filter(Boolean)
      .join('; ');
    const blocks = l.createdHere ? 'nobody (new)' : blocksPhrase(l.blocks);
    return `<tr class="lock-${l.createdHere ? 'new' : blockClass(l.blocks)}"><td>${escapeHtml(short(l.relation))}<span class="lock-kind">${escapeHtml(l.kind)}</span></td><td>${escapeHtml(sqlLockName(l.mode))}</td><td>${escapeHtml(blocks)}</td><td>${escapeHtml(notes)}</td></tr>`;
  });
  return `<table class="locks"><thead><tr><th>Relation</th><th>Lock</th><th>Blocks</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function notesSection(result: DryRunResult): string {
  const notes = [...result.notes];
  for (const failure of result.history?.failed.slice(0, 10) ?? []) notes.push(`earlier migration ${failure.file} line ${failure.line}: ${failure.message}`);
  if ((result.history?.failed.length ?? 0) > 10) notes.push(`${result.history!.failed.length - 10} more statements of earlier migrations failed`);
  if (notes.length === 0) return '';
  return `<section class="notes" aria-labelledby="notes-title"><h2 id="notes-title">Notes</h2><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>`;
}

function firstLine(sql: string): string {
  const line = sql.split('\n', 1)[0];
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
