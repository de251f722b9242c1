/**
 * Every flagged fixture of the rule tests, fixed as an editor fixes it. For each finding of an
 * invalid case of a rule with an autofix or a multi-step rewrite plan (PLANNED_RULES, so new
 * generators are picked up by themselves): lay the case out as a migration history in a workspace,
 * open it in the real language server, wait for the diagnostic, take the preferred quick fix or the
 * "Rewrite as a safe multi-step migration…" action (resolved), apply its WorkspaceEdit to the files,
 * and lint the whole history again with the CLI. The finding must be gone, everything must parse, and
 * no warning or error may be new. Findings that get no action are listed below with the reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type ClientCapabilities, type CodeAction, type Diagnostic, type Range, type WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { loadPostgresParser, RULE_IDS } from '../../server/src/engine/index';
import { PLAN_ACTION_TITLE } from '../../server/src/lsp/handlers/plans';
import { parseJsonReport, useBuiltCli, writeFiles, type JsonFinding } from '../cli/helpers';
import { lintForTest } from '../rules/tester';
import { actionKinds, candidateHistories, collectRuleCases, fixTrials, HISTORY_FOLDER, unreproducible, type ActionKind, type FixTrial, type TrialHistory } from './fix-fixtures';
import { describeFinding, fixProblems } from './fix-verdict';
import { applyWorkspaceEdit, type AppliedWorkspaceEdit } from './fix-workspace-edit';
import { LspTestClient } from './harness';

/**
 * Findings that get no action of the kind, and why. The suite fails when one not listed here gets
 * none, and when one listed here gets one (then remove it). For a plan, "none" includes the editor's
 * case of an offered rewrite whose resolve is refused: the action is offered for every diagnostic of
 * a planned rule and made on resolve, so the refusal is what the user sees.
 */
const NO_ACTION: { rule: string; case: string; kind: ActionKind; finding?: number; reason: string }[] = [
  // The rule offers no autofix on purpose (its rule test says so, or the text cannot take one).
  { rule: 'constraint-not-valid', case: 'no autofix on a partitioned table (NOT VALID foreign keys are rejected there)', kind: 'autofix', reason: 'NOT VALID foreign keys are rejected on partitioned tables' },
  { rule: 'create-index-concurrently', case: 'CREATE INDEX CONCURRENTLY i ON users (email);', kind: 'autofix', reason: 'already CONCURRENTLY: the finding is about 14.0–14.3 corrupting concurrent builds' },
  { rule: 'create-index-concurrently', case: 'no autofix inside BEGIN … COMMIT (CONCURRENTLY would fail there)', kind: 'autofix', reason: 'CONCURRENTLY fails inside a transaction block' },
  { rule: 'create-index-concurrently', case: 'no autofix when the runner wraps the file in a transaction', kind: 'autofix', reason: 'CONCURRENTLY fails inside a transaction block' },
  { rule: 'drop-index-concurrently', case: 'a primary key from the history', kind: 'autofix', reason: 'the index backs a constraint: DROP INDEX fails, concurrently or not' },
  { rule: 'drop-index-concurrently', case: 'the table comes from the CREATE INDEX earlier in the file; CASCADE stays outside the range', kind: 'autofix', reason: 'CONCURRENTLY does not take CASCADE' },
  { rule: 'drop-index-concurrently', case: 'DROP INDEX a_idx, app.b_idx;', kind: 'autofix', reason: 'CONCURRENTLY drops one index only' },
  { rule: 'drop-index-concurrently', case: 'the index of a primary key cannot be dropped, concurrently or not', kind: 'autofix', reason: 'the index backs a constraint' },
  { rule: 'drop-index-concurrently', case: 'CREATE TABLE t (email text, CONSTRAINT t_email_uniq UNIQUE (email))…', kind: 'autofix', reason: 'the index backs a constraint' },
  { rule: 'drop-index-concurrently', case: "an unnamed UNIQUE constraint gets PostgreSQL's default index name", kind: 'autofix', reason: 'the index backs a constraint' },
  { rule: 'drop-index-concurrently', case: 'no autofix for several indexes (CONCURRENTLY takes one)', kind: 'autofix', reason: 'CONCURRENTLY drops one index only' },
  { rule: 'drop-index-concurrently', case: 'no autofix with CASCADE', kind: 'autofix', reason: 'CONCURRENTLY does not take CASCADE' },
  { rule: 'drop-index-concurrently', case: 'no autofix inside a transaction', kind: 'autofix', reason: 'CONCURRENTLY fails inside a transaction block' },
  { rule: 'drop-index-concurrently', case: 'no autofix for an index backing a constraint', kind: 'autofix', reason: 'the index backs a constraint' },
  { rule: 'drop-index-concurrently', case: 'no autofix for the index of a partitioned table (CONCURRENTLY cannot drop it)', kind: 'autofix', reason: 'CONCURRENTLY cannot drop the index of a partitioned table' },
  { rule: 'idempotent-ddl', case: 'CREATE INDEX ON users (email);', kind: 'autofix', reason: 'IF NOT EXISTS needs an index name' },
  { rule: 'json-column', case: 'ALTER TABLE events ADD COLUMN tags pg_catalog.json[], ADD COLUMN n …', kind: 'autofix', reason: 'schema-qualified type' },
  { rule: 'json-column', case: 'no autofix for a schema-qualified type', kind: 'autofix', reason: 'schema-qualified type' },
  { rule: 'multiple-alter-table', case: 'not adjacent, schema-qualified', kind: 'autofix', reason: 'the ALTERs are not adjacent' },
  { rule: 'multiple-alter-table', case: 'no autofix when a comment sits between them', kind: 'autofix', reason: 'a comment between the statements would be lost' },
  { rule: 'multiple-alter-table', case: 'no autofix when a trailing comment would be swallowed', kind: 'autofix', reason: 'a trailing comment would be swallowed' },
  { rule: 'multiple-alter-table', case: 'no autofix when the heads differ (ONLY)', kind: 'autofix', reason: 'ALTER TABLE and ALTER TABLE ONLY differ' },
  { rule: 'multiple-alter-table', case: 'no autofix when not adjacent', kind: 'autofix', reason: 'the ALTERs are not adjacent' },

  // The generator declines the statement (its documented limits).
  { rule: 'add-column-not-null-no-default', case: 'DEFAULT NULL fills nothing', kind: 'plan', reason: 'only a bare NOT NULL is planned; DEFAULT NULL is another inline constraint' },
  { rule: 'add-column-not-null-no-default', case: 'a primary key column is NOT NULL too', kind: 'plan', reason: 'PRIMARY KEY has a recipe of its own' },
  { rule: 'add-column-not-null-no-default', case: 'only the offending subcommand is marked', kind: 'plan', reason: 'other subcommands in the same ALTER TABLE' },
  { rule: 'add-column-serial', case: 'only the offending subcommand is marked', kind: 'plan', reason: 'other subcommands in the same ALTER TABLE' },
  { rule: 'add-column-stored-generated', case: 'only the offending subcommand is marked', kind: 'plan', reason: 'other subcommands in the same ALTER TABLE' },
  { rule: 'add-column-volatile-default', case: 'multi-byte text keeps columns exact', kind: 'plan', reason: 'other subcommands in the same ALTER TABLE' },
  { rule: 'add-primary-key', case: 'but not before PostgreSQL 12', kind: 'plan', reason: 'before 12 a validated CHECK does not spare the NOT NULL scan' },
  { rule: 'add-primary-key', case: 'USING INDEX still sets nullable columns NOT NULL', kind: 'plan', reason: 'USING INDEX is not planned' },
  { rule: 'add-unique-constraint', case: 'only the offending subcommand is marked', kind: 'plan', reason: 'other subcommands in the same ALTER TABLE' },
  { rule: 'alter-column-type', case: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;', kind: 'plan', reason: 'the column is the primary key the backfill is batched by' },
  { rule: 'alter-column-type', case: 'a computed USING', kind: 'plan', reason: 'a USING other than a cast of the column' },
  { rule: 'alter-column-type', case: 'the old type is unknown when the table is not in the history', kind: 'plan', reason: 'no table in the fixture (with one made up, bigint to bigint is no finding)' },
  { rule: 'alter-column-type', case: 'the old type is unknown when the history lacks the column', kind: 'plan', reason: 'the column is not in the fixture history' },
  { rule: 'alter-column-type', case: 'timestamp to timestamptz depends on the session time zone', kind: 'plan', reason: 'only rewrite findings are planned' },
  { rule: 'alter-column-type', case: 'a collation change rebuilds the indexes', kind: 'plan', reason: 'only rewrite findings are planned' },
  { rule: 'alter-column-type', case: 'a CHECK on the column is verified again', kind: 'plan', reason: 'only rewrite findings are planned' },
  { rule: 'concurrently-in-transaction', case: 'VACUUM, CREATE DATABASE and ALTER SYSTEM', kind: 'plan', finding: 1, reason: 'CREATE DATABASE is outside the history' },
  { rule: 'concurrently-in-transaction', case: 'VACUUM, CREATE DATABASE and ALTER SYSTEM', kind: 'plan', finding: 2, reason: 'ALTER SYSTEM is outside the history' },
  { rule: 'concurrently-in-transaction', case: 'multi-byte text before the statement keeps columns exact', kind: 'plan', reason: 'DROP DATABASE is outside the history' },
  { rule: 'constraint-not-valid', case: 'a self-reference names the table once', kind: 'plan', reason: 'unnamed constraint: VALIDATE needs its name' },
  { rule: 'domain-constraint', case: 'ALTER DOMAIN app.positive_int ADD CHECK (VALUE > 0);', kind: 'plan', reason: 'unnamed constraint: VALIDATE needs its name' },
  { rule: 'domain-constraint', case: 'CREATE DOMAIN positive_int AS int NOT NULL CONSTRAINT positive CHEC…', kind: 'plan', reason: 'a new domain has no values to validate later' },
  { rule: 'domain-constraint', case: '-- 😀 CREATE DOMAIN "ćode" AS text CHECK (VALUE ~ \'^[A-Z]{2}$\');', kind: 'plan', reason: 'a new domain has no values to validate later' },
  { rule: 'constraint-not-valid', case: 'no autofix on a partitioned table (NOT VALID foreign keys are rejected there)', kind: 'plan', reason: 'NOT VALID foreign keys are rejected on partitioned tables before PostgreSQL 18' },
  { rule: 'concurrently-in-transaction', case: 'assumeInTransaction from the configuration', kind: 'plan', reason: 'a plain history whose runner wraps every file: no file can run outside a transaction' },
  { rule: 'constraint-not-valid', case: 'only the offending subcommand is marked', kind: 'plan', reason: 'unnamed constraint: VALIDATE needs its name' },
  { rule: 'constraint-not-valid', case: 'a table from the history is existing', kind: 'plan', reason: 'unnamed constraint: VALIDATE needs its name' },
  { rule: 'constraint-not-valid', case: 'autofix: NOT VALID after NO INHERIT', kind: 'plan', reason: 'unnamed constraint: VALIDATE needs its name' },
  { rule: 'constraint-not-valid', case: 'autofix: two constraints in one statement', kind: 'plan', reason: 'unnamed constraints: VALIDATE needs their names' },
  { rule: 'create-index-concurrently', case: 'CREATE INDEX CONCURRENTLY i ON users (email);', kind: 'plan', reason: 'already CONCURRENTLY: the finding is about 14.0–14.3' },
  { rule: 'expand-and-contract-same-migration', case: 'a swap: the new column takes the old name in the same migration', kind: 'plan', reason: 'the replacement is used elsewhere in the migration (renamed back)' },
  { rule: 'expand-and-contract-same-migration', case: 'a table copied and dropped in one migration', kind: 'plan', reason: 'a table replaced by a copy is left to a person' },
  { rule: 'fk-missing-index', case: 'ALTER TABLE … ADD CONSTRAINT and ADD COLUMN … REFERENCES on a table created in the file', kind: 'plan', finding: 1, reason: 'the fixture table has no author_id column' },
  { rule: 'mixed-ddl-dml', case: 'COPY FROM is a data change', kind: 'plan', reason: 'COPY … FROM stdin data cannot be moved' },
  { rule: 'rename-column', case: 'a view column is read by running code too', kind: 'plan', reason: 'a view, not a table' },
  { rule: 'rename-table', case: 'a view under the old name that reads another table is not a compatibility view', kind: 'plan', reason: 'the migration itself creates a view under the old name' },
  { rule: 'rename-table', case: 'the new name in another schema is not the renamed table', kind: 'plan', reason: 'the migration itself creates a view under the old name' },
  { rule: 'set-not-null', case: 'PostgreSQL 11 ignores the validated check', kind: 'plan', reason: 'before 12 a validated CHECK does not spare the scan' },
  { rule: 'set-not-null', case: 'only the offending subcommand is marked', kind: 'plan', reason: 'other subcommands in the same ALTER TABLE' },
  { rule: 'set-not-null', case: 'ADD CONSTRAINT … NOT NULL without NOT VALID scans too (PostgreSQL 18)', kind: 'plan', reason: 'only ALTER COLUMN … SET NOT NULL is planned, not ADD CONSTRAINT … NOT NULL' },
  { rule: 'unbatched-backfill', case: 'a join is not a key range', kind: 'plan', reason: 'UPDATE … FROM (a join) is not planned' },
  // No rewrite plan: the generator declines where the concurrent form is impossible or not needed.
  { rule: 'detach-partition', case: 'before 14 there is no CONCURRENTLY', kind: 'plan', reason: 'DETACH … CONCURRENTLY exists from PostgreSQL 14' },
  { rule: 'drop-index-concurrently', case: 'a primary key from the history', kind: 'plan', reason: 'the index backs a constraint: DROP INDEX fails, concurrently or not' },
  { rule: 'drop-index-concurrently', case: 'the table comes from the CREATE INDEX earlier in the file; CASCADE stays outside the range', kind: 'plan', reason: 'CONCURRENTLY does not take CASCADE' },
  { rule: 'drop-index-concurrently', case: 'DROP INDEX a_idx, app.b_idx;', kind: 'plan', reason: 'CONCURRENTLY drops one index only' },
  { rule: 'drop-index-concurrently', case: 'the index of a primary key cannot be dropped, concurrently or not', kind: 'plan', reason: 'the index backs a constraint' },
  { rule: 'drop-index-concurrently', case: 'CREATE TABLE t (email text, CONSTRAINT t_email_uniq UNIQUE (email))…', kind: 'plan', reason: 'the index backs a constraint' },
  { rule: 'drop-index-concurrently', case: "an unnamed UNIQUE constraint gets PostgreSQL's default index name", kind: 'plan', reason: 'the index backs a constraint' },
  { rule: 'drop-index-concurrently', case: 'no autofix for several indexes (CONCURRENTLY takes one)', kind: 'plan', reason: 'CONCURRENTLY drops one index only' },
  { rule: 'drop-index-concurrently', case: 'no autofix with CASCADE', kind: 'plan', reason: 'CONCURRENTLY does not take CASCADE' },
  { rule: 'drop-index-concurrently', case: 'no autofix for an index backing a constraint', kind: 'plan', reason: 'the index backs a constraint' },
  { rule: 'drop-index-concurrently', case: 'no autofix for the index of a partitioned table (CONCURRENTLY cannot drop it)', kind: 'plan', reason: 'CONCURRENTLY cannot drop an index of a partitioned table' },
  { rule: 'reindex-concurrently', case: 'REINDEX (CONCURRENTLY false) TABLE users;', kind: 'plan', reason: 'the option list switches CONCURRENTLY off: adding it as well would contradict it' },
  { rule: 'reindex-concurrently', case: 'REINDEX SCHEMA app;', kind: 'plan', reason: 'only REINDEX INDEX and REINDEX TABLE are planned' },
  { rule: 'reindex-concurrently', case: 'before 12 there is no online form', kind: 'plan', reason: 'REINDEX CONCURRENTLY exists from PostgreSQL 12' },
  { rule: 'reindex-concurrently', case: 'REINDEX TABLE CONCURRENTLY users;', kind: 'plan', reason: 'already CONCURRENTLY: the finding is about 14.0–14.3 corrupting concurrent rebuilds' },
  { rule: 'reindex-concurrently', case: 'REINDEX INDEX CONCURRENTLY users_email_idx;', kind: 'plan', reason: 'already CONCURRENTLY: the finding is about 14.0–14.3 corrupting concurrent rebuilds' },
];

/** A client that applies edits with file creation and resolves code actions lazily, as VS Code does. */
const CAPABILITIES: ClientCapabilities = {
  window: { workDoneProgress: true },
  workspace: {
    configuration: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceFolders: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
  },
  textDocument: {
    publishDiagnostics: { versionSupport: true },
    codeAction: { resolveSupport: { properties: ['edit'] }, isPreferredSupport: true, dataSupport: true },
  },
};

/** Findings the server works on at once: enough to keep it busy while this process applies edits. */
const IN_FLIGHT = 8;

interface Outcome {
  /** The workspace folder of the trial. */
  dir: string;
  history?: TrialHistory;
  /** Why the trial could not get as far as an action (setup, diagnostic, protocol error). */
  failed?: string;
  /** The diagnostic's range, as the server published it. */
  range?: Range;
  /** Why no action of the kind was offered. */
  noAction?: string;
  action?: string;
  applied?: AppliedWorkspaceEdit;
  before?: JsonFinding[];
  after?: JsonFinding[];
  problems?: string[];
}

const trials = fixTrials(collectRuleCases());
const cli = useBuiltCli();
const listed = (t: FixTrial) => NO_ACTION.find((n) => n.rule === t.rule && n.case === t.caseName && n.kind === t.kind && (n.finding === undefined || n.finding === t.finding));
const trialName = (t: FixTrial) => `${t.caseName}${t.case.errors.length > 1 ? ` [finding ${t.finding + 1}]` : ''} (${t.kind})`;

/** The first candidate history in which the rule flags exactly what the case expects, linted by the engine. */
function chooseHistory(t: FixTrial): TrialHistory | string {
  const why = unreproducible(t.case);
  if (why) return why;
  const expected = t.case.errors.map((e) => `${e.line}:${e.column}`).join(' ');
  const seen: string[] = [];
  for (const h of candidateHistories(t.case)) {
    const found = lintForTest({ sql: t.case.sql, files: h.files, path: h.path, framework: h.config.framework as never, config: t.case.config, pg: t.case.pg })
      .filter((f) => f.rule === t.rule)
      .map((f) => `${f.line}:${f.column}`)
      .join(' ');
    if (found === expected) return h;
    seen.push(`${h.setup}: ${found || 'nothing'}`);
  }
  return `no workspace layout reproduces the case's findings (${expected}); the rule flags ${seen.join('; ')}`;
}

/** Lints the trials' histories with the CLI in one run; findings by trial folder. */
function lintHistories(root: string, dirs: string[]): Map<string, JsonFinding[]> {
  const run = cli.run(['lint', '--format', 'json', '--exit-zero', ...dirs.map((d) => join(d, HISTORY_FOLDER))], { cwd: root, timeoutMs: 120_000 });
  assert.equal(run.status, 0, `the CLI failed: ${run.stderr}`);
  const byDir = new Map<string, JsonFinding[]>(dirs.map((d) => [d, []]));
  for (const f of parseJsonReport(run.stdout)) {
    const file = resolve(root, f.file);
    const dir = dirs.find((d) => file.startsWith(`${d}/`));
    if (dir) byDir.get(dir)!.push({ ...f, file });
  }
  return byDir;
}

/** Opens the case's file, asks for the actions at its diagnostic and applies the chosen one to disk. */
async function fixInEditor(client: LspTestClient, t: FixTrial, o: Outcome): Promise<void> {
  const path = join(o.dir, HISTORY_FOLDER, o.history!.path);
  const uri = pathToFileURL(path).href;
  await client.open(uri, t.case.sql, 1);
  try {
    const published = await client.diagnosticsFor(uri, 1, 60_000);
    const at = { line: t.expected.line - 1, character: t.expected.column - 1 };
    const diagnostic: Diagnostic | undefined = published.diagnostics.find((d) => d.code === t.rule && d.range.start.line === at.line && d.range.start.character === at.character);
    if (!diagnostic) {
      o.failed = `the server published no ${t.rule} diagnostic at ${t.expected.line}:${t.expected.column}; it published: ${published.diagnostics.map((d) => `${d.code} ${d.range.start.line + 1}:${d.range.start.character + 1}`).join(', ') || 'none'}`;
      return;
    }
    o.range = diagnostic.range;
    const actions = ((await client.codeActions(uri, diagnostic.range, { diagnostics: [diagnostic], only: [CodeActionKind.QuickFix] })) ?? []) as CodeAction[];
    let edit: WorkspaceEdit | undefined;
    if (t.kind === 'autofix') {
      const preferred = actions.filter((a) => a.isPreferred);
      if (preferred.length > 1) o.failed = `${preferred.length} preferred quick fixes: ${preferred.map((a) => a.title).join(', ')}`;
      edit = preferred[0]?.edit;
      o.action = preferred[0]?.title;
      if (!edit) o.noAction = `no preferred quick fix; offered: ${actions.map((a) => a.title).join(', ') || 'nothing'}`;
    } else {
      const plan = actions.find((a) => a.title === PLAN_ACTION_TITLE);
      o.action = plan?.title;
      if (!plan) o.noAction = `no "${PLAN_ACTION_TITLE}" action; offered: ${actions.map((a) => a.title).join(', ') || 'nothing'}`;
      else {
        try {
          edit = (await client.connection.sendRequest<CodeAction>('codeAction/resolve', plan)).edit;
          if (!edit) o.noAction = 'the rewrite resolved without an edit';
        } catch (error) {
          o.noAction = `offered, but resolving it fails: ${(error as Error).message}`;
        }
      }
    }
    if (edit && !o.failed) o.applied = applyWorkspaceEdit(edit, (u) => (u === uri ? 1 : undefined));
  } catch (error) {
    o.failed = `${(error as Error).message}`.slice(0, 2000);
  } finally {
    await client.close(uri);
  }
}

describe('every flagged rule fixture, fixed in the editor', () => {
  const root = mkdtempSync(join(tmpdir(), 'safe-migrations-fix-every-finding-'));
  const outcomes = new Map<number, Outcome>();

  before(async () => {
    await loadPostgresParser();
    const chosen = new Map<object, TrialHistory | string>();
    for (const t of trials) {
      if (!chosen.has(t.case)) chosen.set(t.case, chooseHistory(t));
      const history = chosen.get(t.case)!;
      const dir = join(root, String(t.id).padStart(3, '0'));
      const o: Outcome = { dir };
      outcomes.set(t.id, o);
      if (typeof history === 'string') {
        o.failed = history;
        continue;
      }
      o.history = history;
      writeFiles(dir, {
        'safe-migrations.config.json': JSON.stringify(history.config),
        ...Object.fromEntries(Object.entries(history.files).map(([p, text]) => [`${HISTORY_FOLDER}/${p}`, text])),
      });
    }
    const ready = trials.map((t) => outcomes.get(t.id)!).filter((o) => !o.failed);
    const beforeFix = lintHistories(root, ready.map((o) => o.dir));
    for (const o of ready) o.before = beforeFix.get(o.dir);

    const client = await LspTestClient.start({ settings: () => ({}), capabilities: CAPABILITIES, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'fixtures' }] });
    try {
      const queue = trials.filter((t) => !outcomes.get(t.id)!.failed);
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (let t = queue.shift(); t; t = queue.shift()) await fixInEditor(client, t, outcomes.get(t.id)!);
        }),
      );
    } finally {
      await client.stop();
    }

    const fixed = trials.filter((t) => outcomes.get(t.id)!.applied);
    const afterFix = lintHistories(root, fixed.map((t) => outcomes.get(t.id)!.dir));
    for (const t of fixed) {
      const o = outcomes.get(t.id)!;
      o.after = afterFix.get(o.dir);
      const path = join(o.dir, HISTORY_FOLDER, o.history!.path);
      const { start, end } = o.range!;
      o.problems = fixProblems(
        { rule: t.rule, path, text: t.case.sql, edits: o.applied!.edited.get(path) ?? [], line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 },
        o.before!,
        o.after!,
        (p) => readFileSync(p, 'utf8'),
      );
    }
  }, { timeout: 300_000 });

  after(() => {
    // For routing failures: every trial's outcome as JSON, and the workspaces to look at.
    const report = process.env.SAFE_MIGRATIONS_FIX_REPORT;
    if (report) {
      const rows = trials.map((t) => {
        const { dir, history, failed, noAction, action, problems } = outcomes.get(t.id) ?? {};
        return { rule: t.rule, case: t.caseName, finding: t.finding, kind: t.kind, listed: listed(t)?.reason, dir, setup: history?.setup, failed, noAction, action, problems };
      });
      writeFileSync(report, JSON.stringify(rows, null, 2));
    }
    if (!report) rmSync(root, { recursive: true, force: true });
  });

  it('covers every rule with an autofix or a rewrite plan', () => {
    const fixable = [...RULE_IDS].flatMap((rule) => actionKinds(rule).map((kind) => `${rule} (${kind})`));
    assert.ok(fixable.some((k) => k.endsWith('(autofix)')) && fixable.some((k) => k.endsWith('(plan)')), 'no rule has an autofix or a plan');
    const tried = new Set(trials.map((t) => `${t.rule} (${t.kind})`));
    assert.deepEqual(fixable.filter((k) => !tried.has(k)), [], 'rules with an action but no flagged fixture in test/rules');
  });

  it('lists only findings that exist', () => {
    const stale = NO_ACTION.filter((n) => !trials.some((t) => t.rule === n.rule && t.caseName === n.case && t.kind === n.kind && (n.finding === undefined || n.finding === t.finding)));
    assert.deepEqual(stale, [], 'entries of NO_ACTION that match no fixture finding');
  });

  for (const rule of [...new Set(trials.map((t) => t.rule))].sort()) {
    describe(rule, () => {
      for (const t of trials.filter((x) => x.rule === rule)) {
        it(trialName(t), () => {
          const o = outcomes.get(t.id)!;
          const where = `(workspace ${o.dir}, ${o.history?.setup ?? 'no setup'})`;
          assert.equal(o.failed, undefined, `${o.failed} ${where}`);
          const exempt = listed(t);
          if (o.noAction !== undefined) {
            assert.ok(exempt, `no ${t.kind} is offered: ${o.noAction} ${where}`);
            return;
          }
          assert.equal(exempt, undefined, `"${o.action}" is offered now: remove the entry from NO_ACTION (${exempt?.reason})`);
          if (o.problems!.length > 0) {
            const before = o.before!.filter((f) => f.severity === 'warning' || f.severity === 'error').map(describeFinding);
            assert.fail(`after "${o.action}" ${where}:\n- ${o.problems!.join('\n- ')}\nwarnings and errors before the fix:\n- ${before.join('\n- ')}`);
          }
        });
      }
    });
  }
});
